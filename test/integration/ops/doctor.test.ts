import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../../../src/db/sqlite/migrations/index.js';
import { openDatabase } from '../../../src/db/sqlite/open.js';
import { formatChecks, runDoctor } from '../../../src/ops/doctor/runDoctor.js';

/** A tiny stand-in for the two endpoints doctor calls on each platform. */
async function platformStub(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    res.setHeader('content-type', 'application/json');
    if (req.url === '/api/v10/users/@me') {
      if (auth !== 'Bot discord-good-token') return res.writeHead(401).end('{"message":"401: Unauthorized","code":0}');
      return res.end(JSON.stringify({ id: '123456789012345678', username: 'imagine-bot' }));
    }
    if (req.url === '/api/auth.test') {
      return res.end(JSON.stringify(auth === 'Bearer xoxb-good' ? { ok: true, user: 'imagine', team: 'Acme' } : { ok: false, error: 'invalid_auth' }));
    }
    if (req.url === '/api/apps.connections.open') {
      return res.end(JSON.stringify(auth === 'Bearer xapp-good' ? { ok: true, url: 'ws://x' } : { ok: false, error: 'invalid_auth' }));
    }
    return res.writeHead(404).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('doctor', () => {
  let dir: string;
  let stub: Awaited<ReturnType<typeof platformStub>>;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ni-doctor-'));
    stub = await platformStub();
  });
  afterEach(async () => {
    await stub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes a healthy setup, one line per check', async () => {
    const results = await runDoctor({
      DATABASE_PATH: join(dir, 'a.db'),
      NBPRO_API_KEY: 'sk-key-123456',
      DISCORD_TOKEN: 'discord-good-token',
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_API_URL: stub.url,
      SLACK_BOT_TOKEN: 'xoxb-good',
      SLACK_APP_TOKEN: 'xapp-good',
      SLACK_API_URL: stub.url,
    });
    expect(results.map((r) => [r.name, r.status])).toEqual([
      ['config', 'ok'],
      ['database', 'ok'],
      ['provider', 'skip'],
      ['discord token', 'ok'],
      ['slack bot token', 'ok'],
      ['slack app token', 'ok'],
    ]);
    const lines = formatChecks(results);
    expect(lines).toHaveLength(6);
    expect(lines[2]).toMatch(/^SKIP provider: nbpro .* offers no call that checks it without generating an image → /);
    expect(lines.join('\n')).not.toContain('sk-key-123456');
  });

  it('names each failure and what to do about it, never the secret', async () => {
    const results = await runDoctor({
      DATABASE_PATH: join(dir, 'b.db'),
      DISCORD_TOKEN: 'discord-bad-token',
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_API_URL: stub.url,
      SLACK_BOT_TOKEN: 'xoxb-bad',
      SLACK_APP_TOKEN: 'xapp-bad',
      SLACK_API_URL: stub.url,
    });
    const lines = formatChecks(results);
    expect(lines).toContain(
      'FAIL discord token: Discord refused the token (401) → Reset the token in the Discord developer portal (Bot → Reset Token) and set DISCORD_TOKEN.',
    );
    expect(lines.find((l) => l.startsWith('FAIL slack bot token'))).toMatch(/invalid_auth → Copy the Bot User OAuth Token/);
    expect(lines.find((l) => l.startsWith('FAIL slack app token'))).toMatch(/connections:write/);
    expect(lines.find((l) => l.startsWith('WARN provider'))).toMatch(/offline/);
    expect(lines.join('\n')).not.toMatch(/discord-bad-token|xoxb-bad|xapp-bad/);
  });

  it('checks each configured provider on its own line: base URL, plan, number of keys', async () => {
    const results = await runDoctor({
      DATABASE_PATH: join(dir, 'p.db'),
      PROVIDERS: 'nbapi,nbpro,offline',
      NBPRO_API_KEYS: 'sk-key-1,sk-key-2',
      NBPRO_PLAN: 'pro',
      NBAPI_API_KEY: 'nbapi-key-1',
    });
    const lines = formatChecks(results);
    expect(lines[0]).toBe('WARN config: providers nbapi, nbpro, offline; no chat platform configured → Set DISCORD_TOKEN + DISCORD_APPLICATION_ID and/or SLACK_BOT_TOKEN (+ SLACK_APP_TOKEN or SLACK_SIGNING_SECRET).');
    expect(lines.filter((l) => /^\S+ provider: /.test(l))).toEqual([
      expect.stringMatching(/^SKIP provider: nbapi at https:\/\/api\.nanobananaapi\.dev, 1 key: set, but nbapi offers no call that checks it /),
      expect.stringMatching(/^SKIP provider: nbpro at https:\/\/nano-banana-pro\.net, plan pro, 2 keys: set, but nbpro offers no call that checks them /),
      expect.stringMatching(/^WARN provider: offline renderer/),
    ]);
    expect(lines.join('\n')).not.toMatch(/sk-key|nbapi-key/);
  });

  it('reports configuration problems as failed checks', async () => {
    const results = await runDoctor({ PROVIDER: 'nbapi', STARTING_CREDITS: '-1' });
    expect(results.every((r) => r.name === 'config' && r.status === 'fail')).toBe(true);
    expect(results).toHaveLength(2);
  });

  it('checks PRICES_FILE and MODELS_FILE, listing the problems of both', async () => {
    const prices = join(dir, 'prices.json');
    const models = join(dir, 'models.yaml');
    writeFileSync(prices, '{"nbpro": {"1K": -1}}');
    writeFileSync(models, 'models:\n  - name: gemini-3-pro-image-preview\n    deprecated: 2026-06-25\n');
    const results = await runDoctor({ DATABASE_PATH: join(dir, 'f.db'), PRICES_FILE: prices, MODELS_FILE: models });
    expect(formatChecks(results)).toEqual([
      expect.stringMatching(/^FAIL config: PRICES_FILE .*prices\.json: /),
      `FAIL config: MODELS_FILE ${models}: models[0].deprecated: needs use: the model that serves its requests from that date.`,
    ]);
    writeFileSync(models, 'models: []\n');
    writeFileSync(prices, '{}');
    expect((await runDoctor({ DATABASE_PATH: join(dir, 'f.db'), PRICES_FILE: prices, MODELS_FILE: models }))[0]).toMatchObject({ name: 'config', status: 'warn' });
  });

  it('fails when a platform cannot be reached', async () => {
    await stub.close();
    const results = await runDoctor({
      DATABASE_PATH: join(dir, 'c.db'),
      DISCORD_TOKEN: 't',
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_API_URL: stub.url,
    });
    const last = results.at(-1);
    expect([last?.name, last?.status]).toEqual(['discord token', 'fail']);
    expect(last?.detail).toMatch(/did not answer/);
    stub = await platformStub();
  });

  describe('never changes the database it checks', () => {
    const databaseCheck = async (path: string) => (await runDoctor({ DATABASE_PATH: path })).find((r) => r.name === 'database');

    it('does not create a file (or its folder) that is not there', async () => {
      const path = join(dir, 'not-yet', 'nano-imagine.db');
      expect(await databaseCheck(path)).toMatchObject({ status: 'ok', detail: expect.stringMatching(/does not exist yet/) });
      expect(existsSync(join(dir, 'not-yet'))).toBe(false);
    });

    it('checks a current file read-only', async () => {
      const path = join(dir, 'current.db');
      openDatabase(path).close();
      const before = readFileSync(path);
      expect(await databaseCheck(path)).toMatchObject({ status: 'ok', detail: `${path} (schema ${LATEST_SCHEMA_VERSION}), integrity and ledger ok` });
      expect(readFileSync(path).equals(before)).toBe(true);
    });

    it('does not migrate a file with an older schema', async () => {
      const path = join(dir, 'old.db');
      const old = new Database(path);
      old.exec('CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES (\'kept as is\')');
      old.close();
      const before = readFileSync(path);
      expect(await databaseCheck(path)).toMatchObject({
        status: 'warn',
        detail: expect.stringMatching(new RegExp(`schema 0 of ${LATEST_SCHEMA_VERSION}: integrity ok, ${LATEST_SCHEMA_VERSION} migration\\(s\\) pending \\(0001_init`)),
      });
      expect(readFileSync(path).equals(before)).toBe(true);
      const after = new Database(path, { readonly: true });
      try {
        expect(after.pragma('user_version', { simple: true })).toBe(0);
        expect(after.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(['notes']);
      } finally {
        after.close();
      }
    });

    it('fails a file written by a newer build, leaving it alone', async () => {
      const path = join(dir, 'new.db');
      const newer = new Database(path);
      newer.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
      newer.close();
      const before = readFileSync(path);
      expect(await databaseCheck(path)).toMatchObject({ status: 'fail', detail: expect.stringMatching(/newer than this build knows/) });
      expect(readFileSync(path).equals(before)).toBe(true);
    });
  });
});
