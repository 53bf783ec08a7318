/**
 * The facade is everything an adapter or the CLI may ask of the core. These tests go through
 * `core.facade` on a real core (offline renderer behind a gate, SQLite file in a temp dir) and check
 * what each call returns, what it wrote to the ledger, and what reached the provider.
 */
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors.js';
import type { DerivedBase } from '../../../src/core/generation/derive.js';
import type { GenerationIntent, JobEvent, OutputImage, ReferenceSource } from '../../../src/core/generation/types.js';
import type { Job } from '../../../src/core/model.js';
import { GatedProvider } from '../../fakes/GatedProvider.js';
import { intent, startCore, type Harness } from '../../support/coreHarness.js';

let gated: GatedProvider;
const harnesses: Harness[] = [];

async function start(env: Record<string, string> = {}, dir?: string): Promise<Harness> {
  const h = await startCore(env, { provider: gated }, dir);
  harnesses.push(h);
  return h;
}

beforeEach(() => {
  gated = new GatedProvider();
});
afterEach(async () => {
  for (const h of harnesses.splice(0).reverse()) {
    expect(await h.core.admin.check()).toEqual({ integrity: 'ok', invariant: [], jobs: [] });
    await h.close();
  }
});

/** Submits through the facade, lets every image through the gate, and resolves with the final event. */
function finished(h: Harness, i: GenerationIntent): Promise<{ job: Job; final: JobEvent; events: JobEvent[]; images: readonly OutputImage[] }> {
  for (let n = 0; n < (i.options.count ?? 1); n += 1) gated.release();
  return new Promise((resolve, reject) => {
    const events: JobEvent[] = [];
    let images: readonly OutputImage[] = [];
    const submitted = h.core.facade.submit(i, (event) => {
      events.push(event);
      // The test is the deliverer: every image counts as posted.
      if (event.type === 'ready') {
        images = event.images;
        event.delivery.confirm(event.images.length);
      }
      if (event.type === 'succeeded' || event.type === 'failed') resolve({ job: event.job, final: event, events, images });
    });
    submitted.then((outcome) => {
      if (!outcome.ok) reject(new Error(`refused: ${outcome.refusal.code}`));
    }, reject);
  });
}

/** A finished job and its first image, as an adapter would find it under the posted result. */
async function resultOf(h: Harness, i: GenerationIntent): Promise<{ parent: Job; result: { bytes: Buffer; name: string } }> {
  const { final, images } = await finished(h, i);
  if (final.type !== 'succeeded') throw new Error(`parent ${final.type}`);
  return { parent: final.job, result: { bytes: images[0]!.bytes, name: 'result.png' } };
}

let actions = 0;
/** Who asks for a derived job: a new platform action each time. */
function asker(accountKey: string, platform: DerivedBase['platform'] = 'cli'): DerivedBase {
  actions += 1;
  return { idempotencyKey: `derive-${actions}`, accountKey, platform, displayName: 'Asker', destination: { channel: 'c-derived' } };
}

/** Every account, and the number of ledger and job rows, read from the file itself; plus the calls that reached `gate`. */
function written(h: Harness, gate = gated): { accounts: unknown[]; ledger: number; jobs: number; providerCalls: number } {
  const db = new Database(h.dbPath, { readonly: true });
  try {
    const count = (table: string) => db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).get()!.n;
    return {
      accounts: db.prepare('SELECT key, balance, held FROM accounts ORDER BY key').all(),
      ledger: count('ledger'),
      jobs: count('jobs'),
      providerCalls: gate.calls.length,
    };
  } finally {
    db.close();
  }
}

