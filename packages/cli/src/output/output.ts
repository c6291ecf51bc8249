import { Palette } from './palette.ts';
import { renderTable, type Column } from './table.ts';

/** How a command's output looks, from the global options and the streams. */
export interface OutputOptions {
  /** `--json`: results as JSON on stdout, nothing else there. */
  readonly json: boolean;
  /** `--quiet`: no notes or progress on stderr; lists print their ids only. */
  readonly quiet: boolean;
  /** Colour is allowed (no `--no-color`, no `NO_COLOR`); each stream still needs to be a terminal. */
  readonly color: boolean;
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean | undefined };
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean | undefined };
}

/**
 * Where commands write: results on stdout (a table or text for people, JSON with `--json`),
 * notes and progress on stderr (none with `--quiet`), so that a script reading stdout gets
 * the result alone.
 */
export class Output {
  readonly json: boolean;
  readonly quiet: boolean;
  /** Colours for stdout. */
  readonly palette: Palette;
  /** Colours for stderr. */
  readonly errorPalette: Palette;
  readonly stdout: OutputOptions['stdout'];
  readonly stderr: OutputOptions['stderr'];

  constructor(options: OutputOptions) {
    this.json = options.json;
    this.quiet = options.quiet;
    this.stdout = options.stdout;
    this.stderr = options.stderr;
    this.palette = new Palette(options.color && options.stdout.isTTY === true);
    this.errorPalette = new Palette(options.color && options.stderr.isTTY === true);
  }

  /** Writes `text` to stdout as it is. */
  write(text: string): void {
    this.stdout.write(text);
  }

  /** One line of result on stdout. */
  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  /** A value as pretty JSON on stdout. */
  printJson(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A result: JSON with `--json`, else what `human` prints. */
  result(value: unknown, human: () => void): void {
    if (this.json) this.printJson(value);
    else human();
  }

  /** A list: a JSON array with `--json`, the first column (ids) alone with `--quiet`, else a table. */
  table<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): void {
    if (this.json) return this.printJson(rows);
    if (this.quiet) {
      for (const row of rows) this.line(String(columns[0]?.value(row) ?? ''));
      return;
    }
    if (rows.length === 0) return this.note('nothing to list');
    for (const line of renderTable(rows, columns, this.palette)) this.line(line);
  }

  /** A note for people on stderr (none with `--quiet` or `--json`). */
  note(text: string): void {
    if (!this.quiet && !this.json) this.stderr.write(`${text}\n`);
  }

  /** A success note (green tick) on stderr. */
  success(text: string): void {
    this.note(`${this.errorPalette.paint('green', '✓')} ${text}`);
  }

  /** A warning on stderr, shown even with `--quiet`. */
  warn(text: string): void {
    this.stderr.write(`${this.errorPalette.paint('yellow', '!')} ${text}\n`);
  }
}
