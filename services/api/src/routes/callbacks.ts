import {
  callbackLinkSchema,
  callbackPostResultSchema,
  getRun,
  listRunWaitpoints,
  maxCallbackTokenLength,
  pageSchema,
  waitpointSchema,
} from '@agent-runtime/core';
import { z } from 'zod';
import type { ApiInstance, RunRouteDependencies } from '../app-types.ts';
import { existingId, pageQuery, pathId, problemResponses } from '../http/schemas.ts';

/** Largest body a callback may POST: what the run takes in as one tool result. */
export const callbackBodyLimitBytes = 256 * 1024;

const tokenParams = z.strictObject({ token: z.string().min(1).max(maxCallbackTokenLength) });

/**
 * Callbacks in (docs/callbacks.md): the links runs hand out, which their token alone
 * authorizes (no API key: a chat button or another system holds them), and a run's
 * waitpoints for callers of its tenant.
 */
export function registerCallbackRoutes(app: ApiInstance, { db, runs }: RunRouteDependencies): void {
  const tags = ['callbacks'];

  app.post(
    '/v1/callbacks/:token',
    {
      config: { access: 'public' },
      bodyLimit: callbackBodyLimitBytes,
      schema: {
        tags,
        description: [
          'Completes a waitpoint or decides an approval; the token in the path is the credential (no API key).',
          "A callback link's JSON body (any JSON value, at most 256 KiB; none: null) becomes the waiting tool call's",
          'output and the run resumes: 202. An approval link decides its approval (body: none, or `{ "comment": "…" }`).',
          'Each link is good for one POST: a used one answers 410 `callback_used`, an expired one (or one whose run',
          'has ended) 410 `callback_expired`, a token not signed here 401 `callback_token_invalid`; none changes anything.',
        ].join(' '),
        params: tokenParams,
        body: z.unknown().optional(),
        response: {
          202: callbackPostResultSchema,
          ...problemResponses(400, 401, 404, 409, 410, 413, 415, 422, 503),
        },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(await runs.postCallback({ token: request.params.token, body: request.body, requestId: request.id })),
  );

  app.get(
    '/v1/callbacks/:token',
    {
      config: { access: 'public' },
      schema: {
        tags,
        description:
          'What a link does and whether a POST would still be taken. Changes nothing: link scanners follow GETs, so only a POST decides.',
        params: tokenParams,
        response: { 200: callbackLinkSchema, ...problemResponses(401, 404, 410) },
      },
    },
    async (request) => runs.describeCallbackLink(request.params.token),
  );

  app.get(
    '/v1/runs/:runId/waitpoints',
    {
      config: { access: 'read' },
      schema: {
        tags: ['runs'],
        description:
          "The run's waitpoints (callback tools' calls waiting for a POST), oldest first; each URL is in its `callback.waiting` event.",
        params: z.strictObject({ runId: pathId }),
        querystring: z.strictObject(pageQuery),
        response: { 200: pageSchema(waitpointSchema), ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      const run = await getRun(db, request.principal.tenantId, existingId('run', request.params.runId));
      return listRunWaitpoints(db, run.tenantId, run.id, request.query);
    },
  );
}