describe('submit and subscribe', () => {
  it('queues, runs and settles a job, telling its listener and every subscriber, in order', async () => {
    const h = await start();
    const seen: string[] = [];
    const unsubscribe = h.core.facade.subscribe((event) => seen.push(`${event.type}:${event.job.accountKey}`));
    const { final, events, images } = await finished(h, intent({ accountKey: 'cli:alice', options: { count: 2 } }));

    expect(events.map((e) => e.type)).toEqual(['queued', 'started', 'ready', 'succeeded']);
    expect(events[0]).toMatchObject({ type: 'queued', position: 0, job: { status: 'queued', held: 2 } });
    expect(final).toMatchObject({
      type: 'succeeded',
      job: { status: 'succeeded', cost: 2, captured: 2, held: 0, kind: 'imagine', parentId: null },
      account: { key: 'cli:alice', balance: 48, held: 0 },
    });
    expect(images).toHaveLength(2);
    expect(gated.calls).toHaveLength(2);
    expect(seen).toEqual(['queued:cli:alice', 'started:cli:alice', 'ready:cli:alice', 'succeeded:cli:alice']);
    expect(await h.core.facade.jobs.get(final.job.id)).toEqual(final.job);

    unsubscribe();
    await finished(h, intent({ accountKey: 'cli:bob' }));
    expect(seen).toHaveLength(4);
  });

  it('returns the job it already made for a repeated idempotency key, calling the provider once', async () => {
    const h = await start();
    const first = intent();
    const { job } = await finished(h, first);
    const before = written(h);
    expect(await h.core.facade.submit(first)).toEqual({ ok: true, job, duplicate: true, position: 0 });
    expect(written(h)).toEqual(before);
    expect(before.providerCalls).toBe(1);
  });

  it('lists jobs newest first through jobs.history, per account', async () => {
    const h = await start();
    const a = await finished(h, intent({ accountKey: 'cli:alice' }));
    const b = await finished(h, intent({ accountKey: 'cli:bob' }));
    expect((await h.core.facade.jobs.history()).map((j) => j.id)).toEqual([b.job.id, a.job.id]);
    expect((await h.core.facade.jobs.history({ accountKey: 'cli:alice' })).map((j) => j.id)).toEqual([a.job.id]);
    await expect(async () => h.core.facade.jobs.history({ limit: 0 })).rejects.toThrow(ValidationError);
    expect(await h.core.facade.jobs.get('no-such-job')).toBeUndefined();
  });
});

