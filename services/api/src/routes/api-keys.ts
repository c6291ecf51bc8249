import {
  AppError,
  apiKeySchema,
  createApiKey,
  createdApiKeySchema,
  getApiKey,
  listApiKeys,
  pageSchema,
  recordAuditEvent,
  revokeApiKey,
  roles,
} from '@agent-runtime/core';
import { z } from 'zod';
import type { ApiDependencies, ApiInstance } from '../app-types.ts';
import { auditedBy } from '../http/audit.ts';
import { existingId, pageQuery, pathId, problemResponses } from '../http/schemas.ts';

/** A new key's name. */
export const apiKeyName = z.string().trim().min(1).max(200);

/** When a new key stops working. */
export const apiKeyExpiresAt = z.iso
  .datetime({ offset: true })
  .optional()
  .describe('When the key stops working; it never expires when omitted');

const createApiKeyBody = z.strictObject({
  name: apiKeyName,
  roles: z.array(z.enum(roles)).min(1).max(roles.length).describe('Only a platform admin may grant platform-admin'),
  expiresAt: apiKeyExpiresAt,
});

/** A new key's `expiresAt` as a date; one in the past is refused (422), never stored. */
export function futureExpiryOf(expiresAt: string | undefined): Date | undefined {
  if (expiresAt === undefined) return undefined;
  const date = new Date(expiresAt);
  if (date.getTime() <= Date.now()) {
    throw new AppError('validation_failed', 'expiresAt must be in the future', {
      errors: [{ path: 'body.expiresAt', message: 'must be in the future' }],
    });
  }
  return date;
}

const keyParams = z.strictObject({ keyId: pathId });

/** The tenant's API keys: created (the key shown once), listed, revoked. Tenant admins only. */
export function registerApiKeyRoutes(app: ApiInstance, { db }: ApiDependencies): void {
  const config = { access: 'admin' as const };
  const tags = ['api-keys'];

  app.post(
    '/v1/api-keys',
    {
      config,
      schema: {
        tags,
        description:
          "Creates a key in the caller's tenant. The answer carries the key itself, once: only its hash is stored.",
        body: createApiKeyBody,
        response: { 201: createdApiKeySchema, ...problemResponses(400, 401, 403, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const { principal } = request;
      if (request.body.roles.includes('platform-admin') && !principal.roles.includes('platform-admin')) {
        throw new AppError('forbidden', 'only a platform admin may grant the platform-admin role');
      }
      const expiresAt = futureExpiryOf(request.body.expiresAt);
      const created = await db.transaction().execute(async (trx) => {
        const apiKey = await createApiKey(trx, {
          tenantId: principal.tenantId,
          name: request.body.name,
          roles: request.body.roles,
          createdBy: principal.subject,
          expiresAt,
        });
        await recordAuditEvent(trx, {
          ...auditedBy(request),
          action: 'api_key.created',
          target: { type: 'api_key', id: apiKey.id },
          details: { name: apiKey.name, prefix: apiKey.prefix, roles: apiKey.roles, expiresAt: apiKey.expiresAt },
        });
        return apiKey;
      });
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/v1/api-keys',
    {
      config,
      schema: {
        tags,
        description: "The tenant's keys, revoked ones included, newest first. Never the key or its hash.",
        querystring: z.strictObject(pageQuery),
        response: { 200: pageSchema(apiKeySchema), ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request) => listApiKeys(db, request.principal.tenantId, request.query),
  );

  app.get(
    '/v1/api-keys/:keyId',
    {
      config,
      schema: { tags, params: keyParams, response: { 200: apiKeySchema, ...problemResponses(401, 403, 404) } },
    },
    async (request) => getApiKey(db, request.principal.tenantId, existingId('API key', request.params.keyId)),
  );

  app.delete(
    '/v1/api-keys/:keyId',
    {
      config,
      schema: {
        tags,
        description:
          'Revokes the key: it answers 401 from the next request on. Revoking a revoked key answers the key as it is. ' +
          "The tenant's last active key with an admin role cannot be revoked (409): create its replacement first.",
        params: keyParams,
        response: { 200: apiKeySchema, ...problemResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const keyId = existingId('API key', request.params.keyId);
      return db.transaction().execute(async (trx) => {
        const { apiKey, revoked } = await revokeApiKey(trx, request.principal.tenantId, keyId);
        if (revoked) {
          await recordAuditEvent(trx, {
            ...auditedBy(request),
            action: 'api_key.revoked',
            target: { type: 'api_key', id: apiKey.id },
            details: { name: apiKey.name, prefix: apiKey.prefix },
          });
        }
        return apiKey;
      });
    },
  );
}
