/** An error of a request, announced to screen readers. */
export function ErrorNote({ error }: { readonly error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {error instanceof Error ? error.message : String(error)}
    </p>
  );
}
