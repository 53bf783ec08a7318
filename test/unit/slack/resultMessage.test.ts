import { describe, expect, it } from 'vitest';
import { decodeResultRef, encodeResultRef, resultButtons } from '../../../src/bots/slack/views/resultMessage.js';

describe('result buttons', () => {
  it('carry the job and file ids in their value', () => {
    const ref = { jobId: 'job-1', fileIds: ['F1', 'F2'] };
    expect(decodeResultRef(encodeResultRef(ref))).toEqual(ref);
  });

  it.each([undefined, '', 'x', '{"j":1,"f":[]}', '{"j":"a","f":[1]}'])('decode %j as unknown', (value) => {
    expect(decodeResultRef(value)).toBeUndefined();
  });

  it('offer Upscale only below the top resolution, and confirm Delete', () => {
    const ids = (blocks: ReturnType<typeof resultButtons>) =>
      (blocks[0] as { elements: { action_id: string; confirm?: unknown }[] }).elements.map((e) => e.action_id);
    expect(ids(resultButtons({ jobId: 'j', fileIds: [] }, true))).toEqual(['result_reroll', 'result_upscale', 'result_delete']);
    expect(ids(resultButtons({ jobId: 'j', fileIds: [] }, false))).toEqual(['result_reroll', 'result_delete']);
    const del = (resultButtons({ jobId: 'j', fileIds: [] }, false)[0] as { elements: { confirm?: unknown }[] }).elements[1];
    expect(del?.confirm).toBeDefined();
  });
});
