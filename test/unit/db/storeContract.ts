import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/core/storePorts.js';
import { isUnsettled } from '../../../src/core/model.js';
import { account, ALICE, BOB, grant, instance, job, served, settlement } from './storeFixtures.js';

/** A store to test, on a database of its own, and how to dispose of both. */
export interface StoreUnderTest {
  readonly store: Store;
  /** Runs after every test, including one that closed the store itself. */
  cleanup(): Promise<void>;
}

/**
 * The behaviour every engine's {@link Store} must have, port by port: each engine's test file calls
 * this with a factory for a fresh, migrated, empty store. Errors the schema raises are matched on
 * words SQLite and PostgreSQL share ("check constraint", "unique constraint").
 */
export function describeStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`Store contract (${name})`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
      await store.accounts.insert(account(ALICE));
      await store.accounts.insert(account(BOB));
    });
    afterEach(() => cleanup());

    describe('accounts', () => {
      it('finds what was inserted, and nothing else', async () => {
        await store.accounts.insert(account('discord:1', { displayName: 'Ünï', balance: 7, held: 2, createdAt: 3, updatedAt: 4 }));
        expect(await store.accounts.find('discord:1')).toEqual(account('discord:1', { displayName: 'Ünï', balance: 7, held: 2, createdAt: 3, updatedAt: 4 }));
        expect(await store.accounts.find('discord:2')).toBeUndefined();
      });

      it('refuses a second account with the same key', async () => {
        await expect(store.accounts.insert(account(ALICE))).rejects.toThrow(/unique constraint/i);
      });

      it('changes balance and held together, returning the account as changed', async () => {
        const changed = await store.accounts.change(ALICE, 10, 3, 9);
        expect(changed).toEqual(account(ALICE, { balance: 10, held: 3, updatedAt: 9 }));
        expect(await store.accounts.change(ALICE, -4, -3, 11)).toMatchObject({ balance: 6, held: 0, updatedAt: 11 });
        expect(await store.accounts.find(ALICE)).toMatchObject({ balance: 6, held: 0 });
      });

      it('refuses a change that leaves balance or held negative, and keeps the row', async () => {
        await store.accounts.change(ALICE, 5, 1, 2);
        await expect(store.accounts.change(ALICE, -6, 0, 3)).rejects.toThrow(/check constraint/i);
        await expect(store.accounts.change(ALICE, 0, -2, 3)).rejects.toThrow(/check constraint/i);
        expect(await store.accounts.find(ALICE)).toMatchObject({ balance: 5, held: 1, updatedAt: 2 });
      });

      it('fails to change a missing account with account_not_found', async () => {
        await expect(store.accounts.change('cli:ghost', 1, 0, 1)).rejects.toMatchObject({ code: 'account_not_found' });
      });

      it('locks and returns the account inside a transaction; undefined when there is none', async () => {
        await store.accounts.change(ALICE, 3, 0, 2);
        const [locked, missing] = await store.transaction(async (tx) => [await tx.accounts.lock(ALICE), await tx.accounts.lock('cli:ghost')]);
        expect(locked).toEqual(await store.accounts.find(ALICE));
        expect(missing).toBeUndefined();
      });

      it('sums held over every account', async () => {
        expect(await store.accounts.totalHeld()).toBe(0);
        await store.accounts.change(ALICE, 0, 12, 2);
        await store.accounts.change(BOB, 0, 5, 2);
        expect(await store.accounts.totalHeld()).toBe(17);
      });
    });

    describe('ledger', () => {
      it("appends rows and reads an account's newest first, up to the limit", async () => {
        for (const [key, delta] of [[ALICE, 1], [BOB, 2], [ALICE, 3], [ALICE, 4]] as const) await store.ledger.append(grant(key, delta, delta * 10));
        const recent = await store.ledger.recent(ALICE, 2);
        expect(recent).toEqual([
          { ...grant(ALICE, 4, 40), id: expect.any(Number) },
          { ...grant(ALICE, 3, 30), id: expect.any(Number) },
        ]);
        expect(recent[0]!.id).toBeGreaterThan(recent[1]!.id);
        expect((await store.ledger.recent(BOB, 10)).map((entry) => entry.delta)).toEqual([2]);
      });

      it('refuses a row that moves credits against its kind', async () => {
        await store.jobs.insert(job('j1'));
        const hold = { accountKey: ALICE, kind: 'hold', delta: 12, heldDelta: -12, jobId: 'j1', actor: null, reason: null, at: 1 } as const;
        await expect(store.ledger.append(hold)).rejects.toThrow(/check constraint/i);
        await expect(store.ledger.append({ ...grant(ALICE, 1), jobId: 'j1' })).rejects.toThrow(/check constraint/i);
        expect(await store.ledger.recent(ALICE, 10)).toEqual([]);
      });
    });

    describe('jobs', () => {
      const unsettledFields = { captured: 0, errorCode: null, errorMessage: null, outputs: [], startedAt: null, finishedAt: null };

      it('round-trips every column, JSON included', async () => {
        await store.jobs.insert(job('j1'));
        const j2 = job('j2', { parentId: 'j1', owner: null, kind: 'reroll', notice: 'Made with “m2”: m was retired.' });
        await store.jobs.insert(j2);
        expect(await store.jobs.find('j1')).toEqual({ ...job('j1'), ...unsettledFields });
        expect(await store.jobs.find('j2')).toEqual({ ...j2, ...unsettledFields });
        expect(await store.jobs.find('nope')).toBeUndefined();
      });

      it('finds a job by its idempotency key, and refuses a second job with that key', async () => {
        await store.jobs.insert(job('j1'));
        expect((await store.jobs.findByIdempotencyKey('idem-j1'))?.id).toBe('j1');
        expect(await store.jobs.findByIdempotencyKey('idem-nope')).toBeUndefined();
        await expect(store.jobs.insert(job('j2', { idempotencyKey: 'idem-j1' }))).rejects.toThrow(/unique constraint/i);
      });

      it('refuses an unsettled job that does not hold its whole cost', async () => {
        await expect(store.jobs.insert(job('j1', { held: 11 }))).rejects.toThrow(/check constraint/i);
      });

      it('moves a job queued → running → delivering, each once', async () => {
        await store.jobs.insert(job('j1'));
        expect(await store.jobs.markDelivering('j1', [], served())).toBeUndefined();
        const running = await store.jobs.markRunning('j1', 150);
        expect(running).toEqual({ ...job('j1'), ...unsettledFields, status: 'running', startedAt: 150 });
        expect(await store.jobs.markRunning('j1', 151)).toBeUndefined();
        const outputs = settlement().outputs;
        expect(await store.jobs.markDelivering('j1', outputs, served())).toEqual({ ...running, status: 'delivering', outputs });
        expect(await store.jobs.markDelivering('j1', [], served())).toBeUndefined();
        expect(await store.jobs.find('j1')).toMatchObject({ status: 'delivering', held: 12, outputs });
      });

      it('records who served a job as it starts delivering, and returns the job so', async () => {
        await store.jobs.insert(job('j1'));
        const running = await store.jobs.markRunning('j1', 150);
        const outputs = settlement().outputs;
        const fallback = served({ provider: 'nbapi', model: 'gemini-ünï', unitCost: 4, notice: 'Made by nbapi: "nbpro" was down.' });
        const delivering = await store.jobs.markDelivering('j1', outputs, fallback);
        expect(delivering).toEqual({
          ...running,
          status: 'delivering',
          outputs,
          provider: 'nbapi',
          model: 'gemini-ünï',
          unitCost: 4,
          notice: 'Made by nbapi: "nbpro" was down.',
        });
        // Still holding what was quoted: the cost and the hold do not follow the served price.
        expect(delivering).toMatchObject({ cost: 12, held: 12 });
        expect(await store.jobs.find('j1')).toEqual(delivering);
        expect(await store.jobs.settle('j1', settlement({ captured: 8 }))).toBe(true);
        expect(await store.jobs.find('j1')).toMatchObject({ status: 'succeeded', provider: 'nbapi', model: 'gemini-ünï', unitCost: 4, notice: fallback.notice });
      });

      it('records nothing for a job that is not running (queued, delivering, settled)', async () => {
        for (const id of ['queued', 'delivering', 'settled']) await store.jobs.insert(job(id));
        await store.jobs.markRunning('delivering', 150);
        await store.jobs.markDelivering('delivering', settlement().outputs, served());
        await store.jobs.markRunning('settled', 150);
        await store.jobs.settle('settled', settlement({ status: 'failed', captured: 0, errorCode: 'internal', errorMessage: 'why', outputs: [] }));
        const ids = ['queued', 'delivering', 'settled', 'nope'];
        const before = await Promise.all(ids.map((id) => store.jobs.find(id)));
        const fallback = served({ provider: 'nbapi', model: 'other', unitCost: 1, notice: 'another provider' });
        for (const id of ids) expect(await store.jobs.markDelivering(id, [], fallback), id).toBeUndefined();
        expect(await Promise.all(ids.map((id) => store.jobs.find(id)))).toEqual(before);
      });

      it('settles a job as refused: settled, holding nothing, no longer unsettled or queued', async () => {
        for (const id of ['ran', 'waited', 'other']) await store.jobs.insert(job(id));
        await store.jobs.markRunning('ran', 150);
        const refusal = settlement({ status: 'refused', captured: 0, errorCode: 'provider_refused', errorMessage: 'The provider would not make this.', outputs: [] });
        expect(await store.jobs.settle('ran', refusal)).toBe(true);
        expect(await store.jobs.settle('waited', refusal)).toBe(true);
        expect(await store.jobs.settle('ran', settlement())).toBe(false);
        const refused = await store.jobs.find('ran');
        expect(refused).toMatchObject({
          status: 'refused',
          held: 0,
          captured: 0,
          errorCode: 'provider_refused',
          errorMessage: 'The provider would not make this.',
          startedAt: 150,
          finishedAt: 200,
        });
        expect(isUnsettled(refused!)).toBe(false);
        expect((await store.jobs.unsettled()).map((j) => j.id)).toEqual(['other']);
        expect(await store.jobs.countQueued({})).toBe(1);
        expect(await store.jobs.countQueued({ accountKey: ALICE })).toBe(1);
      });

      it('settles an unsettled job exactly once', async () => {
        await store.jobs.insert(job('j1'));
        await store.jobs.insert(job('j2'));
        await store.jobs.markRunning('j2', 150);
        await store.jobs.markDelivering('j2', settlement().outputs, served());
        expect(await store.jobs.settle('j1', settlement({ status: 'failed', captured: 0, errorCode: 'internal', errorMessage: 'why', outputs: [] }))).toBe(true);
        expect(await store.jobs.settle('j1', settlement())).toBe(false);
        expect(await store.jobs.settle('j2', settlement({ captured: 6 }))).toBe(true);
        expect(await store.jobs.settle('nope', settlement())).toBe(false);
        expect(await store.jobs.find('j1')).toMatchObject({ status: 'failed', held: 0, captured: 0, errorCode: 'internal', errorMessage: 'why', finishedAt: 200 });
        expect(await store.jobs.find('j2')).toMatchObject({ status: 'succeeded', held: 0, captured: 6, startedAt: 150, outputs: settlement().outputs });
      });

      it('keeps text and JSON with a NUL character in them (PostgreSQL without the NUL), never failing the write', async () => {
        await store.jobs.insert(job('j1', { destination: { channel: 'C\u00001' }, request: { ...job('j1').request, prompt: 'a\u0000b' } }));
        expect(await store.jobs.settle('j1', settlement({ status: 'failed', captured: 0, errorCode: 'internal', errorMessage: 'bad\u0000gateway', outputs: [] }))).toBe(true);
        const stored = await store.jobs.find('j1');
        expect(stored!.errorMessage!.replaceAll('\u0000', '')).toBe('badgateway');
        expect(stored!.request.prompt).toBe('ab');
        expect(stored!.destination).toEqual({ channel: 'C1' });
        await store.accounts.insert(account('cli:nul', { displayName: 'Zoë\u0000' }));
        expect((await store.accounts.find('cli:nul'))!.displayName!.replaceAll('\u0000', '')).toBe('Zoë');
      });

      it('lists unsettled jobs oldest first, ties in insertion order, delivering included', async () => {
        for (const [id, createdAt] of [['late', 300], ['early', 100], ['tie', 100], ['done', 50]] as const) await store.jobs.insert(job(id, { createdAt }));
        await store.jobs.markRunning('late', 301);
        await store.jobs.markDelivering('late', [], served());
        await store.jobs.settle('done', settlement());
        expect((await store.jobs.unsettled()).map((j) => [j.id, j.status])).toEqual([
          ['early', 'queued'],
          ['tie', 'queued'],
          ['late', 'delivering'],
        ]);
      });

      it('counts queued jobs, in all and of one account', async () => {
        await store.jobs.insert(job('a1'));
        await store.jobs.insert(job('a2'));
        await store.jobs.insert(job('a3'));
        await store.jobs.insert(job('b1', { accountKey: BOB, platform: 'cli' }));
        await store.jobs.markRunning('a2', 1);
        await store.jobs.settle('a3', settlement());
        expect(await store.jobs.countQueued({})).toBe(2);
        expect(await store.jobs.countQueued({ accountKey: ALICE })).toBe(1);
        expect(await store.jobs.countQueued({ accountKey: 'cli:ghost' })).toBe(0);
      });

      it('lists newest first in insertion order, whatever the creation times say', async () => {
        await store.jobs.insert(job('a', { createdAt: 300 }));
        await store.jobs.insert(job('b', { createdAt: 100, accountKey: BOB, platform: 'cli' }));
        await store.jobs.insert(job('c', { createdAt: 100 }));
        await store.jobs.insert(job('d', { createdAt: 200, accountKey: BOB, platform: 'cli' }));
        const ids = async (filter: { accountKey?: string; limit: number }) => (await store.jobs.list(filter)).map((j) => j.id);
        expect(await ids({ limit: 10 })).toEqual(['d', 'c', 'b', 'a']);
        expect(await ids({ limit: 2 })).toEqual(['d', 'c']);
        expect(await ids({ accountKey: BOB, limit: 10 })).toEqual(['d', 'b']);
        expect(await ids({ accountKey: ALICE, limit: 1 })).toEqual(['c']);
      });
    });

    describeInstancesAndSlots(() => store);

    describe('transaction', () => {
      it('commits what the callback wrote and returns its value', async () => {
        const value = await store.transaction(async (tx) => {
          await tx.accounts.change(ALICE, 5, 0, 2);
          await tx.ledger.append(grant(ALICE, 5));
          // Its own writes are visible inside it.
          return (await tx.accounts.find(ALICE))?.balance;
        });
        expect(value).toBe(5);
        expect(await store.accounts.find(ALICE)).toMatchObject({ balance: 5 });
        expect(await store.ledger.recent(ALICE, 10)).toHaveLength(1);
      });

      it('rolls every write back when the callback throws, and rethrows its error', async () => {
        await store.instances.register(instance('instance-a'));
        const boom = new Error('boom');
        await expect(
          store.transaction(async (tx) => {
            await tx.accounts.change(ALICE, 100, 0, 2);
            await tx.ledger.append(grant(ALICE, 100));
            await tx.jobs.insert(job('j1'));
            expect(await tx.slots.acquire([{ pool: 'p', capacity: 1 }], 'j1', 'instance-a', 5)).toBe(true);
            throw boom;
          }),
        ).rejects.toBe(boom);
        expect(await store.accounts.find(ALICE)).toMatchObject({ balance: 0 });
        expect(await store.ledger.recent(ALICE, 10)).toEqual([]);
        expect(await store.jobs.find('j1')).toBeUndefined();
        // The slot went with the rollback: another job can have it.
        expect(await store.slots.acquire([{ pool: 'p', capacity: 1 }], 'j2', 'instance-a', 5)).toBe(true);
      });
    });

    it('closes once the transactions under way have finished', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const running = store.transaction(async (tx) => {
        await tx.accounts.change(ALICE, 1, 0, 2);
        await gate;
        return 'done';
      });
      // Let the transaction get under way before closing.
      await new Promise((resolve) => setImmediate(resolve));
      const closed = store.close();
      release();
      await expect(running).resolves.toBe('done');
      await closed;
    });
  });
}