describe('derive on a finished job', () => {
  it('reroll: the same prompt, options and count, charged to whoever asked', async () => {
    const h = await start();
    const { job: parent } = await finished(h, intent({ accountKey: 'cli:alice', prompt: 'a red fox', options: { aspectRatio: '16:9', count: 2 } }));
    const base = asker('discord:100000000000000001', 'discord');

    const derived = h.core.facade.derive(parent, { kind: 'reroll' }, base);

    expect(derived).toEqual({
      ok: true,
      intent: {
        ...base,
        kind: 'reroll',
        parentId: parent.id,
        prompt: 'a red fox',
        options: { model: 'offline-preview', aspectRatio: '16:9', resolution: '1K', count: 2 },
        references: [],
      },
    });
    if (!derived.ok) return;
    const { final } = await finished(h, derived.intent);
    expect(final).toMatchObject({
      type: 'succeeded',
      job: { kind: 'reroll', parentId: parent.id, accountKey: 'discord:100000000000000001', cost: 2, captured: 2 },
      account: { balance: 48 },
    });
    // The parent's owner paid for the parent only.
    expect((await h.core.facade.credits.show('cli:alice', { ledger: 0 })).account).toMatchObject({ balance: 48, held: 0 });
    expect(gated.calls.map((c) => [c.prompt, c.aspectRatio])).toEqual([
      ['a red fox', '16:9'],
      ['a red fox', '16:9'],
      ['a red fox', '16:9'],
      ['a red fox', '16:9'],
    ]);
  });

  it('reroll keeps the references stored with a URL, fetched the way the platform says, and drops uploaded bytes', async () => {
    // Allowed, so the link passes the submit-time check; nothing listens there, so the download fails.
    const h = await start({ FETCH_ALLOW_ORIGINS: 'http://127.0.0.1:1' });
    const { job: parent } = await finished(h, intent({ references: [{ bytes: Buffer.from('not read'), name: 'upload.png' }, { url: 'http://127.0.0.1:1/cat.png', name: 'cat.png' }] }));
    // The references could not be used, so the parent failed; a reroll of a failed job is not refused.
    expect(parent).toMatchObject({ status: 'failed', captured: 0 });
    const derived = h.core.facade.derive(
      parent,
      { kind: 'reroll', stored: (r) => ({ url: r.url, name: r.name, headers: { authorization: 'Bearer platform-token' } }) },
      asker('cli:alice'),
    );
    expect(derived.ok && derived.intent.references).toEqual([{ url: 'http://127.0.0.1:1/cat.png', name: 'cat.png', headers: { authorization: 'Bearer platform-token' } }]);
    expect(gated.calls).toHaveLength(0);
  });

  it('upscale: the next resolution, one image, the result as its reference', async () => {
    const h = await start();
    const { parent, result } = await resultOf(h, intent({ prompt: 'a lighthouse', options: { resolution: '1K', count: 2 } }));
    expect(h.core.facade.canUpscale(parent)).toBe(true);

    const derived = h.core.facade.derive(parent, { kind: 'upscale', result }, asker('cli:bob'));

    if (!derived.ok) throw new Error(derived.message);
    expect(derived.note).toBeUndefined();
    expect(derived.intent).toMatchObject({ kind: 'upscale', parentId: parent.id, prompt: 'a lighthouse', options: { resolution: '2K', count: 1 } });
    // The very image the adapter found (compared by identity: deep-comparing image bytes is slow).
    expect(derived.intent.references).toHaveLength(1);
    expect(derived.intent.references[0]).toBe(result);
    const { final } = await finished(h, derived.intent);
    expect(final).toMatchObject({ type: 'succeeded', job: { kind: 'upscale', request: { resolution: '2K', count: 1, references: [{ name: 'result.png' }] } } });
    expect(gated.calls[2]).toMatchObject({ resolution: '2K', references: [expect.objectContaining({ name: 'result.png' })] });
    expect(h.core.facade.canUpscale(final.job)).toBe(true);
  });

  it('upscale on a provider without references: a fresh generation at the next size, with a note', async () => {
    const h = await start({ NBAPI_API_KEY: 'nbapi-test-key' });
    const { parent, result } = await resultOf(h, intent({ options: { model: 'gemini-3.1-flash-image-preview', resolution: '1K' } }));
    const derived = h.core.facade.derive(parent, { kind: 'upscale', result }, asker('cli:alice'));
    expect(derived).toEqual({
      ok: true,
      intent: expect.objectContaining({ options: { model: 'gemini-3.1-flash-image-preview', aspectRatio: '1:1', resolution: '2K', count: 1 }, references: [] }),
      note: 'The nbapi provider takes no reference images, so this is a fresh 2K generation of the same prompt.',
    });
    if (!derived.ok) return;
    const outcome = await h.core.facade.submit(derived.intent);
    expect(outcome).toMatchObject({ ok: true, job: { cost: 6, model: 'gemini-3.1-flash-image-preview-2k' } });
  });

  it('edit: the new prompt on the result and the uploads, in the parent’s shape, one image', async () => {
    const h = await start();
    const { parent, result } = await resultOf(h, intent({ prompt: 'a cat', options: { aspectRatio: '3:4', count: 2 } }));
    const upload: ReferenceSource = { bytes: result.bytes, name: 'hat.png' };

    const derived = h.core.facade.derive(parent, { kind: 'edit', result, prompt: 'the cat wears a hat', uploads: [upload] }, asker('cli:alice'));

    if (!derived.ok) throw new Error(derived.message);
    expect(derived.intent).toMatchObject({ kind: 'edit', parentId: parent.id, prompt: 'the cat wears a hat', options: { aspectRatio: '3:4', count: 1 } });
    expect(derived.intent.references).toHaveLength(2);
    expect(derived.intent.references[0]).toBe(result);
    expect(derived.intent.references[1]).toBe(upload);
    const { final } = await finished(h, derived.intent);
    expect(final).toMatchObject({ type: 'succeeded', job: { kind: 'edit', cost: 1, request: { prompt: 'the cat wears a hat', references: [{ name: 'result.png' }, { name: 'hat.png' }] } } });
    expect(gated.calls[2]).toMatchObject({ prompt: 'the cat wears a hat', aspectRatio: '3:4', references: [expect.anything(), expect.anything()] });
  });

  it('derive from another account’s job is not refused: the child belongs to, and is charged to, whoever asked', async () => {
    const h = await start();
    const { parent, result } = await resultOf(h, intent({ accountKey: 'cli:alice' }));
    const derived = h.core.facade.derive(parent, { kind: 'edit', result, prompt: 'make it blue' }, asker('slack:T1:U9', 'slack'));
    expect(derived).toMatchObject({ ok: true, intent: { accountKey: 'slack:T1:U9', platform: 'slack', destination: { channel: 'c-derived' } } });
    if (!derived.ok) return;
    const { final } = await finished(h, derived.intent);
    expect(final).toMatchObject({
      type: 'succeeded',
      job: { accountKey: 'slack:T1:U9', platform: 'slack', parentId: parent.id, captured: 1 },
      account: { key: 'slack:T1:U9', balance: 49, held: 0 },
    });
    expect((await h.core.facade.credits.show('cli:alice', { ledger: 0 })).account).toMatchObject({ balance: 49, held: 0 });
  });
});

