import { describe, expect, it } from 'vitest';
import { decodeEditMetadata, encodeEditMetadata, PRIVATE_METADATA_MAX } from '../../../src/bots/slack/editMetadata.js';

const file = (i: number) => ({
  id: `F${String(i).padStart(10, '0')}`,
  name: `image-${i}.png`,
  mimetype: 'image/png',
  size: 1234,
  url_private_download: `https://files.slack.com/files-pri/T0-F${i}/download/image-${i}-${'x'.repeat(150)}.png`,
});

describe('edit modal private metadata', () => {
  it('round-trips channel, thread and files', () => {
    const meta = { channel: 'C1', threadTs: '1700000000.000100', files: [file(1), { id: 'F2', file_access: 'check_file_info' }] };
    expect(decodeEditMetadata(encodeEditMetadata(meta))).toEqual({
      channel: 'C1',
      threadTs: '1700000000.000100',
      files: [file(1), { id: 'F2' }],
    });
  });

  it('keeps only file ids when the URLs would pass Slack’s 3,000 characters', () => {
    const files = Array.from({ length: 14 }, (_, i) => file(i));
    const text = encodeEditMetadata({ channel: 'C1', threadTs: '1.2', files });
    expect(text.length).toBeLessThanOrEqual(PRIVATE_METADATA_MAX);
    expect(decodeEditMetadata(text)?.files).toEqual(files.map((f) => ({ id: f.id })));
  });

  it.each(['', 'not json', '{}', '{"c":"C1","t":"1","f":[[1]]}', 'null'])('refuses %j', (text) => {
    expect(decodeEditMetadata(text)).toBeUndefined();
  });
});
