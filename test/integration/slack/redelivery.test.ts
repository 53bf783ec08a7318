import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../src/core/generation/types.js';
import { startNbproServer, type FakeNbproServer } from '../../fakes/nbproServer.js';
import { intent, startCore } from '../../support/coreHarness.js';
import { ALICE, COST_1K, GENERAL, STARTING_CREDITS, TEAM, startHarness, type Harness } from './harness.js';

describe('Slack: a result a previous process made but did not post', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ni-slack-redeliver-'));
  let nbpro: FakeNbproServer | undefined;
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    await nbpro?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is shared in its channel at the next start and charged then, once', async () => {
    nbpro = await startNbproServer();
    // A process that produced the image and was stopped before Slack confirmed the upload.
    const first = await startCore(
      { PROVIDER: 'nbpro', NBPRO_API_KEY: nbpro.apiKey, NBPRO_BASE_URL: nbpro.url, PROVIDER_RETRIES: '0', STARTING_CREDITS: String(STARTING_CREDITS) },
      {},
      dir,
    );
    let onReady: (event: JobEvent) => void = () => undefined;
    const ready = new Promise<JobEvent>((resolve) => (onReady = resolve));
    const submitted = await first.core.generation.submit(
      intent({ accountKey: `slack:${TEAM}:${ALICE}`, platform: 'slack', destination: { team: TEAM, channel: GENERAL, user: ALICE }, prompt: 'a paper boat' }),
      (event) => event.type === 'ready' && onReady(event),
    );
    expect(submitted).toMatchObject({ ok: true });
    await ready;
    await first.core.generation.shutdown(0);
    await first.core.close();
    expect(readdirSync(join(dir, 'spool'))).toHaveLength(1);

    h = await startHarness('socket', { databasePath: first.dbPath, nbpro });
    const upload = h.fake.callsTo('files.completeUploadExternal').find((c) => c.args.channel_id === GENERAL);
    expect(upload?.response.ok).toBe(true);
    expect(String(upload?.args.initial_comment)).toContain('the bot restarted while posting it');
    expect(await h.jobs(ALICE)).toMatchObject([{ status: 'succeeded', captured: COST_1K, held: 0 }]);
    expect(await h.account(ALICE)).toMatchObject({ balance: STARTING_CREDITS - COST_1K, held: 0 });
    expect(await h.app.core.admin.check()).toMatchObject({ integrity: 'ok', invariant: [], jobs: [] });
    expect(readdirSync(join(dir, 'spool'))).toEqual([]);
    // Only one provider call: the image came from the spool, not from a second generation.
    expect(nbpro.requests).toHaveLength(1);
  });
});
