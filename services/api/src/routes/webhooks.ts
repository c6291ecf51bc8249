import {
  newWebhookSchema,
  pageSchema,
  runWebhookSecretSchema,
  secretRotationSchema,
  webhookChangeSchema,
  webhookDeliverySchema,
  webhookDeliveryStatuses,
  webhookSchema,
  webhookWithSecretSchema,
  type WebhookService,
} from '@agent-runtime/core';
import { z } from 'zod';
import type { ApiInstance } from '../app-types.ts';
import { auditedBy } from '../http/audit.ts';
import { existingId, pageQuery, pathId, problemResponses } from '../http/schemas.ts';

const webhookParams = z.strictObject({ webhookId: pathId });
const deliveryParams = z.strictObject({ webhookId: pathId, deliveryId: pathId });

/** Webhooks out (docs/webhooks.md): endpoints, their secrets and delivery logs, and the runs' secret. */
export function registerWebhookRoutes(app: ApiInstance, webhooks: WebhookService): void {
  const read = { access: 'read' as const };
  const admin = { access: 'admin' as const };
  const tags = ['webhooks'];
  const refOf = (request: { params: { webhookId: string }; principal: { tenantId: string } }) => ({
    tenantId: request.principal.tenantId,
    webhookId: existingId('webhook', request.params.webhookId),
  });

  app.post(
    '/v1/webhooks',
    {
      config: admin,
      schema: {
        tags,
        description:
          'Registers an endpoint for the event types it names. Answers its signing secret (`whsec_…`, Standard Webhooks) this once. A URL whose host resolves to a non-public address the allow-list does not name is 422 `webhook_address_refused`.',
        body: newWebhookSchema,
        response: { 201: webhookWithSecretSchema, ...problemResponses(400, 401, 403, 415, 422) },
      },
    },
    async (request, reply) => {
      const webhook = await webhooks.create(request.body, auditedBy(request));
      return reply.status(201).header('location', `/v1/webhooks/${webhook.id}`).send(webhook);
    },
  );

  app.get(
    '/v1/webhooks',
    {
      config: read,
      schema: {
        tags,
        description: "The tenant's endpoints, newest first (never their secrets).",
        querystring: z.strictObject(pageQuery),
        response: { 200: pageSchema(webhookSchema), ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request) => webhooks.list(request.principal.tenantId, request.query),
  );

  app.get(
    '/v1/webhooks/:webhookId',
    {
      config: read,
      schema: {
        tags,
        description: 'The endpoint (never its secret).',
        params: webhookParams,
        response: { 200: webhookSchema, ...problemResponses(401, 403, 404, 422) },
      },
    },
    async (request) => webhooks.get(refOf(request)),
  );

  app.patch(
    '/v1/webhooks/:webhookId',
    {
      config: admin,
      schema: {
        tags,
        description:
          'Replaces the fields given. A disabled endpoint gets no new deliveries, and its pending ones stop at their next attempt.',
        params: webhookParams,
        body: webhookChangeSchema,
        response: { 200: webhookSchema, ...problemResponses(400, 401, 403, 404, 415, 422) },
      },
    },
    async (request) => webhooks.update(refOf(request), request.body, auditedBy(request)),
  );

  app.delete(
    '/v1/webhooks/:webhookId',
    {
      config: admin,
      schema: {
        tags,
        description: 'Deletes the endpoint with its secrets and delivery log; its pending deliveries stop.',
        params: webhookParams,
        response: { 204: z.null().describe('Deleted'), ...problemResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await webhooks.delete(refOf(request), auditedBy(request));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v1/webhooks/:webhookId/rotate-secret',
    {
      config: admin,
      schema: {
        tags,
        description:
          'A new signing secret, answered this once. The previous one keeps signing for `previousSecretValidSeconds` (default a day): meanwhile each delivery carries two signatures, so receivers can switch without missing one.',
        params: webhookParams,
        body: secretRotationSchema.optional(),
        response: { 200: webhookWithSecretSchema, ...problemResponses(400, 401, 403, 404, 415, 422) },
      },
    },
    async (request) =>
      webhooks.rotateSecret(refOf(request), secretRotationSchema.parse(request.body ?? {}), auditedBy(request)),
  );

  app.get(
    '/v1/webhooks/:webhookId/deliveries',
    {
      config: read,
      schema: {
        tags,
        description:
          "The endpoint's deliveries, newest first, each with its attempts (time, status code, start of the response body, duration, error).",
        params: webhookParams,
        querystring: z.strictObject({ ...pageQuery, status: z.enum(webhookDeliveryStatuses).optional() }),
        response: { 200: pageSchema(webhookDeliverySchema), ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => webhooks.listDeliveries(refOf(request), request.query),
  );

  app.get(
    '/v1/runs/:runId/webhook-deliveries',
    {
      config: read,
      schema: {
        tags,
        description:
          "The run's webhook deliveries, newest first, with their attempts: to the tenant's endpoints, and to the run's own `webhookUrl` (`webhookId` null).",
        params: z.strictObject({ runId: pathId }),
        querystring: z.strictObject({ ...pageQuery, status: z.enum(webhookDeliveryStatuses).optional() }),
        response: { 200: pageSchema(webhookDeliverySchema), ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) =>
      webhooks.listRunDeliveries(
        { tenantId: request.principal.tenantId, runId: existingId('run', request.params.runId) },
        request.query,
      ),
  );

  app.post(
    '/v1/webhooks/:webhookId/deliveries/:deliveryId/redeliver',
    {
      config: admin,
      schema: {
        tags,
        description:
          'Sends the delivery again, whatever its status, with the same `webhook-id` and body (signed afresh), on the retry schedule of a new delivery.',
        params: deliveryParams,
        response: { 202: webhookDeliverySchema, ...problemResponses(401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const deliveryId = existingId('webhook delivery', request.params.deliveryId);
      return reply.status(202).send(await webhooks.redeliver(refOf(request), deliveryId, auditedBy(request)));
    },
  );

  app.post(
    '/v1/run-webhook-secret',
    {
      config: admin,
      schema: {
        tags,
        description:
          "Creates or rotates the tenant's signing secret for runs' one-off `webhookUrl`, answered this once; a rotated one keeps signing for `previousSecretValidSeconds`.",
        body: secretRotationSchema.optional(),
        response: { 201: runWebhookSecretSchema, ...problemResponses(400, 401, 403, 415, 422) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await webhooks.rotateRunSecret(
            request.principal.tenantId,
            secretRotationSchema.parse(request.body ?? {}),
            auditedBy(request),
          ),
        ),
  );
}
