import { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { ChatAdapter } from '../ChatAdapter.js';
import type { SlackConfig } from '../../config.js';
import { AppError } from '../../core/errors.js';
import type { Job } from '../../core/model.js';
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
  /** Web API retries. @defaultValue {@link slackRetryPolicies.bounded} */
  readonly retry?: SlackRetryPolicy;
  /** Per Web API call, uploads included. @defaultValue 30 s */
  readonly apiTimeoutMs?: number;
  /** HTTP mode: interface to listen on (tests pass 127.0.0.1). @defaultValue all interfaces */
  readonly httpHost?: string;
}

/** The Slack {@link ChatAdapter}, plus where HTTP-mode requests go once started. */
export interface SlackAdapter extends ChatAdapter {
  readonly platform: 'slack';
  /** HTTP mode, while listening: the URL to set as the app's Request URL. */
  eventsUrl(): string | undefined;
}

/** Calls made before an ack must leave time to answer within Slack's 3 seconds. */
const QUICK_TIMEOUT_MS = 2000;

const DEFAULTS = { retry: slackRetryPolicies.bounded, apiTimeoutMs: 30_000 } as const satisfies Omit<
  Required<SlackAdapterOptions>,
  'httpHost'
>;

/**
 * The Slack app (DESIGN §6 Slack) on Bolt: Socket Mode with `SLACK_APP_TOKEN`, HTTP mode with
 * `SLACK_SIGNING_SECRET`. It translates only: commands, shortcuts, modals and buttons become core
 * intents, and job events become Slack messages.
 */
export function createSlackAdapter(config: SlackConfig, core: SlackCore, logger: Logger, options: SlackAdapterOptions = {}): SlackAdapter {
  const o = { ...DEFAULTS, ...options };
  const log = logger.child({ platform: 'slack' });
  const slackLog = boltLogger(log.child({ component: 'bolt' }));
  const clientOptions = (quick = false): webApi.WebClientOptions => ({
    ...(config.apiUrl === undefined ? {} : { slackApiUrl: config.apiUrl }),
    retryConfig: quick ? { ...slackRetryPolicies.none } : { ...o.retry },
    timeout: quick ? Math.min(QUICK_TIMEOUT_MS, o.apiTimeoutMs) : o.apiTimeoutMs,
    logger: slackLog,
  });
  const inflight = new Inflight();
  let transport: BoltTransport | undefined;
  let delivery: JobDelivery | undefined;
  let unsubscribe: (() => void) | undefined;
  let stopping: Promise<void> | undefined;

  return {
    platform: 'slack',
    async start() {
      const client = new webApi.WebClient(config.botToken, clientOptions());
      const quickClient = new webApi.WebClient(config.botToken, clientOptions(true));
      const auth = await authTest(client);
      const ctx: SlackContext = {
        core,
        client,
        quickClient,
        logger: log,
        files: new SlackFiles(quickClient, config.botToken, config.apiUrl),
        channels: new ChannelAccess({ client: quickClient, botName: auth.name, logger: log }),
        notifier: new Notifier(client, log),
        adminIds: new Set(config.adminIds),
        inflight,
        triggers: new Once(),
      };
      transport = buildBoltTransport(config, {
        clientOptions: () => clientOptions(),
        logger: slackLog,
        botId: auth.botId,
        botUserId: auth.userId,
        ...(o.httpHost === undefined ? {} : { httpHost: o.httpHost }),
      });
      registerHandlers(transport.app, ctx);
      delivery = new JobDelivery(ctx);
      unsubscribe = core.generation.subscribe(delivery.listener);
      await transport.start();
      log.info({ mode: config.mode, bot: auth.name, url: transport.eventsUrl() }, 'Slack app connected');
    },
    stop() {
      stopping ??= (async () => {
        unsubscribe?.();
        // Handlers still answering and results still uploading finish first (each call has a timeout),
        // while the connection is up to carry their acks; anything that slipped in meanwhile, after.
        await inflight.drain();
        await transport?.stop();
        await inflight.drain();
      })();
      return stopping;
    },
    isConnected: () => transport?.isConnected() ?? false,
    eventsUrl: () => transport?.eventsUrl(),
    async notifyInterrupted(jobs: readonly Job[]) {
      await delivery?.notifyInterrupted(jobs);
    },
  };
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
