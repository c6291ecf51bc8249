import type { SentMessage } from '../api-types.ts';
import type { CallOptions } from '../client-options.ts';
import { apiPath, type Transport } from '../http/transport.ts';

/** User messages into a running or waiting run (`/v1/runs/{runId}/messages`). */
export class MessagesResource {
  readonly #transport: Transport;

  /** @internal built by the client */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * Sends a user message into the run. While a step is in flight the run's `messagePolicy`
   * applies: `enqueue`d for the next step, `interrupted` the step, or refused (409 `run_busy`).
   */
  send(runId: string, content: string, options: CallOptions = {}): Promise<SentMessage> {
    return this.#transport.json({
      method: 'POST',
      path: apiPath`/v1/runs/${runId}/messages`,
      json: { content },
      signal: options.signal,
    });
  }
}
