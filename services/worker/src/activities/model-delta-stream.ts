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
  /** Told when a publish fails (nothing is retried: the step's stored text is complete anyway). */
  readonly onPublishError: (error: unknown) => void;
  /**
   * How long {@link ModelDeltaStream.flush} waits for the bus to have kept what was published,
   * at most: a bus that is down delays the step's completion by this, not longer. @default 1000
   */
  readonly flushWaitMs?: number;
}

/** A model step's text on its way to the bus. */
export interface ModelDeltaStream {
  /** Buffers a piece of text; it is published within `coalesceMs`. */
  write(text: string): void;
  /**
   * Publishes what is buffered now, and resolves once the bus has kept every delta of the
   * step (or failed to, or `flushWaitMs` passed): await it before recording the step's
   * `model.completed`, so a stream that reads that event from the database can find the
   * step's last deltas in the bus's buffer.
   */
  flush(): Promise<void>;
  /** Drops what is buffered and ignores later writes (the call failed or was stopped). */
  discard(): void;
}

/**
 * The sink a model call's `onTextDelta` writes to: coalesces the text and publishes it as
 * {@link ModelTextDelta}s, numbered 0, 1, 2, … within the step's attempt. Publishing is not
 * awaited while the model streams; the bus keeps a publisher's messages in order, so every
 * delta that is published at all reaches a subscriber before the step's `model.completed`
 * event, and {@link ModelDeltaStream.flush} waits until the bus has kept them all.
 */
export function openModelDeltaStream(options: ModelDeltaStreamOptions): ModelDeltaStream {
  const coalesceMs = options.coalesceMs ?? 30;
  const flushWaitMs = options.flushWaitMs ?? 1_000;
  let buffered = '';
  let index = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  // The latest publish: the bus keeps one publisher's deltas in order, so once it settled,
  // so had every earlier one.
  let published: Promise<void> = Promise.resolve();
  const publish = () => {
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
    published = options.bus.publishDeltas(options.runId, [delta]).catch(options.onPublishError);
  };
  return {
    write(text) {
      if (closed || text === '') return;
      buffered += text;
      timer ??= setTimeout(publish, coalesceMs);
    },
    async flush() {
      publish();
      let waited: NodeJS.Timeout | undefined;
      await Promise.race([published, new Promise<void>((resolve) => (waited = setTimeout(resolve, flushWaitMs)))]);
      clearTimeout(waited);
    },
    discard() {
      clearTimeout(timer);
      buffered = '';
      closed = true;
    },
  };
}
