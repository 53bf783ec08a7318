import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../../src/core/text/formatBytes.js';

const MIB = 1024 * 1024;

describe('formatBytes', () => {
  it('gives sizes in MiB with at most one decimal', () => {
    expect(formatBytes(10 * MIB)).toBe('10 MiB');
    expect(formatBytes(25 * MIB)).toBe('25 MiB');
    expect(formatBytes(0.5 * MIB)).toBe('0.5 MiB');
    // nbpro's documented 2.5 MB limit is 2,500,000 bytes.
    expect(formatBytes(2_500_000)).toBe('2.4 MiB');
    expect(formatBytes(90_000_000)).toBe('85.8 MiB');
  });

  it('falls back to KiB and bytes for small sizes', () => {
    expect(formatBytes(20_000)).toBe('19.5 KiB');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(512)).toBe('512 bytes');
  });
});
