import { z } from 'zod';

const keptDays = (what: string) =>
  z
    .number()
    .int()
    .min(0)
    .max(36_500)
    .nullable()
    .describe(`${what}; 0 keeps them for ever, null follows the deployment's default`);

/**
 * How long a tenant keeps its objects, each in days; null follows the deployment's default
 * (`AR_RETENTION_*_DAYS`), 0 keeps them for ever. Applied by the scheduled retention pass
 * (docs/retention.md).
 */
export const tenantRetentionSchema = z
  .object({
    runsDays: keptDays(
      'Days a run is kept after it ended, with its events, tool calls, model step replies, approvals, artifacts and payload blobs',
    ),
    threadsDays: keptDays(
      'Days a thread is kept after its last activity (its newest run ended, or it was created or changed), with its messages and runs',
    ),
    artifactsDays: keptDays('Days an artifact is kept after it was stored; its run stays'),
    payloadsDays: keptDays(
      "Days the blob-stored large payloads of a run's workflow (claim check) are kept after the run ended; the run stays",
    ),
  })
  .meta({ id: 'TenantRetention' });

const effectiveDays = (what: string) =>
  z.number().int().min(1).nullable().describe(`${what} are kept this many days; null: for ever`);

/** What applies to a tenant: its own settings over the deployment's defaults. */
export const effectiveRetentionSchema = z
  .object({
    runsDays: effectiveDays('Ended runs'),
    threadsDays: effectiveDays('Idle threads'),
    artifactsDays: effectiveDays('Artifacts'),
    payloadsDays: effectiveDays('Payload blobs of ended runs'),
  })
  .meta({ id: 'EffectiveRetention' });

/** `GET /v1/retention`: the tenant's settings and what they come to. */
export const retentionSchema = z
  .object({ settings: tenantRetentionSchema, effective: effectiveRetentionSchema })
  .meta({ id: 'Retention' });

export type TenantRetention = z.infer<typeof tenantRetentionSchema>;
export type EffectiveRetention = z.infer<typeof effectiveRetentionSchema>;
export type Retention = z.infer<typeof retentionSchema>;

/** The deployment's defaults, in days; null (or 0) keeps for ever. */
export type RetentionDefaults = { readonly [Kind in keyof TenantRetention]: number | null };

/** A tenant's settings over the defaults: a tenant's null takes the default, 0 (either's) is for ever. */
export function effectiveRetention(settings: TenantRetention, defaults: RetentionDefaults): EffectiveRetention {
  const days = (kind: keyof TenantRetention) => (settings[kind] ?? defaults[kind]) || null;
  return {
    runsDays: days('runsDays'),
    threadsDays: days('threadsDays'),
    artifactsDays: days('artifactsDays'),
    payloadsDays: days('payloadsDays'),
  };
}
