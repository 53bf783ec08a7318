import { plural } from './plural.js';

const KIB = 1024;
const MIB = 1024 * 1024;

/**
 * A byte count for people, in binary units (MiB, KiB) with at most one decimal: `10 MiB`,
 * `2.4 MiB`, `0.5 MiB`. Every message that names a size uses this, so there is one unit
 * everywhere; binary because Discord's limits (10 MiB per file) and ours are powers of 1024.
 * Sizes under a tenth of a MiB are given in KiB, and under a KiB in bytes.
 */
export function formatBytes(bytes: number): string {
  if (bytes >= MIB / 10) return `${round(bytes / MIB)} MiB`;
  if (bytes >= KIB) return `${round(bytes / KIB)} KiB`;
  return plural(bytes, 'byte');
}

const round = (value: number): number => Number(value.toFixed(1));
