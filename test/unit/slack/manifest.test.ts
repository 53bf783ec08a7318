import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SLACK_IDS } from '../../../src/bots/slack/ids.js';

// Read as text: the manifest is flat enough that its lines are the contract.
const manifest = readFileSync(new URL('../../../slack-manifest.yml', import.meta.url), 'utf8');
const lines = manifest.split('\n').map((l) => l.replace(/#.*$/, '').trim());

describe('slack-manifest.yml', () => {
  it('declares the commands and shortcuts the adapter listens for', () => {
    for (const command of Object.values(SLACK_IDS.commands)) expect(lines).toContain(`- command: ${command}`);
    expect(manifest).toMatch(new RegExp(`type: message\\s+callback_id: ${SLACK_IDS.shortcuts.editImage}\\b`));
    expect(manifest).toMatch(new RegExp(`type: global\\s+callback_id: ${SLACK_IDS.shortcuts.generateImage}\\b`));
  });

  it('turns on Socket Mode, interactivity, App Home and the scopes the adapter needs', () => {
    for (const line of ['socket_mode_enabled: true', 'home_tab_enabled: true', '- app_home_opened']) expect(lines).toContain(line);
    expect(manifest).toMatch(/interactivity:\s+is_enabled: true/);
    for (const scope of ['commands', 'chat:write', 'files:read', 'files:write', 'users:read', 'channels:read', 'groups:read', 'im:write', 'im:read']) {
      expect(lines).toContain(`- ${scope}`);
    }
  });
});

describe('README on Slack admins', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  // Paragraphs and table rows, so a claim split over lines is read whole.
  const passages = readme.split(/\n\s*\n|\n(?=\|)/).filter((p) => p.includes('SLACK_ADMIN_IDS'));

  it('claims only what the Slack app does: admins delete results; credits are granted with the CLI', () => {
    // The app registers no Slack command that moves credits.
    expect(Object.values(SLACK_IDS.commands).sort()).toEqual(['/credits', '/imagine']);
    expect(passages.length).toBeGreaterThan(0);
    for (const passage of passages) {
      expect(passage).not.toMatch(/SLACK_ADMIN_IDS`?\)?\s+(can|may)\s+(grant|set)/);
      expect(passage).not.toMatch(/admin actions/);
    }
    expect(readme).toMatch(/Slack has no credit commands: grant/);
  });
});
