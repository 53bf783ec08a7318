import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchAllowOrigins } from '../../../src/app/fetchAllowOrigins.js';
import { parseConfig } from '../../../src/config.js';
import { ConfigError } from '../../../src/core/errors.js';

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('defaults to the offline provider with documented defaults', () => {
    const c = parseConfig({});
    expect(c.providers).toEqual([{ id: 'offline' }]);
    expect(c).toMatchObject({
      databasePath: './data/nano-imagine.db',
      startingCredits: 50,
      keyConcurrency: undefined,
      fallback: true,
      breaker: { failures: 5, coolOffMs: 30_000 },
      modelsFile: undefined,
      userConcurrency: 2,
      queueLimit: 500,
      providerTimeoutMs: 120_000,
      providerRetries: 2,
      shutdownGraceMs: 25_000,
      logLevel: 'info',
      logPretty: false,
      httpHost: '127.0.0.1',
      metricsToken: undefined,
      discord: undefined,
      slack: undefined,
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('uses every provider with a key, nbpro first, with its plan; PROVIDER_CONCURRENCY is per key', () => {
    expect(parseConfig({ NBAPI_API_KEY: 'k-123456' }).providers.map((p) => p.id)).toEqual(['nbapi']);
    const c = parseConfig({ NBPRO_API_KEY: 'sk-123456', NBAPI_API_KEY: 'k', NBPRO_PLAN: 'Free' });
    expect(c.providers).toEqual([
      { id: 'nbpro', apiKeys: ['sk-123456'], baseUrl: 'https://nano-banana-pro.net', plan: 'free' },
      { id: 'nbapi', apiKeys: ['k'], baseUrl: 'https://api.nanobananaapi.dev' },
    ]);
    expect(c.keyConcurrency).toBeUndefined();
    expect(parseConfig({ NBPRO_API_KEY: 'sk-1', PROVIDER_CONCURRENCY: '3' }).keyConcurrency).toBe(3);
  });

  it('never falls back silently when the chosen provider has no key', () => {
    expect(problems({ PROVIDER: 'nbpro' })).toEqual([expect.stringContaining('PROVIDER=nbpro needs NBPRO_API_KEY')]);
    expect(problems({ PROVIDER: 'nbapi', NBPRO_API_KEY: 'x' })).toEqual([expect.stringContaining('NBAPI_API_KEY')]);
  });

  it('lists every problem at once, each with its fix', () => {
    const list = problems({
      PROVIDER: 'dalle',
      STARTING_CREDITS: '-5',
      QUEUE_LIMIT: 'lots',
      NBPRO_BASE_URL: 'not a url',
      DISCORD_APPLICATION_ID: 'abc',
      SLACK_BOT_TOKEN: 'nope',
      LOG_LEVEL: 'loud',
    });
    expect(list).toHaveLength(7);
    expect(list.join('\n')).toMatch(/PROVIDER must be nbpro, nbapi or offline/);
    expect(list.join('\n')).toMatch(/STARTING_CREDITS must be at least 0/);
    expect(list.join('\n')).toMatch(/SLACK_BOT_TOKEN must be a bot token starting with xoxb-/);
  });

  it('keeps the ops server private unless told otherwise, and checks its token', () => {
    expect(parseConfig({ HTTP_HOST: '0.0.0.0', METRICS_TOKEN: 'a-long-enough-metrics-token' })).toMatchObject({
      httpHost: '0.0.0.0',
      metricsToken: 'a-long-enough-metrics-token',
    });
    expect(parseConfig({ HTTP_HOST: '::1' }).httpHost).toBe('::1');
    const list = problems({ HTTP_HOST: 'http://0.0.0.0', METRICS_TOKEN: 'short' });
    expect(list).toEqual([expect.stringMatching(/^HTTP_HOST must be an address to listen on/), expect.stringMatching(/^METRICS_TOKEN must be at least 16 characters/)]);
    expect(problems({ METRICS_TOKEN: 'has spaces in the middle' })).toEqual([expect.stringMatching(/^METRICS_TOKEN must be printable/)]);
  });

  it('requires both Discord variables, and a Slack mode', () => {
    expect(problems({ DISCORD_TOKEN: 't' })).toEqual([expect.stringContaining('DISCORD_APPLICATION_ID')]);
    expect(problems({ SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual([expect.stringContaining('SLACK_APP_TOKEN')]);
    expect(problems({ SLACK_APP_TOKEN: 'xapp-1' })).toEqual([expect.stringContaining('SLACK_BOT_TOKEN is missing')]);
  });

  it('builds Discord and both Slack modes', () => {
    const c = parseConfig({
      DISCORD_TOKEN: 'tok',
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_ADMIN_IDS: ' 1, 2 ,,3',
      DISCORD_API_URL: 'http://127.0.0.1:9/api/',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1',
      SLACK_API_URL: 'http://127.0.0.1:9/api',
    });
    expect(c.discord).toEqual({
      token: 'tok',
      applicationId: '123456789012345678',
      guildId: undefined,
      apiUrl: 'http://127.0.0.1:9/api',
      adminIds: ['1', '2', '3'],
      shards: undefined,
      registerCommands: true,
    });
    expect(c.slack).toMatchObject({ mode: 'socket', appToken: 'xapp-1', apiUrl: 'http://127.0.0.1:9/api/' });
    const h = parseConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_PORT: '4000' });
    expect(h.slack).toMatchObject({ mode: 'http', signingSecret: 's', port: 4000 });
  });

  it('treats blank values as unset and checks PRICES_FILE exists', () => {
    expect(parseConfig({ PROVIDER: '', STARTING_CREDITS: ' ' }).startingCredits).toBe(50);
    expect(problems({ PRICES_FILE: '/nonexistent/prices.json' })).toEqual([expect.stringContaining('does not exist')]);
    const dir = mkdtempSync(join(tmpdir(), 'ni-cfg-'));
    const file = join(dir, 'prices.json');
    writeFileSync(file, '{}');
    expect(parseConfig({ PRICES_FILE: file }).pricesFile).toBe(file);
  });

  it('reads FETCH_ALLOW_ORIGINS as exact origins: scheme, host and port', () => {
    expect(parseConfig({}).fetchAllowOrigins).toEqual([]);
    const c = parseConfig({ FETCH_ALLOW_ORIGINS: ' http://127.0.0.1:8080/ , HTTPS://Images.Example:443,http://127.0.0.1:8080' });
    expect(c.fetchAllowOrigins).toEqual(['http://127.0.0.1:8080', 'https://images.example']);
    expect(Object.isFrozen(c.fetchAllowOrigins)).toBe(true);
  });

  it('refuses FETCH_ALLOW_ORIGINS entries that are not bare http(s) origins, naming each, with the other problems', () => {
    const list = problems({
      FETCH_ALLOW_ORIGINS: 'http://127.0.0.1:8080,ftp://files.example,https://images.example/path,http://user:pw@127.0.0.1:9,nope',
      QUEUE_LIMIT: 'lots',
    });
    expect(list).toHaveLength(2);
    const [origins] = list.filter((p) => p.startsWith('FETCH_ALLOW_ORIGINS'));
    expect(origins).toMatch(/must be comma-separated origins \(scheme, host and port only\), like http:\/\/127\.0\.0\.1:8080/);
    for (const bad of ['"ftp://files.example"', '"https://images.example/path"', '"http://user:pw@127.0.0.1:9"', '"nope"']) expect(origins).toContain(bad);
    expect(origins).not.toContain('"http://127.0.0.1:8080"');
  });

  it('exempts from the address check only the configured API origins and FETCH_ALLOW_ORIGINS', () => {
    const c = parseConfig({
      NBPRO_API_KEY: 'sk-1',
      NBPRO_BASE_URL: 'http://127.0.0.1:7001/',
      DISCORD_TOKEN: 'tok',
      DISCORD_APPLICATION_ID: '123456789012345678',
      DISCORD_API_URL: 'http://127.0.0.1:7002/api',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1',
      SLACK_API_URL: 'http://127.0.0.1:7003/api/',
      FETCH_ALLOW_ORIGINS: 'http://127.0.0.1:7004,http://127.0.0.1:7001',
    });
    expect(fetchAllowOrigins(c)).toEqual(['http://127.0.0.1:7001', 'http://127.0.0.1:7002', 'http://127.0.0.1:7003', 'http://127.0.0.1:7004']);
    expect(fetchAllowOrigins(parseConfig({}))).toEqual([]);
    expect(fetchAllowOrigins(parseConfig({ NBAPI_API_KEY: 'k-1' }))).toEqual(['https://api.nanobananaapi.dev']);
  });
});
