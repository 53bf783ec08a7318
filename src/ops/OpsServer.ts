import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { bearerMatches } from './bearerMatches.js';

/** One readiness check: `undefined` when ready, else the reason. */
export type ReadinessCheck = () => string | undefined;

/**
 * The operator's HTTP endpoints: `/healthz` (the process answers), `/readyz` (database open and every
 * enabled platform connected; 503 with the reasons otherwise) and `/metrics` (Prometheus; with a
 * `metricsToken`, only for `Authorization: Bearer <token>`).
 */
export class OpsServer {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  constructor(
    private readonly options: { registry: Registry; readiness: ReadinessCheck[]; logger: Logger; metricsToken?: string | undefined },
  ) {
    this.#server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://ops').pathname;
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
      switch (path) {
        case '/healthz':
          return send(res, 200, 'text/plain', 'ok\n');
        case '/readyz': {
          const reasons = this.options.readiness.map((check) => check()).filter((r): r is string => r !== undefined);
          return reasons.length === 0
            ? send(res, 200, 'application/json', '{"ready":true}\n')
            : send(res, 503, 'application/json', `${JSON.stringify({ ready: false, reasons })}\n`);
        }
        case '/metrics': {
          const token = this.options.metricsToken;
          if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
            res.writeHead(401, { 'content-type': 'text/plain', 'cache-control': 'no-store', 'www-authenticate': 'Bearer realm="metrics"' });
            res.end('unauthorized: send Authorization: Bearer <METRICS_TOKEN>\n');
            return;
          }
          this.options.registry.metrics().then(
            (text) => send(res, 200, this.options.registry.contentType, text),
            (error: unknown) => {
              this.options.logger.error({ err: error }, 'metrics collection failed');
              send(res, 500, 'text/plain', 'metrics unavailable\n');
            },
          );
          return;
        }
        default:
          return send(res, 404, 'text/plain', 'not found\n');
      }
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  /** Listens on `host`:`port` (0 picks a port); resolves with the address bound. */
  async listen(port: number, host: string): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    return this.#server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    if (!this.#server.listening) return;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}
