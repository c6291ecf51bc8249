/**
 * A piece of a model's reply text while the model step is still running, without a `seq`: it
 * is never stored in the database. The complete text is stored once, in the step's
 * `model.completed` event; deltas let a client show it sooner. The bus keeps the deltas of
 * the run's recent steps for a while (see {@link RunEventBus.readDeltas}), so that a client
 * that reconnects mid-step can be sent the text it missed.
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

/**
 * Buffered deltas as {@link RunEventBus.readDeltas} answers them: of each step only its latest
 * attempt (an earlier attempt's text was superseded), ordered by step, then index.
 */
export function latestAttemptsInOrder(deltas: Iterable<ModelTextDelta>): ModelTextDelta[] {
  const latest = new Map<number, number>();
  const all = [...deltas];
  for (const delta of all) latest.set(delta.step, Math.max(latest.get(delta.step) ?? 0, delta.attempt));
  return all
    .filter((delta) => delta.attempt === latest.get(delta.step))
    .sort((a, b) => a.step - b.step || a.index - b.index);
}