function describeInstancesAndSlots(current: () => Store): void {
  const p1 = { pool: 'provider:nbpro:abc', capacity: 2 };
  const p2 = { pool: 'account:cli:bob', capacity: 1 };

  describe('instances', () => {
    it('registers, lists and renews; renewing a removed instance is false', async () => {
      const store = current();
      await store.instances.register(instance('i1'));
      await store.instances.register(instance('i2', { role: 'cli', host: 'host-2', pid: 7, startedAt: 20, leaseUntil: 2_000 }));
      expect(await store.instances.renew('i1', 5_000)).toBe(true);
      const byId = (await store.instances.list()).sort((a, b) => a.id.localeCompare(b.id));
      expect(byId).toEqual([instance('i1', { leaseUntil: 5_000 }), instance('i2', { role: 'cli', host: 'host-2', pid: 7, startedAt: 20, leaseUntil: 2_000 })]);
      await store.instances.remove(['i1']);
      expect(await store.instances.renew('i1', 6_000)).toBe(false);
      expect((await store.instances.list()).map((i) => i.id)).toEqual(['i2']);
      await store.instances.remove([]);
      expect(await store.instances.list()).toHaveLength(1);
    });

    it('removes instances with the slots they hold', async () => {
      const store = current();
      await store.instances.register(instance('i1'));
      await store.instances.register(instance('i2'));
      expect(await store.slots.acquire([p2], 'j1', 'i1', 5)).toBe(true);
      expect(await store.slots.acquire([p2], 'j2', 'i2', 5)).toBe(false);
      await store.instances.remove(['i1']);
      expect(await store.slots.acquire([p2], 'j2', 'i2', 5)).toBe(true);
    });
  });

  describe('slots', () => {
    beforeEach(async () => {
      await current().instances.register(instance('live', { leaseUntil: 1_000 }));
      await current().instances.register(instance('gone', { leaseUntil: 499 }));
    });

    it('takes one slot of every pool for a job, up to each pool’s capacity', async () => {
      const { slots } = current();
      expect(await slots.acquire([p1, p2], 'j1', 'live', 500)).toBe(true);
      expect(await slots.acquire([p1], 'j2', 'live', 500)).toBe(true);
      expect(await slots.acquire([p1], 'j3', 'live', 500)).toBe(false);
      expect(await slots.acquire([], 'j3', 'live', 500)).toBe(true);
    });

    it('takes all or none', async () => {
      const { slots } = current();
      expect(await slots.acquire([p2], 'j1', 'live', 500)).toBe(true);
      expect(await slots.acquire([{ ...p1, capacity: 1 }, p2], 'j2', 'live', 500)).toBe(false);
      // j2 took no slot of p1 although p1 had room.
      expect(await slots.acquire([{ ...p1, capacity: 1 }], 'j3', 'live', 500)).toBe(true);
    });

    it('counts a slot the job already holds as its own', async () => {
      const { slots } = current();
      expect(await slots.acquire([p2], 'j1', 'live', 500)).toBe(true);
      expect(await slots.acquire([p2, p1], 'j1', 'live', 500)).toBe(true);
      expect(await slots.acquire([p2], 'j2', 'live', 500)).toBe(false);
    });

    it('does not count the slots of an instance whose lease ran out', async () => {
      const { slots } = current();
      expect(await slots.acquire([p2], 'j1', 'gone', 400)).toBe(true);
      expect(await slots.acquire([p2], 'j2', 'live', 499)).toBe(false);
      expect(await slots.acquire([p2], 'j2', 'live', 500)).toBe(true);
    });

    it('gives back every slot of a job', async () => {
      const { slots } = current();
      expect(await slots.acquire([p1, p2], 'j1', 'live', 500)).toBe(true);
      await slots.release('j1');
      await slots.release('j-none');
      expect(await slots.acquire([p2], 'j2', 'live', 500)).toBe(true);
    });
  });
}
