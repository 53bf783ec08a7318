import { Client, Events, GatewayIntentBits, type Interaction } from 'discord.js';
import type { Logger } from 'pino';
import type { ChatAdapter } from '../ChatAdapter.js';
import { holdsShardZero, type DiscordConfig } from '../../config.js';
import type { OutputImage } from '../../core/generation/types.js';
import type { Account, Job } from '../../core/model.js';
import { attachmentOrigins } from './attachmentOrigins.js';
import { buildCommands } from './commands/buildCommands.js';
import type { DiscordContext, DiscordCore } from './DiscordContext.js';
import { handleSafely } from './interactions/handleSafely.js';
import { AfterRestart } from './jobs/AfterRestart.js';
import { restChannelPoster, restDirectPoster } from './jobs/channelPoster.js';
import { Presenters } from './jobs/Presenters.js';
import { describeError } from './logSafe.js';
import { PendingForms } from './PendingForms.js';
import { registerCommands } from './registration/registerCommands.js';
import { makeRequest } from './restRequest.js';
import { shardingOptions, shardRefusal } from './sharding.js';
import { systemClock, type Clock } from '../../core/clock.js';

export interface DiscordAdapterOptions {
  readonly config: DiscordConfig;
  readonly core: DiscordCore;
  readonly logger: Logger;
  /** @defaultValue the system clock */
  readonly clock?: Clock;
  /**
   * REST timeout per request; uploads of 4K results need more than discord.js's 15 s.
   * @defaultValue 60 000
   */
  readonly restTimeoutMs?: number;
  /**
   * How long `stop()` waits for results still being sent, when not told.
   * @defaultValue 10 000
   */
  readonly drainMs?: number;
}

/**
 * The Discord bot (DESIGN §6): logs in with the `Guilds` intent only, on the shards this process
 * holds (`DISCORD_SHARD_COUNT`, `DISCORD_SHARD_IDS`), keeps the registered commands equal to the
 * code's (one process does: by default the one holding shard 0), and hands each interaction to its
 * handler. It translates; the core decides.
 */
export class DiscordAdapter implements ChatAdapter {
  readonly platform = 'discord' as const;
  readonly #options: DiscordAdapterOptions;
  readonly #client: Client;
  readonly #logger: Logger;
  readonly #forms: PendingForms;
  readonly #presenters: Presenters;
  readonly #afterRestart: AfterRestart;
  readonly #adminIds: ReadonlySet<string>;
  readonly #attachmentOrigins: ReadonlySet<string>;
  #stopped: Promise<void> | undefined;

  constructor(options: DiscordAdapterOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ platform: 'discord' });
    const clock = options.clock ?? systemClock;
    this.#client = new Client({
      intents: [GatewayIntentBits.Guilds],
      ...shardingOptions(options.config.shards),
      rest: { api: options.config.apiUrl, timeout: options.restTimeoutMs ?? 60_000, makeRequest },
      allowedMentions: { parse: [], repliedUser: false },
    });
    const postToChannel = restChannelPoster(this.#client.rest);
    const postToUser = restDirectPoster(this.#client.rest);
    this.#forms = new PendingForms(clock);
    this.#adminIds = new Set(options.config.adminIds);
    this.#attachmentOrigins = attachmentOrigins(options.config.apiUrl);
    this.#presenters = new Presenters({ clock, core: options.core, postToChannel, postToUser, logger: this.#logger });
    this.#afterRestart = new AfterRestart({ core: options.core, postToChannel, postToUser, logger: this.#logger });
    this.#client.on(Events.InteractionCreate, (interaction) => {
      void handleSafely(this.#contextFor(interaction), interaction);
    });
    this.#client.on(Events.Error, (error) => this.#logger.error({ err: describeError(error) }, 'discord client error'));
    this.#client.on(Events.Warn, (message) => this.#logger.warn({ detail: message }, 'discord client warning'));
    this.#client.on(Events.ShardDisconnect, (event, shard) => this.#logger.warn({ code: event.code, shard }, 'discord gateway disconnected'));
  }

  /**
   * Registers the commands when they differ from Discord's (if this process is the one to), then
   * logs in and waits until every shard it holds is ready. A shard Discord closes for good before
   * that (an invalid shard, sharding required) fails the start with what to change.
   */
  async start(): Promise<void> {
    const { config } = this.#options;
    this.#client.rest.setToken(config.token);
    await this.#register();
    let refused: (error: Error) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (refused = reject));
    const onDisconnect = (event: { code: number }, shardId: number) => refused(new Error(shardRefusal(event.code, shardId)));
    const ready = new Promise<void>((resolve) => this.#client.once(Events.ClientReady, () => resolve()));
    this.#client.on(Events.ShardDisconnect, onDisconnect);
    try {
      await Promise.race([Promise.all([this.#client.login(config.token), ready]), failed]);
    } finally {
      this.#client.off(Events.ShardDisconnect, onDisconnect);
    }
    const shards = [...this.#client.ws.shards.keys()];
    this.#logger.info(
      { user: this.#client.user?.tag, guilds: this.#client.guilds.cache.size, shards, shardCount: this.#client.options.shardCount },
      'discord bot connected',
    );
  }

  async #register(): Promise<void> {
    const { config, core } = this.#options;
    if (!config.registerCommands) {
      const reason = holdsShardZero(config.shards) ? 'DISCORD_REGISTER_COMMANDS is off' : 'the process holding shard 0 registers them';
      this.#logger.info({ shards: typeof config.shards === 'object' ? config.shards.ids : config.shards, reason }, 'discord commands not registered by this process');
      return;
    }
    const registration = await registerCommands(this.#client.rest, config, buildCommands(core.catalog));
    this.#logger.info(registration, registration.changed ? 'registered discord commands' : 'discord commands already up to date');
  }

  stop(graceMs?: number): Promise<void> {
    this.#stopped ??= (async () => {
      await this.#presenters.drain(graceMs ?? this.#options.drainMs ?? 10_000);
      await this.#client.destroy();
    })();
    return this.#stopped;
  }

  isConnected(): boolean {
    return this.#client.isReady();
  }

  notifyReleased(jobs: readonly Job[]): Promise<void> {
    return this.#afterRestart.notifyReleased(jobs);
  }

  redeliver(job: Job, images: readonly OutputImage[], account: Account): Promise<number> {
    return this.#afterRestart.redeliver(job, images, account);
  }

  #contextFor(interaction: Interaction): DiscordContext {
    const parent = this.#logger;
    let logger: Logger | undefined;
    return {
      core: this.#options.core,
      adminIds: this.#adminIds,
      attachmentOrigins: this.#attachmentOrigins,
      forms: this.#forms,
      presenters: this.#presenters,
      // Made on first use: most interactions log once or not at all, and acks are latency-bound.
      get logger() {
        return (logger ??= parent.child({ interactionId: interaction.id, user: interaction.user.id }));
      },
    };
  }
}
