import type { Clock } from '../clock.js';
import { AppError, ValidationError } from '../errors.js';
import { capturedFor, isUnsettled, type Account, type Job, type LedgerEntry, type NewLedgerEntry } from '../model.js';
import type { JobSettlement, Store, StoreTx } from '../storePorts.js';
import { JOB_FAILURE_TEXT } from '../userText.js';
import type { Platform } from '../vocabulary.js';
import { platformOf, requirePlatform } from './accountKey.js';
import { newJobId } from './jobId.js';
import { MAX_CREDITS, MAX_IMAGES_PER_JOB, requireActor, requireCount, requireCredits, validateHold } from './validation.js';
import type {
  AdminAction,
  CreditServiceOptions,
  HoldInput,
  HoldResult,
  SettleInput,
  SettleResult,
} from './types.js';

/** The actor named on ledger rows the product writes by itself. */
const SYSTEM = 'system';
const MAX_LEDGER_ROWS = 1000;

/**
 * Credits: accounts, the append-only ledger and the hold → capture/release life of a job's cost
 * (DESIGN §3 steps 3 and 8, §5). Every movement runs in one store transaction, so balance, held, the
 * ledger and the job row always agree: for every account Σdelta = balance, ΣheldDelta = held, and held
 * is the sum of its unsettled jobs' holds.
 *
 * Amounts are whole credits; a malformed amount or key throws {@link ValidationError}. Expected user
 * outcomes (not enough credits, already settled) are returned as values.
 */
export class CreditService {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #startingCredits: number;
  readonly #newId: () => string;

  constructor(options: CreditServiceOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#startingCredits = requireCredits(options.startingCredits, 'STARTING_CREDITS', 0);
    this.#newId = options.newId ?? newJobId;
  }

  /**
   * Returns the account, creating it the first time the key is seen with the starting credits and a
   * `starting` ledger row. An existing account is returned as it is (its display name is not updated).
   * @param platform - when given, must match the key's prefix.
   */
  async ensureAccount(key: string, platform?: Platform, displayName?: string | null): Promise<Account> {
    requirePlatform(key, platform);
    // Read first: an existing account needs no write transaction.
    const found = await this.#store.accounts.find(key);
    return found ?? this.#store.transaction((tx) => this.#ensure(tx, key, displayName ?? null));
  }

