import { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { ChatAdapter } from '../ChatAdapter.js';
import type { SlackConfig } from '../../config.js';
import { systemClock, type Clock } from '../../core/clock.js';
import { AppError } from '../../core/errors.js';
import type { OutputImage } from '../../core/generation/types.js';
import type { Account, Job } from '../../core/model.js';
import { boltLogger } from './boltLogger.js';
import { buildBoltTransport, type BoltTransport } from './buildBoltApp.js';
import { ChannelAccess } from './ChannelAccess.js';
import { JobDelivery } from './delivery/JobDelivery.js';
import { Inflight } from './Inflight.js';
import { Notifier } from './Notifier.js';
import { Once } from './Once.js';
import { registerHandlers } from './registerHandlers.js';
import { slackRetryPolicies, type SlackRetryPolicy } from './retryPolicies.js';
import { describeSlackError, slackErrorCode } from './slackErrors.js';
import type { SlackContext, SlackCore } from './SlackContext.js';
import { SlackFiles } from './SlackFiles.js';

export interface SlackAdapterOptions {
  readonly config: SlackConfig;
  readonly core: SlackCore;
  readonly logger: Logger;
  /** @defaultValue the system clock */
  readonly clock?: Clock;
  /** Web API retries. @defaultValue {@link slackRetryPolicies.bounded} */
  readonly retry?: SlackRetryPolicy;
  /** Per Web API call, uploads included. @defaultValue 30 s */
  readonly apiTimeoutMs?: number;
  /** HTTP mode: interface to listen on (tests pass 127.0.0.1). @defaultValue all interfaces */
  readonly httpHost?: string;
}

/** Calls made before an ack must leave time to answer within Slack's 3 seconds. */
const QUICK_TIMEOUT_MS = 2000;

const DEFAULTS = { retry: slackRetryPolicies.bounded, apiTimeoutMs: 30_000 } as const;

/**
 * The Slack app (DESIGN §6 Slack) on Bolt: Socket Mode with `SLACK_APP_TOKEN`, HTTP mode with
 * `SLACK_SIGNING_SECRET`. It translates only: commands, shortcuts, modals and buttons become core
 * intents, and job events become Slack messages.
 */
export class SlackAdapter implements ChatAdapter {
  readonly platform = 'slack' as const;
  readonly #o: SlackAdapterOptions & { readonly retry: SlackRetryPolicy; readonly apiTimeoutMs: number };
  readonly #log: Logger;
  readonly #boltLog: ReturnType<typeof boltLogger>;
  readonly #inflight = new Inflight();
  #transport: BoltTransport | undefined;
  #delivery: JobDelivery | undefined;
  #unsubscribe: (() => void) | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: SlackAdapterOptions) {
    this.#o = { ...options, retry: options.retry ?? DEFAULTS.retry, apiTimeoutMs: options.apiTimeoutMs ?? DEFAULTS.apiTimeoutMs };
    this.#log = options.logger.child({ platform: 'slack' });
    this.#boltLog = boltLogger(this.#log.child({ component: 'bolt' }));
  }

  /** Checks the token, builds the Bolt app and connects (Socket Mode) or listens (HTTP mode). */
  async start(): Promise<void> {
    const { config, core } = this.#o;
    const client = new webApi.WebClient(config.botToken, this.#clientOptions(false));
    const quickClient = new webApi.WebClient(config.botToken, this.#clientOptions(true));
    const auth = await authTest(client);
    const clock = this.#o.clock ?? systemClock;
    const ctx: SlackContext = {
      core,
      client,
      quickClient,
      logger: this.#log,
      files: new SlackFiles(quickClient, config.botToken, config.apiUrl),
      channels: new ChannelAccess({ client: quickClient, botName: auth.name, logger: this.#log, clock }),
      notifier: new Notifier(client, this.#log),
      adminIds: new Set(config.adminIds),
      inflight: this.#inflight,
      triggers: new Once({ clock }),
    };
    this.#transport = buildBoltTransport(config, {
      clientOptions: () => this.#clientOptions(false),
      logger: this.#boltLog,
      botId: auth.botId,
      botUserId: auth.userId,
      ...(this.#o.httpHost === undefined ? {} : { httpHost: this.#o.httpHost }),
    });
    registerHandlers(this.#transport.app, ctx);
    this.#delivery = new JobDelivery(ctx);
    this.#unsubscribe = core.subscribe(this.#delivery.listener);
    await this.#transport.start();
    this.#log.info({ mode: config.mode, bot: auth.name, url: this.#transport.eventsUrl() }, 'Slack app connected');
  }

  stop(graceMs?: number): Promise<void> {
    this.#stopping ??= (async () => {
      this.#unsubscribe?.();
      // Handlers still answering and results still uploading finish first (each call has a timeout),
      // while the connection is up to carry their acks; anything that slipped in meanwhile, after.
      // With a grace, no longer than that in all.
      const deadline = graceMs === undefined ? undefined : performance.now() + graceMs;
      await this.#inflight.drain(deadline);
      await this.#transport?.stop();
      await this.#inflight.drain(deadline);
    })();
    return this.#stopping;
  }

  isConnected(): boolean {
    return this.#transport?.isConnected() ?? false;
  }

  /** HTTP mode, while listening: the URL to set as the app's Request URL. */
  eventsUrl(): string | undefined {
    return this.#transport?.eventsUrl();
  }

  async notifyReleased(jobs: readonly Job[]): Promise<void> {
    await this.#delivery?.notifyReleased(jobs);
  }

  async redeliver(job: Job, images: readonly OutputImage[], account: Account): Promise<number> {
    if (!this.#delivery) return 0;
    return this.#delivery.redeliver(job, images, account);
  }

  #clientOptions(quick: boolean): webApi.WebClientOptions {
    const { config, retry, apiTimeoutMs } = this.#o;
    return {
      ...(config.apiUrl === undefined ? {} : { slackApiUrl: config.apiUrl }),
      retryConfig: quick ? { ...slackRetryPolicies.none } : { ...retry },
      timeout: quick ? Math.min(QUICK_TIMEOUT_MS, apiTimeoutMs) : apiTimeoutMs,
      logger: this.#boltLog,
    };
  }
}

/** Who the bot is; a wrong token fails here, with how to fix it. */
async function authTest(client: webApi.WebClient): Promise<{ botId: string; userId: string; name: string }> {
  try {
    const auth = await client.auth.test();
    if (!auth.bot_id || !auth.user_id) {
      throw new AppError('slack_auth', 'SLACK_BOT_TOKEN is not a bot token: use the Bot User OAuth Token (xoxb-…) from OAuth & Permissions.');
    }
    return { botId: auth.bot_id, userId: auth.user_id, name: auth.user ?? 'nano-imagine' };
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = slackErrorCode(error);
    if (code === 'invalid_auth' || code === 'not_authed' || code === 'account_inactive' || code === 'token_revoked') {
      throw new AppError('slack_auth', `Slack refused SLACK_BOT_TOKEN (${code}): copy the Bot User OAuth Token (xoxb-…) again from OAuth & Permissions, and reinstall the app if it was revoked.`, { cause: error });
    }
    throw new AppError('slack_unreachable', `Could not reach the Slack Web API (${describeSlackError(error).code}): check the network and SLACK_API_URL.`, { cause: error });
  }
}
