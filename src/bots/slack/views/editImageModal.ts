import type { types } from '@slack/bolt';
import type { Catalog } from '../../../core/catalog/types.js';
import { SLACK_IDS } from '../ids.js';
import { modalFrame, promptInput, ratioSelect, resolutionSelect } from './modalInputs.js';

/** The "Edit image" modal: a prompt, ratio and resolution for the message's images. */
export function editImageModal(catalog: Catalog, imageCount: number, privateMetadata: string): types.ModalView {
  const images = imageCount === 1 ? 'this message’s image' : `this message’s ${imageCount} images`;
  return modalFrame(
    'Edit image',
    SLACK_IDS.views.editImage,
    [
      { type: 'context', elements: [{ type: 'mrkdwn', text: `Edits ${images}; the result is posted in its thread.` }] },
      promptInput('What should change? e.g. “make it a watercolour”'),
      ratioSelect(catalog),
      resolutionSelect(catalog),
    ],
    privateMetadata,
  );
}
