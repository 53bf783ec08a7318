import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The PostgreSQL server programs a test server needs. */
export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
}

/** Versioned Debian/Ubuntu installs (`/usr/lib/postgresql/<major>/bin`), newest first. */
function debianBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => /^\d+(\.\d+)?$/.test(name))
    .sort((a, b) => Number(b) - Number(a))
    .map((name) => join(root, name, 'bin'));
}

function pgConfigBinDir(): string[] {
  try {
    return [execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()];
  } catch {
    return [];
  }
}

/**
 * Finds `initdb` and `postgres`: where `pg_config --bindir` says, else the newest
 * /usr/lib/postgresql/<major>/bin, else on PATH. (.ci/run looks in the same places before it
 * installs the server.)
 * @throws Error naming where it looked and how to install the server.
 */
export function findPostgresBinaries(): PostgresBinaries {
  const dirs = [...pgConfigBinDir(), ...debianBinDirs(), ...(process.env.PATH ?? '').split(delimiter)].filter(Boolean);
  for (const dir of dirs) {
    const initdb = join(dir, 'initdb');
    const postgres = join(dir, 'postgres');
    if (existsSync(initdb) && existsSync(postgres)) return { initdb, postgres };
  }
  throw new Error(
    `The PostgreSQL server (initdb and postgres) is not installed; looked in ${[...new Set(dirs)].join(', ')}. ` +
      'Install it (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql) to run the PostgreSQL tests.',
  );
}

/** A user to run the server as: PostgreSQL refuses to run as root. */
export interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

function lookUp(user: string): RunAs | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/**
 * Who the server runs as: undefined (this process's user) unless this process is root, then the
 * `postgres` system user, created if missing (a package normally creates it). Two test runs may
 * create it at once: the loser's useradd fails, and the user is looked up again.
 */
export function serverUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const existing = lookUp('postgres');
  if (existing) return existing;
  let failure = '';
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  const created = lookUp('postgres');
  if (created) return created;
  throw new Error(`PostgreSQL will not run as root, and there is no "postgres" user to run it as; useradd failed: ${failure}`);
}
