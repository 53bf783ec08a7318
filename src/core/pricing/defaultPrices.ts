/**
 * Default credits per image. nbapi's are its own per-model costs; nbpro's mirror the comparable nbapi
 * model (its reply names "nano-banana-2", i.e. gemini-3.1-flash-image-preview: 4/6/8 by size).
 * @see the nbapi API reference ("Credit Deduction").
 */
export const DEFAULT_PRICES = {
  nbpro: { '1K': 4, '2K': 6, '4K': 8 },
  nbapi: {
    'gemini-2.5-flash-image': 2,
    'gemini-2.5-flash-image-hd': 5,
    'gemini-3.1-flash-image-preview-512': 4,
    'gemini-3.1-flash-image-preview': 4,
    'gemini-3.1-flash-image-preview-2k': 6,
    'gemini-3.1-flash-image-preview-4k': 8,
    'gemini-3-pro-image-preview': 8,
    'gemini-3-pro-image-preview-2k': 8,
    'gemini-3-pro-image-preview-4k': 16,
  },
  offline: { '512': 1, '1K': 1, '2K': 1, '4K': 1 },
} as const satisfies Record<string, Record<string, number>>;

export type PriceTable = { readonly [P in keyof typeof DEFAULT_PRICES]: Readonly<Record<keyof (typeof DEFAULT_PRICES)[P], number>> };
