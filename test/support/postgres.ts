import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from './postgresDatabases.js';
import { findPostgresBinaries, serverUser, type RunAs } from './postgresBinaries.js';

/** A throwaway PostgreSQL server on 127.0.0.1, trusting every local connection. */
export interface TestPostgres {
  /** The server's `postgres` database, as user `postgres`, no password. */
  readonly url: string;
  /** A new empty database (a unique name unless given); its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server (fast shutdown, then SIGKILL) and removes its directory. */
  stop(): Promise<void>;
}

const READY = 'database system is ready to accept connections';
const START_DEADLINE_MS = 30_000;
const STOP_DEADLINE_MS = 10_000;
/**
 * Tests keep nothing: no waiting for the disk. Deadlocks are looked for after 100 ms instead of a
 * second, so that tests provoking one (to see it retried) are quick.
 */
const FAST = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'deadlock_timeout=100ms'];

/** A port that was free a moment ago; the server may still lose it to another process, and then retries. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

/** Runs a program to completion; its output goes into the error when it fails. */
async function run(file: string, args: string[], cwd: string, user: RunAs | undefined): Promise<void> {
  const child = spawn(file, args, { cwd, env: { PATH: process.env.PATH ?? '', LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'], ...user });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${file} ${args.join(' ')} failed (${String(code)}):\n${output}`);
}

/**
 * Starts `postgres` and resolves once it logs that it accepts connections; rejects with its log if
 * it exits first (a taken port) or is not ready by the deadline. The log is read as it comes, both
 * to see the line and so that the pipe never fills and blocks the server.
 */
async function startServer(postgres: string, dir: string, port: number, user: RunAs | undefined): Promise<ChildProcess> {
  const settings = [`listen_addresses=127.0.0.1`, ...FAST].flatMap((setting) => ['-c', setting]);
  const args = ['-D', join(dir, 'data'), '-k', join(dir, 'socket'), '-p', String(port), ...settings];
  const child = spawn(postgres, args, { cwd: dir, env: { PATH: process.env.PATH ?? '', LC_ALL: 'C' }, stdio: ['ignore', 'ignore', 'pipe'], ...user });
  let log = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`postgres was not ready after ${START_DEADLINE_MS} ms:\n${log}`)), START_DEADLINE_MS);
      const settle = (error?: Error) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      child.stderr.on('data', (chunk: Buffer) => {
        log = (log + chunk.toString()).slice(-20_000);
        if (log.includes(READY)) settle();
      });
      child.once('exit', (code, signal) => settle(new Error(`postgres exited (${String(code ?? signal)}) before it was ready:\n${log}`)));
      child.once('error', settle);
    });
    return child;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

/** Fast shutdown (SIGINT), or SIGKILL if that takes too long. */
async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_DEADLINE_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts a PostgreSQL server for tests: `initdb` into a new temporary directory, then `postgres` on
 * 127.0.0.1 and a free port, with durability off. When this process is root, both run as the
 * `postgres` system user (see {@link serverUser}). If this process exits without {@link
 * TestPostgres.stop}, the server is killed and its directory removed all the same.
 *
 * @throws Error when the binaries are missing, initdb fails, or the server does not start.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const binaries = findPostgresBinaries();
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'nano-imagine-pg-'));
  const cleanUp = () => rmSync(dir, { recursive: true, force: true });
  let child: ChildProcess | undefined;
  const onExit = () => {
    child?.kill('SIGKILL');
    cleanUp();
  };
  process.once('exit', onExit);
  try {
    mkdirSync(join(dir, 'socket'));
    if (user) for (const path of [dir, join(dir, 'socket')]) chownSync(path, user.uid, user.gid);
    await run(binaries.initdb, ['-D', join(dir, 'data'), '--auth=trust', '-U', 'postgres', '--encoding=UTF8', '--locale=C', '--no-sync'], dir, user);
    let port = 0;
    for (let attempt = 1; child === undefined; attempt += 1) {
      port = await freePort();
      try {
        child = await startServer(binaries.postgres, dir, port, user);
      } catch (error) {
        // Another process took the port between freePort() and the server's bind.
        if (attempt >= 3 || !String(error).includes('could not bind')) throw error;
      }
    }
    const server = child;
    const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
    return {
      url,
      createDatabase: (name) => createDatabase(url, name),
      stop: async () => {
        process.removeListener('exit', onExit);
        await stopServer(server);
        cleanUp();
      },
    };
  } catch (error) {
    process.removeListener('exit', onExit);
    cleanUp();
    throw error;
  }
}