describe('refusals move no credit and call no provider', () => {
  // One core and two finished parents for every refusal: each test compares what is written before and after.
  let h: Harness;
  let parent: Job;
  let result: ReferenceSource;
  let top: { parent: Job; result: ReferenceSource };
  const sharedGate = new GatedProvider();
  beforeAll(async () => {
    gated = sharedGate; // what finished() releases
    h = await startCore({}, { provider: sharedGate });
    ({ parent, result } = await resultOf(h, intent({ options: { count: 3 } })));
    // The cheapest 4K image: the narrowest ratio.
    top = await resultOf(h, intent({ options: { resolution: '4K', aspectRatio: '1:8' } }));
  });
  afterAll(async () => {
    expect(await h.core.admin.check()).toEqual({ integrity: 'ok', invariant: [], jobs: [] });
    await h.close();
  });
  let providerCalls: number;
  beforeEach(() => {
    providerCalls = sharedGate.calls.length;
  });
  afterEach(() => {
    expect(sharedGate.calls.length).toBe(providerCalls);
  });

  it('upscale of an image already at the top resolution', () => {
    const before = written(h, sharedGate);
    expect(h.core.facade.canUpscale(top.parent)).toBe(false);
    expect(h.core.facade.derive(top.parent, { kind: 'upscale', result: top.result }, asker('cli:alice'))).toEqual({
      ok: false,
      message: 'This image is already at the highest resolution offline-preview offers here.',
    });
    expect(written(h, sharedGate)).toEqual(before);
  });

  it('upscale where the catalog offers nothing higher (nbpro free plan has no 4K)', async () => {
    const nbpro = await start({ NBPRO_API_KEY: 'sk-test-nbpro', NBPRO_PLAN: 'free' });
    const made = await resultOf(nbpro, intent({ options: { resolution: '2K' } }));
    const before = written(nbpro);
    expect(nbpro.core.facade.catalog).toMatchObject({ provider: 'nbpro', maxReferences: 3 });
    expect(nbpro.core.facade.canUpscale(made.parent)).toBe(false);
    expect(nbpro.core.facade.derive(made.parent, { kind: 'upscale', result: made.result }, asker('cli:alice'))).toEqual({
      ok: false,
      message: 'This image is already at the highest resolution nano-banana-2 offers here.',
    });
    expect(written(nbpro)).toEqual(before);
  });

  it('upscale of a job whose model this catalog does not offer (made under another provider)', async () => {
    // A second core on the same file, configured for nbapi.
    const nbapi = await startCore({ NBAPI_API_KEY: 'nbapi-test-key', DATABASE_PATH: h.dbPath }, { provider: sharedGate });
    const before = written(h, sharedGate);
    expect(await nbapi.core.facade.jobs.get(parent.id)).toEqual(parent);
    expect(h.core.facade.canUpscale(parent)).toBe(true);
    expect(nbapi.core.facade.canUpscale(parent)).toBe(false);
    expect(nbapi.core.facade.derive(parent, { kind: 'upscale', result }, asker('cli:alice'))).toEqual({
      ok: false,
      message: 'This image is already at the highest resolution offline-preview offers here.',
    });
    expect(written(h, sharedGate)).toEqual(before);
    await nbapi.close();
  });

  it('upscale and edit of a result that is gone', () => {
    const before = written(h, sharedGate);
    expect(h.core.facade.derive(parent, { kind: 'upscale', result: undefined }, asker('cli:alice'))).toEqual({
      ok: false,
      message: 'That image is no longer available, so it cannot be upscaled.',
    });
    expect(h.core.facade.derive(parent, { kind: 'edit', result: undefined, prompt: 'brighter' }, asker('cli:alice'))).toEqual({
      ok: false,
      message: 'That image is no longer available.',
    });
    expect(written(h, sharedGate)).toEqual(before);
  });

  it.each([
    ['no prompt', '', 'Write a prompt: describe the image you want.'],
    ['only invisible characters', '\u200b \u2060\t\n', 'Write a prompt: describe the image you want.'],
    ['a prompt too long', 'x'.repeat(4001), 'The prompt is too long (4000 characters at most).'],
  ])('edit with %s: derived, then refused at submit as invalid_request', async (_label, prompt, message) => {
    const before = written(h, sharedGate);
    const derived = h.core.facade.derive(parent, { kind: 'edit', result, prompt }, asker('cli:newcomer'));
    if (!derived.ok) throw new Error(derived.message);
    expect(await h.core.facade.submit(derived.intent)).toEqual({ ok: false, refusal: { code: 'invalid_request', message } });
    // Not even the asker's account was created.
    expect(written(h, sharedGate)).toEqual(before);
  });

  it('edit with more uploads than the provider takes', async () => {
    const before = written(h, sharedGate);
    const uploads = Array.from({ length: 8 }, (_, i) => ({ bytes: Buffer.from('x'), name: `u${i}.png` }));
    const derived = h.core.facade.derive(parent, { kind: 'edit', result, prompt: 'more', uploads }, asker('cli:alice'));
    if (!derived.ok) throw new Error(derived.message);
    expect(await h.core.facade.submit(derived.intent)).toEqual({
      ok: false,
      refusal: { code: 'invalid_request', message: 'Too many reference images: 9 given, 8 allowed.' },
    });
    expect(written(h, sharedGate)).toEqual(before);
  });

  it('a derived job the asker cannot afford', async () => {
    await h.core.facade.credits.set('cli:poor', 2, { actor: 'cli:admin' });
    const before = written(h, sharedGate);
    const derived = h.core.facade.derive(parent, { kind: 'reroll' }, asker('cli:poor'));
    if (!derived.ok) throw new Error(derived.message);
    expect(await h.core.facade.submit(derived.intent)).toEqual({
      ok: false,
      refusal: { code: 'insufficient_credits', balance: 2, cost: 3, message: 'Not enough credits: this costs 3 and you have 2.' },
    });
    expect(written(h, sharedGate)).toEqual(before);
  });
});

