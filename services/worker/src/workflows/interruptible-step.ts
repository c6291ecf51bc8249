import { CancellationScope, isCancellation } from '@temporalio/workflow';

/**
 * The step in flight (a model call or a tool call), which a user message can interrupt
 * when the run's message policy says so. Interrupting cancels only that step's scope; a
 * cancellation of the whole run still propagates.
 */
export class InterruptibleStep {
  #scope: CancellationScope | undefined;
  #interruptRequested = false;

  /** Whether a step is in flight. */
  get busy(): boolean {
    return this.#scope !== undefined;
  }

  /** Stops the step in flight; its `run` then resolves as interrupted. */
  interrupt(): void {
    if (!this.#scope) return;
    this.#interruptRequested = true;
    this.#scope.cancel();
  }

  /** Runs one step; `{ interrupted: true }` when {@link interrupt} stopped it. */
  async run<T>(step: () => Promise<T>): Promise<{ interrupted: false; value: T } | { interrupted: true }> {
    const scope = new CancellationScope();
    this.#scope = scope;
    try {
      return { interrupted: false, value: await scope.run(step) };
    } catch (error) {
      if (this.#interruptRequested && isCancellation(error)) return { interrupted: true };
      throw error;
    } finally {
      this.#scope = undefined;
      this.#interruptRequested = false;
    }
  }
}
