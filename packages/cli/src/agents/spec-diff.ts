import { diffLines } from 'diff';
import { stringify } from 'yaml';
import type { Palette } from '../output/palette.ts';
import { canonicalJson } from './canonical-json.ts';

/** Unchanged lines kept around each change. */
const contextLines = 3;

/** A spec as YAML with its keys sorted, so that two specs differ only where their values do. */
export function specYaml(spec: unknown): string {
  return stringify(JSON.parse(canonicalJson(spec)), { lineWidth: 0 });
}

/**
 * A unified-style line diff from `before` to `after` (as YAML): removed lines `-` in red,
 * added lines `+` in green, and up to three unchanged lines around each change (`…` where
 * more are left out). Empty when they are equal.
 */
export function specDiff(before: unknown, after: unknown, palette: Palette): string {
  if (canonicalJson(before) === canonicalJson(after)) return '';
  const lines = diffLines(before === undefined ? '' : specYaml(before), specYaml(after)).flatMap((part) =>
    part.value
      .replace(/\n$/, '')
      .split('\n')
      .map((text) => ({ kind: part.added ? '+' : part.removed ? '-' : ' ', text })),
  );
  const changed = lines.flatMap((line, index) => (line.kind === ' ' ? [] : [index]));
  const near = (index: number) => changed.some((at) => Math.abs(at - index) <= contextLines);
  const shown: string[] = [];
  lines.forEach((line, index) => {
    if (!near(index)) {
      if (shown.at(-1) !== '  …') shown.push('  …');
      return;
    }
    const text = `${line.kind} ${line.text}`;
    shown.push(
      line.kind === '+' ? palette.paint('green', text) : line.kind === '-' ? palette.paint('red', text) : text,
    );
  });
  return shown.join('\n');
}
