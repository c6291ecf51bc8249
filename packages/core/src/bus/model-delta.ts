/**
 * A piece of a model's reply text while the model step is still running: ephemeral, never
 * stored, without a `seq`. The complete text is stored once, in the step's `model.completed`
 * event; deltas only let a client show it sooner. Delivery is best effort (a delta can be
 * lost, for example while Redis is down, or while a stream replays stored events).
 */
export interface ModelTextDelta {
  readonly runId: string;
  /** The model step the text belongs to. */
  readonly step: number;
  /**
   * The attempt of the step (from 1): a retried step streams its reply again from the start,
   * so a client drops what it showed of an earlier attempt.
   */
  readonly attempt: number;
  /** 0, 1, 2, … within the step's attempt: orders deltas and exposes duplicates and gaps. */
  readonly index: number;
  /** The text since the previous delta; the concatenation is the reply's text. */
  readonly text: string;
}
