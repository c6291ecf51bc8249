import fastifySwagger from '@fastify/swagger';
import {
  AppError,
  createCallbackLinks,
  createLocalTelemetry,
  createMemoryStore,
  createRunService,
  createScheduleService,
  createWebhookService,
  openBlobStore,
  openEmbedder,
  openRateLimiter,
  runServiceLimitsOf,
  startMemorySweeper,
  startWebhookDispatcher,
  UncachedRunReads,
  webhookRequestOptionsOf,
  type WebhookDispatcher,
} from '@agent-runtime/core';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiDependencies, ApiInstance } from './app-types.ts';
import { createAuthHook, createRouteAccessRecorder, type RouteAccessEntry } from './http/auth.ts';
import { createOidcVerifier, oidcOptionsFromConfig } from './http/oidc.ts';
import { rejectUnstorableInput } from './http/unstorable-input.ts';
import { createUnmatchedRouteHook } from './http/unmatched-routes.ts';
import { openApiOptions } from './http/openapi.ts';
import { problemOf, sendProblem } from './http/problem.ts';
import { createRateLimitHook } from './http/rate-limit.ts';
import { createRequestTracing } from './http/request-tracing.ts';
import { registerCallbackRoutes } from './routes/callbacks.ts';
import { registerAgentToolRoutes } from './routes/agent-tools.ts';
import { registerAgentRoutes } from './routes/agents.ts';
import { registerApiReferenceRoutes } from './routes/api-reference.ts';
import { registerConsoleRoutes } from './routes/console.ts';
import { registerArtifactRoutes } from './routes/artifacts.ts';
import { registerApiKeyRoutes } from './routes/api-keys.ts';
import { registerAuditRoutes } from './routes/audit.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerMemoryStoreRoutes } from './routes/memory-store.ts';
import { registerMetricsRoute } from './routes/metrics.ts';
import { registerRunControlRoutes } from './routes/run-control.ts';
import { registerRunEventRoutes } from './routes/run-events.ts';
import { registerRunReplayRoute } from './routes/run-replay.ts';
import { registerRunRoutes } from './routes/runs.ts';
import { registerScheduleRoutes } from './routes/schedules.ts';
import { registerUsageRoutes } from './routes/usage.ts';
import { registerThreadRoutes } from './routes/threads.ts';
import { registerWebhookRoutes } from './routes/webhooks.ts';
import { registerSecretRoutes } from './routes/secrets.ts';
import { registerTenantApiKeyRoutes } from './routes/tenant-api-keys.ts';
import { registerRetentionRoutes } from './routes/retention.ts';
import { registerTenantRoutes } from './routes/tenants.ts';
import { registerA2aRoutes } from './protocols/a2a/register-a2a-routes.ts';
import { registerMcpServerRoutes } from './protocols/mcp-server/register-mcp-routes.ts';
import { registerLangGraphRoutes } from './protocols/langgraph/register-langgraph-routes.ts';
import { SharedRunEventReads } from './live/shared-event-reads.ts';

/** Longest path parameter the router takes (characters); ids and names are far shorter. */
const maxPathParameterLength = 1000;

