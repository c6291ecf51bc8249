import type { CreateRunRequest, ListRunsQuery, Run, RunStreamEvent } from '../api-types.ts';
import type { CallOptions } from '../client-options.ts';
import { sleep } from '../http/retry-policy.ts';
import { apiPath, type Transport } from '../http/transport.ts';
import { PageIterator, type Page } from '../pagination.ts';
import { followRun, type FollowRunOptions } from '../runs/follow-run.ts';
import { isTerminalStatus } from '../runs/terminal.ts';

/** Options of {@link RunsResource.create}. */
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

/** Options of {@link RunsResource.wait}. */
export interface WaitForRunOptions extends CallOptions {
  /** Give up waiting after this long and answer the run as it then is. @default no limit */
  readonly timeoutMs?: number;
}

/** The longest long poll the API holds (`?wait=`, seconds). */
const maxWaitSeconds = 60;

/** Runs (`/v1/runs`): start, read, wait for, follow and cancel. */
export class RunsResource {
  readonly #transport: Transport;

  /** @internal built by the client */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Queues a run of the agent (its latest version unless `version` says). Idempotent: the
   * request carries an `Idempotency-Key` (yours, or a random one), so it is safely retried
   * when the connection fails, and a repeat with your key answers the run it created.
   */
  async create(body: CreateRunRequest, options: CreateRunOptions = {}): Promise<CreatedRun> {
    const idempotencyKey = options.idempotencyKey ?? crypto.randomUUID();
    const response = await this.#transport.send({
      method: 'POST',
      path: '/v1/runs',
      json: body,
      headers: { 'idempotency-key': idempotencyKey, accept: 'application/json' },
      idempotent: true,
      signal: options.signal,
    });
    const run = (await response.json()) as Run;
    return { run, created: response.headers.get('idempotent-replayed') !== 'true', idempotencyKey };
  }

  /** The tenant's runs, newest first, page by page; filter by agent or status. */
  list(query: ListRunsQuery = {}, options: CallOptions & { cursor?: string } = {}): PageIterator<Run> {
    return new PageIterator(
      (cursor, signal) =>
        this.#transport.json<Page<Run>>({ method: 'GET', path: '/v1/runs', query: { ...query, cursor }, signal }),
      options.cursor,
      options.signal,
    );
  }

  /** The run as it is now. */
  get(runId: string, options: CallOptions = {}): Promise<Run> {
    return this.#transport.json({ method: 'GET', path: apiPath`/v1/runs/${runId}`, signal: options.signal });
  }

  /**
   * The run once it has ended (succeeded, failed, cancelled or timed out), by long polls of
   * up to 60 s each (`GET /v1/runs/{id}?wait=`), so the answer comes as soon as it ends.
   * After `timeoutMs` the run is answered as it then is: check `isTerminalStatus(run.status)`.
   */
  async wait(runId: string, options: WaitForRunOptions = {}): Promise<Run> {
    const deadline = Date.now() + (options.timeoutMs ?? Number.POSITIVE_INFINITY);
    for (;;) {
      const remainingMs = deadline - Date.now();
      const waitSeconds = Math.max(0, Math.min(maxWaitSeconds, Math.floor(remainingMs / 1000)));
      // Under a second left: sleep it off, then one last look.
      if (waitSeconds === 0 && remainingMs > 0) await sleep(remainingMs, options.signal);
      const run = await this.#transport.json<Run>({
        method: 'GET',
        path: apiPath`/v1/runs/${runId}`,
        query: { wait: waitSeconds },
        signal: options.signal,
      });
      if (isTerminalStatus(run.status) || Date.now() >= deadline) return run;
    }
  }

  /**
   * Follows the run live: its stored events, each once and in order, and its model text
   * deltas (`type: 'model.delta'`), until its terminal event; a dropped connection is resumed
   * from the last event (`Last-Event-ID`). A finished run replays its events and ends.
   *
   * @example
   * for await (const event of client.runs.follow(run.id)) {
   *   if (event.type === 'model.delta') process.stdout.write(event.text);
   *   else if (event.type === 'tool.started') console.log(`calling ${event.data.tool}`);
   * }
   */
  follow(runId: string, options: FollowRunOptions = {}): AsyncGenerator<RunStreamEvent, void, undefined> {
    return followRun(this.#transport, runId, options);
  }

  /** Cancels the run: steps in flight stop and it ends `cancelled` (409 `run_finished` once it has ended). */
  cancel(runId: string, options: CallOptions = {}): Promise<Run> {
    return this.#transport.json({ method: 'POST', path: apiPath`/v1/runs/${runId}/cancel`, signal: options.signal });
  }
}
