import type { Palette } from './palette.ts';

/** A column of a table: its heading and how a row shows in it. */
export interface Column<Row> {
  readonly heading: string;
  readonly value: (row: Row) => string | number | boolean | null | undefined;
}

/** Shortens `text` to `width` characters, marking the cut with an ellipsis. */
function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** Widest a cell may be, so that a long description does not push every other column off the screen. */
const maxCellWidth = 60;

/**
 * Renders rows as an aligned text table with a heading line (as `gh` lists do); every line but
 * the last column is padded to the column's width. Answers the lines, without line ends.
 */
export function renderTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[], palette: Palette): string[] {
  const cells = rows.map((row) =>
    columns.map((column) => fit(String(column.value(row) ?? '').replaceAll(/\s+/g, ' '), maxCellWidth)),
  );
  const widths = columns.map((column, index) =>
    Math.max(column.heading.length, ...cells.map((line) => line[index]?.length ?? 0)),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, index) => (index === values.length - 1 ? value : value.padEnd(widths[index] ?? 0)))
      .join('  ')
      .trimEnd();
  return [palette.paint('bold', line(columns.map((column) => column.heading.toUpperCase()))), ...cells.map(line)];
}
