import type { AuditEvent, ListAuditQuery } from '../api-types.ts';
import type { CallOptions } from '../client-options.ts';
import type { Transport } from '../http/transport.ts';
import { PageIterator, type Page } from '../pagination.ts';

/** The tenant's audit log (`/v1/audit`): who did what, newest first. Tenant admins only. */
export class AuditResource {
  readonly #transport: Transport;

  /** @internal built by the client */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Audit events, newest first, page by page; filter by action, actor, target or time. */
  list(query: ListAuditQuery = {}, options: CallOptions & { cursor?: string } = {}): PageIterator<AuditEvent> {
    return new PageIterator(
      (cursor, signal) =>
        this.#transport.json<Page<AuditEvent>>({
          method: 'GET',
          path: '/v1/audit',
          query: { ...query, cursor },
          signal,
        }),
      options.cursor,
      options.signal,
    );
  }
}
