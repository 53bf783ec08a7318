import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import { sniffImageType } from '../../../src/core/images/sniff.js';

describe('nano-imagine CLI', () => {
  let dir: string;
  const saved = { ...process.env };

  async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ni-cli-'));
    for (const key of Object.keys(process.env)) if (/^(NBPRO|NBAPI|DISCORD|SLACK|PROVIDER)/.test(key)) delete process.env[key];
    process.env.DATABASE_PATH = join(dir, 'cli.db');
    process.env.STARTING_CREDITS = '10';
  });
  afterEach(() => {
    process.env = { ...saved };
    rmSync(dir, { recursive: true, force: true });
  });

  it('generates PNGs for a local account and charges it', async () => {
    const out = join(dir, 'koi.png');
    const run = await cli('generate', 'a koi pond at dawn', '--count', '2', '--ratio', '16:9', '--out', out, '--account', 'alice', '--json');
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.out) as { files: string[]; cost: number; balance: number };
    expect(summary).toMatchObject({ files: [join(dir, 'koi-1.png'), join(dir, 'koi-2.png')], cost: 2, balance: 8 });
    for (const file of summary.files) expect(sniffImageType(readFileSync(file))).toBe('image/png');
    expect(JSON.parse((await cli('credits', 'show', 'cli:alice', '--json')).out)).toEqual({ account: 'cli:alice', balance: 8, held: 0 });
    const own = JSON.parse((await cli('credits', 'show', '--json')).out) as { account: string };
    expect(own.account).toMatch(/^cli:/);
  });

  it('answers bad arguments with one line and exit code 2, charging nothing', async () => {
    for (const argv of [
      ['generate'],
      ['generate', 'x', '--count', 'two', '--account', 'bob'],
      ['generate', 'x', '--ratio', '7:3', '--account', 'bob'],
      ['generate', 'x', '--bogus'],
      ['credits', 'grant', 'bob', '-5'],
      ['credits', 'frob', 'bob'],
      ['jobs', 'list', '--limit', '0'],
      ['teleport'],
    ]) {
      const run = await cli(...argv);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.err.split('\n')).toHaveLength(1);
    }
    expect(JSON.parse((await cli('credits', 'show', 'bob', '--json')).out)).toEqual({ account: 'cli:bob', balance: 10, held: 0 });
  });

  it('reports a configuration problem with exit code 2', async () => {
    process.env.PROVIDER = 'nbpro';
    const run = await cli('credits', 'show', 'bob');
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/PROVIDER=nbpro needs NBPRO_API_KEY/);
  });

  it('exits 1 when the account cannot afford the job', async () => {
    await cli('credits', 'set', 'carol', '0');
    const run = await cli('generate', 'x', '--account', 'carol', '--out', join(dir, 'x.png'));
    expect(run).toMatchObject({ code: 1, err: 'Not enough credits: this costs 1 and you have 0.' });
    expect(existsSync(join(dir, 'x.png'))).toBe(false);
  });

  it('grants, sets and lists for scripts', async () => {
    expect(JSON.parse((await cli('credits', 'grant', 'discord:123456789012345678', '25', '--reason', 'welcome', '--json')).out)).toEqual({
      account: 'discord:123456789012345678',
      balance: 35,
      held: 0,
    });
    expect((await cli('credits', 'set', 'slack:T1:U1', '3')).out).toBe('slack:T1:U1: 3 credits available, 0 held');
    expect((await cli('credits', 'set', 'slack:T1:U2', '1')).out).toBe('slack:T1:U2: 1 credit available, 0 held');
    expect((await cli('generate', 'x', '--account', 'dave', '--out', join(dir, 'd.png'))).err).toMatch(/^1 credit spent, 9 left \(/m);
    const jobs = JSON.parse((await cli('jobs', 'list', '--account', 'dave', '--json')).out) as Record<string, unknown>[];
    expect(jobs).toEqual([
      {
        id: expect.any(String),
        account: 'cli:dave',
        status: 'succeeded',
        kind: 'imagine',
        provider: 'offline',
        model: 'offline-preview',
        cost: 1,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        finishedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        error: null,
      },
    ]);
    await cli('generate', 'y', '--account', 'dave', '--count', '2', '--out', join(dir, 'e.png'));
    const table = (await cli('jobs', 'list', '--account', 'dave')).out.split('\n');
    expect(table).toHaveLength(3);
    expect(table[0]).toMatch(/^CREATED {19}ID {18}STATUS {5}KIND {5}ACCOUNT {3}MODEL {12}CREDITS {2}ERROR$/);
    const at = (header: string): number => table[0]!.indexOf(header);
    for (const line of table.slice(1)) {
      expect(line).toMatch(/^\d{4}-\d\d-\d\dT\S+Z {2}[0-9a-z]{18} {2}succeeded {2}imagine {2}cli:dave {2}offline-preview {8}[12]$/);
      expect(line.indexOf('succeeded')).toBe(at('STATUS'));
      expect(line.indexOf('cli:dave')).toBe(at('ACCOUNT'));
    }
    expect(table[1]!.endsWith('2')).toBe(true);
  });

  it('backs up and checks the database', async () => {
    await cli('credits', 'grant', 'erin', '5');
    const backup = join(dir, 'backup.db');
    expect((await cli('db', 'backup', backup)).code).toBe(0);
    expect(existsSync(backup)).toBe(true);
    const check = await cli('db', 'check', '--json');
    expect(check.code).toBe(0);
    expect(JSON.parse(check.out)).toMatchObject({ ok: true, integrity: 'ok', invariant: [] });
    process.env.DATABASE_PATH = backup;
    expect(JSON.parse((await cli('credits', 'show', 'erin', '--json')).out)).toMatchObject({ balance: 15 });
  });
});
