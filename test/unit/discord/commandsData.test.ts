import { describe, expect, it } from 'vitest';
import { buildCommands, customId, parseCustomId } from '../../../src/bots/discord/index.js';
import { redactTokens } from '../../../src/bots/discord/logSafe.js';
import { sameCommands } from '../../../src/bots/discord/registration/sameCommands.js';
import { catalogFor } from '../../../src/core/catalog/catalogs.js';

/** What Discord answers for a registered command: the same data plus its own fields. */
function asRegistered(command: object): Record<string, unknown> {
  return { id: '1', application_id: '2', version: '3', default_member_permissions: null, nsfw: false, integration_types: [0], contexts: null, description_localizations: null, ...command };
}

describe('command data', () => {
  const commands = buildCommands(catalogFor('nbpro', 'free'));

  it('is within Discord’s limits (25 options and choices, 100-character descriptions)', () => {
    for (const command of commands) {
      const options = 'options' in command ? (command.options ?? []) : [];
      expect(options.length).toBeLessThanOrEqual(25);
      if ('description' in command) expect(command.description?.length ?? 0).toBeLessThanOrEqual(100);
      for (const option of options) {
        expect(option.description.length).toBeLessThanOrEqual(100);
        if ('choices' in option && option.choices) expect(option.choices.length).toBeLessThanOrEqual(25);
      }
    }
    // The free plan takes 3 references and no 4K.
    const imagine = JSON.stringify(commands[0]);
    expect(imagine).toContain('"image3"');
    expect(imagine).not.toContain('"4K"');
  });

  it('equals what Discord returns for it, and differs as soon as a choice changes', () => {
    const registered = commands.map(asRegistered);
    expect(sameCommands(commands, registered)).toBe(true);
    expect(sameCommands(commands, [...registered].reverse())).toBe(true);
    expect(sameCommands(commands, registered.slice(1))).toBe(false);
    const changed = buildCommands(catalogFor('nbpro', 'standard')).map(asRegistered);
    expect(sameCommands(commands, changed)).toBe(false);
  });
});

describe('custom ids', () => {
  it('round-trip and refuse anything else', () => {
    expect(parseCustomId(customId.result('upscale', 'job-1'))).toEqual({ kind: 'result', action: 'upscale', jobId: 'job-1' });
    expect(parseCustomId(customId.editForm('job-2'))).toEqual({ kind: 'editForm', jobId: 'job-2' });
    expect(parseCustomId(customId.messageEditForm('99'))).toEqual({ kind: 'messageEditForm', formId: '99' });
    for (const bad of ['', 'ni', 'ni:reroll', 'ni:reroll:', 'ni:nuke:1', 'xx:reroll:1', 'ni:reroll:1:2']) expect(parseCustomId(bad)).toBeUndefined();
  });
});

describe('redactTokens', () => {
  it('removes interaction tokens from webhook and callback paths', () => {
    expect(redactTokens('https://x/api/v10/webhooks/123/aW50.secret-token/messages/@original')).toBe('https://x/api/v10/webhooks/123/[token]/messages/@original');
    expect(redactTokens('/interactions/456/tok.en/callback')).toBe('/interactions/456/[token]/callback');
  });
});
