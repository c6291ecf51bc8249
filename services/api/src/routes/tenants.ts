import { createTenant, getTenant, listTenants, pageSchema, recordAuditEvent, tenantSchema } from '@agent-runtime/core';
import { z } from 'zod';
import type { ApiDependencies, ApiInstance } from '../app-types.ts';
import { auditedBy } from '../http/audit.ts';
import { existingId, pageQuery, pathId, problemResponses } from '../http/schemas.ts';

const createTenantBody = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lowercase letters, digits, ".", "_" and "-"; at most 63 characters'),
});

/** Tenants: platform admins only. */
export function registerTenantRoutes(app: ApiInstance, { db }: ApiDependencies): void {
  const config = { access: 'platform' as const };
  const tags = ['tenants'];

  app.post(
    '/v1/tenants',
    {
      config,
      schema: {
        tags,
        body: createTenantBody,
        response: { 201: tenantSchema, ...problemResponses(401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      // Recorded in the log of the platform admin's own tenant: that is who acted.
      const tenant = await db.transaction().execute(async (trx) => {
        const created = await createTenant(trx, request.body.name);
        await recordAuditEvent(trx, {
          ...auditedBy(request),
          action: 'tenant.created',
          target: { type: 'tenant', id: created.id },
          details: { name: created.name },
        });
        return created;
      });
      return reply.status(201).send(tenant);
    },
  );

  app.get(
    '/v1/tenants',
    {
      config,
      schema: {
        tags,
        querystring: z.strictObject(pageQuery),
        response: { 200: pageSchema(tenantSchema), ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request) => listTenants(db, request.query),
  );

  app.get(
    '/v1/tenants/:tenantId',
    {
      config,
      schema: {
        tags,
        params: z.strictObject({ tenantId: pathId }),
        response: { 200: tenantSchema, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => getTenant(db, existingId('tenant', request.params.tenantId)),
  );
}
