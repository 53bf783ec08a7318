import { ApplicationCommandType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { Catalog } from '../../../core/catalog/types.js';
import { imageOptionNames } from './catalogChoices.js';
import { attachmentOption, modelAndCountOptions, promptOption, shapeOptions } from './generationOptions.js';
import { COMMAND } from './names.js';

/** `/imagine prompt [aspect_ratio] [resolution] [model] [count] [image] [image2] [image3]` (DESIGN §6). */
export function imagineCommand(catalog: Catalog): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return {
    type: ApplicationCommandType.ChatInput,
    name: COMMAND.imagine,
    description: 'Generate an image with Nano Banana',
    options: [
      promptOption('What to draw'),
      ...shapeOptions(catalog),
      ...modelAndCountOptions(catalog),
      ...imageOptionNames(catalog).map((name) => attachmentOption(name, 'A reference image')),
    ],
  };
}
