import { AppError } from '../core/errors.js';

/** Bad arguments: exit code 2, one line on stderr, nothing charged. */
export class UsageError extends AppError {
  constructor(message: string) {
    super('usage', message);
  }
}

export const USAGE = `Usage: nano-imagine <command>

  generate "<prompt>" [--ratio R] [--resolution 1K|2K|4K] [--model M] [--count N]
                      [--ref FILE]... [--out PATH] [--account NAME] [--json]
  credits show [account] [--json]
  credits grant <account> <amount> [--reason TEXT] [--json]
  credits set <account> <amount> [--reason TEXT] [--json]
  jobs list [--account A] [--limit N] [--json]
  db backup FILE | db migrate | db check [--json]
  db copy --to postgres://user:password@host/db [--json]   (a SQLite database into an empty PostgreSQL one)
  doctor
  discord register

Accounts: discord:<userId>, slack:<teamId>:<userId>, cli:<name> (a bare name means cli:<name>).
Exit codes: 0 success, 1 failure at run time, 2 bad arguments or configuration.`;

/**
 * Parses a whole number given on the command line. Digits past `max` (or past what a number holds
 * exactly) are "too large", never mistaken for a small number.
 */
export function parseWhole(value: string | undefined, what: string, min = 0, max?: number): number {
  if (value === undefined || !/^\d+$/.test(value)) throw new UsageError(`${what} must be a whole number, got ${JSON.stringify(value ?? '')}`);
  const n = Number(value);
  if (max !== undefined && n > max) throw new UsageError(`${what} is too large: at most ${max.toLocaleString('en-US')}`);
  if (!Number.isSafeInteger(n)) throw new UsageError(`${what} is too large`);
  if (n < min) throw new UsageError(`${what} must be at least ${min}`);
  return n;
}
