/**
 * What of each model step's text has been shown: deltas are shown as they come, and a step's
 * `model.completed` shows only the part no delta brought (all of it when the follower joined
 * late or a piece was lost), so the text appears once, whole, however it arrived.
 */
export class StepTextTracker {
  readonly #shown = new Map<number, { attempt: number; text: string }>();

  /**
   * The text to show for a delta. A retried step streams again from the start: its new
   * attempt starts afresh (`restarted` says so, for a marker), the earlier text stays on screen.
   */
  delta(step: number, attempt: number, text: string): { readonly text: string; readonly restarted: boolean } {
    const shown = this.#shown.get(step);
    if (shown !== undefined && attempt < shown.attempt) return { text: '', restarted: false };
    const restarted = shown !== undefined && attempt > shown.attempt;
    const before = shown === undefined || restarted ? '' : shown.text;
    this.#shown.set(step, { attempt, text: before + text });
    return { text, restarted };
  }

  /** The part of a step's complete text not shown yet. */
  completed(step: number, text: string): string {
    const shown = this.#shown.get(step)?.text ?? '';
    this.#shown.set(step, { attempt: Number.POSITIVE_INFINITY, text });
    if (text.startsWith(shown)) return text.slice(shown.length);
    // What was shown is not the start of the final text (a lost piece mid-way): show it all again.
    return shown === '' ? text : `\n${text}`;
  }

  /** Whether any model text was shown. */
  get anyShown(): boolean {
    for (const { text } of this.#shown.values()) if (text !== '') return true;
    return false;
  }
}
