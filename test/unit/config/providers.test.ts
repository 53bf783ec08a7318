import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchAllowOrigins } from '../../../src/app/fetchAllowOrigins.js';
import { secretsOf } from '../../../src/app/secretsOf.js';
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

const ids = (env: Record<string, string>) => parseConfig(env).providers.map((p) => p.id);
const keys = { NBPRO_API_KEY: 'sk-pro', NBAPI_API_KEY: 'k-api' };

describe('PROVIDERS and PROVIDER', () => {
  it('takes PROVIDERS in its order of preference, in any case and spacing', () => {
    expect(ids({ ...keys, PROVIDERS: 'nbapi,nbpro' })).toEqual(['nbapi', 'nbpro']);
    expect(ids({ ...keys, PROVIDERS: ' NBPro , nbapi ,, ' })).toEqual(['nbpro', 'nbapi']);
    expect(ids({ ...keys, PROVIDERS: 'nbapi' })).toEqual(['nbapi']);
    expect(ids({ PROVIDERS: 'offline' })).toEqual(['offline']);
    expect(ids({ ...keys, PROVIDERS: 'nbpro,offline' })).toEqual(['nbpro', 'offline']);
  });

  it('takes PROVIDER as a PROVIDERS of one', () => {
    expect(ids({ ...keys, PROVIDER: 'nbapi' })).toEqual(['nbapi']);
    expect(ids({ ...keys, PROVIDER: ' NBAPI ' })).toEqual(['nbapi']);
    expect(ids({ ...keys, PROVIDER: 'offline' })).toEqual(['offline']);
  });

  it('defaults to every provider with a key, nbpro first, else offline', () => {
    expect(ids({})).toEqual(['offline']);
    expect(ids({ NBAPI_API_KEY: 'k' })).toEqual(['nbapi']);
    expect(ids({ NBAPI_API_KEYS: 'k' })).toEqual(['nbapi']);
    expect(ids({ NBPRO_API_KEYS: 'k' })).toEqual(['nbpro']);
    expect(ids({ NBAPI_API_KEY: 'k1', NBPRO_API_KEYS: 'k2' })).toEqual(['nbpro', 'nbapi']);
    // Blank counts as unset, for the lists and the keys alike.
    expect(ids({ PROVIDERS: ' ', PROVIDER: '', NBPRO_API_KEYS: ' , ' })).toEqual(['offline']);
  });

  it('freezes the list and each provider', () => {
    const c = parseConfig({ ...keys, NBPRO_API_KEYS: 'sk-2' });
    expect(Object.isFrozen(c.providers)).toBe(true);
    for (const p of c.providers) {
      expect(Object.isFrozen(p)).toBe(true);
      if (p.id !== 'offline') expect(Object.isFrozen(p.apiKeys)).toBe(true);
    }
  });

  it('refuses both at once', () => {
    expect(problems({ ...keys, PROVIDERS: 'nbpro', PROVIDER: 'nbpro' })).toEqual([
      'PROVIDERS and PROVIDER are both set: set PROVIDERS or PROVIDER, not both (PROVIDER=nbpro is short for PROVIDERS=nbpro).',
    ]);
  });

  it('refuses unknown providers, naming each', () => {
    expect(problems({ PROVIDERS: 'nbpro,dalle,Midjourney' })).toEqual([
      'PROVIDERS must list providers out of nbpro, nbapi and offline, comma-separated, most preferred first; not "dalle", "Midjourney".',
    ]);
    expect(problems({ PROVIDER: 'dalle' })).toEqual(['PROVIDER must be nbpro, nbapi or offline.']);
    expect(problems({ PROVIDER: 'nbpro,nbapi' })).toEqual([expect.stringMatching(/^PROVIDER takes one provider: for several, set PROVIDERS=nbpro,nbapi/)]);
  });

  it('refuses a provider listed twice, naming it', () => {
    expect(problems({ ...keys, PROVIDERS: 'nbpro,nbapi,NBPRO' })).toEqual([
      'PROVIDERS lists nbpro more than once: name each provider once, most preferred first.',
    ]);
  });

  it('refuses a list with no provider in it', () => {
    expect(problems({ PROVIDERS: ',,' })).toEqual([expect.stringMatching(/^PROVIDERS lists no provider: give one or more of nbpro, nbapi and offline/)]);
  });

  it('needs a key for every listed provider, and says which variables give one', () => {
    expect(problems({ PROVIDERS: 'nbpro,nbapi' })).toEqual([
      'PROVIDERS lists nbpro, which needs NBPRO_API_KEY or NBPRO_API_KEYS: set NBPRO_API_KEY to your nbpro API key (sk-…) (several: NBPRO_API_KEYS=k1,k2), or remove nbpro from PROVIDERS.',
      'PROVIDERS lists nbapi, which needs NBAPI_API_KEY or NBAPI_API_KEYS: set NBAPI_API_KEY to your nbapi API key (several: NBAPI_API_KEYS=k1,k2), or remove nbapi from PROVIDERS.',
    ]);
    expect(problems({ PROVIDER: 'nbapi', NBPRO_API_KEY: 'x' })).toEqual([expect.stringMatching(/^PROVIDER=nbapi needs NBAPI_API_KEY or NBAPI_API_KEYS: .* or choose another PROVIDER\.$/)]);
  });
});

