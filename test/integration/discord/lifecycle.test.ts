import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, type DiscordRequest, type Injected } from '../../fakes/discord.js';
import { GatedProvider } from '../../fakes/GatedProvider.js';
import { startApp, tempDir, type RunningApp } from './harness.js';
import { deadPid, setInstancePid } from '../../support/instancePid.js';

const EPHEMERAL = 64;
const content = (r: DiscordRequest): string | undefined => (r.body as { content?: string } | undefined)?.content;
const edits = (fake: FakeDiscord, i: Injected): DiscordRequest[] =>
  fake.requestsFor(i).filter((r) => r.method === 'PATCH' && r.route.endsWith('/messages/@original'));

describe('Discord job life: progress, late delivery, restarts (offline renderer behind a gate)', () => {
  const dir = tempDir();
  let fake: FakeDiscord;
  const injected: Injected[] = [];
  const logs: string[] = [];

  beforeAll(async () => {
    fake = await FakeDiscord.start();
  });
  afterAll(async () => {
    // No bot token and no interaction token ever reached a log line.
    const secrets = [fake.token, ...injected.map((i) => i.token)];
    expect(logs.length).toBeGreaterThan(0);
    for (const line of logs) for (const secret of secrets) expect(line).not.toContain(secret);
    await fake.close();
    dir.remove();
  });

  async function app(name: string, provider: GatedProvider, env: Record<string, string> = {}): Promise<RunningApp> {
    const running = await startApp({ fake, provider, dbPath: `${dir.path}/${name}.db`, adminIds: [fake.user('root').id], env });
    const stop = running.stop;
    return {
      ...running,
      stop: async () => {
        await stop();
        logs.push(...running.logs);
      },
    };
  }
  const track = (i: Injected): Injected => {
    injected.push(i);
    return i;
  };

  it('progress edits: queue position, then "generating", at most once per 2 s (counting the deferral), then the result', async () => {
    const provider = new GatedProvider();
    const running = await app('progress', provider, { PROVIDER_CONCURRENCY: '1' });
    try {
      const first = track(fake.slashCommand('imagine', { prompt: 'first' }, { user: fake.user('alice') }));
      await fake.waitForCallback(first);
      await provider.waitForCalls(1);
      const second = track(fake.slashCommand('imagine', { prompt: 'second' }, { user: fake.user('bob') }));
      await fake.waitForCallback(second);
      // Both replies were deferred less than 2 s ago: nothing is edited yet.
      expect([...edits(fake, first), ...edits(fake, second)]).toEqual([]);

      running.clock.advance(2_000);
      await fake.waitForRequest((r) => r.route.includes(first.token) && content(r) === 'Generating…', 'alice generating');
      await fake.waitForRequest((r) => r.route.includes(second.token) && content(r) === 'Waiting in line: #1', 'bob queued');

      provider.release();
      await fake.waitForRequest((r) => r.route.includes(first.token) && r.files.length > 0, 'alice result');
      await provider.waitForCalls(2);
      // Bob's job started, but his reply was edited less than 2 s ago: the edit waits.
      expect(edits(fake, second).map(content)).toEqual(['Waiting in line: #1']);

      running.clock.advance(2_000);
      await fake.waitForRequest((r) => r.route.includes(second.token) && content(r) === 'Generating…', 'bob generating');
      provider.release();
      await fake.waitForRequest((r) => r.route.includes(second.token) && r.files.length > 0, 'bob result');
      expect(edits(fake, first).map(content)).toEqual(['Generating…', '']);
      expect(edits(fake, second).map(content)).toEqual(['Waiting in line: #1', 'Generating…', '']);
    } finally {
      await running.stop();
    }
  });

  it('a full queue is refused privately and moves no credits', async () => {
    const provider = new GatedProvider();
    const running = await app('full', provider, { PROVIDER_CONCURRENCY: '1', QUEUE_LIMIT: '1' });
    try {
      const running1 = track(fake.slashCommand('imagine', { prompt: 'one' }, { user: fake.user('q1') }));
      await provider.waitForCalls(1);
      const waiting = track(fake.slashCommand('imagine', { prompt: 'two' }, { user: fake.user('q2') }));
      expect((await fake.waitForCallback(waiting)).body).toMatchObject({ type: 5 });
      const q3 = fake.user('q3');
      const refused = track(fake.slashCommand('imagine', { prompt: 'three' }, { user: q3 }));
      const ack = await fake.waitForCallback(refused);
      expect(ack.body).toMatchObject({ type: 4, data: { flags: EPHEMERAL, content: expect.stringMatching(/busy/) as unknown } });
      expect(await running.app.core.credits.account(`discord:${q3.id}`)).toBeUndefined();
      provider.release();
      provider.release();
      await fake.waitForRequest((r) => r.route.includes(waiting.token) && r.files.length > 0, 'the queued job’s result');
      expect(fake.original(running1)!.attachments).toHaveLength(1);
    } finally {
      await running.stop();
    }
  });

  it('a job that outlives the 15-minute token is delivered as a channel message with the bot token', async () => {
    const provider = new GatedProvider();
    const running = await app('late', provider);
    try {
      const carol = fake.user('carol');
      const i = track(fake.slashCommand('imagine', { prompt: 'slow one' }, { user: carol }));
      await provider.waitForCalls(1);
      running.clock.advance(15 * 60_000);
      fake.expireInteractionTokens();
      provider.release();
      const posted = await fake.waitForRequest((r) => r.method === 'POST' && r.route === `/channels/${fake.channelId}/messages` && r.files.length > 0, 'the late result');
      expect(posted.headers.authorization).toBe(`Bot ${fake.token}`);
      expect(content(posted)).toContain(`<@${carol.id}>`);
      expect((posted.body as { embeds: unknown[]; components: unknown[] }).embeds).toHaveLength(1);
      expect(edits(fake, i).some((r) => r.files.length > 0)).toBe(false);
    } finally {
      await running.stop();
    }
  });

  it('a restart with a job in flight: the hold is released and the user is told in the channel', async () => {
    const stuck = new GatedProvider();
    const dead = await app('restart', stuck);
    const dave = fake.user('dave');
    const key = `discord:${dave.id}`;
    track(fake.slashCommand('imagine', { prompt: 'never finished' }, { user: dave }));
    await stuck.waitForCalls(1);
    expect(await dead.app.core.credits.account(key)).toMatchObject({ balance: 49, held: 1 });
    // The old process dies: its bot is gone, its job never settles, and its row names a pid that exited.
    await dead.app.adapters[0]!.stop();
    setInstancePid(`${dir.path}/restart.db`, dead.app.core.instances.id, await deadPid());

    const fresh = await app('restart', new GatedProvider());
    try {
      const notice = await fake.waitForRequest(
        (r) => r.method === 'POST' && r.route === `/channels/${fake.channelId}/messages` && (content(r) ?? '').includes('restarted'),
        'the restart notice',
      );
      expect(content(notice)).toMatch(new RegExp(`^<@${dave.id}> .*“never finished”.*1 credit was returned`));
      expect((notice.body as { allowed_mentions: { users: string[] } }).allowed_mentions.users).toEqual([dave.id]);
      const credits = fresh.app.core.credits;
      expect(await credits.account(key)).toMatchObject({ balance: 50, held: 0 });
      expect((await fresh.app.core.jobs.history({ accountKey: key }))[0]).toMatchObject({ status: 'interrupted', errorCode: 'interrupted' });
      expect((await credits.recentLedger(key, 10)).map((e) => e.kind)).toEqual(['release', 'hold', 'starting']);
    } finally {
      await fresh.stop();
      await dead.stop();
    }
  });

  it('re-encodes a result larger than the interaction’s attachment_size_limit', async () => {
    const provider = new GatedProvider();
    provider.release();
    const running = await app('limit', provider);
    try {
      const i = track(fake.slashCommand('imagine', { prompt: 'a detailed city at night' }, { user: fake.user('erin'), attachmentSizeLimit: 20_000 }));
      const final = await fake.waitForRequest((r) => r.route.includes(i.token) && r.files.length > 0, 'the result');
      expect(final.files[0]!.bytes.length).toBeLessThanOrEqual(20_000);
      expect(final.files[0]!.name).toMatch(/\.jpg$/);
    } finally {
      await running.stop();
    }
  });

  it('/credits and /history answer privately; /admin refuses non-admins and changes nothing', async () => {
    const provider = new GatedProvider();
    const running = await app('accounts', provider);
    const credits = running.app.core.credits;
    const frank = fake.user('frank');
    const key = `discord:${frank.id}`;
    const reply = async (i: Injected): Promise<{ type: number; data: { flags: number; content: string } }> =>
      (await fake.waitForCallback(track(i))).body as { type: number; data: { flags: number; content: string } };
    try {
      const first = await reply(fake.slashCommand('credits', {}, { user: frank }));
      expect(first).toMatchObject({ type: 4, data: { flags: EPHEMERAL } });
      expect(first.data.content).toMatch(/^\*\*Balance:\*\* 50 credits\n\*\*Recent:\*\*\n<t:\d+:R> \+50 credits to start with$/);
      expect((await reply(fake.slashCommand('history', {}, { user: frank }))).data.content).toMatch(/No images yet/);

      provider.release();
      const job = track(fake.slashCommand('imagine', { prompt: 'a red kite' }, { user: frank }));
      await fake.waitForRequest((r) => r.route.includes(job.token) && r.files.length > 0, 'the result');
      expect((await reply(fake.slashCommand('history', {}, { user: frank }))).data.content).toMatch(/imagine · succeeded · 1 credit · “a red kite”/);
      expect((await reply(fake.slashCommand('credits', {}, { user: frank }))).data.content).toMatch(/^\*\*Balance:\*\* 49 credits[\s\S]*−1 credit spent/);

      const ledger = await credits.recentLedger(key, 100);
      for (const [subcommand, options] of [
        ['grant', { user: frank, amount: 1000 }],
        ['set', { user: frank, amount: 1000 }],
        ['balance', { user: frank }],
      ] as const) {
        const refused = await reply(fake.slashCommand('admin', options, { subcommand, user: frank }));
        expect(refused).toMatchObject({ type: 4, data: { flags: EPHEMERAL, content: 'Only the bot’s admins can use /admin.' } });
      }
      expect(await credits.recentLedger(key, 100)).toEqual(ledger);

      const root = fake.user('root');
      const granted = await reply(fake.slashCommand('admin', { user: frank, amount: 10, reason: 'contest' }, { subcommand: 'grant', user: root }));
      expect(granted.data.content).toBe(`Granted 10 credits. <@${frank.id}> has 59 credits.`);
      expect((await credits.recentLedger(key, 1))[0]).toMatchObject({ kind: 'grant', delta: 10, actor: `discord:${root.id}`, reason: 'contest' });
      const set = await reply(fake.slashCommand('admin', { user: frank, amount: 5 }, { subcommand: 'set', user: root }));
      expect(set.data.content).toBe(`Balance set. <@${frank.id}> has 5 credits.`);
      // A 20-digit amount (past the command's max_value, sent anyway) is too large, not too small.
      const before = await credits.recentLedger(key, 100);
      for (const subcommand of ['grant', 'set'] as const) {
        const huge = await reply(fake.slashCommand('admin', { user: frank, amount: Number('12345678901234567890') }, { subcommand, user: root }));
        expect(huge).toMatchObject({ type: 4, data: { flags: EPHEMERAL, content: expect.stringMatching(/is too large: at most 1,000,000,000,000 credits\.$/) } });
      }
      expect(await credits.recentLedger(key, 100)).toEqual(before);
    } finally {
      await running.stop();
    }
  });

  it('long prompts are cut between graphemes: the result embed, /history and the restart notice never split an emoji', async () => {
    // Each limit (embed 1000, history 60, restart notice 100) falls inside a family emoji, where
    // a cut by code unit would leave half a surrogate pair.
    const family = '👨‍👩‍👧';
    const prompt = `${'a'.repeat(58)}${family}${'b'.repeat(32)}${family}${'c'.repeat(892)}${family} end`;
    expect([prompt.indexOf(family), prompt.indexOf(family, 59), prompt.lastIndexOf(family)]).toEqual([58, 98, 998]);
    const gate = new GatedProvider();
    const first = await app('graphemes', gate);
    let fresh: RunningApp | undefined;
    try {
      const hana = fake.user('hana');
      gate.release();
      const done = track(fake.slashCommand('imagine', { prompt }, { user: hana }));
      const result = await fake.waitForRequest((r) => r.route.includes(done.token) && r.files.length > 0, 'the result');
      expect((result.body as { embeds: { description: string }[] }).embeds[0]!.description).toBe(`${prompt.slice(0, 998)}…`);
      const history = await fake.waitForCallback(track(fake.slashCommand('history', {}, { user: hana })));
      expect((history.body as { data: { content: string } }).data.content).toContain(`“${prompt.slice(0, 58)}…”`);

      track(fake.slashCommand('imagine', { prompt }, { user: hana }));
      await gate.waitForCalls(2);
      await first.app.adapters[0]!.stop();
      setInstancePid(`${dir.path}/graphemes.db`, first.app.core.instances.id, await deadPid());
      fresh = await app('graphemes', new GatedProvider());
      const notice = await fake.waitForRequest(
        (r) => r.method === 'POST' && r.route === `/channels/${fake.channelId}/messages` && (content(r) ?? '').startsWith(`<@${hana.id}> The bot restarted`),
        'the restart notice',
      );
      expect(content(notice)).toContain(`“${prompt.slice(0, 98)}…”`);
    } finally {
      await fresh?.stop();
      await first.stop();
    }
  });
});
