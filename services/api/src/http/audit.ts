import type { NewAuditEvent } from '@agent-runtime/core';
import type { FastifyRequest } from 'fastify';

/**
 * What every audit event of a request shares: the caller's tenant, the caller, and the
 * request id. API-key principals have `api-key:<id>` subjects; any other is a user (OIDC).
 */
export function auditedBy(request: FastifyRequest): Pick<NewAuditEvent, 'tenantId' | 'actor' | 'requestId'> {
  const { tenantId, subject } = request.principal;
  return {
    tenantId,
    actor: { subject, kind: subject.startsWith('api-key:') ? 'api_key' : 'user' },
    requestId: request.id,
  };
}
