import type { ReferenceSource } from '../../core/generation/types.js';
import type { Clock } from '../../core/clock.js';

/** What the "Edit image" command learned before showing its modal. */
export interface MessageEditForm {
  readonly userId: string;
  readonly channelId: string;
  readonly messageId: string;
  readonly references: readonly ReferenceSource[];
}

/** Discord keeps a modal open for 15 minutes at most. */
const FORM_TTL_MS = 15 * 60_000;
const MAX_FORMS = 5_000;

/**
 * The target message's image URLs, kept between the message command and its modal submit: the
 * submit carries neither, and a bot without the Message Content intent cannot read them later.
 * Memory only: after a restart the user opens the modal again.
 */
export class PendingForms {
  readonly #clock: Clock;
  readonly #forms = new Map<string, { form: MessageEditForm; expiresAt: number }>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  put(id: string, form: MessageEditForm): void {
    const now = this.#clock.now();
    for (const [key, entry] of this.#forms) if (entry.expiresAt <= now || this.#forms.size >= MAX_FORMS) this.#forms.delete(key);
    this.#forms.set(id, { form, expiresAt: now + FORM_TTL_MS });
  }

  /** The form, once, for the user who opened it; undefined when unknown, expired or someone else's. */
  take(id: string, userId: string): MessageEditForm | undefined {
    const entry = this.#forms.get(id);
    if (!entry || entry.form.userId !== userId) return undefined;
    this.#forms.delete(id);
    return entry.expiresAt > this.#clock.now() ? entry.form : undefined;
  }
}
