import { UsageError } from './usage.js';

/**
 * Turns what a person typed into an account key: full keys (`discord:…`, `slack:…:…`, `cli:…`) pass
 * through, a bare name means `cli:<name>`.
 */
export function accountArg(value: string | undefined): string {
  if (value === undefined || value.trim() === '') throw new UsageError('an account is required (e.g. cli:alice or discord:123456789012345678)');
  const v = value.trim();
  if (/^(discord|slack|cli):/.test(v)) return v;
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(v)) throw new UsageError(`not an account name: ${JSON.stringify(v)} (letters, digits, . _ - only)`);
  return `cli:${v}`;
}
