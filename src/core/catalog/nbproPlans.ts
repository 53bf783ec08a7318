/**
 * nbpro account plans and what each allows.
 * @see the nbpro API reference ("Plan Limits"): references 3/8/14, concurrency 1/5/10, 2.5 MB (2,500,000 bytes) per image,
 * 4K on Standard and Pro only.
 */
export const NBPRO_PLANS = {
  free: { maxReferences: 3, concurrency: 1, allows4K: false },
  standard: { maxReferences: 8, concurrency: 5, allows4K: true },
  pro: { maxReferences: 14, concurrency: 10, allows4K: true },
} as const;

export type NbproPlan = keyof typeof NBPRO_PLANS;
export const NBPRO_PLAN_NAMES = Object.keys(NBPRO_PLANS) as NbproPlan[];

/** nbpro refuses reference images over 2,500,000 bytes (its "2.5 MB"); the core re-encodes to fit. */
export const NBPRO_MAX_REFERENCE_BYTES = 2.5 * 1000 * 1000;
