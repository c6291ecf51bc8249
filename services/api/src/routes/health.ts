import { sql } from 'kysely';
import { z } from 'zod';
import type { ApiDependencies, ApiInstance } from '../app-types.ts';
import { problemResponses } from '../http/schemas.ts';
import { AppError } from '@agent-runtime/core';

const status = z.object({ status: z.literal('ok') });

/** Liveness (the process serves) and readiness (its database and Temporal answer). */
export function registerHealthRoutes(app: ApiInstance, { db, temporal }: ApiDependencies): void {
  app.get(
    '/healthz',
    { config: { access: 'public' }, schema: { tags: ['health'], response: { 200: status } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: { tags: ['health'], response: { 200: status, ...problemResponses(503) } },
    },
    async () => {
      const checks = await Promise.allSettled([
        sql`select 1`.execute(db),
        temporal.connection.workflowService.getSystemInfo({}),
      ]);
      const failed = ['database', 'temporal'].filter((_, index) => checks[index]?.status === 'rejected');
      if (failed.length > 0) {
        throw new AppError('dependency_unavailable', `not ready: ${failed.join(', ')} unavailable`, { failed });
      }
      return { status: 'ok' as const };
    },
  );
}
