import { auditEventSchema, listAuditEvents, pageSchema } from '@agent-runtime/core';
import { z } from 'zod';
import type { ApiDependencies, ApiInstance } from '../app-types.ts';
import { pageQuery, problemResponses } from '../http/schemas.ts';

const instant = z.iso.datetime({ offset: true });

/** The tenant's audit log: who did what, newest first. Tenant admins only. */
export function registerAuditRoutes(app: ApiInstance, { db }: ApiDependencies): void {
  app.get(
    '/v1/audit',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['audit'],
        description:
          "The caller's tenant's audit events (creations, cancellations, approvals, messages, key and secret changes), newest first.",
        querystring: z.strictObject({
          ...pageQuery,
          action: z.string().max(100).optional().describe('e.g. `run.cancelled`'),
          actor: z.string().max(300).optional().describe('Subject of the actor, e.g. `api-key:<id>`'),
          targetType: z.string().max(100).optional().describe('e.g. `run`, `agent`, `api_key`'),
          targetId: z.string().max(300).optional(),
          since: instant.optional().describe('Events at or after this time'),
          until: instant.optional().describe('Events before this time'),
        }),
        response: { 200: pageSchema(auditEventSchema), ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request) => {
      const { since, until, ...filter } = request.query;
      return listAuditEvents(db, request.principal.tenantId, {
        ...filter,
        since: since === undefined ? undefined : new Date(since),
        until: until === undefined ? undefined : new Date(until),
      });
    },
  );
}
