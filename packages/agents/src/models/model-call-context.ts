/**
 * What a model call gets besides the conversation: where it is in the run, how to stop, and
 * where its text goes while it is generated. Providers that stream (the scripted model; an
 * AI SDK provider feeding `streamText`'s `textStream` into `onTextDelta`) call the sink for
 * each piece; providers that do not stream never call it. Either way the call resolves to the
 * complete reply, which alone is recorded.
 */
export interface ModelCallContext {
  /** The model step (from 1). */
  readonly step: number;
  /** The attempt of the step (from 1); a retry streams its text again from the start. */
  readonly attempt: number;
  /** Aborted when the step is cancelled or interrupted: stop generating and reject. */
  readonly signal?: AbortSignal;
  /**
   * Receives the reply's text as it is generated, in order: the pieces concatenate to the
   * reply's `text`. Must return quickly and never throw (it only buffers).
   */
  readonly onTextDelta?: (text: string) => void;
}
