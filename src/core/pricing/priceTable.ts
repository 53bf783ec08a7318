import { z } from 'zod';
import { ValidationError } from '../errors.js';
import type { ProviderId, Resolution } from '../vocabulary.js';
import { DEFAULT_PRICES, type PriceTable } from './defaultPrices.js';

const price = z.number().int('must be a whole number of credits').min(0, 'cannot be negative');

function section<T extends Record<string, number>>(defaults: T) {
  const shape = Object.fromEntries(Object.keys(defaults).map((k) => [k, price.optional()]));
  return z.strictObject(shape).optional();
}

/** The shape of a `PRICES_FILE`: keys it leaves out keep their defaults, unknown keys are refused. */
const pricesFileSchema = z.strictObject({
  nbpro: section(DEFAULT_PRICES.nbpro),
  nbapi: section(DEFAULT_PRICES.nbapi),
  offline: section(DEFAULT_PRICES.offline),
});

/**
 * Merges a parsed `PRICES_FILE` over the defaults.
 * @throws ValidationError listing every problem (path and reason).
 */
export function parsePriceOverrides(json: unknown): PriceTable {
  const parsed = pricesFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ValidationError(`Invalid price table: ${problems.join('; ')}`, { code: 'prices_invalid' });
  }
  const over = parsed.data;
  const merge = <T extends Record<string, number>>(base: T, extra: Partial<Record<string, number | undefined>> | undefined): T => {
    const out: Record<string, number> = { ...base };
    for (const [k, v] of Object.entries(extra ?? {})) if (v !== undefined) out[k] = v;
    return out as T;
  };
  return {
    nbpro: merge(DEFAULT_PRICES.nbpro, over.nbpro),
    nbapi: merge(DEFAULT_PRICES.nbapi, over.nbapi),
    offline: merge(DEFAULT_PRICES.offline, over.offline),
  };
}

export const defaultPriceTable: PriceTable = DEFAULT_PRICES;

/**
 * Credits per image for a provider model at a resolution. nbapi prices by model id (the resolution
 * is part of the id); nbpro and offline by resolution.
 */
export function unitPrice(table: PriceTable, provider: ProviderId, providerModel: string, resolution: Resolution): number {
  const row: Readonly<Record<string, number>> = provider === 'nbapi' ? table.nbapi : table[provider];
  const key = provider === 'nbapi' ? providerModel : resolution;
  const value = row[key];
  if (value === undefined) {
    throw new ValidationError(`No price is set for ${provider} ${key}.`, { code: 'price_missing' });
  }
  return value;
}
