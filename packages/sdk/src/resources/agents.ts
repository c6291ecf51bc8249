import type { Agent, CreateAgentRequest, ListAgentsQuery, UpdateAgentRequest } from '../api-types.ts';
import type { CallOptions } from '../client-options.ts';
import { apiPath, type Transport } from '../http/transport.ts';
import { PageIterator, type Page } from '../pagination.ts';

/** Agents (`/v1/agents`) of the caller's tenant; their versions are `client.versions`. */
export class AgentsResource {
  readonly #transport: Transport;

  /** @internal built by the client */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Creates an agent (no version yet: add one with `versions.create`). */
  create(body: CreateAgentRequest, options: CallOptions = {}): Promise<Agent> {
    return this.#transport.json({ method: 'POST', path: '/v1/agents', json: body, signal: options.signal });
  }

  /** The tenant's agents, page by page; archived ones only with `includeArchived`. */
  list(query: ListAgentsQuery = {}, options: CallOptions & { cursor?: string } = {}): PageIterator<Agent> {
    return new PageIterator(
      (cursor, signal) =>
        this.#transport.json<Page<Agent>>({ method: 'GET', path: '/v1/agents', query: { ...query, cursor }, signal }),
      options.cursor,
      options.signal,
    );
  }

  /** One agent. */
  get(agentId: string, options: CallOptions = {}): Promise<Agent> {
    return this.#transport.json({ method: 'GET', path: apiPath`/v1/agents/${agentId}`, signal: options.signal });
  }

  /** Renames the agent or changes its description. */
  update(agentId: string, body: UpdateAgentRequest, options: CallOptions = {}): Promise<Agent> {
    return this.#transport.json({
      method: 'PATCH',
      path: apiPath`/v1/agents/${agentId}`,
      json: body,
      signal: options.signal,
    });
  }

  /** Archives the agent: its versions and runs stay; it takes no new runs or versions. Idempotent. */
  archive(agentId: string, options: CallOptions = {}): Promise<Agent> {
    return this.#transport.json({
      method: 'DELETE',
      path: apiPath`/v1/agents/${agentId}`,
      idempotent: true,
      signal: options.signal,
    });
  }
}
