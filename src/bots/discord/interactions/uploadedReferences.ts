import type { ModalSubmitInteraction } from 'discord.js';
import type { ReferenceSource } from '../../../core/generation/types.js';
import { FIELD } from '../commands/names.js';
import { referenceFrom } from '../references.js';

/** Files sent through the modal's File Upload component (none when the modal had no upload). */
export function uploadedReferences(interaction: ModalSubmitInteraction): ReferenceSource[] {
  if (!interaction.fields.fields.has(FIELD.files)) return [];
  const files = interaction.fields.getUploadedFiles(FIELD.files);
  return files ? [...files.values()].map(referenceFrom) : [];
}
