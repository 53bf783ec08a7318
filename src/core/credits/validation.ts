import { ValidationError } from '../errors.js';
import type { AdminAction, HoldInput } from './types.js';

/** The largest amount, and the largest balance, the product handles: far below 2^53, so sums stay exact. */
export const MAX_CREDITS = 1_000_000_000_000;

/** More images than any provider returns for one request. */
export const MAX_IMAGES_PER_JOB = 100;

/**
 * Checks that `value` is a whole number of credits in `[min, MAX_CREDITS]`. A value past the maximum
 * is "too large" whatever its size (a 20-digit amount arrives as a huge float, not as a small number).
 * @param what - names the value in the message, e.g. "The amount".
 * @throws ValidationError `invalid_amount` otherwise.
 */
export function requireCredits(value: number, what: string, min: 0 | 1): number {
  const refuse = (why: string): never => {
    throw new ValidationError(`${what} ${why}.`, { code: 'invalid_amount' });
  };
  if (value > MAX_CREDITS) refuse(`is too large: at most ${MAX_CREDITS.toLocaleString('en-US')} credits`);
  if (!Number.isInteger(value)) refuse(`must be a whole number of credits; got ${String(value)}`);
  if (value < min) refuse(`must be at least ${min}; got ${String(value)}`);
  return value;
}

/** Checks a count (images, list limit): a whole number in `[min, max]`. */
export function requireCount(value: number, what: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(`${what} must be a whole number from ${min} to ${max}; got ${String(value)}.`);
  }
  return value;
}

/** A ledger row always says who made an admin change. */
export function requireActor(action: AdminAction): void {
  if (action.actor.trim() === '') throw new ValidationError('A credit change must name its actor.');
}

/** Checks a hold before any credit moves: prices are whole credits and cost = unitCost × count. */
export function validateHold(input: HoldInput): void {
  if (input.idempotencyKey === '') throw new ValidationError('A job needs an idempotency key.');
  if (input.id === '') throw new ValidationError('A job id cannot be empty.');
  requireCredits(input.unitCost, 'The price per image', 0);
  requireCount(input.request.count, 'The number of images', 1, MAX_IMAGES_PER_JOB);
  requireCredits(input.cost, 'The cost', 0);
  if (input.cost !== input.unitCost * input.request.count) {
    throw new ValidationError(
      `The cost (${input.cost}) must be the price per image (${input.unitCost}) × the number of images ` +
        `(${input.request.count}).`,
      { code: 'invalid_amount' },
    );
  }
}
