/** Shared inputs and assertions for the provider client tests. */
import { inspect } from 'node:util';
import { createServer } from 'node:net';
import { expect } from 'vitest';
import type { ProviderErrorKind } from '../../../src/core/errorCodes.js';
import { ProviderError } from '../../../src/core/errors.js';
import type { ProviderRequest } from '../../../src/core/providers/types.js';

export function providerRequest(overrides: Partial<ProviderRequest> = {}): ProviderRequest {
  return {
    prompt: 'A koi pond at dawn',
    model: 'nano-banana-2',
    aspectRatio: '16:9',
    resolution: '2K',
    count: 1,
    references: [],
    ...overrides,
  };
}

/** Awaits `promise`, expects a ProviderError of `kind`, and returns it. */
export async function expectProviderError(promise: Promise<unknown>, kind: ProviderErrorKind): Promise<ProviderError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProviderError);
  const providerError = error as ProviderError;
  expect(providerError.kind).toBe(kind);
  expect(providerError.code).toBe(`provider_${kind}`);
  return providerError;
}

/** The key must not appear in the message, the JSON form or the inspected form (cause included). */
export function expectNoSecret(error: unknown, secret: string): void {
  const message = error instanceof Error ? error.message : String(error);
  expect(message).not.toContain(secret);
  expect(JSON.stringify(error)).not.toContain(secret);
  expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(secret);
}

/** A 127.0.0.1 port with nothing listening (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
