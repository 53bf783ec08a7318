import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Handles one request to a registered path. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** What the server saw of a request, for assertions on headers. */
export interface RecordedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

/** The HTML Slack serves in place of a private file when the token is missing or wrong. */
export const LOGIN_PAGE = '<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to your workspace</body></html>';

/**
 * A real HTTP server on 127.0.0.1 (random port) serving routes a test registers: bytes with a content
 * type, redirects, hanging or endless responses, and Slack-like private files. Unknown paths are 404.
 */
export class FileServer {
  readonly requests: RecordedRequest[] = [];
  readonly #routes = new Map<string, RouteHandler>();
  readonly #sockets = new Set<Socket>();
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    server.on('request', (request, response) => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      this.requests.push({ path, headers: request.headers });
      const route = this.#routes.get(path);
      if (route) route(request, response);
      else response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    });
  }

  /** Starts a server on 127.0.0.1 with a port the system picks. */
  static async start(): Promise<FileServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new FileServer(server);
  }

  get origin(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  /** Requests the server saw for one path. */
  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  route(path: string, handler: RouteHandler): this {
    this.#routes.set(path, handler);
    return this;
  }

  /**
   * Serves fixed bytes. `chunked` sends them in pieces without a content-length, as a streaming
   * server does, so only a streamed byte count can catch an oversized body.
   */
  bytes(path: string, body: Buffer | string, contentType: string, options: { chunked?: boolean } = {}): this {
    const data = Buffer.from(body);
    return this.route(path, (_request, response) => {
      if (!options.chunked) {
        response.writeHead(200, { 'content-type': contentType, 'content-length': data.length }).end(data);
        return;
      }
      response.writeHead(200, { 'content-type': contentType });
      for (let offset = 0; offset < data.length; offset += 64 * 1024) response.write(data.subarray(offset, offset + 64 * 1024));
      response.end();
    });
  }

  redirect(path: string, location: string, status = 302): this {
    return this.route(path, (_request, response) => {
      response.writeHead(status, { location }).end();
    });
  }

  /** Never answers; with `head`, sends the headers and these first bytes, then stalls. */
  hang(path: string, head?: { contentType: string; first: Buffer }): this {
    return this.route(path, (_request, response) => {
      if (head) {
        response.writeHead(200, { 'content-type': head.contentType });
        response.write(head.first);
      }
    });
  }

  /**
   * Streams `first`, then zeros for as long as the client reads: a client without a streamed byte
   * cap never finishes, so a test passing proves the download was cut off.
   */
  endless(path: string, contentType: string, first: Buffer): this {
    return this.route(path, (request, response) => {
      response.writeHead(200, { 'content-type': contentType });
      response.write(first);
      const zeros = Buffer.alloc(64 * 1024);
      const pump = (): void => {
        while (!response.destroyed && response.write(zeros));
      };
      response.on('drain', pump);
      request.socket.on('close', () => response.off('drain', pump));
      pump();
    });
  }

  /**
   * A Slack-like private file: served only with `Authorization: Bearer <token>`; otherwise a redirect
   * to an HTML login page (which a naive client follows and "downloads").
   */
  privateFile(path: string, token: string, body: Buffer, contentType: string): this {
    this.route('/login', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(LOGIN_PAGE);
    });
    return this.route(path, (request, response) => {
      if (request.headers.authorization !== `Bearer ${token}`) {
        response.writeHead(302, { location: '/login' }).end();
        return;
      }
      response.writeHead(200, { 'content-type': contentType, 'content-length': body.length }).end(body);
    });
  }

  /** Stops listening and destroys open sockets, so hanging responses cannot keep the test alive. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve, reject) => this.#server.close((error) => (error ? reject(error) : resolve())));
  }
}
