import { ApplicationCommandOptionType, type APIApplicationCommandBasicOption } from 'discord.js';
import type { Catalog } from '../../../core/catalog/types.js';
import { MAX_PROMPT_LENGTH } from '../../../core/generation/resolveRequest.js';
import { modelChoices, ratioChoices, resolutionChoices } from './catalogChoices.js';
import { OPTION } from './names.js';

export function promptOption(description: string): APIApplicationCommandBasicOption {
  return { type: ApplicationCommandOptionType.String, name: OPTION.prompt, description, required: true, max_length: MAX_PROMPT_LENGTH };
}

/** `aspect_ratio` and `resolution`, with choices from the configured provider's catalog. */
export function shapeOptions(catalog: Catalog): APIApplicationCommandBasicOption[] {
  return [
    { type: ApplicationCommandOptionType.String, name: OPTION.aspectRatio, description: 'Shape of the image', choices: ratioChoices(catalog) },
    { type: ApplicationCommandOptionType.String, name: OPTION.resolution, description: 'Size of the image', choices: resolutionChoices(catalog) },
  ];
}

/** `model` (the option stays even when the provider has one model) and `count`. */
export function modelAndCountOptions(catalog: Catalog): APIApplicationCommandBasicOption[] {
  return [
    { type: ApplicationCommandOptionType.String, name: OPTION.model, description: 'Which model draws it', choices: modelChoices(catalog) },
    { type: ApplicationCommandOptionType.Integer, name: OPTION.count, description: 'How many images', min_value: 1, max_value: catalog.maxCount },
  ];
}

export function attachmentOption(name: string, description: string, required = false): APIApplicationCommandBasicOption {
  return { type: ApplicationCommandOptionType.Attachment, name, description, ...(required ? { required } : {}) };
}
