import type { Catalog } from '../catalog/types.js';
import type { Job } from '../model.js';
import { RESOLUTIONS, type Resolution } from '../vocabulary.js';
import type { GenerationIntent, ReferenceSource } from './types.js';

/** Who asks for a derived job and where its result goes; the adapter fills this in. */
export type DerivedBase = Pick<GenerationIntent, 'idempotencyKey' | 'accountKey' | 'platform' | 'displayName' | 'destination'>;

/**
 * What a derived job is made from, by kind. The adapter finds the images on its platform; the core
 * decides what the new job is.
 */
export type DeriveRequest =
  | {
      readonly kind: 'reroll';
      /** How to fetch one of the parent's stored references (a platform may need its token). @defaultValue the URL alone */
      readonly stored?: (reference: { readonly name: string; readonly url: string }) => ReferenceSource;
    }
  | {
      readonly kind: 'upscale';
      /** The parent's result image where it was posted; undefined when it is gone. */
      readonly result: ReferenceSource | undefined;
    }
  | {
      readonly kind: 'edit';
      readonly result: ReferenceSource | undefined;
      /** What should change. */
      readonly prompt: string;
      /** More reference images the person added. */
      readonly uploads?: readonly ReferenceSource[];
    };

export type Derived =
  | { readonly ok: true; readonly intent: GenerationIntent; readonly note?: string }
  | { readonly ok: false; readonly message: string };

/** The next resolution the parent's model offers, or undefined at the top. */
export function nextResolution(catalog: Catalog, modelName: string, current: Resolution): Resolution | undefined {
  const model = catalog.models.find((m) => m.name === modelName);
  if (!model) return undefined;
  return RESOLUTIONS.slice(RESOLUTIONS.indexOf(current) + 1).find((r) => model.variants[r] !== undefined);
}

/**
 * A child job of an earlier one, charged as a new job to whoever asked:
 * - reroll: same prompt, options and references;
 * - upscale: same prompt at the next resolution, the result image as the reference where the
 *   provider takes references;
 * - edit: a new prompt on the result image (plus uploads), in the parent's shape, one image.
 */
export function deriveIntent(catalog: Catalog, parent: Job, request: DeriveRequest, base: DerivedBase): Derived {
  const { request: stored } = parent;
  const options = { model: stored.model, aspectRatio: stored.aspectRatio, resolution: stored.resolution, count: 1 };
  const child = { ...base, kind: request.kind, parentId: parent.id, prompt: stored.prompt, options };
  switch (request.kind) {
    case 'reroll': {
      const fetchStored = request.stored ?? ((r) => ({ url: r.url, name: r.name }));
      const references = stored.references.flatMap((r) => (r.url === undefined ? [] : [fetchStored({ name: r.name, url: r.url })]));
      return { ok: true, intent: { ...child, options: { ...options, count: stored.count }, references } };
    }
    case 'upscale': {
      const next = nextResolution(catalog, stored.model, stored.resolution);
      if (!next) return { ok: false, message: `This image is already at the highest resolution ${stored.model} offers here.` };
      const intent = { ...child, options: { ...options, resolution: next } };
      if (catalog.maxReferences === 0) {
        const note = `The ${catalog.provider} provider takes no reference images, so this is a fresh ${next} generation of the same prompt.`;
        return { ok: true, intent: { ...intent, references: [] }, note };
      }
      if (!request.result) return { ok: false, message: 'That image is no longer available, so it cannot be upscaled.' };
      return { ok: true, intent: { ...intent, references: [request.result] } };
    }
    case 'edit': {
      if (!request.result) return { ok: false, message: 'That image is no longer available.' };
      return { ok: true, intent: { ...child, prompt: request.prompt, references: [request.result, ...(request.uploads ?? [])] } };
    }
  }
}
