import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import { sniffImageType } from '../../../src/core/images/sniff.js';
import { openDatabase } from '../../../src/db/sqlite/open.js';

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

  it('says a 20-digit amount or count is too large, and a prompt of invisible characters is empty', async () => {
    for (const [argv, message] of [
      [['credits', 'grant', 'bob', '12345678901234567890'], 'nano-imagine: amount is too large: at most 1,000,000,000,000'],
      [['credits', 'set', 'bob', '1000000000001'], 'nano-imagine: amount is too large: at most 1,000,000,000,000'],
      [['generate', 'x', '--count', '12345678901234567890', '--account', 'bob'], 'nano-imagine: --count is too large'],
      [['jobs', 'list', '--limit', '99999999999999999999'], expect.stringMatching(/^nano-imagine: --limit is too large/)],
      [['generate', '\u200B\u2060\uFEFF\u0007', '--account', 'bob'], 'nano-imagine: Write a prompt: describe the image you want.'],
    ] as const) {
      expect(await cli(...argv), argv.join(' ')).toMatchObject({ code: 2, err: message });
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

  describe('cannot destroy data', () => {
    const dbFile = () => join(dir, 'cli.db');

    it('generate --out refuses the database, its -wal/-shm (through links too), directories and missing directories, before holding anything', async () => {
      await cli('credits', 'show', 'gina');
      // A bot holding the file open keeps its -wal and -shm in place, as in production.
      const bot = openDatabase(dbFile());
      try {
        bot.prepare('SELECT count(*) FROM accounts').get();
        symlinkSync(dbFile(), join(dir, 'link-to-db.png'));
        linkSync(`${dbFile()}-wal`, join(dir, 'hard-link-to-wal.png'));
        symlinkSync(`${dbFile()}-shm`, join(dir, 'link-to-shm.png'));
        mkdirSync(join(dir, 'pictures'));
        const before = readFileSync(dbFile());
        for (const [out, why, extra] of [
          [dbFile(), /database/, []],
          [`${dbFile()}-wal`, /database/, []],
          [join(dir, 'link-to-db.png'), /database/, []],
          [join(dir, 'hard-link-to-wal.png'), /database/, []],
          [join(dir, 'link-to-shm.png'), /database/, []],
          // With --count 3 a partial delivery of one image is written to --out itself.
          [dbFile(), /database/, ['--count', '3']],
          [join(dir, 'pictures'), /directory/, []],
          [join(dir, 'no-such-dir', 'x.png'), /does not exist/, []],
        ] as const) {
          const run = await cli('generate', 'a koi pond', '--account', 'gina', '--out', out, ...extra);
          expect(run.code, out).toBe(2);
          expect(run.err, out).toMatch(why);
          expect(run.err.split('\n')).toHaveLength(1);
        }
        expect(readFileSync(dbFile()).equals(before)).toBe(true);
      } finally {
        bot.close();
      }
      expect(JSON.parse((await cli('credits', 'show', 'gina', '--json')).out)).toEqual({ account: 'cli:gina', balance: 10, held: 0 });
      expect(JSON.parse((await cli('jobs', 'list', '--account', 'gina', '--json')).out)).toEqual([]);
    });

    it('generate writes each file atomically: a new file replaces the name, never the bytes behind it', async () => {
      const keep = join(dir, 'keep.png');
      writeFileSync(keep, 'not to be overwritten');
      linkSync(keep, join(dir, 'out.png'));
      const run = await cli('generate', 'a koi pond', '--account', 'hal', '--out', join(dir, 'out.png'));
      expect(run.code).toBe(0);
      expect(readFileSync(keep, 'utf8')).toBe('not to be overwritten');
      expect(sniffImageType(readFileSync(join(dir, 'out.png')))).toBe('image/png');
      expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    });

    it('db backup uses the same guard', async () => {
      await cli('credits', 'grant', 'ivy', '5');
      symlinkSync(dbFile(), join(dir, 'link.db'));
      mkdirSync(join(dir, 'backups'));
      for (const [file, why] of [
        [dbFile(), /database/],
        [join(dir, 'link.db'), /database/],
        [join(dir, 'backups'), /directory/],
        [join(dir, 'nowhere', 'b.db'), /does not exist/],
      ] as const) {
        const run = await cli('db', 'backup', file);
        expect(run.code, file).toBe(2);
        expect(run.err, file).toMatch(why);
      }
      expect(existsSync(join(dir, 'nowhere'))).toBe(false);
      const keep = join(dir, 'keep.db');
      writeFileSync(keep, 'not to be overwritten');
      linkSync(keep, join(dir, 'backups', 'b.db'));
      expect((await cli('db', 'backup', join(dir, 'backups', 'b.db'))).code).toBe(0);
      expect(readFileSync(keep, 'utf8')).toBe('not to be overwritten');
      expect(readdirSync(join(dir, 'backups'))).toEqual(['b.db']);
      process.env.DATABASE_PATH = join(dir, 'backups', 'b.db');
      expect(JSON.parse((await cli('credits', 'show', 'ivy', '--json')).out)).toMatchObject({ balance: 15 });
    });
  });
});
