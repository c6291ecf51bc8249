import type { Config } from '@agent-runtime/core';
import type { WorkerOptions } from '@temporalio/worker';

/** The worker options that decide how soon a run moves on after a worker dies. */
export type RecoveryWorkerOptions = Pick<
  WorkerOptions,
  'stickyQueueScheduleToStartTimeout' | 'maxHeartbeatThrottleInterval'
>;

/**
 * `WORKER_TUNING=fast`, what workers run with unless told otherwise. `npm run bench` measures
 * it beside `WORKER_TUNING=default` (worker recovery, docs/benchmarks.md).
 *
 * When a worker dies, two things wait on Temporal's timers: the step it was running is
 * retried elsewhere once the step's heartbeat timeout passes (set where the workflow
 * schedules the step, in `agent-run.ts`), and the run's next workflow task waits on the dead
 * worker's sticky queue until the sticky schedule-to-start timeout passes. The worker
 * decides the second, and how often the first is fed.
 */
export const fastRecoveryOptions: Required<RecoveryWorkerOptions> = {
  /**
   * How long a workflow task waits on the sticky queue of the worker that has the run
   * cached before Temporal hands it to any worker on the shared queue, which then replays
   * the run's history. A live worker keeps polls open on its sticky queue and takes a task
   * within milliseconds, so waiting longer only helps a worker that is gone; the server
   * itself gives up on a silent sticky worker only after 10 s. Shorter values do not help:
   * Temporal fires this timeout after 1 s at the earliest (a 500 ms setting measured 1.0 s).
   * A process restarted after a crash is a new worker too, with a new sticky queue.
   *
   * @default 10s in the SDK
   */
  stickyQueueScheduleToStartTimeout: '1s',
  /**
   * Longest interval between two heartbeats the worker sends to Temporal. Steps call
   * `heartbeat()` every second; the SDK forwards at most one every `0.8 × heartbeatTimeout`
   * unless this is lower. With a 2 s heartbeat timeout that would be every 1.6 s, leaving
   * 0.4 s before a busy but live worker's step is declared dead and run a second time;
   * every second leaves a full second. It costs one heartbeat a second per running step.
   *
   * @default 60s in the SDK (so `0.8 × heartbeatTimeout` applies)
   */
  maxHeartbeatThrottleInterval: '1s',
};

/** The worker options of a tuning: ours (`fast`), or none, which leaves the SDK's defaults (`default`). */
export function recoveryWorkerOptions(tuning: Config['WORKER_TUNING']): RecoveryWorkerOptions {
  return tuning === 'fast' ? fastRecoveryOptions : {};
}
