import { z } from 'zod';
import { runErrorCodeFamilies, runErrorCodes, type RunErrorCode } from './run-error-codes.ts';

const cataloguedCodes = Object.entries(runErrorCodes).map(([code, description]) =>
  z.literal(code).describe(description),
);

/**
 * A run error code as the API documents it: one `const` per catalogued code with its
 * description, and a pattern per family (`http_404`), so generated clients get the union.
 */
export const runErrorCodeSchema = z
  .union([
    ...cataloguedCodes,
    z
      .string()
      .regex(/^http_-?\d+$/)
      .describe(runErrorCodeFamilies['http_<status>']),
    z
      .string()
      .regex(/^mcp_http_-?\d+$/)
      .describe(runErrorCodeFamilies['mcp_http_<status>']),
  ])
  .describe('Stable machine-readable code of why a run failed; see docs/events.md')
  .meta({ id: 'RunErrorCode' }) as unknown as z.ZodType<RunErrorCode, RunErrorCode>;
