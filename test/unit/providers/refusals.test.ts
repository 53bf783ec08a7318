import { describe, expect, it } from 'vitest';
import { REFUSAL_REASONS } from '../../../src/core/errorCodes.js';
import { classifyRefusal, REFUSAL_PATTERNS, REFUSAL_STATUSES, refusalOfErrorReply } from '../../../src/core/providers/refusals.js';

/** Every example of the table, with the reason of the row it was written for. */
const EXAMPLES = REFUSAL_PATTERNS.flatMap((row, index) => row.examples.map((example) => ({ index, reason: row.reason, example })));

/**
 * Replies that are not refusals: both documents' error tables, the other ways a call fails, and
 * near misses that share a word with a pattern.
 */
const ORDINARY_ERRORS = [
  'Invalid request parameters',
  'Invalid API key',
  'Missing or invalid API key',
  'Insufficient credits',
  'insufficient credits',
  'Generation failed',
  'Server error',
  'Internal Server Error',
  'rate limit exceeded',
  'Too many requests',
  'model not found',
  'Unknown model',
  'Overloaded',
  'Maintenance',
  'Forbidden',
  'Not found',
  'Method not allowed',
  'Prompt refused',
  'connection refused',
  'Request failed: retry policy exhausted after 3 attempts',
  'See our privacy policy link at https://example.com/privacy',
  'Policy: images are kept for 7 days',
  'Access prohibited from your region',
  'Your IP is blocklisted',
  'No image file provided',
  'image is required for this model',
  'Unsupported image_size 7:3',
  'Reference image too large (max 2.5MB)',
  'The safety of your account matters: rotate your key',
  'Other error',
  'bad key [redacted] for this model',
] as const;

describe('REFUSAL_PATTERNS', () => {
  it('has examples for every row, and a row for every reason', () => {
    for (const row of REFUSAL_PATTERNS) expect(row.examples.length).toBeGreaterThan(0);
    expect(new Set(REFUSAL_PATTERNS.map((row) => row.reason))).toEqual(new Set(REFUSAL_REASONS));
  });

  it.each(EXAMPLES)('row $index ($reason) matches its own example "$example"', ({ index, example }) => {
    expect(REFUSAL_PATTERNS[index]!.pattern.test(example)).toBe(true);
  });

  it.each(EXAMPLES)('classifies "$example" as $reason through the whole table', ({ reason, example }) => {
    expect(classifyRefusal(example)).toBe(reason);
  });

  it('keeps its patterns stateless (no g or y flag: test() would remember where it stopped)', () => {
    for (const row of REFUSAL_PATTERNS) expect(row.pattern.flags).not.toMatch(/[gy]/);
  });
});

describe('classifyRefusal', () => {
  it.each(ORDINARY_ERRORS)('does not take "%s" for a refusal', (message) => {
    expect(classifyRefusal(message)).toBeUndefined();
  });

  it('answers nothing for no words', () => {
    expect(classifyRefusal(undefined)).toBeUndefined();
    expect(classifyRefusal('')).toBeUndefined();
    expect(classifyRefusal('   ')).toBeUndefined();
  });

  it('finds a refusal inside a longer reply, in any case where the wording is prose', () => {
    expect(classifyRefusal('upstream said: {"error":{"message":"Request contains prohibited content","code":400}}')).toBe('prohibited');
    expect(classifyRefusal('YOUR PROMPT WAS FLAGGED BY THE SAFETY SYSTEM')).toBe('safety');
    expect(classifyRefusal('prompt violates policy')).toBe('policy');
  });

  it('reads Gemini enum names only in upper case, as Gemini writes them', () => {
    expect(classifyRefusal('IMAGE_SAFETY')).toBe('safety');
    expect(classifyRefusal('image_safety')).toBeUndefined();
    expect(classifyRefusal('recitation')).toBeUndefined();
  });
});

describe('refusalOfErrorReply', () => {
  it.each([...REFUSAL_STATUSES])('reads a refusal in a %i reply', (status) => {
    expect(refusalOfErrorReply(status, 'Request contains prohibited content')).toBe('prohibited');
  });

  it.each([401, 402, 404, 429, 500, 502, 503])('keeps a %i reply an ordinary failure, whatever it says', (status) => {
    expect(refusalOfErrorReply(status, 'The response was blocked due to safety settings')).toBeUndefined();
  });

  it('needs the words too', () => {
    expect(refusalOfErrorReply(400, 'Invalid request parameters')).toBeUndefined();
    expect(refusalOfErrorReply(403, undefined)).toBeUndefined();
  });
});
