import type {
  CreatedApiKey,
  CreateTenantRequest,
  IssueTenantApiKeyRequest,
  ListTenantsQuery,
  Tenant,
  UpdateTenantRequest,
} from '../api-types.ts';
import type { CallOptions } from '../client-options.ts';
import { apiPath, type Transport } from '../http/transport.ts';
import { PageIterator, type Page } from '../pagination.ts';

/** Tenants (`/v1/tenants`): platform admins only. */
export class TenantsResource {
  readonly #transport: Transport;

  /** @internal built by the client */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Creates a tenant, optionally with its own limits. */
  create(body: CreateTenantRequest, options: CallOptions = {}): Promise<Tenant> {
    return this.#transport.json({ method: 'POST', path: '/v1/tenants', json: body, signal: options.signal });
  }

  /** Every tenant, page by page. */
  list(query: ListTenantsQuery = {}, options: CallOptions & { cursor?: string } = {}): PageIterator<Tenant> {
    return new PageIterator(
      (cursor, signal) =>
        this.#transport.json<Page<Tenant>>({ method: 'GET', path: '/v1/tenants', query: { ...query, cursor }, signal }),
      options.cursor,
      options.signal,
    );
  }

  /** One tenant. */
  get(tenantId: string, options: CallOptions = {}): Promise<Tenant> {
    return this.#transport.json({ method: 'GET', path: apiPath`/v1/tenants/${tenantId}`, signal: options.signal });
  }

  /** Changes the tenant's limits: fields left out stay, null goes back to the deployment's default. */
  update(tenantId: string, body: UpdateTenantRequest, options: CallOptions = {}): Promise<Tenant> {
    return this.#transport.json({
      method: 'PATCH',
      path: apiPath`/v1/tenants/${tenantId}`,
      json: body,
      signal: options.signal,
    });
  }

  /** Issues a key of the tenant (a tenant admin's by default, e.g. its first): the key is in the answer, once. */
  createApiKey(tenantId: string, body: IssueTenantApiKeyRequest, options: CallOptions = {}): Promise<CreatedApiKey> {
    return this.#transport.json({
      method: 'POST',
      path: apiPath`/v1/tenants/${tenantId}/api-keys`,
      json: body,
      signal: options.signal,
    });
  }
}
