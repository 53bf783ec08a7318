import type { types } from '@slack/bolt';
import type { Catalog } from '../../../core/catalog/types.js';
import { INPUT_ACTION, SLACK_IDS } from '../ids.js';
import { catalogRatios, catalogResolutions } from '../../../core/catalog/offered.js';
import { MAX_PROMPT_LENGTH } from '../../../core/generation/resolveRequest.js';

const { blocks: B } = SLACK_IDS;
const text = (t: string): types.PlainTextElement => ({ type: 'plain_text', text: t });
const option = (value: string, label = value): types.PlainTextOption => ({ text: text(label), value });

/** Slack's own limit for a plain_text_input. */
const SLACK_TEXT_INPUT_MAX = 3000;
/** Longest prompt the modal accepts: the core's limit, within what Slack allows in a text input. */
const PROMPT_MAX_LENGTH = Math.min(MAX_PROMPT_LENGTH, SLACK_TEXT_INPUT_MAX);
/** Slack's own limit for a static select. */
const MAX_OPTIONS = 100;
/** Slack's own limit for a file_input. */
const MAX_FILE_INPUT = 10;

export function promptInput(placeholder: string): types.InputBlock {
  return {
    type: 'input',
    block_id: B.prompt,
    label: text('Prompt'),
    element: {
      type: 'plain_text_input',
      action_id: INPUT_ACTION,
      multiline: true,
      max_length: PROMPT_MAX_LENGTH,
      placeholder: text(placeholder),
    },
  };
}

function select(blockId: string, label: string, values: readonly string[], initial: string): types.InputBlock {
  const options = values.slice(0, MAX_OPTIONS).map((v) => option(v));
  const initialOption = options.find((o) => o.value === initial) ?? options[0];
  return {
    type: 'input',
    block_id: blockId,
    label: text(label),
    element: {
      type: 'static_select',
      action_id: INPUT_ACTION,
      options,
      ...(initialOption ? { initial_option: initialOption } : {}),
    },
  };
}

export function ratioSelect(catalog: Catalog): types.InputBlock {
  return select(B.ratio, 'Aspect ratio', catalogRatios(catalog), catalog.defaultAspectRatio);
}

export function resolutionSelect(catalog: Catalog): types.InputBlock {
  return select(B.resolution, 'Resolution', catalogResolutions(catalog), catalog.defaultResolution);
}

/** Offered only when the provider has more than one model. */
export function modelSelect(catalog: Catalog): types.InputBlock[] {
  if (catalog.models.length < 2) return [];
  return [select(B.model, 'Model', catalog.models.map((m) => m.name), catalog.defaultModel)];
}

export function countSelect(catalog: Catalog): types.InputBlock {
  const counts = Array.from({ length: catalog.maxCount }, (_, i) => String(i + 1));
  return select(B.count, 'Images', counts, '1');
}

export function channelSelect(): types.InputBlock {
  return {
    type: 'input',
    block_id: B.channel,
    label: text('Post in'),
    element: {
      type: 'conversations_select',
      action_id: INPUT_ACTION,
      default_to_current_conversation: true,
      filter: { include: ['public', 'private'], exclude_bot_users: true },
    },
  };
}

/** Optional reference images; absent when the provider takes none (nbapi). */
export function referencesInput(catalog: Catalog): types.InputBlock[] {
  if (catalog.maxReferences === 0) return [];
  return [
    {
      type: 'input',
      block_id: B.references,
      optional: true,
      label: text('Reference images (optional)'),
      hint: text(`Up to ${Math.min(catalog.maxReferences, MAX_FILE_INPUT)} PNG, JPEG, WebP or GIF images to edit or combine.`),
      element: {
        type: 'file_input',
        action_id: INPUT_ACTION,
        filetypes: ['png', 'jpg', 'jpeg', 'webp', 'gif'],
        max_files: Math.min(catalog.maxReferences, MAX_FILE_INPUT),
      },
    },
  ];
}

export function modalFrame(title: string, callbackId: string, blocks: types.KnownBlock[], privateMetadata: string): types.ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    title: text(title),
    submit: text('Generate'),
    close: text('Cancel'),
    private_metadata: privateMetadata,
    blocks,
  };
}
