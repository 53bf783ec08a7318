import { ApplicationCommandType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import type { Catalog } from '../../../core/catalog/types.js';
import { imageOptionNames } from './catalogChoices.js';
import { attachmentOption, promptOption, shapeOptions } from './generationOptions.js';
import { COMMAND, OPTION } from './names.js';

/** `/edit image prompt [aspect_ratio] [resolution] [image2] [image3]` (DESIGN §6). */
export function editCommand(catalog: Catalog): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return {
    type: ApplicationCommandType.ChatInput,
    name: COMMAND.edit,
    description: 'Edit an image with Nano Banana',
    options: [
      attachmentOption(OPTION.image, 'The image to edit', true),
      promptOption('What to change'),
      ...shapeOptions(catalog),
      ...imageOptionNames(catalog)
        .filter((name) => name !== OPTION.image)
        .map((name) => attachmentOption(name, 'Another reference image')),
    ],
  };
}