describe('cancel', () => {
  it('releases a queued job’s hold with one release row; a running or ended job cannot be cancelled', async () => {
    const h = await start({ PROVIDER_CONCURRENCY: '1' });
    const running = await h.core.facade.submit(intent({ accountKey: 'cli:alice' }));
    const events: JobEvent[] = [];
    const waiting = await h.core.facade.submit(intent({ accountKey: 'cli:bob', options: { count: 3 } }), (e) => events.push(e));
    if (!running.ok || !waiting.ok) throw new Error('refused');
    await gated.waitForCalls(1);
    expect(waiting.position).toBe(1);
    expect((await h.core.facade.credits.show('cli:bob', { ledger: 0 })).account).toMatchObject({ balance: 47, held: 3 });
    const ledgerBefore = written(h).ledger;

    expect(await h.core.facade.cancel(waiting.job.id)).toBe(true);

    expect(await h.core.facade.jobs.get(waiting.job.id)).toMatchObject({ status: 'cancelled', held: 0, captured: 0, errorCode: 'cancelled' });
    const bob = await h.core.facade.credits.show('cli:bob', { ledger: 1 });
    expect(bob.account).toMatchObject({ balance: 50, held: 0 });
    expect(bob.ledger).toEqual([expect.objectContaining({ kind: 'release', delta: 3, heldDelta: -3, jobId: waiting.job.id })]);
    expect(written(h).ledger).toBe(ledgerBefore + 1);
    expect(events.map((e) => e.type)).toEqual(['queued', 'failed']);
    expect(events[1]).toMatchObject({ code: 'cancelled', message: 'Cancelled before it started.', refunded: 3 });

    expect(await h.core.facade.cancel(waiting.job.id)).toBe(false);
    expect(await h.core.facade.cancel(running.job.id)).toBe(false);
    expect(await h.core.facade.cancel('no-such-job')).toBe(false);
    expect(written(h).ledger).toBe(ledgerBefore + 1);

    gated.release();
    await new Promise<void>((resolve) =>
      h.core.facade.subscribe((e) => {
        if (e.type === 'ready') e.delivery.confirm(e.images.length);
        if (e.type === 'succeeded') resolve();
      }),
    );
    expect(await h.core.facade.cancel(running.job.id)).toBe(false);
    // Only the running job reached the provider.
    expect(gated.calls).toHaveLength(1);
  });
});

