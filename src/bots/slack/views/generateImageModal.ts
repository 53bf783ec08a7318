import type { types } from '@slack/bolt';
import type { Catalog } from '../../../core/catalog/types.js';
import { SLACK_IDS } from '../ids.js';
import {
  channelSelect,
  countSelect,
  modalFrame,
  modelSelect,
  promptInput,
  ratioSelect,
  referencesInput,
  resolutionSelect,
} from './modalInputs.js';

/** The "Generate image" modal: prompt, ratio, resolution, count, channel and optional references. */
export function generateImageModal(catalog: Catalog): types.ModalView {
  return modalFrame(
    'Generate image',
    SLACK_IDS.views.generateImage,
    [
      promptInput('e.g. a koi pond at dawn, ukiyo-e style'),
      ratioSelect(catalog),
      resolutionSelect(catalog),
      ...modelSelect(catalog),
      countSelect(catalog),
      channelSelect(),
      ...referencesInput(catalog),
    ],
    '',
  );
}
