/** The signals that ask a process of ours to shut down gracefully. */
export const shutdownSignals = ['SIGINT', 'SIGTERM'] as const;

/** One of {@link shutdownSignals}. */
export type ShutdownSignal = (typeof shutdownSignals)[number];

/**
 * Calls `shutdown` on the first SIGINT or SIGTERM, once, and keeps listening until the
 * process exits: later signals are ignored while the shutdown runs.
 *
 * The listeners stay registered on purpose. A library may add its own signal listener that
 * ends the process when it is the only one left: `@openai/agents-core` does on import
 * (`process.exit(0)` on SIGTERM once its traces are flushed). A `process.once` listener is
 * gone by then, so that exit would cut our graceful shutdown short: in-flight steps killed,
 * the embedded Temporal dev server left running.
 */
export function onShutdownSignal(shutdown: (signal: ShutdownSignal) => void): void {
  let signalled = false;
  for (const signal of shutdownSignals) {
    process.on(signal, () => {
      if (signalled) return;
      signalled = true;
      shutdown(signal);
    });
  }
}
