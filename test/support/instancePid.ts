import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { openDatabase } from '../../src/db/sqlite/open.js';

/**
 * Makes an instance's row in a SQLite file name another pid: cores started in one test share the
 * test's pid, and to the recovery of the others one of them must look like a process of its own —
 * alive (another pid that runs) or crashed ({@link deadPid}).
 */
export function setInstancePid(dbPath: string, instanceId: string, pid: number): void {
  const db = openDatabase(dbPath);
  try {
    const { changes } = db.prepare('UPDATE instances SET pid = ? WHERE id = ?').run(pid, instanceId);
    if (changes !== 1) throw new Error(`no instance ${instanceId} in ${dbPath}`);
  } finally {
    db.close();
  }
}

/** The pid of a process that has exited. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}
