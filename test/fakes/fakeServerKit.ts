/**
 * Shared plumbing for the fake provider servers: a real node:http server on 127.0.0.1, request
 * recording (JSON and multipart), a behaviour script, and an image route serving real PNG bytes.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

export interface RecordedFile {
  readonly field: string;
  readonly name: string;
  readonly type: string;
  readonly bytes: Buffer;
}

/** One request as the fake saw it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The key of an `Authorization: Bearer <key>` header, whether the fake accepts it or not. */
  readonly key: string | undefined;
  readonly rawBody: Buffer;
  /** The parsed body when it was JSON. */
  readonly json?: unknown;
  /** Text fields of a multipart body, every value of each name in order. */
  readonly fields?: Readonly<Record<string, readonly string[]>>;
  /** File parts of a multipart body, in order. */
  readonly files?: readonly RecordedFile[];
}

export type Handler = (req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest) => Promise<void> | void;

export interface Listening {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 port 0. `close()` destroys open sockets, hanging ones included. */
export async function listen(handler: Handler): Promise<Listening> {
  const server = createServer((req, res) => {
    recordRequest(req)
      .then((recorded) => handler(req, res, recorded))
      .catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: `fake server failed: ${String(error)}` });
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Reads and parses a request body: JSON by content type, multipart with the global Response API. */
export async function recordRequest(req: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks);
  const key = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  const base = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, key, rawBody };
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.startsWith('application/json')) {
    try {
      return { ...base, json: JSON.parse(rawBody.toString('utf8')) as unknown };
    } catch {
      return base;
    }
  }
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(rawBody, { headers: { 'content-type': contentType } }).formData();
    const fields: Record<string, string[]> = {};
    const files: RecordedFile[] = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') (fields[field] ??= []).push(value);
      else files.push({ field, name: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
    }
    return { ...base, fields, files };
  }
  return base;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendText(res, status, JSON.stringify(body), 'application/json', headers);
}

export function sendText(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = 'text/plain',
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': contentType, ...headers });
  res.end(body);
}

/** A default behaviour plus a queue consumed first: `enqueue` scripts the next calls. */
export class BehaviourScript<B> {
  #mode: B;
  readonly #queue: B[] = [];
  constructor(initial: B) {
    this.#mode = initial;
  }
  setMode(behaviour: B): void {
    this.#mode = behaviour;
  }
  enqueue(...behaviours: B[]): void {
    this.#queue.push(...behaviours);
  }
  next(): B {
    return this.#queue.shift() ?? this.#mode;
  }
}

/** Recorded requests, with a way to wait until some have arrived (no sleeps in tests). */
export class RequestLog {
  readonly requests: RecordedRequest[] = [];
  readonly #waiters: { count: number; resolve: () => void }[] = [];
  add(recorded: RecordedRequest): void {
    this.requests.push(recorded);
    for (const waiter of [...this.#waiters]) {
      if (this.requests.length >= waiter.count) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }
  waitFor(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }
}

/** Images the fake "generated", served under a path prefix; unknown ids answer 404. */
export class ImageStore {
  readonly #images = new Map<string, Buffer>();
  readonly requests: string[] = [];
  #next = 0;
  constructor(
    readonly prefix: string,
    readonly longSide: number,
  ) {}

  /** Renders a solid PNG of `aspectRatio` and returns its path. */
  async add(aspectRatio: string): Promise<string> {
    this.#next += 1;
    const id = `img-${this.#next}`;
    this.#images.set(id, await ratioPng(aspectRatio, this.longSide, this.#next));
    return `${this.prefix}${id}.png`;
  }

  /** A path under the prefix that will answer 404. */
  missing(): string {
    this.#next += 1;
    return `${this.prefix}missing-${this.#next}.png`;
  }

  /** Serves GET `<prefix><id>.png`; returns false when the path is not an image route. */
  serve(recorded: RecordedRequest, res: ServerResponse): boolean {
    if (recorded.method !== 'GET' || !recorded.path.startsWith(this.prefix)) return false;
    this.requests.push(recorded.path);
    const id = recorded.path.slice(this.prefix.length).replace(/\.png$/, '');
    const png = this.#images.get(id);
    if (png === undefined) {
      sendText(res, 404, 'not found');
    } else {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(png.length) });
      res.end(png);
    }
    return true;
  }
}

/** A solid-colour PNG whose sides follow `aspectRatio` ("16:9"), the longer one `longSide` pixels. */
export async function ratioPng(aspectRatio: string, longSide: number, seed = 1): Promise<Buffer> {
  const [w, h] = aspectRatio.split(':').map(Number);
  const rw = w !== undefined && w > 0 ? w : 1;
  const rh = h !== undefined && h > 0 ? h : 1;
  const width = rw >= rh ? longSide : Math.max(1, Math.round((longSide * rw) / rh));
  const height = rh >= rw ? longSide : Math.max(1, Math.round((longSide * rh) / rw));
  const background = { r: (seed * 53) % 256, g: (seed * 101) % 256, b: (seed * 197) % 256 };
  return sharp({ create: { width, height, channels: 3, background } }).png().toBuffer();
}

