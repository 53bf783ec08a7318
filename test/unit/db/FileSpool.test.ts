import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileSpool } from '../../../src/db/FileSpool.js';

const image = (n: number) => ({ name: `image-${n}.png`, mime: 'image/png', bytes: Buffer.from(`bytes of ${n}`), width: 8 * n, height: 4 * n });

describe('FileSpool', () => {
  const dirs: string[] = [];
  const spool = (): { spool: FileSpool; dir: string } => {
    const dir = mkdtempSync(join(tmpdir(), 'ni-spool-'));
    dirs.push(dir);
    return { spool: new FileSpool(join(dir, 'spool')), dir: join(dir, 'spool') };
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a job’s images whole and gives them back byte for byte, in order', async () => {
    const { spool: s } = spool();
    await s.put('01job', [image(1), image(2)]);
    expect(await s.get('01job')).toEqual([image(1), image(2)]);
    expect(await s.list()).toEqual(['01job']);
    await s.drop('01job');
    expect(await s.get('01job')).toBeUndefined();
    expect(await s.list()).toEqual([]);
    await s.drop('01job');
  });

  it('leaves no temporary folder behind, and a second put replaces the first', async () => {
    const { spool: s, dir } = spool();
    await s.put('02job', [image(1)]);
    await s.put('02job', [image(3)]);
    expect(await s.get('02job')).toEqual([image(3)]);
    expect(readdirSync(dir)).toEqual(['02job']);
  });

  it('answers undefined for a job whose images are damaged or missing, and lists only job folders', async () => {
    const { spool: s, dir } = spool();
    await s.put('03job', [image(1)]);
    writeFileSync(join(dir, '03job', 'images.json'), '{not json');
    expect(await s.get('03job')).toBeUndefined();
    rmSync(join(dir, '03job', 'images.json'));
    expect(await s.get('03job')).toBeUndefined();
    writeFileSync(join(dir, '.03job.abcd.tmp'), '');
    expect(await s.list()).toEqual(['03job']);
    expect(await spool().spool.list()).toEqual([]);
  });

  it('refuses a job id that would leave the spool folder', async () => {
    const { spool: s } = spool();
    await expect(s.put('../outside', [image(1)])).rejects.toThrow(/not a job id/);
    await expect(s.get('a/b')).rejects.toThrow(/not a job id/);
  });

  it('sweeps half-written keeps a dead process left, once they are old, and nothing else', async () => {
    const { spool: s, dir } = spool();
    await s.put('04job', [image(1)]);
    mkdirSync(join(dir, '.05job.ab12.tmp'));
    mkdirSync(join(dir, '.06job.cd34.tmp'));
    const old = new Date(Date.now() - 2 * 60 * 60_000);
    utimesSync(join(dir, '.05job.ab12.tmp'), old, old);
    await s.sweepUnfinished(60 * 60_000);
    expect(readdirSync(dir).sort()).toEqual(['.06job.cd34.tmp', '04job']);
  });
});
