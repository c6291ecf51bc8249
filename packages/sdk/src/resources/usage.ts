import type { UsageQuery, UsageReport } from '../api-types.ts';
import type { CallOptions } from '../client-options.ts';
import type { Transport } from '../http/transport.ts';

/** The tenant's tokens and cost (`/v1/usage`), from its recorded steps. Every role may read it. */
export class UsageResource {
  readonly #transport: Transport;

  /** @internal built by the client */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /**
   * One page of the tenant's usage in `[since, until)` (default: the 30 days up to now),
   * grouped by agent, UTC day or model, with the total over the whole period.
   */
  report(query: UsageQuery, options: CallOptions = {}): Promise<UsageReport> {
    return this.#transport.json<UsageReport>({
      method: 'GET',
      path: '/v1/usage',
      query: { ...query },
      signal: options.signal,
    });
  }
}
