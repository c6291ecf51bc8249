/** What a secret value is replaced with wherever a tool's result or error repeats it. */
export const redactedSecret = '[redacted]';

/**
 * Values shorter than this are not searched for: replacing every `a` or `42` in a result
 * would garble it while protecting nothing an attacker could not guess.
 */
export const minRedactedLength = 4;

function redactText(text: string, values: readonly string[]): string {
  let redacted = text;
  for (const value of values) {
    if (value.length >= minRedactedLength && redacted.includes(value))
      redacted = redacted.replaceAll(value, redactedSecret);
  }
  return redacted;
}

/**
 * A JSON value with every occurrence of the given secret values (in strings and object
 * keys) replaced by {@link redactedSecret}. A tool endpoint that echoes the credential it was
 * sent must not carry it into the tool's result, and from there into the run's events,
 * workflow history and the model's context.
 */
export function redactSecrets<T>(value: T, secretValues: readonly string[]): T {
  if (secretValues.every((secret) => secret.length < minRedactedLength)) return value;
  const visit = (node: unknown): unknown => {
    if (typeof node === 'string') return redactText(node, secretValues);
    if (Array.isArray(node)) return node.map(visit);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node).map(([key, nested]) => [redactText(key, secretValues), visit(nested)]),
      );
    }
    return node;
  };
  return visit(value) as T;
}
