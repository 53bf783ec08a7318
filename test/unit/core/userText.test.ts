import { describe, expect, it } from 'vitest';
import {
  IMAGE_ERROR_CODES,
  PROVIDER_ERROR_KINDS,
  REFUSAL_REASONS,
  type ImageErrorCode,
  type JobFailureCode,
  type RefusalCode,
} from '../../../src/core/errorCodes.js';
import { AppError, ImageError, ProviderError, ValidationError } from '../../../src/core/errors.js';
import { catalogFor } from '../../../src/core/catalog/catalogs.js';
import { resolveRequest } from '../../../src/core/generation/resolveRequest.js';
import type { Job } from '../../../src/core/model.js';
import { FetchRefusedError } from '../../../src/core/net/FetchRefusedError.js';
import { defaultPriceTable } from '../../../src/core/pricing/priceTable.js';
import { providerFailure } from '../../../src/core/providers/providerFailure.js';
import {
  chargeText,
  credits,
  describeFailure,
  FETCH_REFUSAL_TEXT,
  FOREIGN_REFERENCE_TEXT,
  insufficientCreditsText,
  interruptedNotice,
  JOB_FAILURE_TEXT,
  PROVIDER_FAILURE_TEXT,
  refundText,
  REFUSAL_TEXT,
  REFUSAL_TEXT_BY_REASON,
} from '../../../src/core/userText.js';

/**
 * Every code of each union, spelled once. `satisfies Record<…>` makes the typecheck fail when a code
 * is added to a union and not here, so the tests below cover it too.
 */
const JOB_FAILURE_CODES = Object.keys({
  provider_auth: 1,
  provider_out_of_credits: 1,
  provider_invalid_request: 1,
  provider_refused: 1,
  provider_rate_limited: 1,
  provider_unavailable: 1,
  provider_timeout: 1,
  provider_bad_response: 1,
  image_not_image: 1,
  image_too_large: 1,
  image_too_many_pixels: 1,
  image_fetch_failed: 1,
  image_timeout: 1,
  no_output: 1,
  cancelled: 1,
  interrupted: 1,
  fetch_refused: 1,
  undelivered: 1,
  internal: 1,
} satisfies Record<JobFailureCode, 1>) as JobFailureCode[];

/** Where each refusal's text comes from: the table, or the sentence built from its numbers. */
const REFUSAL_TEXTS = {
  // The ValidationError's own message, which names what is allowed.
  invalid_request: () => {
    try {
      resolveRequest(catalogFor('offline'), defaultPriceTable, '\u200b ', {}, 0);
    } catch (error) {
      if (error instanceof ValidationError) return error.message;
    }
    return '';
  },
  insufficient_credits: () => insufficientCreditsText(4, 1),
  queue_full: () => REFUSAL_TEXT.queue_full,
  user_busy: () => REFUSAL_TEXT.user_busy,
  shutting_down: () => REFUSAL_TEXT.shutting_down,
  // The refusal's own reason, from FETCH_REFUSAL_TEXT.
  fetch_refused: () => new FetchRefusedError('private_address').message,
} satisfies Record<RefusalCode, () => string>;

/** The text a person reads for a job that failed with `code`, as the engine builds it. */
function failureText(code: JobFailureCode): string {
  if (code.startsWith('provider_')) {
    const kind = code.slice('provider_'.length) as keyof typeof PROVIDER_FAILURE_TEXT;
    return describeFailure(providerFailure(kind, 'nbpro')).message;
  }
  if (code.startsWith('image_')) return describeFailure(new ImageError(code as ImageErrorCode, 'That image is not usable.')).message;
  if (code === 'fetch_refused') return describeFailure(new FetchRefusedError('private_address')).message;
  return JOB_FAILURE_TEXT[code as keyof typeof JOB_FAILURE_TEXT];
}

