import { graphemes } from '../core/text/graphemes.js';

/** One column of {@link formatTable}: its header and how a row's cell reads. */
export interface Column<Row> {
  readonly header: string;
  readonly cell: (row: Row) => string;
  /** Numbers read best right-aligned. @defaultValue 'left' */
  readonly align?: 'left' | 'right';
}

/** Columns are this far apart: wide enough to see, plain enough to `cut`/`awk`. */
const GAP = '  ';

/**
 * A plain-text table: a header row, then one line per row, every column padded to its widest cell
 * (counted in grapheme clusters) and separated by two spaces; trailing spaces are trimmed.
 */
export function formatTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string[] {
  const cells = [columns.map((c) => c.header), ...rows.map((row) => columns.map((c) => c.cell(row)))];
  const width = (text: string): number => graphemes(text).length;
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => width(line[i] ?? ''))));
  return cells.map((line) =>
    line
      .map((text, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - width(text));
        return columns[i]?.align === 'right' ? `${pad}${text}` : `${text}${pad}`;
      })
      .join(GAP)
      .trimEnd(),
  );
}
