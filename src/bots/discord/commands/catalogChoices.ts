import type { APIApplicationCommandOptionChoice } from 'discord.js';
import type { Catalog } from '../../../core/catalog/types.js';
import { catalogRatios, catalogResolutions } from '../../../core/catalog/offered.js';
import { IMAGE_OPTIONS } from './names.js';

/** Discord shows at most 25 choices per option. */
const MAX_CHOICES = 25;

const choices = (values: Iterable<string>): APIApplicationCommandOptionChoice<string>[] =>
  [...new Set(values)].slice(0, MAX_CHOICES).map((value) => ({ name: value, value }));

/** Every aspect ratio some model of the provider accepts; the core refuses a ratio the chosen model lacks. */
export function ratioChoices(catalog: Catalog): APIApplicationCommandOptionChoice<string>[] {
  return choices(catalogRatios(catalog));
}

/** Resolutions some model offers, smallest first. */
export function resolutionChoices(catalog: Catalog): APIApplicationCommandOptionChoice<string>[] {
  return choices(catalogResolutions(catalog));
}

export function modelChoices(catalog: Catalog): APIApplicationCommandOptionChoice<string>[] {
  return choices(catalog.models.map((m) => m.name));
}

/** The attachment options a command offers: as many as the provider takes, at most three. */
export function imageOptionNames(catalog: Catalog): readonly (typeof IMAGE_OPTIONS)[number][] {
  return IMAGE_OPTIONS.slice(0, Math.max(0, Math.min(IMAGE_OPTIONS.length, catalog.maxReferences)));
}
