import { styleText } from 'node:util';

/** The styles the CLI uses. */
export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan' | 'magenta';

/** Colours text for one stream, or leaves it plain: colour only on a terminal, never with NO_COLOR or `--no-color`. */
export class Palette {
  readonly enabled: boolean;

  constructor(enabled: boolean) {
    this.enabled = enabled;
  }

  /** `text` in `style` when colour is on; else `text` itself. */
  paint(style: Style | readonly Style[], text: string): string {
    if (!this.enabled || text === '') return text;
    return styleText(style as Parameters<typeof styleText>[0], text, { validateStream: false });
  }
}
