import type { ProviderId, Resolution } from '../vocabulary.js';
import { NBPRO_MAX_REFERENCE_BYTES, NBPRO_PLANS, type NbproPlan } from './nbproPlans.js';
import type { Catalog, CatalogModel } from './types.js';

/** Ratios every nbapi model accepts. @see the nbapi API reference ("Supported values for image_size"). */
const NBAPI_RATIOS = ['1:1', '16:9', '9:16', '4:3', '3:4', '2:3', '3:2', '4:5', '5:4'] as const;
/** Extra ratios only gemini-3.1-flash models accept. @see the nbapi API reference. */
const NBAPI_FLASH31_EXTRA = ['21:9', '1:4', '4:1', '8:1', '1:8'] as const;
/** @see the nbpro API reference ("Supported Aspect Ratios"). */
const NBPRO_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '9:16', '16:9', '21:9'] as const;

/** Users may ask for up to this many images per job (Discord's `count` option is 1–4). */
export const MAX_COUNT = 4;

/**
 * nbapi models, grouped by family. The API chooses resolution by model-id suffix. It does not say
 * what `-hd` means for gemini-2.5-flash-image; we offer it as that family's 2K tier.
 * @see the nbapi API reference ("Credit Deduction" lists every model id).
 */
const NBAPI_MODELS: readonly CatalogModel[] = [
  {
    name: 'gemini-3-pro-image-preview',
    variants: {
      '1K': 'gemini-3-pro-image-preview',
      '2K': 'gemini-3-pro-image-preview-2k',
      '4K': 'gemini-3-pro-image-preview-4k',
    },
    aspectRatios: NBAPI_RATIOS,
  },
  {
    name: 'gemini-3.1-flash-image-preview',
    variants: {
      '512': 'gemini-3.1-flash-image-preview-512',
      '1K': 'gemini-3.1-flash-image-preview',
      '2K': 'gemini-3.1-flash-image-preview-2k',
      '4K': 'gemini-3.1-flash-image-preview-4k',
    },
    aspectRatios: [...NBAPI_RATIOS, ...NBAPI_FLASH31_EXTRA],
  },
  {
    name: 'gemini-2.5-flash-image',
    variants: { '1K': 'gemini-2.5-flash-image', '2K': 'gemini-2.5-flash-image-hd' },
    aspectRatios: NBAPI_RATIOS,
  },
];

/** The single nbpro model. Its example reply names "nano-banana-2-4k": the model plus size. */
export const NBPRO_MODEL = 'nano-banana-2';

function nbproCatalog(plan: NbproPlan): Catalog {
  const limits = NBPRO_PLANS[plan];
  const variants: Partial<Record<Resolution, string>> = { '1K': NBPRO_MODEL, '2K': NBPRO_MODEL };
  if (limits.allows4K) variants['4K'] = NBPRO_MODEL;
  return {
    provider: 'nbpro',
    models: [{ name: NBPRO_MODEL, variants, aspectRatios: NBPRO_RATIOS }],
    defaultModel: NBPRO_MODEL,
    defaultAspectRatio: '1:1',
    defaultResolution: '1K',
    maxCount: MAX_COUNT,
    maxReferences: limits.maxReferences,
    maxReferenceBytes: NBPRO_MAX_REFERENCE_BYTES,
    nativeCount: false,
    defaultConcurrency: limits.concurrency,
  };
}

const NBAPI_CATALOG: Catalog = {
  provider: 'nbapi',
  models: NBAPI_MODELS,
  defaultModel: 'gemini-3.1-flash-image-preview',
  defaultAspectRatio: '1:1',
  defaultResolution: '1K',
  maxCount: MAX_COUNT,
  // The API documents no reference-image field.
  maxReferences: 0,
  maxReferenceBytes: 0,
  nativeCount: true,
  defaultConcurrency: 4,
};

/** The offline renderer: every ratio the real providers know, so previews match them. */
export const OFFLINE_MODEL = 'offline-preview';
const OFFLINE_CATALOG: Catalog = {
  provider: 'offline',
  models: [
    {
      name: OFFLINE_MODEL,
      variants: { '1K': OFFLINE_MODEL, '2K': OFFLINE_MODEL, '4K': OFFLINE_MODEL },
      aspectRatios: [...new Set<string>([...NBPRO_RATIOS, ...NBAPI_RATIOS, ...NBAPI_FLASH31_EXTRA])],
    },
  ],
  defaultModel: OFFLINE_MODEL,
  defaultAspectRatio: '1:1',
  defaultResolution: '1K',
  maxCount: MAX_COUNT,
  maxReferences: 8,
  maxReferenceBytes: 5 * 1000 * 1000,
  nativeCount: false,
  defaultConcurrency: 4,
};

/**
 * The catalog for a configured provider.
 * @param plan - nbpro account plan (ignored for other providers).
 */
export function catalogFor(provider: ProviderId, plan: NbproPlan = 'standard'): Catalog {
  switch (provider) {
    case 'nbpro':
      return nbproCatalog(plan);
    case 'nbapi':
      return NBAPI_CATALOG;
    case 'offline':
      return OFFLINE_CATALOG;
  }
}

