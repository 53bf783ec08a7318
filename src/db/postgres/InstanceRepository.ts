import type { Instance } from '../../core/model.js';
import type { InstanceStore } from '../../core/storePorts.js';
import { INSTANCE_COLUMNS, instanceRow, toInstance, type InstanceRow } from '../rows.js';
import type { Queryable } from './queryable.js';
import { columnList, placeholders, valuesOf } from './sql.js';

const ALL = columnList(INSTANCE_COLUMNS);

/** The SQL this repository runs, exported so tests can check its plans. Parameters are positional. */
export const instanceSql = {
  register: `INSERT INTO instances (${ALL}) VALUES (${placeholders(INSTANCE_COLUMNS.length)})`,
  renew: 'UPDATE instances SET lease_until = $2 WHERE id = $1',
  // The instances' slots go with them (ON DELETE CASCADE).
  remove: 'DELETE FROM instances WHERE id = ANY($1::text[])',
  list: `SELECT ${ALL} FROM instances ORDER BY started_at, id`,
} as const;

/** {@link InstanceStore} on PostgreSQL. */
export class InstanceRepository implements InstanceStore {
  readonly #q: Queryable;

  constructor(q: Queryable) {
    this.#q = q;
  }

  async register(instance: Instance): Promise<void> {
    await this.#q.query(instanceSql.register, valuesOf(instanceRow(instance), INSTANCE_COLUMNS));
  }

  async renew(id: string, until: number): Promise<boolean> {
    const { rowCount } = await this.#q.query(instanceSql.renew, [id, until]);
    return rowCount === 1;
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.#q.query(instanceSql.remove, [ids]);
  }

  async list(): Promise<Instance[]> {
    const { rows } = await this.#q.query<InstanceRow>(instanceSql.list);
    return rows.map(toInstance);
  }
}
