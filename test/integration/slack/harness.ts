/**
 * One whole product against fakes: the real createApp (core, SQLite, scheduler), the real Slack
 * adapter on the real Bolt app, the fake Slack (Socket Mode or signed HTTP), and the fake nbpro
 * provider. Everything listens on 127.0.0.1 and is closed by `close()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../../src/app/createApp.js';
import { secretsOf } from '../../../src/app/secretsOf.js';
import { SlackAdapter, slackRetryPolicies } from '../../../src/bots/slack/index.js';
import { parseConfig, type Config } from '../../../src/config.js';
import type { Job } from '../../../src/core/model.js';
import { createLogger } from '../../../src/logger.js';
import { startNbproServer, type FakeNbproServer } from '../../fakes/nbproServer.js';
import { startFakeSlack, type ApiCall, type Delivered, type FakeSlack } from '../../fakes/slack.js';

export type Mode = 'socket' | 'http';

export const TEAM = 'T0FAKE';
export const GENERAL = 'C0GENERAL';
export const ALICE = 'U0ALICE';
export const BOB = 'U0BOB';
export const ADMIN = 'U0ADMIN';
export const STARTING_CREDITS = 50;
/** nbpro's default price for 1K (DESIGN §6). */
export const COST_1K = 4;

export interface HarnessOptions {
  /** A file path keeps the database across a restart; default in memory. */
  readonly databasePath?: string;
  /** Reuse fakes (a restart against the same Slack and provider). */
  readonly fake?: FakeSlack;
  readonly nbpro?: FakeNbproServer;
  /** Overrides the bot token the app is configured with (a wrong one must fail start-up). */
  readonly botToken?: string;
  /** SHUTDOWN_GRACE_SECONDS. @defaultValue '1' */
  readonly shutdownGraceSeconds?: string;
}

export interface Harness {
  readonly mode: Mode;
  readonly fake: FakeSlack;
  readonly nbpro: FakeNbproServer;
  readonly app: App;
  readonly adapter: SlackAdapter;
  readonly config: Config;
  /** Every log line written, for the "no token in logs" check. */
  readonly logs: string[];
  /** `/imagine <text>` from `user` in `channel`. */
  imagine(text: string, o?: { user?: string; channel?: string; triggerId?: string; retry?: number }): Promise<Delivered>;
  /** Resolves with the `index`-th result (0-based) once its buttons message is posted. */
  result(index?: number): Promise<PostedResult>;
  /** The ephemeral text Slack received for `user` containing `fragment`. */
  ephemeral(user: string, fragment: string): Promise<ApiCall>;
  jobs(accountUser?: string): Promise<Job[]>;
  account(user: string): Promise<{ balance: number; held: number } | undefined>;
  /** Stops the app (and closes the fakes unless they were passed in). */
  close(): Promise<void>;
}

export interface PostedResult {
  readonly buttons: ApiCall;
  readonly upload: ApiCall;
  readonly channel: string;
  readonly threadTs: string | undefined;
  readonly messageTs: string;
  /** The value the buttons carry. */
  readonly value: string;
  readonly fileIds: string[];
}

const key = (user: string) => `slack:${TEAM}:${user}`;

export async function startHarness(mode: Mode, o: HarnessOptions = {}): Promise<Harness> {
  const fake = o.fake ?? (await startFakeSlack());
  const nbpro = o.nbpro ?? (await startNbproServer());
  if (!o.fake) {
    fake.addChannel({ id: GENERAL, name: 'general' });
    for (const [id, name] of [
      [ALICE, 'alice'],
      [BOB, 'bob'],
      [ADMIN, 'admin'],
    ] as const)
      fake.addUser(id, name);
  }
  const parsed = parseConfig({
    SLACK_BOT_TOKEN: o.botToken ?? fake.tokens.bot,
    ...(mode === 'socket' ? { SLACK_APP_TOKEN: fake.tokens.app } : { SLACK_SIGNING_SECRET: fake.tokens.signingSecret, SLACK_PORT: '3000' }),
    SLACK_API_URL: fake.apiUrl,
    SLACK_ADMIN_IDS: ADMIN,
    PROVIDER: 'nbpro',
    NBPRO_API_KEY: nbpro.apiKey,
    NBPRO_BASE_URL: nbpro.url,
    PROVIDER_RETRIES: '0',
    DATABASE_PATH: o.databasePath ?? ':memory:',
    STARTING_CREDITS: String(STARTING_CREDITS),
    SHUTDOWN_GRACE_SECONDS: o.shutdownGraceSeconds ?? '1',
  });
  // HTTP mode listens on a port the system picks.
  const config: Config = parsed.slack?.mode === 'http' ? { ...parsed, slack: { ...parsed.slack, port: 0 } } : parsed;
  const logs: string[] = [];
  const logger = createLogger({ level: 'trace', secrets: secretsOf(config), destination: { write: (line: string) => void logs.push(line) } });
  let adapter: SlackAdapter | undefined;
  const app = await createApp(config, {
    logger,
    adapters: (core, log) => [
      (adapter = new SlackAdapter({ config: config.slack!, core, logger: log, retry: slackRetryPolicies.none, apiTimeoutMs: 5000, httpHost: '127.0.0.1' })),
    ],
  });
  try {
    await app.start();
  } catch (error) {
    await app.stop();
    if (!o.fake) await fake.close();
    if (!o.nbpro) await nbpro.close();
    throw error;
  }
  if (mode === 'http') fake.useHttp(adapter!.eventsUrl()!);

  return {
    mode,
    fake,
    nbpro,
    app,
    adapter: adapter!,
    config,
    logs,
    imagine: (text, i = {}) =>
      fake.deliver(
        'command',
        fake.payloads.slashCommand({ text, user: i.user ?? ALICE, channel: i.channel ?? GENERAL, ...(i.triggerId ? { triggerId: i.triggerId } : {}) }),
        i.retry === undefined ? {} : { retry: i.retry },
      ),
    result: async (index = 0) => {
      let seen = 0;
      const buttons = await fake.waitForCall('chat.postMessage', (c) => JSON.stringify(c.args.blocks ?? '').includes('result_reroll') && seen++ === index);
      const channel = String(buttons.args.channel);
      const threadTs = typeof buttons.args.thread_ts === 'string' ? buttons.args.thread_ts : undefined;
      const uploads = fake.callsTo('files.completeUploadExternal').filter((c) => c.args.channel_id === channel && c.response.ok === true);
      const upload = uploads.at(-1)!;
      const blocks = buttons.args.blocks as { elements: { value: string }[] }[];
      const value = blocks[0]!.elements[0]!.value;
      // The job settles once the bot has Slack's answer to the upload: charged only then.
      await app.core.generation.settled();
      return {
        buttons,
        upload,
        channel,
        threadTs,
        messageTs: String(buttons.response.ts),
        value,
        fileIds: (JSON.parse(value) as { f: string[] }).f,
      };
    },
    ephemeral: (user, fragment) => fake.waitForCall('chat.postEphemeral', (c) => c.args.user === user && String(c.args.text).includes(fragment)),
    jobs: (user) => app.core.jobs.history(user === undefined ? { limit: 100 } : { accountKey: key(user), limit: 100 }),
    account: (user) => app.core.credits.account(key(user)),
    close: async () => {
      await app.stop();
      if (!o.fake) await fake.close();
      if (!o.nbpro) await nbpro.close();
    },
  };
}

/** A temporary directory for a database file, removed by the returned function. */
export function tempDatabase(): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'nano-imagine-slack-'));
  return { path: join(dir, 'test.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
