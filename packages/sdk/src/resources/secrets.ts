import type { CreateSecretRequest, ListSecretsQuery, ReplaceSecretRequest, Secret } from '../api-types.ts';
import type { CallOptions } from '../client-options.ts';
import { apiPath, type Transport } from '../http/transport.ts';
import { PageIterator, type Page } from '../pagination.ts';

/** Tenant secrets (`/v1/secrets`): tenant admins only. Values are write-only: no answer carries them. */
export class SecretsResource {
  readonly #transport: Transport;

  /** @internal built by the client */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Stores a secret; answers its metadata. */
  create(body: CreateSecretRequest, options: CallOptions = {}): Promise<Secret> {
    return this.#transport.json({ method: 'POST', path: '/v1/secrets', json: body, signal: options.signal });
  }

  /** The tenant's secrets, newest first, page by page: metadata only. */
  list(query: ListSecretsQuery = {}, options: CallOptions & { cursor?: string } = {}): PageIterator<Secret> {
    return new PageIterator(
      (cursor, signal) =>
        this.#transport.json<Page<Secret>>({ method: 'GET', path: '/v1/secrets', query: { ...query, cursor }, signal }),
      options.cursor,
      options.signal,
    );
  }

  /** One secret's metadata. */
  get(name: string, options: CallOptions = {}): Promise<Secret> {
    return this.#transport.json({ method: 'GET', path: apiPath`/v1/secrets/${name}`, signal: options.signal });
  }

  /** Replaces the value (a rotation): `version` goes up by one; runs use it from their next call. */
  replace(name: string, body: ReplaceSecretRequest, options: CallOptions = {}): Promise<Secret> {
    return this.#transport.json({
      method: 'PUT',
      path: apiPath`/v1/secrets/${name}`,
      json: body,
      signal: options.signal,
    });
  }

  /** Deletes the secret and its value for good. */
  delete(name: string, options: CallOptions = {}): Promise<void> {
    return this.#transport.empty({ method: 'DELETE', path: apiPath`/v1/secrets/${name}`, signal: options.signal });
  }

  /**
   * Sets the secret to `value`: creates it, or replaces the value when it exists (a `conflict`
   * on create). For tools that do not care which, like `agent-runtime secrets set`.
   */
  async set(name: string, value: string, options: CallOptions = {}): Promise<Secret> {
    try {
      return await this.create({ name, value }, options);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'conflict') throw error;
      return this.replace(name, { value }, options);
    }
  }
}
