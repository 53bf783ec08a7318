import { webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { SlackFiles } from '../../../src/bots/slack/SlackFiles.js';

const TOKEN = 'xoxb-unit-test-token';
// The client is never called by these tests (no network): only headersFor and imageCandidates.
const files = new SlackFiles(new webApi.WebClient(TOKEN), TOKEN, 'http://127.0.0.1:4567/api/');

describe('SlackFiles', () => {
  it.each([
    ['https://files.slack.com/files-pri/T1-F1/a.png', true],
    ['https://files.slack-gov.com/files-pri/T1-F1/a.png', true],
    ['http://127.0.0.1:4567/files-pri/T1-F1/a.png', true],
    ['http://files.slack.com/files-pri/T1-F1/a.png', false],
    ['https://files.slack.com.evil.example/a.png', false],
    ['https://evilslack.com/a.png', false],
    ['http://127.0.0.1:9999/a.png', false],
    ['not a url', false],
  ])('sends the bot token to %s: %s', (url, trusted) => {
    expect(files.headersFor(url)).toEqual(trusted ? { Authorization: `Bearer ${TOKEN}` } : {});
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
