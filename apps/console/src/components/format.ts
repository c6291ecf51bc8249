/** A timestamp as people read it, in their locale. */
export function formatTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

/** A duration in ms, short. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '…';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** Any JSON value, indented. */
export function formatJson(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/** A dollar amount of model usage. */
export function formatCost(usd: number | null | undefined): string {
  return usd === null || usd === undefined ? '—' : `$${usd.toFixed(usd < 0.01 ? 5 : 2)}`;
}

/** The end of an id, which tells ids apart (the start of a UUIDv7 is its creation time, shared by neighbours). */
export function shortId(id: string): string {
  return id.slice(-8);
}
