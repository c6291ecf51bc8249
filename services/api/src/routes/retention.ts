import {
  effectiveRetention,
  getTenant,
  recordAuditEvent,
  retentionOptionsOf,
  retentionSchema,
  tenantRetentionSchema,
  updateTenantRetention,
  type Retention,
  type Tenant,
} from '@agent-runtime/core';
import { z } from 'zod';
import type { ApiDependencies, ApiInstance } from '../app-types.ts';
import { auditedBy } from '../http/audit.ts';
import { problemResponses } from '../http/schemas.ts';

/** Every setting may be left out of a PUT: it then goes back to the deployment's default. */
const retentionBody = z.strictObject(tenantRetentionSchema.partial().shape);

/** The caller's tenant's retention settings (tenant admins): `GET|PUT /v1/retention`. */
export function registerRetentionRoutes(app: ApiInstance, { db, config: configured }: ApiDependencies): void {
  const config = { access: 'admin' as const };
  const tags = ['retention'];
  const { defaults } = retentionOptionsOf(configured);
  const viewOf = (tenant: Tenant): Retention => ({
    settings: tenant.retention,
    effective: effectiveRetention(tenant.retention, defaults),
  });

  app.get(
    '/v1/retention',
    {
      config,
      schema: {
        tags,
        description:
          "How long the tenant's runs, idle threads, artifacts and payload blobs are kept: its own settings, and what applies with the deployment's defaults (docs/retention.md).",
        response: { 200: retentionSchema, ...problemResponses(401, 403) },
      },
    },
    async (request) => viewOf(await getTenant(db, request.principal.tenantId)),
  );

  app.put(
    '/v1/retention',
    {
      config,
      schema: {
        tags,
        description:
          "Replaces the tenant's retention settings: a field left out or null follows the deployment's default, 0 keeps for ever. The next retention pass applies them. Audited.",
        body: retentionBody,
        response: { 200: retentionSchema, ...problemResponses(400, 401, 403, 415, 422) },
      },
    },
    async (request) => {
      const { runsDays = null, threadsDays = null, artifactsDays = null, payloadsDays = null } = request.body;
      const settings = { runsDays, threadsDays, artifactsDays, payloadsDays };
      const tenant = await db.transaction().execute(async (trx) => {
        const updated = await updateTenantRetention(trx, request.principal.tenantId, settings);
        await recordAuditEvent(trx, {
          ...auditedBy(request),
          action: 'tenant.retention_changed',
          target: { type: 'tenant', id: updated.id },
          details: { retention: settings },
        });
        return updated;
      });
      return viewOf(tenant);
    },
  );
}
