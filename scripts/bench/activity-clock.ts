import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/** When one activity attempt ran in this process, on the `performance.now()` clock. */
export interface ActivitySpan {
  readonly activityType: string;
  /** The `step` field of the activity's first argument, when it has one. */
  readonly step: number | undefined;
  readonly attempt: number;
  readonly beganAt: number;
  /** Unset while the attempt is still running. */
  endedAt: number | undefined;
}

/** Records activity attempts per workflow, for workers hosted in the benchmark's own process. */
export interface ActivityClock {
  /** Install with `interceptors: { activity: [clock.interceptor] }`. */
  readonly interceptor: ActivityInterceptorsFactory;
  /** Attempts of one workflow's activities, in the order they began. */
  spansOf(workflowId: string): readonly ActivitySpan[];
  /** Drops a workflow's spans once they have been read, so memory stays bounded. */
  forget(workflowId: string): void;
}

function stepOf(args: readonly unknown[]): number | undefined {
  const first = args[0];
  if (typeof first !== 'object' || first === null || !('step' in first)) return undefined;
  return typeof first.step === 'number' ? first.step : undefined;
}

/**
 * A clock read inside the worker, at the moment the SDK hands an activity to its function:
 * no polling, sub-millisecond resolution, and the same monotonic clock as the client side
 * of the benchmark because both live in one process.
 */
export function createActivityClock(): ActivityClock {
  const spans = new Map<string, ActivitySpan[]>();
  const interceptor: ActivityInterceptorsFactory = (context) => ({
    inbound: {
      async execute(input, next) {
        const { workflowExecution, activityType, attempt } = context.info;
        const workflowId = workflowExecution?.workflowId ?? '(none)';
        const span: ActivitySpan = {
          activityType,
          step: stepOf(input.args),
          attempt,
          beganAt: performance.now(),
          endedAt: undefined,
        };
        let list = spans.get(workflowId);
        if (!list) spans.set(workflowId, (list = []));
        list.push(span);
        try {
          return await next(input);
        } finally {
          span.endedAt = performance.now();
        }
      },
    },
  });
  return {
    interceptor,
    spansOf: (workflowId) => spans.get(workflowId) ?? [],
    forget: (workflowId) => void spans.delete(workflowId),
  };
}
