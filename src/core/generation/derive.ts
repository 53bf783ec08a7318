import type { Catalog } from '../catalog/types.js';
import { RESOLUTIONS, type Resolution } from '../vocabulary.js';
import type { Job } from '../model.js';
import type { GenerationIntent, ReferenceSource } from './types.js';

/** Who asks for a derived job and where its result goes; the adapter fills this in. */
export type DerivedBase = Pick<GenerationIntent, 'idempotencyKey' | 'accountKey' | 'platform' | 'displayName' | 'destination'>;

/** The next resolution the parent's model offers, or undefined at the top. */
export function nextResolution(catalog: Catalog, modelName: string, current: Resolution): Resolution | undefined {
  const model = catalog.models.find((m) => m.name === modelName);
  if (!model) return undefined;
  return RESOLUTIONS.slice(RESOLUTIONS.indexOf(current) + 1).find((r) => model.variants[r] !== undefined);
}

export type Derived =
  | { readonly ok: true; readonly intent: GenerationIntent; readonly note?: string }
  | { readonly ok: false; readonly message: string };

/**
 * A reroll (same prompt and options, same references) or an upscale (same prompt at the next
 * resolution, using the result image as the reference where the provider takes references) of an
 * earlier job. Both are new child jobs, charged as such.
 * @param references - reroll: the parent's references; upscale: the parent's result image.
 */
export function deriveIntent(
  catalog: Catalog,
  parent: Job,
  kind: 'reroll' | 'upscale',
  base: DerivedBase,
  references: readonly ReferenceSource[],
): Derived {
  const { request } = parent;
  const options = { model: request.model, aspectRatio: request.aspectRatio, resolution: request.resolution, count: 1 };
  if (kind === 'reroll') {
    return {
      ok: true,
      intent: { ...base, kind, parentId: parent.id, prompt: request.prompt, options: { ...options, count: request.count }, references },
    };
  }
  const next = nextResolution(catalog, request.model, request.resolution);
  if (!next) return { ok: false, message: `This image is already at the highest resolution ${request.model} offers here.` };
  const usable = catalog.maxReferences > 0 ? references.slice(0, 1) : [];
  return {
    ok: true,
    intent: { ...base, kind, parentId: parent.id, prompt: request.prompt, options: { ...options, resolution: next }, references: usable },
    ...(usable.length === 0 && references.length > 0
      ? { note: `The ${catalog.provider} provider takes no reference images, so this is a fresh ${next} generation of the same prompt.` }
      : {}),
  };
}