describe('API keys', () => {
  const keysOf = (env: Record<string, string>) => parseConfig(env).providers.map((p) => (p.id === 'offline' ? [] : p.apiKeys));

  it('takes NBPRO_API_KEY first, then NBPRO_API_KEYS, trimmed, blanks and repeats dropped', () => {
    expect(keysOf({ NBPRO_API_KEYS: ' k1 ,, k2,k1 ' })).toEqual([['k1', 'k2']]);
    expect(keysOf({ NBPRO_API_KEY: 'k2', NBPRO_API_KEYS: 'k1,k2,k3' })).toEqual([['k2', 'k1', 'k3']]);
    expect(keysOf({ NBAPI_API_KEY: 'a', NBAPI_API_KEYS: 'b,a' })).toEqual([['a', 'b']]);
    expect(keysOf({ NBPRO_API_KEYS: 'p1,p2', NBAPI_API_KEYS: 'a1' })).toEqual([['p1', 'p2'], ['a1']]);
  });

  it('scrubs every key of every provider from the logs', () => {
    const c = parseConfig({ NBPRO_API_KEY: 'p0', NBPRO_API_KEYS: 'p1,p2', NBAPI_API_KEYS: 'a1,a2' });
    expect(secretsOf(c)).toEqual(expect.arrayContaining(['p0', 'p1', 'p2', 'a1', 'a2']));
  });

  it('takes at most 32 keys per provider', () => {
    const many = Array.from({ length: 32 }, (_, i) => `k${i}`);
    expect(keysOf({ NBAPI_API_KEYS: many.join(',') })[0]).toHaveLength(32);
    expect(problems({ NBAPI_API_KEY: 'one-more', NBAPI_API_KEYS: many.join(',') })).toEqual([
      'NBAPI_API_KEY and NBAPI_API_KEYS give nbapi 33 keys: nbapi takes at most 32; remove some.',
    ]);
  });

  it('refuses a key with a space in it (keys are separated by commas), without echoing it', () => {
    const list = problems({ PROVIDERS: 'nbpro', NBPRO_API_KEYS: 'sk-secret1 sk-secret2' });
    // Only the list's own problem: not also "nbpro needs a key".
    expect(list).toEqual(['NBPRO_API_KEYS has a key with a space in it: separate keys with commas, like k1,k2.']);
    expect(list.join('\n')).not.toContain('sk-secret');
  });
});

