import { createApiKey, createdApiKeySchema, getTenant, recordAuditEvent, roles, type Role } from '@agent-runtime/core';
import { z } from 'zod';
import type { ApiDependencies, ApiInstance } from '../app-types.ts';
import { auditedBy } from '../http/audit.ts';
import { existingId, pathId, problemResponses } from '../http/schemas.ts';
import { apiKeyExpiresAt, apiKeyName, futureExpiryOf } from './api-keys.ts';

/** The roles a key issued into a tenant may hold: platform-admin is granted only inside the platform's own tenant. */
const tenantRoles = roles.filter((role): role is Exclude<Role, 'platform-admin'> => role !== 'platform-admin');

const issueKeyBody = z.strictObject({
  name: apiKeyName,
  roles: z
    .array(z.enum(tenantRoles))
    .min(1)
    .max(tenantRoles.length)
    .default(['tenant-admin'])
    .describe("The key's roles; tenant-admin when omitted. platform-admin cannot be granted here"),
  expiresAt: apiKeyExpiresAt,
});

/**
 * `POST /v1/tenants/{tenantId}/api-keys`: a platform admin issues a key of another tenant,
 * e.g. the first admin key of a tenant it just created, which is otherwise reachable only
 * through OIDC. Platform admins only.
 */
export function registerTenantApiKeyRoutes(app: ApiInstance, { db }: ApiDependencies): void {
  app.post(
    '/v1/tenants/:tenantId/api-keys',
    {
      config: { access: 'platform' },
      schema: {
        tags: ['tenants'],
        description:
          "Issues a key of the tenant (by default a tenant admin's, e.g. its first). The answer carries the key " +
          "itself, once: only its hash is stored. Logged in the tenant's audit log and the platform admin's own.",
        params: z.strictObject({ tenantId: pathId }),
        body: issueKeyBody,
        response: { 201: createdApiKeySchema, ...problemResponses(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const tenant = await getTenant(db, existingId('tenant', request.params.tenantId));
      const expiresAt = futureExpiryOf(request.body.expiresAt);
      const created = await db.transaction().execute(async (trx) => {
        const apiKey = await createApiKey(trx, {
          tenantId: tenant.id,
          name: request.body.name,
          roles: request.body.roles,
          createdBy: request.principal.subject,
          expiresAt,
        });
        const details = { name: apiKey.name, prefix: apiKey.prefix, roles: apiKey.roles, expiresAt: apiKey.expiresAt };
        // The key's tenant sees who issued its key; the platform admin's tenant, what its admin did.
        await recordAuditEvent(trx, {
          ...auditedBy(request),
          tenantId: tenant.id,
          action: 'api_key.created',
          target: { type: 'api_key', id: apiKey.id },
          details,
        });
        await recordAuditEvent(trx, {
          ...auditedBy(request),
          action: 'tenant.api_key_issued',
          target: { type: 'tenant', id: tenant.id },
          details: { keyId: apiKey.id, ...details },
        });
        return apiKey;
      });
      return reply.status(201).send(created);
    },
  );
}
