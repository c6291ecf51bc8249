/** A run's or thread's status, with its word (colour alone says nothing to some readers). */
export function StatusBadge({ status }: { readonly status: string }) {
  return <span className={`badge badge-${status}`}>{status.replace('_', ' ')}</span>;
}
