import {
  createTenant,
  getTenant,
  listTenants,
  pageSchema,
  recordAuditEvent,
  tenantLimitsSchema,
  tenantRetentionSchema,
  tenantSchema,
  updateTenantLimits,
  updateTenantRetention,
  type RunService,
} from '@agent-runtime/core';
import { z } from 'zod';
import type { ApiDependencies, ApiInstance } from '../app-types.ts';
import { auditedBy } from '../http/audit.ts';
import { existingId, pageQuery, pathId, problemResponses } from '../http/schemas.ts';

/** Limits a platform admin sets: each field optional; null goes back to the deployment's default. */
const limitsBody = z.strictObject(tenantLimitsSchema.partial().shape);

/** Retention settings a platform admin sets: each field optional; null goes back to the deployment's default. */
const retentionBody = z.strictObject(tenantRetentionSchema.partial().shape);

const createTenantBody = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lowercase letters, digits, ".", "_" and "-"; at most 63 characters'),
  limits: limitsBody.optional(),
  retention: retentionBody.optional(),
});

/** Tenants: platform admins only. */
export function registerTenantRoutes(
  app: ApiInstance,
  { db, logger, runs }: ApiDependencies & { readonly runs: RunService },
): void {
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
        const created = await createTenant(
          trx,
          request.body.name,
          request.body.limits ?? {},
          request.body.retention ?? {},
        );
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

  app.patch(
    '/v1/tenants/:tenantId',
    {
      config,
      schema: {
        tags,
        description:
          "Changes the tenant's own limits and retention settings; fields left out stay, null returns a field to the deployment's default. Rate limits take effect within 5 s on every API instance, the concurrent-run limit and monthly budgets at once, retention at the next retention pass.",
        params: z.strictObject({ tenantId: pathId }),
        body: z
          .strictObject({ limits: limitsBody.optional(), retention: retentionBody.optional() })
          .refine((body) => body.limits !== undefined || body.retention !== undefined, 'give limits, retention or both')
          .meta({ minProperties: 1 }),
        response: { 200: tenantSchema, ...problemResponses(400, 401, 403, 404, 415, 422) },
      },
    },
    async (request) => {
      const tenantId = existingId('tenant', request.params.tenantId);
      const { limits = {}, retention } = request.body;
      const tenant = await db.transaction().execute(async (trx) => {
        if (retention !== undefined) {
          await updateTenantRetention(trx, tenantId, retention);
          // Recorded in the platform admin's own tenant, like the tenant's creation.
          await recordAuditEvent(trx, {
            ...auditedBy(request),
            action: 'tenant.retention_changed',
            target: { type: 'tenant', id: tenantId },
            details: { retention },
          });
        }
        const updated = await updateTenantLimits(trx, tenantId, limits);
        if (Object.keys(limits).length > 0) {
          // Budgets are money: who changed a tenant's limits is on record, in the admin's tenant.
          await recordAuditEvent(trx, {
            ...auditedBy(request),
            action: 'tenant.limits_changed',
            target: { type: 'tenant', id: tenantId },
            details: { limits },
          });
        }
        return updated;
      });
      if (limits.maxConcurrentRuns !== undefined) {
        // A raised limit admits waiting runs now rather than at the reconciler's next pass.
        await runs
          .admit(tenant.id)
          .catch((error: unknown) => logger.warn({ err: error }, 'could not admit the next queued runs yet'));
      }
      return tenant;
    },
  );
}
