import { AppError, maxUsageRangeDays, usageGroupings, usageReportOf, usageReportSchema } from '@agent-runtime/core';
import { z } from 'zod';
import type { ApiDependencies, ApiInstance } from '../app-types.ts';
import { integerText, problemResponses } from '../http/schemas.ts';

const instant = z.iso.datetime({ offset: true });
const dayMs = 86_400_000;
/** The period a query without `since` covers, back from `until`. */
const defaultRangeDays = 30;

/** The period asked for, defaults applied; `since` after `until`, or too long a period, is a 422. */
function periodOf(since: string | undefined, until: string | undefined): { since: Date; until: Date } {
  const end = until === undefined ? new Date() : new Date(until);
  const start = since === undefined ? new Date(end.getTime() - defaultRangeDays * dayMs) : new Date(since);
  const refuse = (message: string) =>
    new AppError('validation_failed', message, { errors: [{ path: 'querystring.since', message }] });
  if (start.getTime() >= end.getTime()) throw refuse('since must be before until');
  if (end.getTime() - start.getTime() > maxUsageRangeDays * dayMs) {
    throw refuse(`since and until may be at most ${maxUsageRangeDays} days apart`);
  }
  return { since: start, until: end };
}

/** The tenant's tokens and cost, grouped by agent, day or model, from its recorded steps. */
export function registerUsageRoutes(app: ApiInstance, { db }: ApiDependencies): void {
  app.get(
    '/v1/usage',
    {
      config: { access: 'read' },
      schema: {
        tags: ['usage'],
        description: `Tokens and cost of the caller's tenant's decision steps recorded in \`[since, until)\` (at most ${maxUsageRangeDays} days; defaults: the ${defaultRangeDays} days up to now), per agent, UTC day or model, in key order, with the total over the whole period. See docs/usage.md.`,
        querystring: z.strictObject({
          groupBy: z.enum(usageGroupings).describe('`agent`, `day` (UTC) or `model` (provider and model id)'),
          since: instant.optional().describe('Steps recorded at or after this time; default: 30 days before `until`'),
          until: instant.optional().describe('Steps recorded before this time; default: now'),
          cursor: z.string().max(1000).optional().describe('`nextCursor` of the previous page'),
          limit: integerText(1, 1000).default(100),
        }),
        response: { 200: usageReportSchema, ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request) => {
      const { groupBy, since, until, cursor, limit } = request.query;
      return usageReportOf(db, request.principal.tenantId, { groupBy, limit, cursor, ...periodOf(since, until) });
    },
  );
}
