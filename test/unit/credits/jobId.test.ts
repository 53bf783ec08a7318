import { describe, expect, it } from 'vitest';
import { CreditService } from '../../../src/core/credits/CreditService.js';
import { createJobIds, JOB_ID_LENGTH, newJobId } from '../../../src/core/credits/jobId.js';
import { createSqliteStore } from '../../../src/db/sqlite/store.js';
import { openDatabase } from '../../../src/db/sqlite/open.js';
import { holdInput, ManualClock } from './support.js';

const SHAPE = /^[0-9a-hjkmnp-tv-z]{18}$/;

describe('job ids', () => {
  it('are 18 characters of lower-case Crockford base32, with no ":" for custom ids', () => {
    expect(JOB_ID_LENGTH).toBe(18);
    for (let i = 0; i < 100; i++) expect(newJobId()).toMatch(SHAPE);
  });

  it('sort by time, the first 10 characters being the milliseconds', () => {
    let now = 0;
    const next = createJobIds(
      () => now,
      () => 0,
    );
    expect(next()).toBe('0'.repeat(18));
    now = 1_700_000_000_000;
    const a = next();
    now += 1;
    const b = next();
    expect(parseCrockford(a.slice(0, 10))).toBe(1_700_000_000_000);
    expect(parseCrockford(b.slice(0, 10))).toBe(1_700_000_000_001);
    expect(a < b).toBe(true);
  });

  it('strictly increase within one process, in the same millisecond and when the clock steps back', () => {
    let now = 5_000;
    const next = createJobIds(
      () => now,
      () => 2 ** 40 - 2,
    );
    const ids = [next(), next(), next()]; // the third overflows the random part into the next millisecond
    now = 4_000;
    ids.push(next());
    now = 6_000;
    ids.push(next());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(parseCrockford(ids[2]!.slice(0, 10))).toBe(5_001);
  });

  it('are what CreditService gives a job unless told otherwise', async () => {
    const db = openDatabase(':memory:');
    try {
      const credits = new CreditService({ store: createSqliteStore(db), clock: new ManualClock(), startingCredits: 50 });
      const first = await credits.hold(holdInput());
      const second = await credits.hold(holdInput());
      if (!first.ok || !second.ok) throw new Error('hold refused');
      expect(first.job.id).toMatch(SHAPE);
      expect(first.job.id < second.job.id).toBe(true);
      expect(await credits.hold(holdInput({ id: 'chosen' }))).toMatchObject({ ok: true, job: { id: 'chosen' } });
    } finally {
      db.close();
    }
  });
});

function parseCrockford(text: string): number {
  return [...text].reduce((n, c) => n * 32 + '0123456789abcdefghjkmnpqrstvwxyz'.indexOf(c), 0);
}
