import { formatJson } from './format.ts';

/** A JSON value in a scrollable block, labelled for screen readers. */
export function JsonBlock({ value, label }: { readonly value: unknown; readonly label: string }) {
  return (
    <pre className="json" aria-label={label} tabIndex={0}>
      {formatJson(value)}
    </pre>
  );
}
