import type { MemoryStore, ScheduleService } from '@agent-runtime/core';
import type {
  FastifyBaseLogger,
  FastifyError,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiInstance, RunRouteDependencies } from '../../app-types.ts';
import { trackWaitingRequests } from '../../live/waiting-requests.ts';
import { registerLangGraphAssistantRoutes } from './langgraph-assistants.ts';
import { registerLangGraphCronRoutes } from './langgraph-crons.ts';
import { answerLangGraphError } from './langgraph-errors.ts';
import { registerLangGraphRunRoutes } from './langgraph-runs.ts';
import { registerLangGraphStoreRoutes } from './langgraph-store.ts';
import { registerLangGraphThreadRoutes } from './langgraph-threads.ts';

/** The scope the LangGraph routes register in: the API's instance under the prefix. */
export type LangGraphScope = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/**
 * LangGraph's Agent Server API under `prefix` (docs/langgraph-api.md), as
 * `@langchain/langgraph-sdk` calls it: `new Client({ apiUrl: 'https://host/lg', apiKey })`.
 * Assistants are agents, threads are threads, runs are runs, the store is the memory store,
 * crons are schedules;
 * errors answer in LangGraph's format (`{ "detail": … }`). The credential comes as
 * `x-api-key` (the SDK's) or `Authorization: Bearer`, as on `/v1`.
 */
export async function registerLangGraphRoutes(
  app: ApiInstance,
  dependencies: RunRouteDependencies & { readonly memory: MemoryStore; readonly schedules: ScheduleService },
  prefix: string,
): Promise<void> {
  const waitFor = trackWaitingRequests(app);
  await app.register(
    async (plain) => {
      const scope: LangGraphScope = plain.withTypeProvider<ZodTypeProvider>();
      scope.setErrorHandler((error: FastifyError, request, reply) => answerLangGraphError(error, request, reply));
      scope.get('/info', { config: { access: 'read', apiKeyHeader: true }, schema: { hide: true } }, async () => ({
        version: '0.1.0',
        langgraph_js_version: null,
        flags: { assistants: true, crons: true, langsmith: false, langsmith_tracing_replicas: false },
        host: { kind: 'agent-runtime', project_id: null, revision_id: null, tenant_id: null },
      }));
      registerLangGraphAssistantRoutes(scope, dependencies);
      registerLangGraphThreadRoutes(scope, dependencies);
      registerLangGraphRunRoutes(scope, dependencies, prefix, waitFor);
      registerLangGraphStoreRoutes(scope, dependencies.memory);
      registerLangGraphCronRoutes(scope, dependencies);
    },
    { prefix },
  );
}
