import type { Account, Instance, NewJob, NewLedgerEntry } from '../../../src/core/model.js';
import type { JobSettlement, ServedBy } from '../../../src/core/storePorts.js';
import type { Platform } from '../../../src/core/vocabulary.js';

/** Rows the store contract (storeContract.ts) and the engines' own tests write. */

export const ALICE = 'slack:T1:U1';
export const BOB = 'cli:bob';

/** An empty account; the platform is the key's prefix (`slack:…`, `discord:…`, `cli:…`). */
export function account(key: string, overrides: Partial<Account> = {}): Account {
  return { key, platform: key.slice(0, key.indexOf(':')) as Platform, displayName: null, balance: 0, held: 0, createdAt: 1, updatedAt: 1, ...overrides };
}

/** A queued job of Alice's holding 12 credits; JSON with nesting, unicode and quotes to round-trip. */
export function job(id: string, overrides: Partial<NewJob> = {}): NewJob {
  return {
    id,
    idempotencyKey: `idem-${id}`,
    accountKey: ALICE,
    platform: 'slack',
    destination: { channel: 'C1', threadTs: '171.5', nested: { list: [1, 'two', null] } },
    kind: 'edit',
    parentId: null,
    request: {
      prompt: 'ünïcødé ✓ "quotes" \\ back',
      model: 'm',
      aspectRatio: '16:9',
      resolution: '2K',
      count: 2,
      references: [{ name: 'a.png', url: 'https://example.com/a.png' }, { name: 'b.jpg' }],
    },
    provider: 'nbpro',
    model: 'm',
    unitCost: 6,
    cost: 12,
    held: 12,
    status: 'queued',
    createdAt: 100,
    owner: 'instance-a',
    notice: null,
    ...overrides,
  };
}

/** Who served a job: {@link job}'s provider, model and price (served as asked) unless overridden. */
export function served(overrides: Partial<ServedBy> = {}): ServedBy {
  return { provider: 'nbpro', model: 'm', unitCost: 6, notice: null, ...overrides };
}

export function settlement(overrides: Partial<JobSettlement> = {}): JobSettlement {
  return {
    status: 'succeeded',
    captured: 12,
    errorCode: null,
    errorMessage: null,
    outputs: [{ name: 'o.png', mime: 'image/png', bytes: 3, width: 2, height: 2, sourceUrl: 'https://x/o.png' }],
    finishedAt: 200,
    ...overrides,
  };
}

export function instance(id: string, overrides: Partial<Instance> = {}): Instance {
  return { id, role: 'bot', host: 'host-1', pid: 4242, startedAt: 10, leaseUntil: 1_000, ...overrides };
}

export function grant(accountKey: string, delta: number, at = 5): NewLedgerEntry {
  return { accountKey, kind: 'grant', delta, heldDelta: 0, jobId: null, actor: 'cli:root', reason: 'test', at };
}
