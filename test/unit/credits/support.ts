import { ManualClock } from '../../support/ManualClock.js';
import { CreditService } from '../../../src/core/credits/CreditService.js';
import { JobService } from '../../../src/core/jobs/JobService.js';
import type { HoldInput } from '../../../src/core/credits/types.js';
import type { Store } from '../../../src/core/storePorts.js';
import { createSqliteStore } from '../../../src/db/sqlite/store.js';
import type { SqliteDatabase } from '../../../src/db/sqlite/types.js';

export { ManualClock };

export interface Harness {
  readonly store: Store;
  readonly clock: ManualClock;
  readonly credits: CreditService;
  readonly jobs: JobService;
}

/** A CreditService (and the JobService beside it) on a real (migrated) database with a manual clock and readable job ids. */
export function createHarness(db: SqliteDatabase, startingCredits = 50, idPrefix = 'job'): Harness {
  return harnessOn(createSqliteStore(db), startingCredits, idPrefix);
}

/** The same harness on any engine's {@link Store}. */
export function harnessOn(store: Store, startingCredits = 50, idPrefix = 'job'): Harness {
  const clock = new ManualClock(1_700_000_000_000);
  let next = 0;
  const credits = new CreditService({ store, clock, startingCredits, newId: () => `${idPrefix}-${++next}` });
  return { store, clock, credits, jobs: new JobService({ store, credits, clock }) };
}

let idempotencyKeys = 0;

/** A valid hold: 1 image at 4 credits for cli:alice unless overridden. */
export function holdInput(
  overrides: Partial<Omit<HoldInput, 'request'>> & { count?: number } = {},
): HoldInput {
  const { count = 1, ...rest } = overrides;
  const unitCost = rest.unitCost ?? 4;
  return {
    idempotencyKey: `idem-${++idempotencyKeys}`,
    accountKey: 'cli:alice',
    destination: { channelId: 'c1' },
    kind: 'imagine',
    request: {
      prompt: 'a koi pond at dawn',
      model: 'offline-1',
      aspectRatio: '1:1',
      resolution: '1K',
      count,
      references: [],
    },
    provider: 'offline',
    model: 'offline-1',
    cost: unitCost * count,
    ...rest,
    unitCost,
  };
}

/** The error `fn` throws (fails the test if it returns). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

/**
 * The error `fn` throws or its promise rejects with (fails the test if it fulfils). For the async
 * API, whose validation may throw before the promise or reject it.
 */
export async function rejected(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** Row counts of the credit tables, to show that an operation wrote nothing. */
export function rowCounts(db: SqliteDatabase): { accounts: number; ledger: number; jobs: number } {
  const count = (table: string) => db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).get()!.n;
  return { accounts: count('accounts'), ledger: count('ledger'), jobs: count('jobs') };
}
