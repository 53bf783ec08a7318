import { describe, expect, it } from 'vitest';
import { describeSubmit } from '../../../src/bots/slack/describeSubmit.js';
import type { Job } from '../../../src/core/model.js';

const job = {
  id: 'j1',
  status: 'queued',
  cost: 8,
  request: { prompt: 'a <b> & c', model: 'm', aspectRatio: '16:9', resolution: '2K', count: 2, references: [] },
} as unknown as Job;

describe('describeSubmit', () => {
  it('says the queue position, the options and what is held, escaping the prompt', () => {
    expect(describeSubmit({ ok: true, job, duplicate: false, position: 3 })).toBe(
      ':hourglass_flowing_sand: Queued (position 3): “a &lt;b&gt; &amp; c” · 16:9 · 2K · 2 images · 8 credits held.',
    );
    expect(describeSubmit({ ok: true, job, duplicate: false, position: 0 }, 'A note.')).toMatch(/^:art: Queued, generating now: .*\nA note\.$/s);
  });

  it('says “1 image” and “1 credit”, never “1 credits”', () => {
    const single = { ...job, cost: 1, request: { ...job.request, count: 1 } } as Job;
    expect(describeSubmit({ ok: true, job: single, duplicate: false, position: 1 })).toMatch(/ · 1 image · 1 credit held\.$/);
  });

  it('tells a retried request that nothing more was charged', () => {
    expect(describeSubmit({ ok: true, job, duplicate: true, position: 1 })).toContain('nothing more was charged');
  });

  it('passes a refusal’s message on', () => {
    expect(describeSubmit({ ok: false, refusal: { code: 'queue_full', message: 'Busy.' } })).toBe(':no_entry_sign: Busy.');
  });
});
