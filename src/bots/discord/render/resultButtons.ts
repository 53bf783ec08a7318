import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent } from 'discord.js';
import type { Job } from '../../../core/model.js';
import { customId, type ResultAction } from '../customIds.js';

function button(action: ResultAction, jobId: string, label: string, style: ButtonStyle.Secondary | ButtonStyle.Danger, disabled = false): APIButtonComponent {
  return { type: ComponentType.Button, custom_id: customId.result(action, jobId), label, style, ...(disabled ? { disabled } : {}) };
}

/** Which of the optional buttons apply to a result (the core decides). */
export interface ResultActions {
  readonly canUpscale: boolean;
  readonly canEdit: boolean;
}

/**
 * Reroll, Upscale, Edit, Delete under a result. Upscale is disabled at the model's top resolution;
 * Edit exists only where the provider takes reference images.
 */
export function resultButtons(job: Job, actions: ResultActions): APIActionRowComponent<APIButtonComponent> {
  const { canUpscale, canEdit } = actions;
  return {
    type: ComponentType.ActionRow,
    components: [
      button('reroll', job.id, 'Reroll', ButtonStyle.Secondary),
      button('upscale', job.id, 'Upscale', ButtonStyle.Secondary, !canUpscale),
      ...(canEdit ? [button('edit', job.id, 'Edit', ButtonStyle.Secondary)] : []),
      button('delete', job.id, 'Delete', ButtonStyle.Danger),
    ],
  };
}
