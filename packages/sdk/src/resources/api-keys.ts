import type { ApiKey, CreateApiKeyRequest, CreatedApiKey, ListApiKeysQuery } from '../api-types.ts';
import type { CallOptions } from '../client-options.ts';
import { apiPath, type Transport } from '../http/transport.ts';
import { PageIterator, type Page } from '../pagination.ts';

/** The tenant's API keys (`/v1/api-keys`): tenant admins only. */
export class ApiKeysResource {
  readonly #transport: Transport;

  /** @internal built by the client */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Creates a key; the answer carries the key itself, this once (only its hash is stored). */
  create(body: CreateApiKeyRequest, options: CallOptions = {}): Promise<CreatedApiKey> {
    return this.#transport.json({ method: 'POST', path: '/v1/api-keys', json: body, signal: options.signal });
  }

  /** The tenant's keys, revoked ones too, newest first, page by page. Never the key or its hash. */
  list(query: ListApiKeysQuery = {}, options: CallOptions & { cursor?: string } = {}): PageIterator<ApiKey> {
    return new PageIterator(
      (cursor, signal) =>
        this.#transport.json<Page<ApiKey>>({
          method: 'GET',
          path: '/v1/api-keys',
          query: { ...query, cursor },
          signal,
        }),
      options.cursor,
      options.signal,
    );
  }

  /** One key's metadata. */
  get(keyId: string, options: CallOptions = {}): Promise<ApiKey> {
    return this.#transport.json({ method: 'GET', path: apiPath`/v1/api-keys/${keyId}`, signal: options.signal });
  }

  /** Revokes the key: it fails from the next request on. Idempotent. */
  revoke(keyId: string, options: CallOptions = {}): Promise<ApiKey> {
    return this.#transport.json({
      method: 'DELETE',
      path: apiPath`/v1/api-keys/${keyId}`,
      idempotent: true,
      signal: options.signal,
    });
  }
}
