import type { ModelTextDelta, RunEventBus } from '@agent-runtime/core';

/** Options of {@link openModelDeltaStream}. */
export interface ModelDeltaStreamOptions {
  readonly bus: RunEventBus;
  readonly runId: string;
  readonly step: number;
  readonly attempt: number;
  /**
   * Text written within this many milliseconds goes out as one delta, so a fast model sends
   * a few dozen messages a second per run, not one per token. @default 30
   */
  readonly coalesceMs?: number;
  /** Told when a publish fails (deltas are best effort: nothing is retried). */
  readonly onPublishError: (error: unknown) => void;
}

/** A model step's text on its way to the bus. */
export interface ModelDeltaStream {
  /** Buffers a piece of text; it is published within `coalesceMs`. */
  write(text: string): void;
  /** Publishes what is buffered now: call it before recording the step's `model.completed`. */
  flush(): void;
  /** Drops what is buffered and ignores later writes (the call failed or was stopped). */
  discard(): void;
}

/**
 * The sink a model call's `onTextDelta` writes to: coalesces the text and publishes it as
 * ephemeral {@link ModelTextDelta}s, numbered 0, 1, 2, … within the step's attempt. Publishing
 * is not awaited; the bus keeps a publisher's messages in order, so every delta that is
 * published at all reaches a subscriber before the step's `model.completed` event.
 */
export function openModelDeltaStream(options: ModelDeltaStreamOptions): ModelDeltaStream {
  const coalesceMs = options.coalesceMs ?? 30;
  let buffered = '';
  let index = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (buffered === '' || closed) return;
    const delta: ModelTextDelta = {
      runId: options.runId,
      step: options.step,
      attempt: options.attempt,
      index,
      text: buffered,
    };
    index += 1;
    buffered = '';
    options.bus.publishDeltas(options.runId, [delta]).catch(options.onPublishError);
  };
  return {
    write(text) {
      if (closed || text === '') return;
      buffered += text;
      timer ??= setTimeout(flush, coalesceMs);
    },
    flush,
    discard() {
      clearTimeout(timer);
      buffered = '';
      closed = true;
    },
  };
}
