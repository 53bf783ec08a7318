import { webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { SlackFiles } from '../../../src/bots/slack/SlackFiles.js';
import { ValidationError } from '../../../src/core/errors.js';
import { FOREIGN_REFERENCE_TEXT } from '../../../src/core/userText.js';

const TOKEN = 'xoxb-unit-test-token';
// The client is never called by these tests (no network): only URL references and imageCandidates.
const files = new SlackFiles(new webApi.WebClient(TOKEN), TOKEN, 'http://127.0.0.1:4567/api/');

describe('SlackFiles', () => {
  it.each([
    ['https://files.slack.com/files-pri/T1-F1/a.png', true],
    ['https://files.slack-gov.com/files-pri/T1-F1/a.png', true],
    ['http://127.0.0.1:4567/files-pri/T1-F1/a.png', true],
    ['http://files.slack.com/files-pri/T1-F1/a.png', false],
    ['https://files.slack.com.evil.example/a.png', false],
    ['https://evilslack.com/a.png', false],
    ['https://myteam.slack.com/a.png', false],
    ['https://files.slack.com:8443/a.png', false],
    ['http://127.0.0.1:9999/a.png', false],
    ['http://localhost:4567/a.png', false],
    ['not a url', false],
  ])('%s is a Slack file (bot token sent): %s', (url, trusted) => {
    expect(files.isSlackFile(url)).toBe(trusted);
    if (trusted) {
      expect(files.referenceForUrl(url, 'a.png')).toEqual({ url, name: 'a.png', headers: { Authorization: `Bearer ${TOKEN}` } });
      return;
    }
    const refusal = (() => {
      try {
        files.referenceForUrl(url, 'a.png');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(ValidationError);
    expect(refusal).toMatchObject({ code: 'foreign_file', message: FOREIGN_REFERENCE_TEXT.foreign_file });
  });

  it('refuses a file whose private URL is outside Slack (an external file) without asking files.info', async () => {
    const external = { id: 'F9', name: 'a.png', mimetype: 'image/png', url_private: 'https://attacker.example/a.png' };
    await expect(files.reference(external)).rejects.toMatchObject({ code: 'foreign_file' });
  });

  it('keeps image files and files whose details are behind files.info', () => {
    const list = [
      { id: 'F1', mimetype: 'image/png' },
      { id: 'F2', mimetype: 'application/pdf' },
      { id: 'F3', file_access: 'check_file_info' },
      { id: 'F4' },
    ];
    expect(SlackFiles.imageCandidates(list).map((f) => f.id)).toEqual(['F1', 'F3']);
    expect(SlackFiles.imageCandidates(undefined)).toEqual([]);
  });
});