describe('FALLBACK and the breaker', () => {
  it('falls back by default; FALLBACK takes on/off and the usual words for them', () => {
    expect(parseConfig({}).fallback).toBe(true);
    for (const on of ['on', 'ON', '1', 'true', 'yes', ' On ']) expect(parseConfig({ FALLBACK: on }).fallback).toBe(true);
    for (const off of ['off', 'Off', '0', 'false', 'no', 'NO']) expect(parseConfig({ FALLBACK: off }).fallback).toBe(false);
    expect(problems({ FALLBACK: 'sometimes' })).toEqual(['FALLBACK must be on or off (or 1/0, true/false, yes/no).']);
  });

  it('reads BREAKER_FAILURES and BREAKER_COOLOFF_SECONDS within their ranges', () => {
    expect(parseConfig({}).breaker).toEqual({ failures: 5, coolOffMs: 30_000 });
    expect(parseConfig({ BREAKER_FAILURES: '1', BREAKER_COOLOFF_SECONDS: '3600' }).breaker).toEqual({ failures: 1, coolOffMs: 3_600_000 });
    expect(Object.isFrozen(parseConfig({}).breaker)).toBe(true);
    expect(problems({ BREAKER_FAILURES: '0', BREAKER_COOLOFF_SECONDS: '3601' })).toEqual([
      'BREAKER_FAILURES must be at least 1.',
      'BREAKER_COOLOFF_SECONDS must be at most 3600.',
    ]);
    expect(problems({ BREAKER_FAILURES: '101', BREAKER_COOLOFF_SECONDS: '1.5' })).toEqual([
      'BREAKER_FAILURES must be at most 100.',
      'BREAKER_COOLOFF_SECONDS must be a whole number.',
    ]);
  });
});

describe('MODELS_FILE and PROVIDER_CONCURRENCY', () => {
  it('checks that MODELS_FILE exists, and keeps its path', () => {
    expect(problems({ MODELS_FILE: '/nonexistent/models.yaml' })).toEqual([
      'MODELS_FILE /nonexistent/models.yaml does not exist: fix the path or unset it to use the built-in models.',
    ]);
    const file = join(mkdtempSync(join(tmpdir(), 'ni-cfg-')), 'models.yaml');
    writeFileSync(file, 'models: []\n');
    expect(parseConfig({ MODELS_FILE: file }).modelsFile).toBe(file);
  });

  it('reads PROVIDER_CONCURRENCY as calls at once per key, left to the plan when unset', () => {
    expect(parseConfig({ NBPRO_API_KEYS: 'a,b' }).keyConcurrency).toBeUndefined();
    expect(parseConfig({ NBPRO_API_KEYS: 'a,b', PROVIDER_CONCURRENCY: '7' }).keyConcurrency).toBe(7);
    expect(problems({ PROVIDER_CONCURRENCY: '0' })).toEqual(['PROVIDER_CONCURRENCY must be at least 1.']);
  });
});

it('lists every provider problem at once, with the others', () => {
  const list = problems({
    PROVIDERS: 'nbpro,nbapi',
    NBAPI_API_KEYS: Array.from({ length: 40 }, (_, i) => `k${i}`).join(','),
    FALLBACK: 'maybe',
    BREAKER_FAILURES: 'many',
    BREAKER_COOLOFF_SECONDS: '0',
    MODELS_FILE: '/nonexistent/models.json',
    PROVIDER_CONCURRENCY: '-1',
    QUEUE_LIMIT: 'lots',
  });
  expect(list).toHaveLength(8);
  for (const start of ['PROVIDERS lists nbpro', 'NBAPI_API_KEY and NBAPI_API_KEYS give nbapi 40 keys', 'FALLBACK', 'BREAKER_FAILURES', 'BREAKER_COOLOFF_SECONDS', 'MODELS_FILE', 'PROVIDER_CONCURRENCY', 'QUEUE_LIMIT']) {
    expect(list.some((p) => p.startsWith(start))).toBe(true);
  }
});

it('exempts every configured provider base from the address check', () => {
  const c = parseConfig({ ...keys, PROVIDERS: 'nbapi,offline,nbpro', NBPRO_BASE_URL: 'http://127.0.0.1:7001', NBAPI_BASE_URL: 'http://127.0.0.1:7002/' });
  expect(fetchAllowOrigins(c)).toEqual(['http://127.0.0.1:7002', 'http://127.0.0.1:7001']);
});
