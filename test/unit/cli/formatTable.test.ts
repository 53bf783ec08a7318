import { describe, expect, it } from 'vitest';
import { formatTable, type Column } from '../../../src/cli/formatTable.js';

interface Row {
  readonly name: string;
  readonly count: number;
  readonly note: string;
}
const columns: readonly Column<Row>[] = [
  { header: 'NAME', cell: (r) => r.name },
  { header: 'COUNT', cell: (r) => String(r.count), align: 'right' },
  { header: 'NOTE', cell: (r) => r.note },
];

describe('formatTable', () => {
  it('pads every column to its widest cell, two spaces apart, numbers to the right', () => {
    expect(
      formatTable(columns, [
        { name: 'koi', count: 1, note: 'pond' },
        { name: 'heron', count: 120, note: '' },
      ]),
    ).toEqual(['NAME   COUNT  NOTE', 'koi        1  pond', 'heron    120']);
  });

  it('is a header alone when there are no rows', () => {
    expect(formatTable(columns, [])).toEqual(['NAME  COUNT  NOTE']);
  });

  it('counts a letter with a combining mark as one character', () => {
    expect(formatTable(columns, [{ name: 'cafe\u0301s', count: 2, note: 'x' }, { name: 'cafes', count: 3, note: 'y' }])).toEqual([
      'NAME   COUNT  NOTE',
      'cafe\u0301s      2  x',
      'cafes      3  y',
    ]);
  });
});
