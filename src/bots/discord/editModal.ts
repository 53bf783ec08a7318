import { ComponentType, TextInputStyle, type APIModalInteractionResponseCallbackData } from 'discord.js';
import { MAX_PROMPT_LENGTH } from '../../core/generation/resolveRequest.js';
import { FIELD } from './commands/names.js';

/** Discord's File Upload component takes at most 10 files. */
const MAX_UPLOADS = 10;

/**
 * The edit modal: a prompt and, when the provider takes more references, a File Upload for them
 * (Label + File Upload components; discord.js reads them with `fields.getUploadedFiles`).
 */
export function editModal(customId: string, extraReferences: number): APIModalInteractionResponseCallbackData {
  const uploads = Math.min(MAX_UPLOADS, extraReferences);
  return {
    custom_id: customId,
    title: 'Edit image',
    components: [
      {
        type: ComponentType.Label,
        label: 'Prompt',
        description: 'What should change?',
        component: { type: ComponentType.TextInput, custom_id: FIELD.prompt, style: TextInputStyle.Paragraph, required: true, max_length: MAX_PROMPT_LENGTH },
      },
      ...(uploads > 0
        ? [
            {
              type: ComponentType.Label as const,
              label: 'More reference images',
              description: 'Optional',
              component: { type: ComponentType.FileUpload as const, custom_id: FIELD.files, min_values: 0, max_values: uploads, required: false },
            },
          ]
        : []),
    ],
  };
}
