/**
 * The database-administration port: what the CLI and the console may do to the store as a whole
 * (back it up, check it), without a handle on the engine behind it.
 */
import type { JobStatus } from './model.js';

/** An account whose balance or held credits disagree with its ledger or its unsettled jobs. */
export interface AccountMismatch {
  readonly accountKey: string;
  readonly balance: number;
  readonly held: number;
  /** Σledger.delta: must equal balance. */
  readonly ledgerDelta: number;
  /** Σledger.held_delta: must equal held. */
  readonly ledgerHeldDelta: number;
  /** Σjobs.held over queued/running jobs: must equal held. */
  readonly jobsHeld: number;
}

/** A job whose ledger rows do not add up: one hold of its cost, then at most one capture and one release. */
export interface JobMismatch {
  readonly jobId: string;
  readonly accountKey: string;
  readonly status: JobStatus;
  readonly cost: number;
  readonly held: number;
  readonly captured: number;
  readonly ledgerHeld: number;
  readonly ledgerCaptured: number;
  readonly ledgerReleased: number;
}

/** What `db check` reports. Empty lists and `integrity: 'ok'` mean a healthy database. */
export interface DatabaseCheck {
  /** The engine's own consistency checks (SQLite's `integrity_check` and `foreign_key_check`): `'ok'`, or every problem found. */
  readonly integrity: 'ok' | string[];
  /** Accounts breaking Σdelta = balance, ΣheldDelta = held or held = Σ unsettled jobs' held. */
  readonly invariant: AccountMismatch[];
  /** Jobs whose hold/capture/release rows disagree with the job row. */
  readonly jobs: JobMismatch[];
}

/** What `db copy --to` did: each database's check, and the rows copied per table. */
export interface CopyReport {
  /** Where the copy went (without the password). */
  readonly location: string;
  readonly source: DatabaseCheck;
  readonly target: DatabaseCheck;
  readonly rows: Readonly<Record<string, number>>;
}

export interface DatabaseAdmin {
  readonly engine: 'sqlite' | 'postgres';
  /** Where the database lives, for messages: a file path, or a PostgreSQL URL without its password. */
  readonly location: string;
  /** Whether the connection is open (readiness). */
  isOpen(): boolean;
  /** The schema version the database is at. */
  schemaVersion(): Promise<number>;
  /**
   * A consistent copy of the live database at `file`, taken while the bot keeps working.
   * @throws AppError `db_backup_refused` when `file` is the database, one of its companions, a directory, or in a missing directory.
   */
  backup(file: string): Promise<void>;
  /**
   * Why writing `file` could harm the store (it is the database or one of its companions, links
   * included) or cannot work (a directory, a missing directory); `undefined` when it is safe.
   */
  outputRefusal(file: string): string | undefined;
  /** Integrity, ledger invariants and job settlements: what `db check` reports. */
  check(): Promise<DatabaseCheck>;
  /**
   * Copies this database into the empty PostgreSQL database at `url` and proves both.
   * @throws AppError `db_copy_refused` (this is PostgreSQL already, the target is not empty, this one fails its check), `db_copy_failed`
   */
  copyTo(url: string): Promise<CopyReport>;
}
