import type { Run } from '../api-types.ts';
import type { CallOptions } from '../client-options.ts';
import type { Transport } from '../http/transport.ts';

/** Options of a call that creates a run: `runs.create`, `runs.replay`, `threads.startRun`. */
export interface CreateRunOptions extends CallOptions {
  /**
   * Repeating a create with the same key answers the same run rather than starting another
   * (the API keeps the key with the run). @default a new random key for this call, kept
   * across the client's own retries, so a retried create never starts a second run
   */
  readonly idempotencyKey?: string;
}

/** A created run, and whether this call created it or an earlier one with the same key did. */
export interface CreatedRun {
  readonly run: Run;
  /** False when the key was used before: `run` is the run that call created. */
  readonly created: boolean;
  /** The key the request carried. */
  readonly idempotencyKey: string;
}

/**
 * POSTs `body` to an operation that creates a run under an `Idempotency-Key` (the caller's or
 * a random one), so that the client's retries of a failed connection never start a second run.
 */
export async function createRunRequest(
  transport: Transport,
  path: string,
  body: unknown,
  options: CreateRunOptions,
): Promise<CreatedRun> {
  const idempotencyKey = options.idempotencyKey ?? crypto.randomUUID();
  const response = await transport.send({
    method: 'POST',
    path,
    json: body,
    headers: { 'idempotency-key': idempotencyKey, accept: 'application/json' },
    idempotent: true,
    signal: options.signal,
  });
  const run = (await response.json()) as Run;
  return { run, created: response.headers.get('idempotent-replayed') !== 'true', idempotencyKey };
}
