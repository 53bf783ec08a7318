import { RESOLUTIONS, type Resolution } from '../vocabulary.js';
import type { Catalog, CatalogModel } from './types.js';

/** The resolutions one model offers, smallest first. */
export function modelResolutions(model: CatalogModel): Resolution[] {
  return RESOLUTIONS.filter((r) => model.variants[r] !== undefined);
}

/** Every resolution some model of the catalog offers, smallest first (for option lists). */
export function catalogResolutions(catalog: Catalog): Resolution[] {
  return RESOLUTIONS.filter((r) => catalog.models.some((m) => m.variants[r] !== undefined));
}

/** Every aspect ratio some model of the catalog accepts, in catalog order, once each. */
export function catalogRatios(catalog: Catalog): string[] {
  return [...new Set(catalog.models.flatMap((m) => m.aspectRatios))];
}
