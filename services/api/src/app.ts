import fastifySwagger from '@fastify/swagger';
import {
  AppError,
  createLocalTelemetry,
  createRunService,
  openBlobStore,
  openRateLimiter,
  runServiceLimitsOf,
  UncachedRunReads,
} from '@agent-runtime/core';
import Fastify from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { ApiDependencies, ApiInstance } from './app-types.ts';
import { createAuthHook, createRouteAccessRecorder, type RouteAccessEntry } from './http/auth.ts';
import { createOidcVerifier, oidcOptionsFromConfig } from './http/oidc.ts';
import { problemOf, sendProblem } from './http/problem.ts';
import { createRateLimitHook } from './http/rate-limit.ts';
import { createRequestTracing } from './http/request-tracing.ts';
import { registerAgentToolRoutes } from './routes/agent-tools.ts';
import { registerAgentRoutes } from './routes/agents.ts';
import { registerArtifactRoutes } from './routes/artifacts.ts';
import { registerApiKeyRoutes } from './routes/api-keys.ts';
import { registerAuditRoutes } from './routes/audit.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerMetricsRoute } from './routes/metrics.ts';
import { registerRunControlRoutes } from './routes/run-control.ts';
import { registerRunEventRoutes } from './routes/run-events.ts';
import { registerRunRoutes } from './routes/runs.ts';
import { registerSecretRoutes } from './routes/secrets.ts';
import { registerTenantApiKeyRoutes } from './routes/tenant-api-keys.ts';
import { registerTenantRoutes } from './routes/tenants.ts';

/** Builds the control-plane HTTP API; the caller listens and closes. */
export async function buildApp(dependencies: ApiDependencies): Promise<ApiInstance> {
  const app = Fastify({
    loggerInstance: dependencies.logger,
    bodyLimit: dependencies.config.AR_BODY_LIMIT_BYTES,
    requestIdHeader: 'x-request-id',
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Agent Runtime API',
        version: '1.0.0',
        description:
          'Control plane of Agent Runtime: tenants, agents, immutable agent versions, runs, API keys and the audit log.',
      },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API key (`ar_…`) or, where OIDC is configured, an access token of the issuer',
          },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  const telemetry = dependencies.telemetry ?? createLocalTelemetry();
  const tracing = createRequestTracing(telemetry.tracer);
  app.addHook('onRoute', tracing.onRoute);
  app.addHook('onRequest', tracing.onRequest);
  app.addHook('onResponse', tracing.onResponse);
  const accessTable: RouteAccessEntry[] = [];
  app.decorate('accessTable', accessTable);
  app.addHook('onRoute', createRouteAccessRecorder(accessTable));
  const oidcOptions = oidcOptionsFromConfig(dependencies.config);
  const oidc = dependencies.oidc ?? (oidcOptions && createOidcVerifier(oidcOptions));
  if (oidcOptions) app.log.info({ issuer: oidcOptions.issuer }, 'accepting OIDC access tokens besides API keys');
  app.addHook('onRequest', createAuthHook(dependencies.db, oidc));
  // After authentication, which names the tenant; before the body is read.
  const limiter = dependencies.rateLimiter ?? openRateLimiter(dependencies.config, dependencies.logger);
  if (!dependencies.rateLimiter) app.addHook('onClose', () => limiter.close());
  app.addHook('onRequest', createRateLimitHook({ db: dependencies.db, limiter, config: dependencies.config }));
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
    });
  const runRouteDependencies = { ...dependencies, runCache, runs };

  registerHealthRoutes(app, dependencies);
  registerMetricsRoute(app, telemetry.metrics.registry, dependencies.db);
  registerTenantRoutes(app, runRouteDependencies);
  registerTenantApiKeyRoutes(app, dependencies);
  registerAgentRoutes(app, dependencies);
  registerAgentToolRoutes(app, dependencies);
  registerRunRoutes(app, runRouteDependencies);
  registerRunEventRoutes(app, runRouteDependencies);
  registerRunControlRoutes(app, runRouteDependencies);
  await registerArtifactRoutes(app, dependencies, dependencies.blobs ?? openBlobStore(dependencies.config));
  registerApiKeyRoutes(app, dependencies);
  registerAuditRoutes(app, dependencies);
  registerSecretRoutes(app, dependencies);

  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  return app;
}
