import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scaleOutScenarios, type Engine } from './scaleOutScenarios.js';

function sqliteEngine(): Engine {
  let dir: string | undefined;
  return {
    name: 'SQLite file',
    env: () => {
      dir = mkdtempSync(join(tmpdir(), 'ni-scale-'));
      return Promise.resolve({ DATABASE_PATH: join(dir, 'shared.db') });
    },
    dispose: () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

scaleOutScenarios(sqliteEngine());
