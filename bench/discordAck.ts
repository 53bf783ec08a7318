/**
 * Discord acknowledgement latency: a burst of 200 simultaneous `/imagine` through the fake Discord
 * (real sockets on 127.0.0.1) and the real discord.js client, measured from the gateway frame to the
 * interaction callback arriving at the fake. The floor is the same burst against a minimal
 * discord.js bot that only defers. Prints nothing; bench/run.ts reports the figures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Events, GatewayIntentBits } from 'discord.js';
import pino from 'pino';
import sharp from 'sharp';
import { createApp } from '../src/app/createApp.js';
import { DiscordAdapter } from '../src/bots/discord/index.js';
import { parseConfig } from '../src/config.js';
import type { ImageProvider, ProviderCallOptions, ProviderResult } from '../src/core/providers/types.js';
import { FakeDiscord, type DiscordRequest, type Injected } from '../test/fakes/discord.js';
import { percentile, type AckFigures } from './stats.js';


const BURST = 200;
const WARMUP = 20;
/** How long the stand-in provider takes per image while acks are measured (nbpro takes seconds). */
const LATENCY_MS = 2_000;

export async function runDiscordAckBench(): Promise<AckFigures> {
  const floor = await measureFloor();
  const full = await measureProduct();
  return {
    p50: percentile(full, 50),
    p99: percentile(full, 99),
    floorP50: percentile(floor, 50),
    floorP99: percentile(floor, 99),
  };
}

/** The product: createApp with the Discord adapter, SQLite on disk, a stand-in remote provider. */
async function measureProduct(): Promise<number[]> {
  const fake = await FakeDiscord.start();
  const dir = mkdtempSync(join(tmpdir(), 'nano-imagine-bench-'));
  const config = parseConfig({
    DISCORD_TOKEN: fake.token,
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_GUILD_ID: fake.guildId,
    DISCORD_API_URL: fake.apiUrl,
    PROVIDER: 'offline',
    DATABASE_PATH: join(dir, 'bench.db'),
    QUEUE_LIMIT: '1000',
    // The nbpro Pro plan's limit: most of the burst waits in the queue, as it would in production.
    PROVIDER_CONCURRENCY: '10',
    SHUTDOWN_GRACE_SECONDS: '0',
  });
  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#336699' } }).png().toBuffer();
  const provider = new BenchProvider(png);
  const app = await createApp(config, {
    logger: pino({ level: 'silent' }),
    provider,
    adapters: (core, logger) => [new DiscordAdapter({ config: config.discord!, core, logger })],
  });
  try {
    await app.start();
    await burst(fake, 'warm', WARMUP);
    const latencies = await burst(fake, 'user', BURST);
    // Measured; now let every job finish and its result out, so nothing is cut off mid-upload.
    provider.finishQuickly();
    await results(fake, WARMUP + BURST);
    return latencies;
  } finally {
    await app.stop();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The floor: a discord.js bot whose whole handler is `deferReply()`. */
async function measureFloor(): Promise<number[]> {
  const fake = await FakeDiscord.start();
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
  client.on(Events.InteractionCreate, (interaction) => {
    if (interaction.isRepliable()) interaction.deferReply().catch(() => undefined);
  });
  try {
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(fake.token);
    await ready;
    await burst(fake, 'warm', WARMUP);
    return await burst(fake, 'user', BURST);
  } finally {
    await client.destroy();
    await fake.close();
  }
}

/** Sends `count` /imagine from distinct users in one go; resolves with each one's ack latency (ms). */
async function burst(fake: FakeDiscord, prefix: string, count: number): Promise<number[]> {
  const users = Array.from({ length: count }, (_, i) => fake.user(`${prefix}-${i}`));
  const injected: Injected[] = [];
  const ids = new Set<string>();
  let acked = 0;
  const all = fake.waitForRequest((r) => isCallback(r) && ids.has(r.route.split('/')[2]!) && ++acked === count, `${count} acknowledgements`);
  for (const user of users) {
    const i = fake.slashCommand('imagine', { prompt: `a bench image for ${user.username}` }, { user });
    injected.push(i);
    ids.add(i.id);
  }
  await all;
  const arrivals = new Map(fake.requests.filter(isCallback).map((r) => [r.route.split('/')[2]!, r.at]));
  return injected.map((i) => arrivals.get(i.id)! - i.dispatchedAt);
}

function isCallback(r: DiscordRequest): boolean {
  return r.method === 'POST' && r.route.startsWith('/interactions/') && r.route.endsWith('/callback');
}

async function results(fake: FakeDiscord, count: number): Promise<void> {
  let seen = 0;
  // discord.js paces its own REST calls at 50 per second, so 200 results take several seconds.
  await fake.waitForRequest((r) => r.method === 'PATCH' && r.files.length > 0 && ++seen === count, `${count} results`, 120_000);
}

/**
 * A remote provider as the bot sees it: no CPU, an answer after a while. Once the acks are measured
 * it answers at once, so the queue drains quickly and the run ends cleanly.
 */
class BenchProvider implements ImageProvider {
  readonly id = 'offline' as const;
  readonly #png: Buffer;
  readonly #waiting = new Set<() => void>();
  #fast = false;

  constructor(png: Buffer) {
    this.#png = png;
  }

  finishQuickly(): void {
    this.#fast = true;
    for (const open of this.#waiting) open();
  }

  async generate(_request: unknown, { signal }: ProviderCallOptions): Promise<ProviderResult> {
    if (!this.#fast) {
      await new Promise<void>((resolve, reject) => {
        const open = (): void => {
          clearTimeout(timer);
          this.#waiting.delete(open);
          signal.removeEventListener('abort', abort);
          resolve();
        };
        const abort = (): void => {
          open();
          reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        };
        const timer = setTimeout(open, LATENCY_MS);
        this.#waiting.add(open);
        signal.addEventListener('abort', abort, { once: true });
      });
    }
    return { model: 'bench', images: [{ bytes: this.#png, mime: 'image/png' }] };
  }
}
