import { isUuid, NotFoundError } from '@agent-runtime/core';
import { z } from 'zod';

/** A problem document (RFC 9457), as documented in the OpenAPI description. */
export const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().describe('Stable machine-readable error code'),
    detail: z.string(),
    instance: z.string(),
    requestId: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

/** The error responses a route documents, keyed by status. */
export function problemResponses(...statuses: number[]): Record<number, typeof problemSchema> {
  return Object.fromEntries(statuses.map((status) => [status, problemSchema]));
}

/** `?cursor=&limit=` of every list endpoint. */
export const pageQuery = {
  cursor: z.string().max(200).optional().describe('`nextCursor` of the previous page'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
};

/** A path id: any string, so that an id that cannot exist answers 404 rather than 422. */
export const pathId = z.string().max(100);

/** A path id that must be a UUID: anything else cannot exist, so it answers 404. */
export function existingId(kind: string, value: string): string {
  if (!isUuid(value)) throw new NotFoundError(kind, value);
  return value;
}
