import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent } from 'discord.js';
import type { Catalog } from '../../../core/catalog/types.js';
import { nextResolution } from '../../../core/generation/derive.js';
import type { Job } from '../../../core/model.js';
import { customId, type ResultAction } from '../customIds.js';

function button(action: ResultAction, jobId: string, label: string, style: ButtonStyle.Secondary | ButtonStyle.Danger, disabled = false): APIButtonComponent {
  return { type: ComponentType.Button, custom_id: customId.result(action, jobId), label, style, ...(disabled ? { disabled } : {}) };
}

/**
 * Reroll, Upscale, Edit, Delete under a result. Upscale is disabled at the model's top resolution;
 * Edit exists only where the provider takes reference images.
 */
export function resultButtons(job: Job, catalog: Catalog): APIActionRowComponent<APIButtonComponent> {
  const canUpscale = nextResolution(catalog, job.request.model, job.request.resolution) !== undefined;
  return {
    type: ComponentType.ActionRow,
    components: [
      button('reroll', job.id, 'Reroll', ButtonStyle.Secondary),
      button('upscale', job.id, 'Upscale', ButtonStyle.Secondary, !canUpscale),
      ...(catalog.maxReferences > 0 ? [button('edit', job.id, 'Edit', ButtonStyle.Secondary)] : []),
      button('delete', job.id, 'Delete', ButtonStyle.Danger),
    ],
  };
}