/** Builds the control-plane HTTP API; the caller listens and closes. */
export async function buildApp(dependencies: ApiDependencies): Promise<ApiInstance> {
  const app = Fastify({
    loggerInstance: dependencies.logger,
    bodyLimit: dependencies.config.AR_BODY_LIMIT_BYTES,
    requestIdHeader: 'x-request-id',
    // Above every path parameter's own limit, so that an over-long id fails validation (422)
    // like any other bad value; only past this does the router refuse it (414).
    routerOptions: { maxParamLength: maxPathParameterLength },
    // Node refuses a request whose request line and headers pass 16 KiB with a bare 431; a
    // thread list's eight percent-encoded metadata pairs can pass that. Up to 128 KiB the
    // request reaches the API, whose validation answers with a problem like any other.
    http: { maxHeaderSize: 128 * 1024 },
    // Answered below as a problem, like every other error, rather than in Fastify's format.
    return503OnClosing: false,
    frameworkErrors: (error, request, reply) => {
      const known =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new AppError('uri_too_long', `a path parameter is longer than ${maxPathParameterLength} characters`)
          : error;
      // The reply is sent here; nothing awaits its (thenable) return value.
      void sendProblem(reply, problemOf(known, request));
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(fastifySwagger, openApiOptions());

  // A request arriving while the server drains is refused first, before any work.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async () => {
    if (closing)
      throw new AppError('dependency_unavailable', 'this instance is shutting down; retry', { retryAfterSeconds: 1 });
  });

  const telemetry = dependencies.telemetry ?? createLocalTelemetry();
  const tracing = createRequestTracing(telemetry.tracer);
  app.addHook('onRoute', tracing.onRoute);
  app.addHook('onRequest', tracing.onRequest);
  app.addHook('onResponse', tracing.onResponse);
  const accessTable: RouteAccessEntry[] = [];
  app.decorate('accessTable', accessTable);
  app.addHook('onRoute', createRouteAccessRecorder(accessTable));
  // Before authentication: a path that no route serves has nothing to authenticate for.
  app.addHook('onRequest', createUnmatchedRouteHook(accessTable));
  const oidcOptions = oidcOptionsFromConfig(dependencies.config);
  const oidc = dependencies.oidc ?? (oidcOptions && createOidcVerifier(oidcOptions));
  if (oidcOptions) app.log.info({ issuer: oidcOptions.issuer }, 'accepting OIDC access tokens besides API keys');
  app.addHook('onRequest', createAuthHook(dependencies.db, oidc));
  // After authentication, which names the tenant; before the body is read.
  const limiter = dependencies.rateLimiter ?? openRateLimiter(dependencies.config, dependencies.logger);
  if (!dependencies.rateLimiter) app.addHook('onClose', () => limiter.close());
  app.addHook('onRequest', createRateLimitHook({ db: dependencies.db, limiter, config: dependencies.config }));
  app.addHook('preValidation', rejectUnstorableInput);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.setErrorHandler((error, request, reply) => {
    const problem = problemOf(error, request);
    if (problem.status >= 500 && !(error instanceof AppError)) {
      request.log.error({ err: error }, 'request failed');
    }
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      problemOf(new AppError('route_not_found', `no endpoint ${request.method} ${request.url}`), request),
    ),
  );

  // Run routes read runs through the cache; without one, straight from the database.
  const runCache = dependencies.runCache ?? new UncachedRunReads(dependencies.db);
  const runs =
    dependencies.runs ??
    createRunService({
      db: dependencies.db,
      temporal: dependencies.temporal,
      taskQueue: dependencies.config.TEMPORAL_TASK_QUEUE,
      runCache,
      bus: dependencies.bus,
      logger: dependencies.logger,
      limits: runServiceLimitsOf(dependencies.config),
      callbackLinks: createCallbackLinks(dependencies.config),
    });
  // One blob store for the routes: artifacts, and the blobs a deleted thread's runs leave.
  const blobs = dependencies.blobs ?? openBlobStore(dependencies.config);
  // Webhooks out: the service, and the dispatcher that starts each delivery's workflow.
  let dispatcher: WebhookDispatcher | undefined;
  const webhooks = createWebhookService({
    db: dependencies.db,
    masterKeys: dependencies.config.AR_MASTER_KEYS,
    policy: webhookRequestOptionsOf(dependencies.config).policy,
    onSendRequested: () => dispatcher?.wake(),
  });
  app.addHook('onReady', async () => {
    dispatcher = startWebhookDispatcher({
      db: dependencies.db,
      temporal: dependencies.temporal,
      taskQueue: dependencies.config.TEMPORAL_TASK_QUEUE,
      logger: dependencies.logger.child({ component: 'webhooks' }),
      intervalMs: dependencies.config.AR_WEBHOOK_DISPATCH_INTERVAL_MS,
      retryDelaysMs: dependencies.config.AR_WEBHOOK_RETRY_SCHEDULE,
    });
  });
  app.addHook('onClose', async () => dispatcher?.stop());
  const runEventReads = new SharedRunEventReads({ db: dependencies.db, runCache });
  const runRouteDependencies = { ...dependencies, blobs, runCache, runs, webhooks, runEventReads };

  registerHealthRoutes(app, dependencies);
  registerMetricsRoute(app, telemetry.metrics.registry, dependencies.db);
  registerTenantRoutes(app, runRouteDependencies);
  registerTenantApiKeyRoutes(app, dependencies);
  registerAgentRoutes(app, dependencies);
  registerAgentToolRoutes(app, dependencies);
  registerRunRoutes(app, runRouteDependencies);
  registerRunEventRoutes(app, runRouteDependencies);
  registerRunControlRoutes(app, runRouteDependencies);
  registerCallbackRoutes(app, runRouteDependencies);
  registerThreadRoutes(app, runRouteDependencies);
  registerRunReplayRoute(app, runRouteDependencies);
  await registerArtifactRoutes(app, dependencies, blobs);
  registerApiKeyRoutes(app, dependencies);
  registerAuditRoutes(app, dependencies);
  registerUsageRoutes(app, dependencies);
  registerSecretRoutes(app, dependencies);
  const memory =
    dependencies.memory ?? createMemoryStore({ db: dependencies.db, embedder: openEmbedder(dependencies.config) });
  registerMemoryStoreRoutes(app, memory);
  // Every API instance sweeps expired memory items; they are invisible from expiry on anyway.
  let stopMemorySweeper: (() => Promise<void>) | undefined;
  app.addHook('onReady', async () => {
    stopMemorySweeper = startMemorySweeper({
      store: memory,
      logger: dependencies.logger,
      intervalMs: dependencies.config.AR_MEMORY_SWEEP_INTERVAL_SECONDS * 1000,
    });
  });
  app.addHook('onClose', async () => stopMemorySweeper?.());
  registerRetentionRoutes(app, dependencies);
  const schedules =
    dependencies.schedules ??
    createScheduleService({
      db: dependencies.db,
      temporal: dependencies.temporal,
      taskQueue: dependencies.config.TEMPORAL_TASK_QUEUE,
      logger: dependencies.logger.child({ component: 'schedules' }),
    });
  registerScheduleRoutes(app, schedules);
  registerWebhookRoutes(app, webhooks);
  // Temporal schedules lost (Temporal's data reset, or unreachable when one was created) are
  // created again from their rows at each start; reads do the same for the one they read.
  app.addHook('onReady', async () => {
    void schedules.reconcile().then(
      (created) => created > 0 && app.log.info({ count: created }, 'Temporal schedules created again'),
      (error: unknown) => app.log.warn({ err: error }, 'could not reconcile schedules with Temporal'),
    );
  });

  // Protocols of clients that call us (docs/protocols.md): A2A, the MCP server and LangGraph's API. Not the
  // `agent-runtime.step/v1` protocol, by which we call agents, nor MCP tools agents call.
  await registerA2aRoutes(app, runRouteDependencies);
  await registerMcpServerRoutes(app, runRouteDependencies);
  await registerLangGraphRoutes(
    app,
    { ...runRouteDependencies, memory, schedules },
    dependencies.config.AR_LANGGRAPH_API_PREFIX,
  );

  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
  await registerApiReferenceRoutes(app);
  await registerConsoleRoutes(app, dependencies.config);

  return app;
}
