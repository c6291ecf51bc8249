import { z } from 'zod';
import { roles } from '../auth/principal.ts';
import { jsonValueSchema } from './resources.ts';

const timestamp = z.iso.datetime({ offset: true });

/** An API key as listed: everything but the secret, which is shown once at creation only. */
export const apiKeySchema = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid(),
    name: z.string(),
    prefix: z.string().describe('The `ar_<prefix>_` part of the key, to recognise it; not a secret'),
    roles: z.array(z.enum(roles)),
    createdAt: timestamp,
    createdBy: z.string().nullable().describe('Subject of who created it; null for the key seeded at first start'),
    expiresAt: timestamp.nullable(),
    lastUsedAt: timestamp.nullable().describe('Updated at most once a minute'),
    revokedAt: timestamp.nullable(),
  })
  .meta({ id: 'ApiKey' });

/** A key as created: the only answer that carries the plaintext `key`. */
export const createdApiKeySchema = apiKeySchema
  .extend({ key: z.string().describe('The key itself: shown this once, stored only hashed') })
  .meta({ id: 'CreatedApiKey' });

/** Kinds of actor an audit event names. */
export const auditActorKinds = ['api_key', 'user', 'system'] as const;

/** One entry of a tenant's append-only audit log. */
export const auditEventSchema = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid(),
    occurredAt: timestamp,
    actor: z.object({ subject: z.string(), kind: z.enum(auditActorKinds) }),
    action: z.string().describe('`<target type>.<verb>`, e.g. `run.cancelled`, `api_key.revoked`'),
    target: z.object({ type: z.string(), id: z.string() }),
    requestId: z.string().nullable(),
    details: z.record(z.string(), jsonValueSchema),
  })
  .meta({ id: 'AuditEvent' });

export type ApiKey = z.infer<typeof apiKeySchema>;
export type AuditActorKind = (typeof auditActorKinds)[number];
export type AuditEvent = z.infer<typeof auditEventSchema>;
