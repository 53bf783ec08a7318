/**
 * Slack ack latency: a burst of 200 simultaneous `/imagine` envelopes over Socket Mode through the
 * fake Slack, answered by the whole product (Bolt app, adapter, core, SQLite, scheduler; a provider
 * that returns a small PNG at once), and the same burst answered by a minimal Bolt app that only
 * acks (the floor: Socket Mode client + Bolt dispatch). Latency is envelope sent → ack received, as
 * the fake sees it. Prints nothing; bench/run.ts reports.
 */
import { App, SocketModeReceiver } from '@slack/bolt';
import pino from 'pino';
import sharp from 'sharp';
import { createApp } from '../src/app/createApp.js';
import { boltLogger } from '../src/bots/slack/boltLogger.js';
import { SlackAdapter, slackRetryPolicies } from '../src/bots/slack/index.js';
import { parseConfig } from '../src/config.js';
import type { ImageProvider } from '../src/core/providers/types.js';
import { FAKE_BOT_ID, FAKE_BOT_USER, startFakeSlack, type FakeSlack } from '../test/fakes/slack.js';
import { percentile, type AckFigures } from './stats.js';


const BURST = 200;
const WARMUP = 20;
const CHANNEL = 'C0BENCH';
const TIMEOUT_MS = 60_000;

export async function runSlackAckBench(): Promise<AckFigures> {
  const fake = await startFakeSlack();
  fake.addChannel({ id: CHANNEL, name: 'bench' });
  try {
    const full = await measureProduct(fake);
    const floor = await measureFloor(fake);
    return {
      p50: percentile(full, 50),
      p99: percentile(full, 99),
      floorP50: percentile(floor, 50),
      floorP99: percentile(floor, 99),
    };
  } finally {
    await fake.close();
  }
}

async function measureProduct(fake: FakeSlack): Promise<number[]> {
  const config = parseConfig({
    SLACK_BOT_TOKEN: fake.tokens.bot,
    SLACK_APP_TOKEN: fake.tokens.app,
    SLACK_API_URL: fake.apiUrl,
    PROVIDER: 'offline',
    DATABASE_PATH: ':memory:',
    QUEUE_LIMIT: '1000',
    PROVIDER_CONCURRENCY: '50',
    SHUTDOWN_GRACE_SECONDS: '0',
  });
  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#336699' } }).png().toBuffer();
  // Images wait until the burst has been measured, as a real provider (seconds per image) would make
  // them: result uploads then do not compete with the acknowledgements being timed.
  let openGate: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  const provider: ImageProvider = {
    id: 'offline',
    generate: async (_request, { signal }) => {
      await Promise.race([gate, new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)))]);
      return { model: 'bench', images: [{ bytes: png, mime: 'image/png' }] };
    },
  };
  const logger = pino({ level: 'silent' });
  const app = await createApp(config, {
    logger,
    provider,
    adapters: (core, log) => [new SlackAdapter({ config: config.slack!, core, logger: log, retry: slackRetryPolicies.none })],
  });
  await app.start();
  let finished = 0;
  const allFinished = new Promise<void>((resolve) => {
    app.core.generation.subscribe((event) => {
      if ((event.type === 'succeeded' || event.type === 'failed') && ++finished === BURST + WARMUP) resolve();
    });
  });
  try {
    const latencies = await burstOf(fake, 'full');
    openGate();
    await withTimeout(allFinished);
    return latencies;
  } finally {
    await app.stop();
  }
}

async function measureFloor(fake: FakeSlack): Promise<number[]> {
  const logger = boltLogger(pino({ level: 'silent' }));
  const clientOptions = () => ({ slackApiUrl: fake.apiUrl, retryConfig: { ...slackRetryPolicies.none }, logger });
  const receiver = new SocketModeReceiver({ appToken: fake.tokens.app, logger, installerOptions: { clientOptions: clientOptions() } });
  const app = new App({ token: fake.tokens.bot, botId: FAKE_BOT_ID, botUserId: FAKE_BOT_USER, receiver, logger, clientOptions: clientOptions() });
  app.command('/imagine', async ({ ack }) => {
    await ack();
  });
  await app.start();
  try {
    return await burstOf(fake, 'floor');
  } finally {
    const closed = new Promise<void>((resolve) => receiver.client.once('disconnected', () => resolve()));
    await app.stop();
    await closed;
  }
}

/** Warms up with a few sequential commands, then sends {@link BURST} at once; returns each ack's latency in ms. */
async function burstOf(fake: FakeSlack, tag: string): Promise<number[]> {
  const send = (i: number) =>
    fake.socket.send(
      'slash_commands',
      fake.payloads.slashCommand({ text: `bench image ${i}`, user: `U0${tag.toUpperCase()}${i}`, channel: CHANNEL }),
    ).acked;
  for (let i = 0; i < WARMUP; i += 1) await withTimeout(send(BURST + i));
  const acks = await withTimeout(Promise.all(Array.from({ length: BURST }, (_, i) => send(i))));
  return acks.map((a) => a.ackedAt - a.sentAt);
}

async function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Slack ack bench: no ack within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