/**
 * Generate calls being answered at this moment, the most there ever were at once, when
 * (`performance.now()`) the first began and the last ended, and how long they took in all.
 */
export interface ConcurrencyGauge {
  readonly now: number;
  readonly peak: number;
  readonly firstStartedAt: number | undefined;
  readonly lastEndedAt: number | undefined;
  /** The answered calls' durations added up: the work the key did. */
  readonly busyMs: number;
}

/** A {@link ConcurrencyGauge} that counts a call from its start until its response closes. */
class ConcurrencyMeter implements ConcurrencyGauge {
  now = 0;
  peak = 0;
  firstStartedAt: number | undefined;
  lastEndedAt: number | undefined;
  busyMs = 0;

  track(res: ServerResponse): void {
    this.now += 1;
    this.peak = Math.max(this.peak, this.now);
    const startedAt = performance.now();
    this.firstStartedAt ??= startedAt;
    res.once('close', () => {
      this.now -= 1;
      this.lastEndedAt = performance.now();
      this.busyMs += this.lastEndedAt - startedAt;
    });
  }
}

/**
 * The keys a fake provider accepts (one account each, as `NBPRO_API_KEYS=k1,k2` configures), the
 * ones revoked since, and how busy each key and all of them together are. Only accepted calls count.
 */
export class FakeKeys {
  readonly all: readonly string[];
  readonly total = new ConcurrencyMeter();
  readonly #byKey = new Map<string, ConcurrencyMeter>();
  readonly #revoked = new Set<string>();

  constructor(keys: readonly string[]) {
    if (keys.length === 0 || keys.some((key) => key.length === 0)) throw new Error('a fake provider needs at least one non-empty key');
    this.all = [...new Set(keys)];
    for (const key of this.all) this.#byKey.set(key, new ConcurrencyMeter());
  }

  /** Whether `key` is one of the fake's and not revoked: anything else answers the documented 401. */
  accepts(key: string | undefined): key is string {
    return key !== undefined && this.#byKey.has(key) && !this.#revoked.has(key);
  }

  /** From now on `key` answers 401, as a real provider does for a key its owner revoked. */
  revoke(key: string): void {
    this.gauge(key);
    this.#revoked.add(key);
  }

  /** @throws for a key the fake was not started with (a typo in a test, not a 401). */
  gauge(key: string): ConcurrencyGauge {
    return this.#meter(key);
  }

  /** Counts an accepted call on its key and in the total until `res` closes. */
  track(key: string, res: ServerResponse): void {
    this.#meter(key).track(res);
    this.total.track(res);
  }

  #meter(key: string): ConcurrencyMeter {
    const meter = this.#byKey.get(key);
    if (meter === undefined) throw new Error(`the fake provider has no key "${key}"`);
    return meter;
  }
}

/** What a test holds of a fake provider server, whatever its behaviour type `B`. */
export interface FakeProviderServer<B> {
  /** Base URL to pass as `baseUrl`. */
  readonly url: string;
  /** The first of {@link apiKeys}: the one key of a single-key test. */
  readonly apiKey: string;
  /** Every key the fake was started with, revoked ones included. */
  readonly apiKeys: readonly string[];
  /** Generate calls with an accepted key, whichever key: now, at most, and in all. */
  readonly concurrency: ConcurrencyGauge;
  /** The same, for the calls made with `key`. @throws for a key the fake does not have. */
  concurrencyByKey(key: string): ConcurrencyGauge;
  /** From now on `key` answers the documented 401; the other keys go on. */
  revokeKey(key: string): void;
  /** Every call to the generate endpoint, rejected ones included. */
  readonly requests: readonly RecordedRequest[];
  /** Paths of image GETs. */
  readonly imageRequests: readonly string[];
  /** The behaviour for calls when the queue is empty (initially success). */
  setMode(behaviour: B): void;
  /** Behaviours for the next calls, in order, before falling back to the mode. */
  enqueue(...behaviours: B[]): void;
  /** The next `n` calls fail with `failure` (default: the provider's documented 500). */
  failTimes(n: number, failure?: B): void;
  /** Resolves once `count` generate calls have arrived. */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

/** The test's handle on a fake provider built from these parts. */
export function providerHandle<B>(parts: {
  readonly server: Listening;
  readonly keys: FakeKeys;
  readonly log: RequestLog;
  readonly images: ImageStore;
  readonly script: BehaviourScript<B>;
  readonly documentedFailure: B;
}): FakeProviderServer<B> {
  const { server, keys, log, images, script, documentedFailure } = parts;
  return {
    url: server.url,
    apiKey: keys.all[0]!,
    apiKeys: keys.all,
    concurrency: keys.total,
    concurrencyByKey: (key) => keys.gauge(key),
    revokeKey: (key) => keys.revoke(key),
    requests: log.requests,
    imageRequests: images.requests,
    setMode: (behaviour) => script.setMode(behaviour),
    enqueue: (...behaviours) => script.enqueue(...behaviours),
    failTimes: (n, failure = documentedFailure) => script.enqueue(...Array<B>(n).fill(failure)),
    waitForRequests: (count) => log.waitFor(count),
    close: () => server.close(),
  };
}
