import { isTerminal, isTerminalRunEventType, type Run, type RunCache, type RunEventBus } from '@agent-runtime/core';

/** What {@link awaitRunEnd} waits for, and for how long. */
export interface AwaitRunEndOptions {
  /** Where the run is read: a change is in it before its events are published (`announceRunChange`). */
  readonly runCache: RunCache;
  readonly bus: RunEventBus;
  /** The caller's tenant: the run must be one of its runs. */
  readonly tenantId: string;
  readonly runId: string;
  /** Longest wait. */
  readonly timeoutMs: number;
  /** The run row is read again this often anyway, in case the bus lost the terminal event. */
  readonly catchUpMs: number;
  /** Stops waiting early (client gone, server closing); the run is answered as it is. */
  readonly signal: AbortSignal;
  /**
   * Where the wait ends besides the run's end: a protocol that also answers once the run waits
   * for a human (A2A's `input-required`). @default only the end
   */
  readonly until?: (run: Run) => boolean;
}

/** Whether a run waits for an approval: a client that answers approvals can act now. */
export function awaitsApproval(run: Run): boolean {
  return run.status === 'waiting' && run.pendingApprovals.length > 0;
}

/**
 * The run once it has ended, or as it is when `timeoutMs` passes: a long poll. It subscribes
 * before it reads the run, so an end recorded in between is not missed, and reads the run row
 * again on the terminal event, on a resync from the bus, and every `catchUpMs`.
 */
export async function awaitRunEnd(options: AwaitRunEndOptions): Promise<Run> {
  const { runCache, bus, tenantId, runId, signal } = options;
  const done = (run: Run) => isTerminal(run.status) || options.until?.(run) === true;
  let recheck = false;
  let timedOut = false;
  let wake: (() => void) | undefined;
  const poke = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const askAgain = () => {
    recheck = true;
    poke();
  };
  const deadline = setTimeout(() => {
    timedOut = true;
    poke();
  }, options.timeoutMs);
  const catchUp = setInterval(askAgain, options.catchUpMs);
  signal.addEventListener('abort', poke);
  let subscription: { unsubscribe(): void } | undefined;
  try {
    subscription = await bus.subscribe(runId, {
      onEvents: (events) => {
        const settles = (type: string) => isTerminalRunEventType(type) || type === 'approval.requested';
        if (events.some((event) => settles(event.type))) askAgain();
      },
      onResync: askAgain,
    });
    let run = await runCache.getRun(tenantId, runId);
    while (!done(run) && !timedOut && !signal.aborted) {
      if (!recheck) await new Promise<void>((resolve) => (wake = resolve));
      if (recheck) {
        recheck = false;
        run = await runCache.getRun(tenantId, runId);
      }
    }
    return timedOut || signal.aborted ? await runCache.getRun(tenantId, runId) : run;
  } finally {
    clearTimeout(deadline);
    clearInterval(catchUp);
    subscription?.unsubscribe();
    signal.removeEventListener('abort', poke);
  }
}
