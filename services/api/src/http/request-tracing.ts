import type { Principal } from '@agent-runtime/core';
import { context, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';

/**
 * One server span per request, the active context of the route's handler: a run started by
 * `POST /v1/runs` is traced from here, through the Temporal client (whose interceptor passes
 * the context on to the workflow), to its last tool call. Register the hooks before any route.
 */
export function createRequestTracing(tracer: Tracer) {
  const spans = new WeakMap<FastifyRequest, Span>();
  return {
    async onRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const route = request.routeOptions.url;
      spans.set(
        request,
        tracer.startSpan(`${request.method} ${route ?? 'unknown route'}`, {
          kind: SpanKind.SERVER,
          attributes: {
            'http.request.method': request.method,
            'url.path': request.url.split('?')[0] ?? request.url,
            ...(route === undefined ? {} : { 'http.route': route }),
          },
        }),
      );
      // A hijacked reply (SSE) or a client that went away never reaches `onResponse`.
      reply.raw.once('close', () => endSpan(request, reply.raw.headersSent ? reply.raw.statusCode : undefined));
    },
    /** Runs each route's handler inside its request's span (hooks before it need no trace). */
    onRoute(routeOptions: RouteOptions): void {
      const handler = routeOptions.handler;
      routeOptions.handler = function tracedHandler(this: unknown, request, reply) {
        const span = spans.get(request);
        if (!span) return handler.call(this as never, request, reply);
        return context.with(trace.setSpan(context.active(), span), () => handler.call(this as never, request, reply));
      };
    },
    async onResponse(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      endSpan(request, reply.statusCode);
    },
  };

  function endSpan(request: FastifyRequest, statusCode: number | undefined): void {
    const span = spans.get(request);
    if (!span) return;
    spans.delete(request);
    if (statusCode !== undefined) span.setAttribute('http.response.status_code', statusCode);
    const principal: Principal | undefined = request.principal;
    if (principal) span.setAttribute('agent_runtime.tenant_id', principal.tenantId);
    if (statusCode !== undefined && statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  }
}
