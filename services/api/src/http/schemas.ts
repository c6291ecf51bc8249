import { errorCodeDescriptions, isUuid, NotFoundError, type ErrorCode } from '@agent-runtime/core';
import { z } from 'zod';

const cataloguedCodes = Object.entries(errorCodeDescriptions).map(([code, description]) =>
  z.literal(code as ErrorCode).describe(description),
);

/**
 * An API error code as the document shows it: one `const` per catalogued code with its
 * description, so that generated clients (the SDK) get the closed union to branch on.
 */
export const apiErrorCodeSchema = z
  .union(cataloguedCodes as [(typeof cataloguedCodes)[number], ...(typeof cataloguedCodes)[number][]])
  .describe('Stable machine-readable error code; see docs/events.md')
  .meta({ id: 'ApiErrorCode' });

/** A problem document (RFC 9457), as documented in the OpenAPI description. */
export const problemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: apiErrorCodeSchema,
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

/**
 * An integer sent as text (query, path or header), documented as an integer: digits only,
 * so that "", " 5" or "1e3", which `Number()` would take, are refused as the document says.
 */
export function integerText(min: number, max: number) {
  return (
    z
      .string()
      .regex(/^-?[0-9]+$/, 'must be an integer')
      .transform(Number)
      .pipe(z.number().int().min(min).max(max))
      // The document shows the integer, not the text it travels as (undefined drops the pattern).
      .meta({ type: 'integer', minimum: min, maximum: max, pattern: undefined })
  );
}

/** `?cursor=&limit=` of every list endpoint. */
export const pageQuery = {
  cursor: z.string().max(200).optional().describe('`nextCursor` of the previous page'),
  limit: integerText(1, 100).default(20),
};

/** An agent version number in a path. */
export const versionParam = integerText(1, 2_147_483_647);

/** A path id: any string, so that an id that cannot exist answers 404 rather than 422. */
export const pathId = z.string().max(100);

/** A path id that must be a UUID: anything else cannot exist, so it answers 404. */
export function existingId(kind: string, value: string): string {
  if (!isUuid(value)) throw new NotFoundError(kind, value);
  return value;
}

/** `Idempotency-Key` of the requests that create a run (a new run, a replay). */
export const idempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, 'printable ASCII, 1 to 255 characters')
    .optional()
    .describe('Repeating a request with the same key returns the same run'),
});
