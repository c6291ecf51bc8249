import { diffLines } from 'diff';
import { stringify } from 'yaml';
import type { Palette } from '../output/palette.ts';
import { canonicalJson } from './canonical-json.ts';

/** A spec as YAML with its keys sorted, so that two specs differ only where their values do. */
export function specYaml(spec: unknown): string {
  return stringify(JSON.parse(canonicalJson(spec)), { lineWidth: 0 });
}

/**
 * A unified-style line diff from `before` to `after` (as YAML): removed lines `-` in red,
 * added lines `+` in green, unchanged lines kept for context. Empty when they are equal.
 */
export function specDiff(before: unknown, after: unknown, palette: Palette): string {
  if (canonicalJson(before) === canonicalJson(after)) return '';
  return diffLines(before === undefined ? '' : specYaml(before), specYaml(after))
    .flatMap((part) =>
      part.value
        .replace(/\n$/, '')
        .split('\n')
        .map((line) =>
          part.added ? palette.paint('green', `+ ${line}`) : part.removed ? palette.paint('red', `- ${line}`) : `  ${line}`,
        ),
    )
    .join('\n');
}
