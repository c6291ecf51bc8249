/** The value at a dotted field path (`profile.city`), or undefined where the path leads nowhere. */
export function valueAtPath(value: unknown, path: string): unknown {
  let current = value;
  for (const name of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, name)) return undefined;
    current = (current as Record<string, unknown>)[name];
  }
  return current;
}

/**
 * The text embedded for an item: the fields `index` names, in its order, one per line; a
 * string field as it is, any other JSON as its JSON text, `$` as the whole value's JSON.
 * Fields the value lacks (or that are null) add nothing. One text, so one vector per item.
 */
export function indexedTextOf(value: Readonly<Record<string, unknown>>, index: readonly string[]): string {
  return index
    .map((field) => (field === '$' ? value : valueAtPath(value, field)))
    .filter((found) => found !== undefined && found !== null)
    .map((found) => (typeof found === 'string' ? found : JSON.stringify(found)))
    .join('\n');
}
