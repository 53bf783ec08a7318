import type { AddressInfo } from 'node:net';
import { App, SocketModeReceiver, type Logger as SlackLogger, type webApi } from '@slack/bolt';
import type { SlackConfig } from '../../config.js';
import { GuardedHttpReceiver } from './http/GuardedHttpReceiver.js';

/** The Bolt app and its transport, started and stopped as one. */
export interface BoltTransport {
  readonly app: App;
  start(): Promise<void>;
  /** Disconnects; resolves once the socket is closed (Socket Mode) or the server stopped (HTTP). */
  stop(): Promise<void>;
  isConnected(): boolean;
  /** HTTP mode, while listening: where Slack must send requests. */
  eventsUrl(): string | undefined;
}

export interface BoltTransportOptions {
  /** Each Web API client (the app's, and Socket Mode's own) gets a fresh copy: Bolt mutates them. */
  readonly clientOptions: () => webApi.WebClientOptions;
  readonly logger: SlackLogger;
  /** From `auth.test`; given, so Bolt makes no call of its own (and leaves no promise floating). */
  readonly botId: string;
  readonly botUserId: string;
  /** HTTP mode: interface to listen on. @defaultValue all interfaces */
  readonly httpHost?: string;
}

/** The path HTTP-mode requests (commands, interactivity, events) are sent to. */
export const SLACK_EVENTS_PATH = '/slack/events';

/** Builds the Bolt app for the configured mode: Socket Mode with an app token, else HTTP with a signing secret. */
export function buildBoltTransport(config: SlackConfig, o: BoltTransportOptions): BoltTransport {
  const common = { token: config.botToken, botId: o.botId, botUserId: o.botUserId, logger: o.logger, clientOptions: o.clientOptions() };
  if (config.mode === 'socket') {
    const receiver = new SocketModeReceiver({
      appToken: config.appToken,
      logger: o.logger,
      installerOptions: { clientOptions: o.clientOptions() },
    });
    let connected = false;
    receiver.client.on('connected', () => (connected = true));
    for (const state of ['disconnecting', 'reconnecting', 'disconnected'] as const) receiver.client.on(state, () => (connected = false));
    const app = new App({ ...common, receiver });
    return {
      app,
      start: async () => {
        await app.start();
      },
      stop: async () => {
        // Bolt's receiver.stop() does not wait for the close handshake; the client says when it is done.
        const closed = new Promise<void>((resolve) => receiver.client.once('disconnected', () => resolve()));
        await app.stop();
        await closed;
      },
      isConnected: () => connected,
      eventsUrl: () => undefined,
    };
  }
  // Bolt's HTTP receiver behind a gate that refuses hostile requests before Bolt parses them.
  const receiver = new GuardedHttpReceiver({ signingSecret: config.signingSecret, endpoint: SLACK_EVENTS_PATH, logger: o.logger });
  const app = new App({ ...common, receiver });
  let address: AddressInfo | undefined;
  return {
    app,
    start: async () => {
      address = await receiver.start(config.port, o.httpHost);
    },
    stop: async () => {
      if (!address) return;
      address = undefined;
      await receiver.stop();
    },
    isConnected: () => address !== undefined,
    eventsUrl: () => {
      if (!address) return undefined;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${host}:${address.port}${SLACK_EVENTS_PATH}`;
    },
  };
}
