import type { Catalog } from '../catalog/types.js';
import type { Clock } from '../clock.js';
import type { CreditService } from '../credits/CreditService.js';
import { ImageError, ValidationError } from '../errors.js';
import type { Job } from '../model.js';
import type { PriceTable } from '../pricing/defaultPrices.js';
import { insufficientCreditsText, REFUSAL_TEXT } from '../userText.js';
import { FetchRefusedError } from '../net/FetchRefusedError.js';
import { checkDeclaredReferences, checkReferenceUrls, describeReference } from './references.js';
import { resolveRequest } from './resolveRequest.js';
import type { GenerationIntent, Refusal, ResolvedRequest } from './types.js';

export interface AdmissionOptions {
  readonly catalog: Catalog;
  readonly prices: PriceTable;
  readonly credits: Pick<CreditService, 'hold'>;
  readonly clock: Clock;
  /** The instance that will run the jobs admitted here. */
  readonly owner: string;
  /** Queued jobs allowed over every process: per account and in all. */
  readonly queueLimits: { readonly account: number; readonly all: number };
  /** This process's own waiting jobs, of an account and in all (its scheduler's exact count). */
  readonly waitingHere: (accountKey: string) => { readonly account: number; readonly all: number };
  /** Largest reference download before it is refused (see {@link checkDeclaredReferences}). */
  readonly maxReferenceDownloadBytes: number;
  /**
   * The origins the dispatcher lets reach private and local addresses. When given, a reference link
   * whose host is a local address literal outside them is refused here, before anything is held;
   * when absent, only the link's form is checked (scheme, user info).
   */
  readonly fetchAllowOrigins?: ReadonlySet<string> | undefined;
}

/** A request held: its job (an existing one for a repeated idempotency key), or why not. */
export type Admitted = { ok: true; job: Job; duplicate: boolean } | { ok: false; refusal: Refusal };

/**
 * The way into the engine (DESIGN §3 steps 2–3): a request is checked against the catalog and what
 * the platform declared of its attachments, priced, and its cost held with the new job in one
 * transaction. Refusals are values, not exceptions.
 */
export class Admission {
  readonly #o: AdmissionOptions;

  constructor(options: AdmissionOptions) {
    this.#o = options;
  }

  /** Validates the request against the catalog and what the platform declared of its attachments. */
  check(intent: GenerationIntent): ResolvedRequest | Refusal {
    try {
      const request = resolveRequest(this.#o.catalog, this.#o.prices, intent.prompt, intent.options, intent.references.length);
      checkDeclaredReferences(intent.references, this.#o.maxReferenceDownloadBytes);
      checkReferenceUrls(intent.references, this.#o.fetchAllowOrigins);
      return request;
    } catch (error) {
      if (error instanceof FetchRefusedError) return { code: 'fetch_refused', message: error.message };
      if (error instanceof ValidationError || error instanceof ImageError) return { code: 'invalid_request', message: error.message };
      throw error;
    }
  }

  /** Holds the cost and creates the job, in one transaction. */
  async hold(intent: GenerationIntent, request: ResolvedRequest): Promise<Admitted> {
    const held = await this.#o.credits.hold({
      idempotencyKey: intent.idempotencyKey,
      accountKey: intent.accountKey,
      platform: intent.platform,
      displayName: intent.displayName,
      destination: intent.destination,
      kind: intent.kind,
      parentId: intent.parentId ?? null,
      request: {
        prompt: request.prompt,
        model: request.model,
        aspectRatio: request.aspectRatio,
        resolution: request.resolution,
        count: request.count,
        references: intent.references.map(describeReference),
      },
      provider: this.#o.catalog.provider,
      model: request.providerModel,
      unitCost: request.unitCost,
      cost: request.cost,
      createdAt: this.#o.clock.now(),
      owner: this.#o.owner,
      queueLimits: { ...this.#o.queueLimits, waitingHere: this.#o.waitingHere(intent.accountKey) },
    });
    if (held.ok) return held;
    if (held.reason !== 'insufficient_credits') return refuse(held.reason);
    const message = insufficientCreditsText(held.cost, held.balance);
    return { ok: false, refusal: { code: 'insufficient_credits', balance: held.balance, cost: held.cost, message } };
  }
}

/** A refusal with its user-facing text. */
export function refuse(code: keyof typeof REFUSAL_TEXT): { ok: false; refusal: Refusal } {
  return { ok: false, refusal: { code, message: REFUSAL_TEXT[code] } };
}
