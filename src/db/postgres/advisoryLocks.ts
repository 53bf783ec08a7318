/**
 * The advisory locks the store takes, all transaction-scoped (`pg_advisory_xact_lock`) so that they
 * go with COMMIT or ROLLBACK and a crashed process never leaves one behind. They use PostgreSQL's
 * two-key form, whose first key names what is locked: our locks cannot collide with one another, nor
 * with another application's single-key locks in the same database.
 */

/** Held while a migration step runs: processes starting together apply each step once. */
export const MIGRATION_LOCK = { space: 0x6e616e6f /* "nano" */, key: 0 } as const;

/** First key of a slot pool's lock; the second is `hashtext(pool)`. */
export const SLOT_POOL_LOCK_SPACE = 0x6e616e70;
