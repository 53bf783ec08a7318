import { init } from './0001_init.js';
import { delivery } from './0002_delivery.js';
import { instances } from './0003_instances.js';
import { routing } from './0004_routing.js';
import type { Migration } from './types.js';

export type { Migration } from './types.js';

/** Every migration, in order. Append only: a released entry is never edited or removed. */
export const MIGRATIONS: readonly Migration[] = [init, delivery, instances, routing];

/** The schema version this build of the code reads and writes. */
export const LATEST_SCHEMA_VERSION: number = MIGRATIONS.length;
