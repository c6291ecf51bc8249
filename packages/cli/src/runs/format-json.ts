/** A JSON value on one line, shortened to `max` characters for a line of a transcript. */
export function shortJson(value: unknown, max = 160): string {
  const text = value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
