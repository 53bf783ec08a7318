import { randomInt } from 'node:crypto';

/** Crockford's base32, lower case: no i, l, o or u, and ASCII order is numeric order. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const TIME_CHARS = 10; // 50 bits of milliseconds: good until the year 37,000.
const RANDOM_CHARS = 8; // 40 bits.
const RANDOM_LIMIT = 2 ** (5 * RANDOM_CHARS);

/** Length of the ids {@link createJobIds} makes. */
export const JOB_ID_LENGTH = TIME_CHARS + RANDOM_CHARS;

/**
 * Makes job ids that sort by creation time: 18 characters of `[0-9a-hjkmnp-tv-z]`, the first 10 the
 * time in milliseconds and the last 8 random (like a shortened ULID). Sorted ids make each insert into
 * the jobs' primary-key index an append at its right edge instead of a write to a random page, and
 * they are short enough for chat button custom ids (no `:`, which custom ids use as a separator).
 *
 * Within one process ids strictly increase: in the same millisecond (or if the clock steps back) the
 * random part counts up from the previous id's. Two processes get distinct ids with overwhelming
 * probability (40 random bits per millisecond), and the primary key refuses a collision anyway.
 */
export function createJobIds(
  now: () => number = Date.now,
  random: () => number = () => randomInt(RANDOM_LIMIT),
): () => string {
  let lastTime = -1;
  let lastRandom = 0;
  return () => {
    let time = now();
    let rand: number;
    if (time > lastTime) {
      rand = random();
    } else {
      time = lastTime;
      rand = lastRandom + 1;
      if (rand >= RANDOM_LIMIT) {
        time += 1;
        rand = 0;
      }
    }
    lastTime = time;
    lastRandom = rand;
    return encode(time, TIME_CHARS) + encode(rand, RANDOM_CHARS);
  };
}

/** The default job ids: one sequence per process. */
export const newJobId: () => string = createJobIds();

function encode(value: number, length: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < length; i++) {
    out = ALPHABET[rest % 32]! + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}
