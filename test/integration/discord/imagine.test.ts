import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FOREIGN_REFERENCE_TEXT } from '../../../src/core/userText.js';
import { FakeDiscord, type DiscordRequest } from '../../fakes/discord.js';
import { FileServer } from '../../fakes/fileServer.js';
import { solidPng } from '../../fakes/imageFixtures.js';
import { startNbproServer, type FakeNbproServer } from '../../fakes/nbproServer.js';
import { startApp, tempDir, type RunningApp } from './harness.js';

const EPHEMERAL = 64;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Body {
  type?: number;
  content?: string;
  flags?: number;
  data?: { flags?: number; content?: string };
  embeds?: { description?: string; footer?: { text?: string }; image?: { url?: string } }[];
  components?: { components: { custom_id: string; label: string; disabled?: boolean }[] }[];
}
const body = (r: DiscordRequest): Body => r.body as Body;

describe('Discord /imagine and /edit through the real client', () => {
  const dir = tempDir();
  let fake: FakeDiscord;
  let nbpro: FakeNbproServer;
  let running: RunningApp;
  let n = 0;

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    nbpro = await startNbproServer();
  });
  beforeEach(async () => {
    n += 1;
    running = await startApp({ fake, nbpro, dbPath: `${dir.path}/imagine-${n}.db` });
  });
  afterEach(async () => {
    await running.stop();
  });
  afterAll(async () => {
    await Promise.all([fake.close(), nbpro.close()]);
    dir.remove();
  });

  const core = () => running.app.core;

  it('defers at once, then uploads the PNG in the edit of the original response, charged once', async () => {
    const alice = fake.user('alice');
    const before = nbpro.requests.length;
    const i = fake.slashCommand('imagine', { prompt: 'a koi pond at dawn', aspect_ratio: '16:9' }, { user: alice });

    const ack = await fake.waitForCallback(i);
    expect(ack.status).toBe(204);
    expect(body(ack)).toEqual({ type: 5, data: { flags: 0 } });
    expect(ack.headers.authorization).toBeUndefined();

    const final = await fake.waitForRequest(
      (r) => r.method === 'PATCH' && r.route.endsWith(`${i.token}/messages/@original`) && r.files.length > 0,
      'the result edit',
    );
    const file = final.files[0]!;
    expect(file.bytes.subarray(0, 8).equals(PNG)).toBe(true);
    const meta = await sharp(file.bytes).metadata();
    expect(meta.width / meta.height).toBeCloseTo(16 / 9, 1);
    const embed = body(final).embeds![0]!;
    expect(embed.description).toBe('a koi pond at dawn');
    expect(embed.footer!.text).toMatch(/^nano-banana-2 · 16:9 · 1K · 4 credits · 46 left · \d+\.\d s$/);
    expect(embed.image!.url).toBe(`attachment://${file.name}`);
    const buttons = body(final).components![0]!.components.map((c) => c.label);
    expect(buttons).toEqual(['Reroll', 'Upscale', 'Edit', 'Delete']);
    // The result stays public: the original response is not ephemeral.
    expect((fake.original(i)!.flags ?? 0) & EPHEMERAL).toBe(0);
    expect(fake.original(i)!.attachments).toHaveLength(1);

    expect(nbpro.requests.length - before).toBe(1);
    const account = (await core().credits.account(`discord:${alice.id}`))!;
    expect(account).toMatchObject({ balance: 46, held: 0 });
    const [job] = await core().jobs.history({ accountKey: `discord:${alice.id}` });
    expect(job).toMatchObject({ status: 'succeeded', kind: 'imagine', captured: 4, idempotencyKey: `discord:${i.id}` });
    expect(job!.destination).toMatchObject({ channelId: fake.channelId, userId: alice.id, interactionId: i.id });
  });

  it('/edit passes the attachment’s pixels to the provider as an uploaded image', async () => {
    const bob = fake.user('bob');
    const source = await solidPng(40, 30, '#ff0000');
    const image = fake.addAttachment({ name: 'photo.png', bytes: source, contentType: 'image/png' });
    const before = nbpro.requests.length;
    const i = fake.slashCommand('edit', { image, prompt: 'make it blue' }, { user: bob });
    await fake.waitForRequest((r) => r.method === 'PATCH' && r.route.endsWith(`${i.token}/messages/@original`) && r.files.length > 0, 'the result');

    const call = nbpro.requests[before]!;
    expect(call.fields?.prompt).toEqual(['make it blue']);
    expect(call.files).toHaveLength(1);
    const sent = await sharp(call.files![0]!.bytes).raw().toBuffer({ resolveWithObject: true });
    expect([sent.info.width, sent.info.height]).toEqual([40, 30]);
    expect([...sent.data.subarray(0, 3)]).toEqual([255, 0, 0]);
    const [job] = await core().jobs.history({ accountKey: `discord:${bob.id}` });
    expect(job).toMatchObject({ kind: 'edit', status: 'succeeded' });
    expect(job!.request.references[0]!.url).toBe(image.url);
  });

  it('refuses an attachment that is not an image privately, before any acknowledgement, moving nothing', async () => {
    const carol = fake.user('carol');
    const text = fake.addAttachment({ name: 'notes.txt', bytes: Buffer.from('just words'), contentType: 'text/plain; charset=utf-8' });
    const before = nbpro.requests.length;
    const i = fake.slashCommand('imagine', { prompt: 'x', image: text }, { user: carol });
    const ack = await fake.waitForCallback(i);
    expect(body(ack).type).toBe(4);
    expect(body(ack).data!.flags).toBe(EPHEMERAL);
    expect(body(ack).data!.content).toMatch(/not an image/);
    expect(nbpro.requests.length).toBe(before);
    expect(await core().credits.account(`discord:${carol.id}`)).toBeUndefined();
    expect(await core().jobs.history({ accountKey: `discord:${carol.id}` })).toEqual([]);
  });

  it('refuses an attachment stored outside Discord privately, before any acknowledgement, without fetching it', async () => {
    const erin = fake.user('erin');
    const elsewhere = await FileServer.start();
    try {
      const real = fake.addAttachment({ name: 'photo.png', bytes: await solidPng(8, 8, '#00ff00'), contentType: 'image/png' });
      const forged = { ...real, url: elsewhere.url('/photo.png'), proxy_url: elsewhere.url('/photo.png') };
      const before = nbpro.requests.length;
      const i = fake.slashCommand('edit', { image: forged, prompt: 'make it blue' }, { user: erin });
      const ack = await fake.waitForCallback(i);
      expect(body(ack).type).toBe(4);
      expect(body(ack).data).toMatchObject({ flags: EPHEMERAL, content: FOREIGN_REFERENCE_TEXT.foreign_reference });
      expect(elsewhere.requests).toHaveLength(0);
      expect(nbpro.requests.length).toBe(before);
      expect(await core().jobs.history({ accountKey: `discord:${erin.id}` })).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });

  it('a "PNG" that turns out not to be an image: the public placeholder goes, the reason is private, credits return', async () => {
    const dave = fake.user('dave');
    const liar = fake.addAttachment({ name: 'fake.png', bytes: Buffer.from('<html>not really</html>'), contentType: 'image/png' });
    const before = nbpro.requests.length;
    const i = fake.slashCommand('imagine', { prompt: 'x', image: liar }, { user: dave });
    expect(body(await fake.waitForCallback(i)).type).toBe(5);
    await fake.waitFor(i, 'DELETE', '/messages/@original');
    const followUp = await fake.waitFor(i, 'POST', i.token);
    expect(body(followUp).flags).toBe(EPHEMERAL);
    expect(body(followUp).content).toMatch(/not an image.*returned/s);
    expect(fake.original(i)).toBeUndefined();
    expect(nbpro.requests.length).toBe(before);
    expect(await core().credits.account(`discord:${dave.id}`)).toMatchObject({ balance: 50, held: 0 });
  });

  it('not enough credits: a private answer with balance and cost, no provider call, no ledger change', async () => {
    const erin = fake.user('erin');
    const key = `discord:${erin.id}`;
    await core().credits.set(key, 5, { actor: 'test' });
    const ledgerBefore = await core().credits.recentLedger(key, 100);
    const before = nbpro.requests.length;
    const i = fake.slashCommand('imagine', { prompt: 'two big ones', resolution: '2K' }, { user: erin });
    const ack = await fake.waitForCallback(i);
    expect(body(ack).type).toBe(4);
    expect(body(ack).data!.flags).toBe(EPHEMERAL);
    expect(body(ack).data!.content).toBe('Not enough credits: this costs 6 and you have 5.');
    expect(nbpro.requests.length).toBe(before);
    expect(await core().credits.recentLedger(key, 100)).toEqual(ledgerBefore);
    expect(await core().credits.account(key)).toMatchObject({ balance: 5, held: 0 });
  });

  it('a provider failure refunds the hold and says so, privately', async () => {
    const frank = fake.user('frank');
    nbpro.failTimes(1, { kind: 'error', status: 500 });
    const i = fake.slashCommand('imagine', { prompt: 'doomed' }, { user: frank });
    await fake.waitFor(i, 'DELETE', '/messages/@original');
    const followUp = await fake.waitFor(i, 'POST', i.token);
    expect(body(followUp).flags).toBe(EPHEMERAL);
    expect(body(followUp).content).toMatch(/image service.*4 credits were returned/s);
    const key = `discord:${frank.id}`;
    expect(await core().credits.account(key)).toMatchObject({ balance: 50, held: 0 });
    const kinds = (await core().credits.recentLedger(key, 10)).map((e) => e.kind);
    expect(kinds).toEqual(['release', 'hold', 'starting']);
  });

  it('an option the provider cannot honour is refused privately with what is allowed', async () => {
    const hank = fake.user('hank');
    const before = nbpro.requests.length;
    const i = fake.slashCommand('imagine', { prompt: 'wide', aspect_ratio: '5:4' }, { user: hank });
    const ack = await fake.waitForCallback(i);
    expect(body(ack).type).toBe(4);
    expect(body(ack).data!.flags).toBe(EPHEMERAL);
    expect(body(ack).data!.content).toMatch(/^Aspect ratio 5:4 is not available on nano-banana-2\. Allowed: .*16:9/);
    expect(nbpro.requests.length).toBe(before);
    expect(await core().credits.account(`discord:${hank.id}`)).toBeUndefined();
  });
});