  /** Adds `amount` (≥ 1) to the balance with a `grant` row; creates the account first if needed. */
  async grant(key: string, amount: number, action: AdminAction): Promise<Account> {
    platformOf(key);
    requireCredits(amount, 'The amount to grant', 1);
    requireActor(action);
    return this.#store.transaction(async (tx) => {
      const account = await this.#ensure(tx, key, null);
      if (account.balance + amount > MAX_CREDITS) {
        throw new ValidationError(
          `Granting ${amount} would take ${key} past the largest balance, ${MAX_CREDITS.toLocaleString('en-US')}.`,
          { code: 'invalid_amount' },
        );
      }
      return this.#move(tx, key, 'grant', amount, 0, null, action);
    });
  }

  /**
   * Sets the balance to `amount` (≥ 0) with an `adjust` row of `amount − balance`; credits held for
   * running jobs are untouched. Creates the account first if needed.
   */
  async set(key: string, amount: number, action: AdminAction): Promise<Account> {
    platformOf(key);
    requireCredits(amount, 'The balance', 0);
    requireActor(action);
    return this.#store.transaction(async (tx) => {
      const account = await this.#ensure(tx, key, null);
      // Written even when the balance does not change: the ledger records every admin action.
      return this.#move(tx, key, 'adjust', amount - account.balance, 0, null, action);
    });
  }

  /**
   * Holds a job's cost and creates the job (status `queued`) in one transaction.
   *
   * - A job with the same idempotency key already exists: it is returned with `duplicate: true` and
   *   nothing is held again (a retried platform event).
   * - The balance is below the cost: `{ ok: false }` and nothing at all is written.
   * - Otherwise balance −cost, held +cost, a `hold` ledger row naming the job.
   *
   * @throws AppError `idempotency_conflict` when the key belongs to another account's job.
   */
  async hold(input: HoldInput): Promise<HoldResult> {
    const platform = requirePlatform(input.accountKey, input.platform);
    validateHold(input);
    return this.#store.transaction(async (tx): Promise<HoldResult> => {
      const existing = await tx.jobs.findByIdempotencyKey(input.idempotencyKey);
      if (existing) {
        if (existing.accountKey !== input.accountKey) {
          throw new AppError(
            'idempotency_conflict',
            `Idempotency key "${input.idempotencyKey}" already belongs to a job of another account.`,
          );
        }
        return { ok: true, job: existing, account: await this.#account(tx, existing.accountKey), duplicate: true };
      }
      // Checked before the account is created, so a refusal writes nothing.
      // Locked, so that two processes holding for one account at once see each other's holds.
      const found = await tx.accounts.lock(input.accountKey);
      const balance = found?.balance ?? this.#startingCredits;
      if (balance < input.cost) return { ok: false, reason: 'insufficient_credits', balance, cost: input.cost };
      const refusal = input.queueLimits && (await this.#queueRefusal(tx, input.accountKey, input.owner ?? null, input.queueLimits));
      if (refusal) return { ok: false, reason: refusal };

      let account = found ?? (await this.#create(tx, input.accountKey, input.displayName ?? null));
      // The job as the store will hold it, so it is returned without being read back.
      const job: Job = {
        id: input.id ?? this.#newId(),
        idempotencyKey: input.idempotencyKey,
        accountKey: input.accountKey,
        platform,
        destination: input.destination,
        kind: input.kind,
        parentId: input.parentId ?? null,
        request: input.request,
        provider: input.provider,
        model: input.model,
        unitCost: input.unitCost,
        cost: input.cost,
        held: input.cost,
        captured: 0,
        status: 'queued',
        errorCode: null,
        errorMessage: null,
        outputs: [],
        createdAt: input.createdAt ?? this.#clock.now(),
        startedAt: null,
        finishedAt: null,
        owner: input.owner ?? null,
        notice: input.notice ?? null,
      };
      // The job row first: the ledger row references it.
      await tx.jobs.insert(job);
      if (input.cost > 0) {
        account = await this.#move(tx, input.accountKey, 'hold', -input.cost, input.cost, job.id, { actor: input.accountKey });
      }
      return { ok: true, job, account, duplicate: false };
    });
  }

  /**
   * Settles an unsettled job (queued, running or delivering) exactly once: captures `min(held, delivered × unitCost)`, releases
   * the rest to the balance, and records status, error, outputs and finish time. A second call returns
   * `{ settled: false }` and changes nothing.
   * @throws AppError `job_not_found`
   */
  async settle(jobId: string, input: SettleInput): Promise<SettleResult> {
    requireCount(input.delivered, 'The number of delivered images', 0, MAX_IMAGES_PER_JOB);
    return this.#store.transaction(async (tx) => {
      const job = await this.#job(tx, jobId);
      return isUnsettled(job) ? this.#settle(tx, job, input) : { settled: false, job };
    });
  }

  /** The account, or undefined when the key was never seen (nothing is created). */
  account(key: string): Promise<Account | undefined> {
    platformOf(key);
    return this.#store.accounts.find(key);
  }

  /** The account's latest ledger rows, newest first. */
  recentLedger(key: string, limit = 10): Promise<LedgerEntry[]> {
    platformOf(key);
    return this.#store.ledger.recent(key, requireCount(limit, 'The limit', 1, MAX_LEDGER_ROWS));
  }

  /** Credits held over all accounts (the `credits_held` gauge). */
  totalHeld(): Promise<number> {
    return this.#store.accounts.totalHeld();
  }

  // The private helpers below run inside a transaction opened by a public method.

  /**
   * Whether the queues are full. The account's count is exact (its row is locked); the total may be
   * passed by a job or two when processes admit at the same instant on PostgreSQL.
   */
  async #queueRefusal(
    tx: StoreTx,
    accountKey: string,
    owner: string | null,
    limits: NonNullable<HoldInput['queueLimits']>,
  ): Promise<'user_busy' | 'queue_full' | undefined> {
    const elsewhere = owner === null ? {} : { exceptOwner: owner };
    if ((await tx.jobs.countQueued({ accountKey, ...elsewhere })) + limits.waitingHere.account >= limits.account) return 'user_busy';
    if ((await tx.jobs.countQueued(elsewhere)) + limits.waitingHere.all >= limits.all) return 'queue_full';
    return undefined;
  }

  async #ensure(tx: StoreTx, key: string, displayName: string | null): Promise<Account> {
    return (await tx.accounts.lock(key)) ?? this.#create(tx, key, displayName);
  }

  /** A new account with the starting credits and its `starting` row. */
  async #create(tx: StoreTx, key: string, displayName: string | null): Promise<Account> {
    const at = this.#clock.now();
    const account: Account = {
      key,
      platform: platformOf(key),
      displayName,
      balance: this.#startingCredits,
      held: 0,
      createdAt: at,
      updatedAt: at,
    };
    await tx.accounts.insert(account);
    await tx.ledger.append(entry(key, 'starting', this.#startingCredits, 0, null, { actor: SYSTEM }, at));
    return account;
  }

  async #settle(tx: StoreTx, job: Job, input: SettleInput): Promise<SettleResult> {
    const empty = input.status === 'succeeded' && input.delivered === 0;
    const captured = capturedFor(job, input.delivered);
    const released = job.held - captured;
    const settlement: JobSettlement = {
      status: empty ? 'failed' : input.status,
      captured,
      errorCode: input.errorCode ?? (empty ? 'no_output' : null),
      errorMessage: input.errorMessage ?? (empty ? JOB_FAILURE_TEXT.no_output : null),
      outputs: input.outputs ?? [],
      finishedAt: this.#clock.now(),
    };
    if (!(await tx.jobs.settle(job.id, settlement))) return { settled: false, job: await this.#job(tx, job.id) };
    // One account update for the whole settlement, one ledger row per direction (capture, release).
    const at = this.#clock.now();
    const account =
      job.held > 0 ? await tx.accounts.change(job.accountKey, released, -job.held, at) : await this.#account(tx, job.accountKey);
    const system = { actor: SYSTEM };
    // The job as stored names who made the images (a fallback may have served it), so the audit
    // trail says what each capture paid for.
    const servedBy = { ...system, reason: `served by ${job.provider} ${job.model}` };
    if (captured > 0) await tx.ledger.append(entry(job.accountKey, 'capture', 0, -captured, job.id, servedBy, at));
    if (released > 0) await tx.ledger.append(entry(job.accountKey, 'release', released, -released, job.id, system, at));
    return { settled: true, job: { ...job, ...settlement, held: 0 }, account, captured, released };
  }

  /** One credit movement: the account row and its ledger row, always together. Returns the account. */
  async #move(
    tx: StoreTx,
    key: string,
    kind: NewLedgerEntry['kind'],
    delta: number,
    heldDelta: number,
    jobId: string | null,
    action: AdminAction,
  ): Promise<Account> {
    const at = this.#clock.now();
    const account = await tx.accounts.change(key, delta, heldDelta, at);
    await tx.ledger.append(entry(key, kind, delta, heldDelta, jobId, action, at));
    return account;
  }

  async #account(tx: StoreTx, key: string): Promise<Account> {
    const account = await tx.accounts.find(key);
    if (!account) throw new AppError('account_not_found', `No account "${key}".`);
    return account;
  }

  async #job(tx: StoreTx, id: string): Promise<Job> {
    const job = await tx.jobs.find(id);
    if (!job) throw new AppError('job_not_found', `No job "${id}".`);
    return job;
  }
}

function entry(
  accountKey: string,
  kind: NewLedgerEntry['kind'],
  delta: number,
  heldDelta: number,
  jobId: string | null,
  action: AdminAction,
  at: number,
): NewLedgerEntry {
  return { accountKey, kind, delta, heldDelta, jobId, actor: action.actor, reason: action.reason ?? null, at };
}