describe('the text tables', () => {
  it('list every code of the catalogue', () => {
    expect(JOB_FAILURE_CODES).toHaveLength(PROVIDER_ERROR_KINDS.length + IMAGE_ERROR_CODES.length + 6);
    expect(Object.keys(PROVIDER_FAILURE_TEXT).sort()).toEqual([...PROVIDER_ERROR_KINDS].sort());
    expect(Object.keys(JOB_FAILURE_TEXT).sort()).toEqual(['cancelled', 'internal', 'interrupted', 'no_output', 'undelivered']);
    expect(Object.keys(REFUSAL_TEXT).sort()).toEqual(['queue_full', 'shutting_down', 'user_busy']);
  });

  it.each(JOB_FAILURE_CODES)('has a sentence for the job failure %s', (code) => {
    const text = failureText(code);
    expect(text.trim().length).toBeGreaterThan(10);
    expect(text).toMatch(/^[A-Z].*\.$/s);
    expect(text).not.toMatch(/undefined|null|\[object|Error:/);
  });

  it.each(Object.keys(REFUSAL_TEXTS) as RefusalCode[])('has a sentence for the refusal %s', (code) => {
    const text = REFUSAL_TEXTS[code]();
    expect(text.trim().length).toBeGreaterThan(10);
    expect(text).toMatch(/^[A-Z].*\.$/s);
  });

  it.each([...Object.entries(FETCH_REFUSAL_TEXT), ...Object.entries(FOREIGN_REFERENCE_TEXT)])(
    'has a sentence for the reference refusal %s that quotes no link',
    (_reason, text) => {
      expect(text).toMatch(/^[A-Z].*\.$/s);
      expect(text).not.toMatch(/https?:|\/\//);
    },
  );

  it('keeps a fetch refusal’s own reason as the job’s failure text', () => {
    expect(describeFailure(new FetchRefusedError('user_info'))).toEqual({ code: 'fetch_refused', message: FETCH_REFUSAL_TEXT.user_info });
  });

  it('gives each provider kind its own sentence, and says who can act where someone can', () => {
    expect(new Set(Object.values(PROVIDER_FAILURE_TEXT)).size).toBe(PROVIDER_ERROR_KINDS.length);
    expect(PROVIDER_FAILURE_TEXT.auth).toMatch(/operator/);
    expect(PROVIDER_FAILURE_TEXT.out_of_credits).toMatch(/operator/);
    expect(PROVIDER_FAILURE_TEXT.rate_limited).toMatch(/Try again/);
    expect(JOB_FAILURE_TEXT.interrupted).toBe('The bot restarted before this job finished.');
  });
});

describe('describeFailure', () => {
  it.each(PROVIDER_ERROR_KINDS.filter((k) => k !== 'invalid_request'))(
    'tells the table’s text for provider_%s and keeps the provider’s own words for the operator',
    (kind) => {
      const error = providerFailure(kind, 'nbapi', {
        status: 500,
        providerMessage: 'upstream pool exhausted; key sk-live-123 rejected at node-7',
        secret: 'sk-live-123',
        summary: 'POST /v1/images failed',
      });
      const described = describeFailure(error);
      expect(described).toEqual({ code: `provider_${kind}`, message: PROVIDER_FAILURE_TEXT[kind] });
      expect(described.message).not.toMatch(/pool|node-7|sk-live|POST/);
      expect(error.providerMessage).toBe('POST /v1/images failed: upstream pool exhausted; key [redacted] rejected at node-7');
    },
  );

  it('passes on what a rejected request must change, with the API key cut out', () => {
    const error = providerFailure('invalid_request', 'nbpro', { status: 400, providerMessage: 'prompt blocked by safety filter (key abc123)', secret: 'abc123' });
    expect(describeFailure(error)).toEqual({
      code: 'provider_invalid_request',
      message: 'The image service rejected this request: prompt blocked by safety filter (key [redacted])',
    });
  });

  it('tells a refusal by its reason, with the tip, never in the provider’s words', () => {
    expect(Object.keys(REFUSAL_TEXT_BY_REASON).sort()).toEqual([...REFUSAL_REASONS].sort());
    expect(new Set([...Object.values(REFUSAL_TEXT_BY_REASON), PROVIDER_FAILURE_TEXT.refused]).size).toBe(REFUSAL_REASONS.length + 1);
    for (const reason of REFUSAL_REASONS) {
      const error = providerFailure('refused', 'nbapi', {
        status: 400,
        providerMessage: 'IMAGE_SAFETY: "a koi pond" (key sk-live-123)',
        secret: 'sk-live-123',
        refusal: reason,
      });
      expect(error).toMatchObject({ code: 'provider_refused', kind: 'refused', refusal: reason, transient: false, status: 400 });
      expect(describeFailure(error)).toEqual({ code: 'provider_refused', message: REFUSAL_TEXT_BY_REASON[reason] });
      expect(error.message).toMatch(/^The image service .*(Rephrase it|Describe something original) and try again\.$/);
      expect(error.message).not.toMatch(/koi|IMAGE_SAFETY|sk-live/);
      expect(error.providerMessage).toBe('IMAGE_SAFETY: "a koi pond" (key [redacted])');
    }
    expect(describeFailure(providerFailure('refused', 'nbpro'))).toEqual({ code: 'provider_refused', message: PROVIDER_FAILURE_TEXT.refused });
  });

  it('keeps a refusal reason only on a refused error', () => {
    expect(providerFailure('invalid_request', 'nbpro', { refusal: 'safety' }).refusal).toBeUndefined();
    expect(new ProviderError('unavailable', 'nbpro', 'x', { refusal: 'policy' }).refusal).toBeUndefined();
    expect(new ProviderError('refused', 'nbpro', 'x', { refusal: 'policy' }).refusal).toBe('policy');
  });

  it('keeps a ProviderError’s Retry-After for the engine, not in the text', () => {
    const error = providerFailure('rate_limited', 'nbpro', { status: 429, retryAfterMs: 30_000 });
    expect(error).toMatchObject({ code: 'provider_rate_limited', kind: 'rate_limited', retryAfterMs: 30_000, transient: true });
    expect(describeFailure(error)).toEqual({ code: 'provider_rate_limited', message: PROVIDER_FAILURE_TEXT.rate_limited });
  });

  it('tells an image error’s own message under its code', () => {
    for (const code of IMAGE_ERROR_CODES) {
      expect(describeFailure(new ImageError(code, 'That image is larger than the 25 MB limit.'))).toEqual({
        code,
        message: 'That image is larger than the 25 MB limit.',
      });
    }
  });

  it('tells a job-failure AppError under its code', () => {
    expect(describeFailure(new AppError('interrupted', 'Shutting down'))).toEqual({ code: 'interrupted', message: 'Shutting down' });
    expect(describeFailure(new AppError('no_output', JOB_FAILURE_TEXT.no_output))).toEqual({ code: 'no_output', message: JOB_FAILURE_TEXT.no_output });
  });

  it('treats a ValidationError during a run as internal: input was checked at submit, so it is a bug', () => {
    expect(describeFailure(new ValidationError('The cost (3) must be the price per image (2) × the number of images (1).'))).toEqual({
      code: 'internal',
      message: JOB_FAILURE_TEXT.internal,
    });
    expect(describeFailure(new ValidationError('bad key', { code: 'invalid_account_key' }))).toEqual({ code: 'internal', message: JOB_FAILURE_TEXT.internal });
  });

  it('treats AppErrors whose code is no job failure as internal', () => {
    expect(describeFailure(new AppError('job_not_found', 'No job "job-9".'))).toEqual({ code: 'internal', message: JOB_FAILURE_TEXT.internal });
    expect(describeFailure(new AppError('queue_full', REFUSAL_TEXT.queue_full))).toEqual({ code: 'internal', message: JOB_FAILURE_TEXT.internal });
  });

  it.each([
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'bytes')")],
    ['an Error with a path', new Error('ENOENT: no such file or directory, open /srv/bot/secret.db')],
    ['a string', 'SQLITE_BUSY: database is locked'],
    ['undefined', undefined],
    ['an object', { message: 'password=hunter2' }],
  ])('tells only "something went wrong" for %s', (_label, error) => {
    const described = describeFailure(error);
    expect(described).toEqual({ code: 'internal', message: 'Something went wrong on our side.' });
    expect(described.message).not.toMatch(/at |\/|reading|SQLITE|hunter2|ENOENT/);
  });
});

describe('sentences', () => {
  it('refundText says what came back, in the right number, and nothing when nothing did', () => {
    expect(refundText(1)).toBe('Your 1 credit was returned.');
    expect(refundText(4)).toBe('Your 4 credits were returned.');
    expect(refundText(4, 50)).toBe('Your 4 credits were returned (balance 50).');
    expect(refundText(1, 0)).toBe('Your 1 credit was returned (balance 0).');
    expect(refundText(0)).toBe('');
    expect(refundText(0, 50)).toBe('');
    expect(refundText(-2)).toBe('');
  });

  it('credits counts in the right number', () => {
    expect([0, 1, 2].map(credits)).toEqual(['0 credits', '1 credit', '2 credits']);
  });

  it('interruptedNotice names the prompt, the refund and what to do', () => {
    expect(interruptedNotice('“a koi pond”', 4)).toBe('The bot restarted before your image “a koi pond” was finished. Your 4 credits were returned. Please ask again.');
    expect(interruptedNotice('“a koi pond”', 1)).toBe('The bot restarted before your image “a koi pond” was finished. Your 1 credit was returned. Please ask again.');
    // A free job: no refund sentence, and no double space where it would have been.
    expect(interruptedNotice('“x”', 0)).toBe('The bot restarted before your image “x” was finished. Please ask again.');
  });

  it('chargeText says held while unsettled, charged once settled, nothing when nothing was', () => {
    const job = (status: Job['status'], held: number, captured: number) => ({ status, held, captured });
    expect(chargeText(job('queued', 4, 0))).toBe('4 credits held');
    expect(chargeText(job('running', 1, 0))).toBe('1 credit held');
    expect(chargeText(job('succeeded', 0, 4))).toBe('4 credits');
    expect(chargeText(job('succeeded', 0, 1))).toBe('1 credit');
    expect(chargeText(job('failed', 0, 0))).toBe('nothing charged');
    expect(chargeText(job('interrupted', 0, 0))).toBe('nothing charged');
  });

  it('insufficientCreditsText gives the cost and the balance', () => {
    expect(insufficientCreditsText(8, 3)).toBe('Not enough credits: this costs 8 and you have 3.');
  });
});

describe('errors', () => {
  it('ProviderError carries kind, provider, status and its code; only some kinds are transient', () => {
    const error = new ProviderError('timeout', 'nbpro', PROVIDER_FAILURE_TEXT.timeout, { status: 504, retryAfterMs: 1200 });
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ name: 'ProviderError', code: 'provider_timeout', kind: 'timeout', provider: 'nbpro', status: 504, retryAfterMs: 1200 });
    expect(new ProviderError('auth', 'nbpro', 'x').retryAfterMs).toBeUndefined();
    expect(PROVIDER_ERROR_KINDS.filter((kind) => new ProviderError(kind, 'nbapi', 'x').transient)).toEqual(['rate_limited', 'unavailable', 'timeout']);
  });

  it('ValidationError defaults to invalid_input and takes a narrower code', () => {
    expect(new ValidationError('no')).toMatchObject({ name: 'ValidationError', code: 'invalid_input' });
    expect(new ValidationError('no', { code: 'invalid_amount' })).toMatchObject({ code: 'invalid_amount' });
  });
});
