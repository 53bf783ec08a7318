import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatAdapter } from '../../../src/bots/ChatAdapter.js';
import { createApp, type App } from '../../../src/app/createApp.js';
import { secretsOf } from '../../../src/app/secretsOf.js';
import { parseConfig } from '../../../src/config.js';
import { captureLogger } from '../../support/logCapture.js';
import { intent } from '../../support/coreHarness.js';

/** A platform whose connection the test switches on and off. */
function switchable(): ChatAdapter & { connected: boolean } {
  return {
    platform: 'discord',
    connected: false,
    start() {
      return Promise.resolve();
    },
    stop() {
      return Promise.resolve();
    },
    isConnected() {
      return this.connected;
    },
    notifyReleased() {
      return Promise.resolve();
    },
    redeliver() {
      return Promise.resolve(0);
    },
  };
}

describe('ops server', () => {
  let app: App | undefined;
  let dir: string;
  afterEach(async () => {
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves health, readiness with reasons, and Prometheus metrics', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ni-ops-'));
    const adapter = switchable();
    const config = parseConfig({ DATABASE_PATH: join(dir, 'ops.db'), HTTP_PORT: '0', SHUTDOWN_GRACE_SECONDS: '0' });
    app = await createApp(config, { logger: captureLogger().logger, adapters: () => [adapter] });
    await app.start();
    const base = `http://127.0.0.1:${app.opsPort()}`;
    const get = async (path: string) => {
      const res = await request(`${base}${path}`);
      return { status: res.statusCode, text: await res.body.text(), type: res.headers['content-type'] };
    };

    expect(await get('/healthz')).toMatchObject({ status: 200, text: 'ok\n' });
    expect(await get('/readyz')).toMatchObject({ status: 503, text: '{"ready":false,"reasons":["discord not connected"]}\n' });
    adapter.connected = true;
    expect(await get('/readyz')).toMatchObject({ status: 200 });

    await new Promise<void>((resolve, reject) => {
      app!.core.generation
        .submit(intent({ options: { count: 2 } }), (e) => {
          if (e.type === 'ready') e.delivery.confirm(e.images.length);
          if (e.type === 'succeeded') resolve();
        })
        .then((outcome) => {
          if (!outcome.ok) reject(new Error(outcome.refusal.code));
        }, reject);
    });
    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.type).toMatch(/^text\/plain/);
    expect(metrics.text).toContain('nano_imagine_jobs_total{platform="cli",provider="offline",status="succeeded"} 1');
    expect(metrics.text).toContain('nano_imagine_credits_captured_total 2');
    expect(metrics.text).toContain('nano_imagine_credits_held 0');
    expect(metrics.text).toContain('nano_imagine_queue_depth 0');
    expect(metrics.text).toMatch(/nano_imagine_job_duration_seconds_count\{[^}]*\} 1/);
    expect(metrics.text).toMatch(/nano_imagine_provider_request_duration_seconds_count\{provider="offline",outcome="ok"\} 2/);
    expect(metrics.text).toContain('process_resident_memory_bytes');
    expect((await get('/nope')).status).toBe(404);
  });

  it('listens on 127.0.0.1 unless HTTP_HOST says otherwise', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ni-ops-'));
    const log = captureLogger([], 'info');
    app = await createApp(parseConfig({ DATABASE_PATH: join(dir, 'ops.db'), HTTP_PORT: '0', SHUTDOWN_GRACE_SECONDS: '0' }), { logger: log.logger });
    await app.start();
    const listening = log.lines.map((l) => JSON.parse(l) as { msg: string; host?: string; port?: number }).find((l) => l.msg === 'ops server listening');
    expect(listening).toMatchObject({ host: '127.0.0.1', port: app.opsPort() });
    // Where the machine has another interface, the port is not reachable through it.
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i?.family === 'IPv4' && !i.internal);
    if (external) {
      const socket = connect(app.opsPort()!, external.address);
      const [error] = (await once(socket, 'error')) as [NodeJS.ErrnoException];
      socket.destroy();
      expect(error.code).toBe('ECONNREFUSED');
    }
  });

  it('with METRICS_TOKEN, /metrics needs it as a bearer token; health and readiness stay open', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ni-ops-'));
    const token = 'metrics-token-0123456789abcdef';
    const config = parseConfig({ DATABASE_PATH: join(dir, 'ops.db'), HTTP_PORT: '0', SHUTDOWN_GRACE_SECONDS: '0', METRICS_TOKEN: token });
    expect(secretsOf(config)).toContain(token);
    const log = captureLogger(secretsOf(config), 'trace');
    app = await createApp(config, { logger: log.logger });
    await app.start();
    const get = async (path: string, authorization?: string) => {
      const res = await request(`http://127.0.0.1:${app!.opsPort()}${path}`, authorization === undefined ? {} : { headers: { authorization } });
      const text = await res.body.text();
      return { status: res.statusCode, text, challenge: res.headers['www-authenticate'] };
    };
    for (const authorization of [undefined, '', 'Bearer', 'Bearer wrong-token', `Basic ${token}`, `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`]) {
      const refused = await get('/metrics', authorization);
      expect(refused, String(authorization)).toMatchObject({ status: 401, challenge: 'Bearer realm="metrics"' });
      expect(refused.text).not.toContain('nano_imagine');
    }
    const allowed = await get('/metrics', `Bearer ${token}`);
    expect(allowed.status).toBe(200);
    expect(allowed.text).toContain('nano_imagine_queue_depth');
    expect((await get('/metrics', `bearer ${token}`)).status).toBe(200);
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(200);
    log.logger.info({ config }, 'config dump');
    expect(log.text()).not.toContain(token);
  });
});
