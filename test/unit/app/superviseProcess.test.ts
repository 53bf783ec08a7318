import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/sqlite/open.js';

const fixture = fileURLToPath(new URL('./fixtures/crashingApp.ts', import.meta.url));

interface Line {
  level: number;
  msg: string;
  err?: { message: string };
  [key: string]: unknown;
}

/** Runs the fixture to its end; resolves with its exit code and JSON log lines. */
async function run(dbPath: string, mode: 'throw' | 'reject' | 'hang'): Promise<{ code: number | null; lines: Line[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, dbPath, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const [code] = (await once(child, 'exit')) as [number | null];
  const lines = out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
  return { code, lines };
}

describe('superviseProcess, in a real process', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ni-crash-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const mode of ['throw', 'reject'] as const) {
    it(`an uncaught error (${mode}) is logged, the running job released through the normal shutdown, exit 1`, async () => {
      const dbPath = join(dir, `${mode}.db`);
      const { code, lines } = await run(dbPath, mode);
      expect(code).toBe(1);
      const msgs = lines.map((l) => l.msg);
      const fatal = lines.find((l) => l.level === 60);
      expect(fatal?.msg).toBe(mode === 'throw' ? 'uncaught error: shutting down' : 'unhandled rejection: shutting down');
      expect(fatal?.err?.message).toMatch(/^boom/);
      expect(msgs.indexOf('job running')).toBeLessThan(msgs.indexOf(fatal!.msg));
      expect(msgs.indexOf(fatal!.msg)).toBeLessThan(msgs.indexOf('stopped'));

      const db = openDatabase(dbPath, { readonly: true });
      try {
        expect(db.prepare('SELECT status, held FROM jobs').all()).toEqual([{ status: 'interrupted', held: 0 }]);
        expect(db.prepare("SELECT balance, held FROM accounts WHERE key = 'cli:alice'").get()).toEqual({ balance: 10, held: 0 });
      } finally {
        db.close();
      }
    });
  }

  it('a shutdown that hangs after a crash is cut short, still exit 1', async () => {
    const { code, lines } = await run(join(dir, 'hang.db'), 'hang');
    expect(code).toBe(1);
    expect(lines.map((l) => l.msg)).toContain('shutdown did not finish in time: exiting');
    expect(lines.map((l) => l.msg)).not.toContain('stopped');
  });
});