describe('credits', () => {
  it('show creates the account once with its starting row; the display name is kept from the first time', async () => {
    const h = await start({ STARTING_CREDITS: '7' });
    const first = await h.core.facade.credits.show('discord:100000000000000002', { platform: 'discord', displayName: 'Ada' });
    expect(first).toEqual({
      account: expect.objectContaining({ key: 'discord:100000000000000002', platform: 'discord', displayName: 'Ada', balance: 7, held: 0 }),
      ledger: [expect.objectContaining({ kind: 'starting', delta: 7, heldDelta: 0, jobId: null, actor: 'system' })],
    });
    const again = await h.core.facade.credits.show('discord:100000000000000002', { displayName: 'Someone else' });
    expect(again).toEqual(first);
    expect((await h.core.facade.credits.show('discord:100000000000000002', { ledger: 0 })).ledger).toEqual([]);
    expect(written(h)).toMatchObject({ ledger: 1 });
  });

  it('grant and set write one row each naming the actor and reason; show lists them newest first', async () => {
    const h = await start();
    const key = 'slack:T1:U2';
    expect(await h.core.facade.credits.grant(key, 25, { actor: 'cli:root', reason: 'prize' })).toMatchObject({ key, balance: 75, held: 0 });
    expect(await h.core.facade.credits.set(key, 10, { actor: 'discord:9', reason: 'reset' })).toMatchObject({ balance: 10 });
    expect(await h.core.facade.credits.set(key, 10, { actor: 'discord:9' })).toMatchObject({ balance: 10 });

    const statement = await h.core.facade.credits.show(key);
    expect(statement.account).toMatchObject({ balance: 10, held: 0 });
    expect(statement.ledger.map((e) => [e.kind, e.delta, e.actor, e.reason])).toEqual([
      ['adjust', 0, 'discord:9', null],
      ['adjust', -65, 'discord:9', 'reset'],
      ['grant', 25, 'cli:root', 'prize'],
      ['starting', 50, 'system', null],
    ]);
    expect((await h.core.facade.credits.show(key, { ledger: 2 })).ledger.map((e) => e.kind)).toEqual(['adjust', 'adjust']);
  });

  it.each([
    ['grant 0', (h: Harness) => h.core.facade.credits.grant('cli:alice', 0, { actor: 'cli:root' }), 'invalid_amount'],
    ['grant 1.5', (h: Harness) => h.core.facade.credits.grant('cli:alice', 1.5, { actor: 'cli:root' }), 'invalid_amount'],
    ['set −1', (h: Harness) => h.core.facade.credits.set('cli:alice', -1, { actor: 'cli:root' }), 'invalid_amount'],
    ['grant with no actor', (h: Harness) => h.core.facade.credits.grant('cli:alice', 5, { actor: ' ' }), 'invalid_input'],
    ['grant to a malformed key', (h: Harness) => h.core.facade.credits.grant('alice', 5, { actor: 'cli:root' }), 'invalid_account_key'],
    ['show a malformed key', (h: Harness) => h.core.facade.credits.show('discord:abc'), 'invalid_account_key'],
    ['show under the wrong platform', (h: Harness) => h.core.facade.credits.show('cli:alice', { platform: 'slack' }), 'invalid_account_key'],
  ])('refuses to %s with a ValidationError, writing nothing', async (_label, call, code) => {
    const h = await start();
    await h.core.facade.credits.show('cli:alice');
    const before = written(h);
    let error: unknown;
    try {
      await call(h);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code });
    expect(written(h)).toEqual(before);
  });
});
