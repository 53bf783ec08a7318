/**
 * Every name Slack and this adapter share: commands, shortcut and modal callback ids, block and
 * action ids. `slack-manifest.yml` declares the same commands and shortcut callback ids.
 */
export const SLACK_IDS = {
  commands: { imagine: '/imagine', credits: '/credits' },
  shortcuts: { editImage: 'edit_image', generateImage: 'generate_image' },
  views: { editImage: 'edit_image_submit', generateImage: 'generate_image_submit' },
  actions: { reroll: 'result_reroll', upscale: 'result_upscale', delete: 'result_delete' },
  /** Input blocks of the modals; each holds one element whose action id is {@link INPUT_ACTION}. */
  blocks: {
    prompt: 'prompt',
    ratio: 'ratio',
    resolution: 'resolution',
    model: 'model',
    count: 'count',
    channel: 'channel',
    references: 'references',
  },
} as const;

/** The action id of the single element inside every modal input block. */
export const INPUT_ACTION = 'value';
