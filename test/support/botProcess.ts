import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Compiles src/ to dist/ (what `npm start` runs), once per test file that needs it. */
export function buildDist(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

/**
 * The real bot (`node dist/main.js`, or another entry point given as node arguments) as a child
 * process, its JSON log lines collected.
 */
export class BotProcess {
  readonly lines: LogLine[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #child: ChildProcess;
  #waiters: { match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  readonly #listeners = new Set<(l: LogLine) => void>();

  constructor(env: Record<string, string>, nodeArgs: readonly string[] = ['dist/main.js']) {
    // A clean environment: only what the test sets, plus PATH for node itself.
    this.#child = spawn(process.execPath, nodeArgs, {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = once(this.#child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
    let buffered = '';
    this.#child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const text = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          this.#add(JSON.parse(text) as LogLine);
        } catch {
          this.#add({ level: 0, msg: text });
        }
      }
    });
    this.#child.stderr!.on('data', (chunk: Buffer) => this.#add({ level: 60, msg: chunk.toString('utf8') }));
  }

  /** Resolves with the first log line (past or future) whose message is `msg`. */
  waitForLog(msg: string, where: (l: LogLine) => boolean = () => true): Promise<LogLine> {
    const match = (l: LogLine) => l.msg === msg && where(l);
    const seen = this.lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }

  /** Resolves with the next log line (from now on) that matches. */
  nextLog(match: (l: LogLine) => boolean): Promise<LogLine> {
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }

  /** Calls `listener` with every log line from now on; returns the way to stop. */
  onLine(listener: (l: LogLine) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  kill(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }

  /** Kills it if still running; for afterEach. */
  async dispose(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
    await this.exited;
  }

  #add(line: LogLine): void {
    this.lines.push(line);
    const ready = this.#waiters.filter((w) => w.match(line));
    this.#waiters = this.#waiters.filter((w) => !w.match(line));
    for (const w of ready) w.resolve(line);
    for (const listener of [...this.#listeners]) listener(line);
  }
}

/** Resolves once `bots` together have logged `msg` `count` times (lines already written count). */
export function waitForLogCount(bots: readonly BotProcess[], msg: string, count: number): Promise<void> {
  let seen = bots.reduce((n, bot) => n + bot.lines.filter((l) => l.msg === msg).length, 0);
  if (seen >= count) return Promise.resolve();
  return new Promise((resolve) => {
    const stops = bots.map((bot) =>
      bot.onLine((line) => {
        if (line.msg !== msg || ++seen < count) return;
        for (const stop of stops) stop();
        resolve();
      }),
    );
  });
}
