import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type App, HTTPModuleFunctions, HTTPReceiver, type Logger as SlackLogger, type Receiver } from '@slack/bolt';
import { admitSlackRequest } from './admitSlackRequest.js';

export interface GuardedHttpReceiverOptions {
  readonly signingSecret: string;
  /** The path Slack POSTs commands, interactivity and events to. */
  readonly endpoint: string;
  readonly logger: SlackLogger;
  /** Epoch milliseconds, for the timestamp window. @defaultValue Date.now */
  readonly now?: () => number;
}

/**
 * Bolt's {@link HTTPReceiver} behind a gate: this receiver owns the HTTP server, and a POST to the
 * events path reaches Bolt's request listener only once {@link admitSlackRequest} has admitted it
 * (anything else is refused with 400/401/413 at once). Bolt still does the rest — its own signature
 * check, acks, the URL and SSL checks, 404 for other paths — unchanged.
 */
export class GuardedHttpReceiver implements Receiver {
  readonly #bolt: HTTPReceiver;
  readonly #o: GuardedHttpReceiverOptions;
  #server: Server | undefined;

  constructor(o: GuardedHttpReceiverOptions) {
    this.#o = o;
    this.#bolt = new HTTPReceiver({ signingSecret: o.signingSecret, endpoints: o.endpoint, logger: o.logger });
  }

  init(app: App): void {
    this.#bolt.init(app);
  }

  /** Listens; resolves with the bound address. */
  async start(port: number, host?: string): Promise<AddressInfo> {
    if (this.#server) throw new Error('The Slack HTTP receiver is already started.');
    const server = createServer((req, res) => this.#handle(req, res));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, ...(host === undefined ? {} : { host }) }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return server.address() as AddressInfo;
  }

  /** Stops accepting; resolves once requests in progress are answered. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    server.closeIdleConnections();
    await closed;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://slack').pathname;
    if (req.method !== 'POST' || path !== this.#o.endpoint) {
      this.#pass(req, res);
      return;
    }
    admitSlackRequest(req, { signingSecret: this.#o.signingSecret, now: this.#o.now ?? Date.now }).then(
      (admission) => {
        if (admission.ok) return this.#pass(admission.request, res);
        this.#o.logger.warn(`Refused a Slack request (${admission.status}): ${admission.reason}`);
        HTTPModuleFunctions.buildNoBodyResponse(res, admission.status);
      },
      (error: unknown) => this.#fail(error, req, res),
    );
  }

  /** Hands the request to Bolt, as Bolt's own server does (an unknown path is answered 404). */
  #pass(req: IncomingMessage, res: ServerResponse): void {
    try {
      this.#bolt.requestListener(req, res);
    } catch (error) {
      this.#fail(error, req, res);
    }
  }

  #fail(error: unknown, req: IncomingMessage, res: ServerResponse): void {
    HTTPModuleFunctions.defaultDispatchErrorHandler({ error: error as Error, logger: this.#o.logger, request: req, response: res });
  }
}
