import type { BlockAction, ButtonAction } from '@slack/bolt';
import { deriveIntent } from '../../../core/generation/derive.js';
import type { ReferenceSource } from '../../../core/generation/types.js';
import { describeSubmit } from '../describeSubmit.js';
import { destinationJson, parseDestination } from '../destination.js';
import { decide, SOMETHING_WENT_WRONG } from '../guard.js';
import type { SlackContext } from '../SlackContext.js';
import { resolveClick, type ResultClick } from './resultAction.js';

/**
 * Reroll or Upscale under a result: a child job of the clicked one, charged to whoever clicked,
 * posted where the parent was. The click's `action_ts` is the idempotency key.
 */
export async function deriveFromResult(ctx: SlackContext, kind: 'reroll' | 'upscale', body: BlockAction, action: ButtonAction): Promise<void> {
  const resolved = resolveClick(ctx, body, action);
  if (!resolved.ok) {
    if (resolved.target) await ctx.notifier.tell(resolved.target, resolved.message);
    return;
  }
  const { click } = resolved;
  const text = await decide(ctx.logger, kind, () => submitChild(ctx, kind, click), SOMETHING_WENT_WRONG);
  await ctx.notifier.tell(click.target, text);
}

async function submitChild(ctx: SlackContext, kind: 'reroll' | 'upscale', click: ResultClick): Promise<string> {
  const { parent, actor } = click;
  const where = parseDestination(parent.destination);
  if (!where) return 'I no longer know where that image was posted.';
  const access = await ctx.channels.check(where.channel);
  if (!access.ok) return access.message;
  let references: ReferenceSource[];
  if (kind === 'reroll') {
    references = parent.request.references.flatMap((r) => (r.url === undefined ? [] : [ctx.files.referenceForUrl(r.url, r.name)]));
  } else {
    const first = click.ref.fileIds[0];
    if (first === undefined) return 'That result has no image to upscale.';
    try {
      references = [await ctx.files.reference({ id: first })];
    } catch {
      // Without references (nbapi) the upscale is a fresh generation and needs no file.
      if (ctx.core.catalog.maxReferences > 0) return 'That image was deleted, so it cannot be upscaled.';
      references = [];
    }
  }
  const derived = deriveIntent(
    ctx.core.catalog,
    parent,
    kind,
    {
      idempotencyKey: `slack:action:${actor.team}:${actor.user}:${click.actionTs}`,
      accountKey: actor.accountKey,
      platform: 'slack',
      displayName: actor.displayName,
      destination: destinationJson({ ...where, user: actor.user }),
    },
    references,
  );
  if (!derived.ok) return derived.message;
  return describeSubmit(ctx.core.generation.submit(derived.intent), derived.note);
}
