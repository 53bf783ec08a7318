import { z } from 'zod';
import type { Catalog } from '../catalog/types.js';
import { ValidationError } from '../errors.js';
import type { PriceTable } from '../pricing/defaultPrices.js';
import { unitPrice } from '../pricing/priceTable.js';
import { modelResolutions } from '../catalog/offered.js';
import type { Resolution } from '../vocabulary.js';
import { normalizePrompt } from './normalizePrompt.js';
import type { GenerationOptions, ResolvedRequest } from './types.js';

/** Longest prompt accepted; Gemini takes far more, but chat messages and embeds do not. */
export const MAX_PROMPT_LENGTH = 4000;

// Normalised first, so invisible characters neither make an empty prompt pass nor count towards the limit.
const promptSchema = z
  .string()
  .transform(normalizePrompt)
  .pipe(
    z
      .string()
      .min(1, 'Write a prompt: describe the image you want.')
      .max(MAX_PROMPT_LENGTH, `The prompt is too long (${MAX_PROMPT_LENGTH} characters at most).`),
  );

const list = (values: readonly string[]) => values.join(', ');

function normalizeResolution(value: string): string {
  const v = value.trim().toUpperCase();
  return v === '512' || v === '512PX' ? '512' : v;
}

/**
 * Validates a person's options against what the configured provider accepts and prices them.
 * Every refusal names what is allowed.
 * @throws ValidationError with a message fit to show the person who asked.
 */
export function resolveRequest(
  catalog: Catalog,
  prices: PriceTable,
  prompt: string,
  options: GenerationOptions,
  referenceCount: number,
): ResolvedRequest {
  const parsedPrompt = promptSchema.safeParse(prompt);
  if (!parsedPrompt.success) throw new ValidationError(parsedPrompt.error.issues[0]?.message ?? 'Invalid prompt.');

  const modelName = options.model?.trim() || catalog.defaultModel;
  const model = catalog.models.find((m) => m.name.toLowerCase() === modelName.toLowerCase());
  if (!model) {
    throw new ValidationError(`Unknown model "${modelName}". Choose one of: ${list(catalog.models.map((m) => m.name))}.`);
  }

  const aspectRatio = options.aspectRatio?.trim() || catalog.defaultAspectRatio;
  if (!model.aspectRatios.includes(aspectRatio)) {
    throw new ValidationError(
      `Aspect ratio ${aspectRatio} is not available on ${model.name}. Allowed: ${list(model.aspectRatios)}.`,
    );
  }

  const resolution = normalizeResolution(options.resolution ?? catalog.defaultResolution) as Resolution;
  const providerModel = model.variants[resolution];
  if (providerModel === undefined) {
    const why = resolution === '4K' && catalog.provider === 'nbpro' ? ' (4K needs the nbpro Standard or Pro plan)' : '';
    throw new ValidationError(`Resolution ${resolution} is not available on ${model.name}${why}. Allowed: ${list(modelResolutions(model))}.`);
  }

  const count = options.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > catalog.maxCount) {
    throw new ValidationError(`Count must be a whole number from 1 to ${catalog.maxCount}.`);
  }

  if (referenceCount > catalog.maxReferences) {
    throw new ValidationError(
      catalog.maxReferences === 0
        ? `The ${catalog.provider} provider does not take reference images. Remove the attachments and try again.`
        : `Too many reference images: ${referenceCount} given, ${catalog.maxReferences} allowed.`,
    );
  }

  const unitCost = unitPrice(prices, catalog.provider, providerModel, resolution);
  return {
    prompt: parsedPrompt.data,
    model: model.name,
    providerModel,
    aspectRatio,
    resolution,
    count,
    unitCost,
    cost: unitCost * count,
  };
}
