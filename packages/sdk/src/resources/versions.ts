import type { AgentSpecInput, AgentTool, AgentVersion, ListToolsQuery, ListVersionsQuery } from '../api-types.ts';
import type { CallOptions } from '../client-options.ts';
import { apiPath, type Transport } from '../http/transport.ts';
import { PageIterator, type Page } from '../pagination.ts';

/** An agent's immutable versions (`/v1/agents/{agentId}/versions`). */
export class VersionsResource {
  readonly #transport: Transport;

  /** @internal built by the client */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Appends a version with `spec`, numbered latest + 1. */
  create(agentId: string, spec: AgentSpecInput, options: CallOptions = {}): Promise<AgentVersion> {
    return this.#transport.json({
      method: 'POST',
      path: apiPath`/v1/agents/${agentId}/versions`,
      json: { spec },
      signal: options.signal,
    });
  }

  /** The agent's versions, page by page. */
  list(
    agentId: string,
    query: ListVersionsQuery = {},
    options: CallOptions & { cursor?: string } = {},
  ): PageIterator<AgentVersion> {
    return new PageIterator(
      (cursor, signal) =>
        this.#transport.json<Page<AgentVersion>>({
          method: 'GET',
          path: apiPath`/v1/agents/${agentId}/versions`,
          query: { ...query, cursor },
          signal,
        }),
      options.cursor,
      options.signal,
    );
  }

  /** Version `version` of the agent. */
  get(agentId: string, version: number, options: CallOptions = {}): Promise<AgentVersion> {
    return this.#transport.json({
      method: 'GET',
      path: apiPath`/v1/agents/${agentId}/versions/${version}`,
      signal: options.signal,
    });
  }

  /** The tools the version may call, in spec order, each with its input schema. */
  tools(
    agentId: string,
    version: number,
    query: ListToolsQuery = {},
    options: CallOptions & { cursor?: string } = {},
  ): PageIterator<AgentTool> {
    return new PageIterator(
      (cursor, signal) =>
        this.#transport.json<Page<AgentTool>>({
          method: 'GET',
          path: apiPath`/v1/agents/${agentId}/versions/${version}/tools`,
          query: { ...query, cursor },
          signal,
        }),
      options.cursor,
      options.signal,
    );
  }
}
