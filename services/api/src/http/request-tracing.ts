import { context, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { Principal } from '@agent-runtime/core';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

/**
 * One server span per request, made the active context for the rest of the request's hooks
 * and its handler: a run started by `POST /v1/runs` is traced from here, through the
 * Temporal client (whose interceptor passes the context on to the workflow), to its last
 * tool call. Register before every other `onRequest` hook.
 */
export function createRequestTracing(tracer: Tracer) {
  const spans = new WeakMap<FastifyRequest, Span>();
  return {
    onRequest(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
      const route = request.routeOptions.url;
      const span = tracer.startSpan(`${request.method} ${route ?? 'unknown route'}`, {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'url.path': request.url.split('?')[0] ?? request.url,
          ...(route === undefined ? {} : { 'http.route': route }),
        },
      });
      spans.set(request, span);
      // Everything the rest of the request does runs inside the span's context.
      context.with(trace.setSpan(context.active(), span), done);
    },
    async onResponse(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const span = spans.get(request);
      if (!span) return;
      span.setAttribute('http.response.status_code', reply.statusCode);
      const principal: Principal | undefined = request.principal;
      if (principal) span.setAttribute('agent_runtime.tenant_id', principal.tenantId);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
}
