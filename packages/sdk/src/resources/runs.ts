import type { CreateRunRequest, ListRunsQuery, ReplayRunRequest, Run, RunStreamEvent } from '../api-types.ts';
import type { CallOptions } from '../client-options.ts';
import { sleep } from '../http/retry-policy.ts';
import { apiPath, type Transport } from '../http/transport.ts';
import { PageIterator, type Page } from '../pagination.ts';
import { createRunRequest, type CreatedRun, type CreateRunOptions } from '../runs/create-run-request.ts';
import { followRun, type FollowRunOptions } from '../runs/follow-run.ts';
import { isTerminalStatus } from '../runs/terminal.ts';

export type { CreatedRun, CreateRunOptions } from '../runs/create-run-request.ts';

/** Options of {@link RunsResource.wait}. */
export interface WaitForRunOptions extends CallOptions {
  /** Give up waiting after this long and answer the run as it then is. @default no limit */
  readonly timeoutMs?: number;
}

/** The longest long poll the API holds (`?wait=`, seconds). */
const maxWaitSeconds = 60;

/** Runs (`/v1/runs`): start, read, wait for, follow, cancel and replay. */
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
  create(body: CreateRunRequest, options: CreateRunOptions = {}): Promise<CreatedRun> {
    return createRunRequest(this.#transport, '/v1/runs', body, options);
  }

  /**
   * Replays a finished run as a new run (its `replayOf` names the source): the steps before
   * `fromStep` answer from the run's recorded replies and tool results, so nothing before it
   * is called again; from `fromStep` on it runs anew, with the edited `input` or `version` if
   * given (docs/replay.md). Idempotent like {@link create}. 409 `run_not_finished` while the
   * run has not ended; 422 when a step before `fromStep` has no recorded reply.
   *
   * @example
   * const { run: replay } = await client.runs.replay(run.id, { fromStep: 3, input: 'try euros instead' });
   */
  replay(runId: string, body: ReplayRunRequest, options: CreateRunOptions = {}): Promise<CreatedRun> {
    return createRunRequest(this.#transport, apiPath`/v1/runs/${runId}/replay`, body, options);
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
