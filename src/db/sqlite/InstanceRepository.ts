import type { Instance } from '../../core/model.js';
import type { InstanceStore } from '../../core/storePorts.js';
import { INSTANCE_COLUMNS, instanceRow, toInstance, type InstanceRow } from '../rows.js';
import { columnList, namedValues } from './sqlColumns.js';
import type { SqliteDatabase } from './types.js';

const ALL = columnList(INSTANCE_COLUMNS);

export const instanceSql = {
  register: `INSERT INTO instances (${ALL}) VALUES (${namedValues(INSTANCE_COLUMNS)})`,
  renew: 'UPDATE instances SET lease_until = @until WHERE id = @id',
  // Its slots go with it (ON DELETE CASCADE).
  remove: 'DELETE FROM instances WHERE id = @id',
  list: `SELECT ${ALL} FROM instances ORDER BY started_at, id`,
} as const;

/** {@link InstanceStore} on SQLite. */
export class InstanceRepository implements InstanceStore {
  readonly #register;
  readonly #renew;
  readonly #remove;
  readonly #list;

  constructor(db: SqliteDatabase) {
    this.#register = db.prepare<[InstanceRow]>(instanceSql.register);
    this.#renew = db.prepare<[{ id: string; until: number }]>(instanceSql.renew);
    this.#remove = db.prepare<[{ id: string }]>(instanceSql.remove);
    this.#list = db.prepare<[], InstanceRow>(instanceSql.list);
  }

  register(instance: Instance): Promise<void> {
    this.#register.run(instanceRow(instance));
    return Promise.resolve();
  }

  renew(id: string, until: number): Promise<boolean> {
    return Promise.resolve(this.#renew.run({ id, until }).changes === 1);
  }

  remove(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.#remove.run({ id });
    return Promise.resolve();
  }

  list(): Promise<Instance[]> {
    return Promise.resolve(this.#list.all().map(toInstance));
  }
}
