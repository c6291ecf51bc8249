import { z } from 'zod';
import type { CallbackTokenClaims } from '../callbacks/callback-token.ts';
import { recordAuditEvent, type AuditActor } from '../db/repositories/audit-events.ts';
import { findApprovalDecision } from '../db/repositories/run-events.ts';
import { getRun } from '../db/repositories/runs.ts';
import { claimWaitpoint, findWaitpointOfToken } from '../db/repositories/waitpoints.ts';
import type { callbackLinkSchema } from '../domain/waitpoint.ts';
import { isTerminal } from '../domain/run-status.ts';
import { AppError } from '../errors.ts';
import { callbackCompletedSignal } from '../execution/agent-run-contract.ts';
import { decideApproval } from './decide-approval.ts';
import type { RunServiceResources } from './run-service-resources.ts';

/** A POST to a callback or approval link: the token in its path and its JSON body. */
export interface CallbackPost {
  readonly token: string;
  /** The parsed JSON body; undefined when the POST had none. */
  readonly body: unknown;
  readonly requestId?: string | undefined;
}

/** What a POST to a link did. */
export type CallbackPostResult =
  | { readonly kind: 'callback'; readonly runId: string; readonly waitpointId: string }
  | {
      readonly kind: 'approval';
      readonly runId: string;
      readonly approvalId: string;
      readonly decision: 'approve' | 'reject';
    };

/** The audit log's name for a link's holder: the token is the credential, no principal. */
export const callbackLinkActor: AuditActor = { subject: 'callback-link', kind: 'system' };

/** An approval link's optional body. */
const approvalLinkBodySchema = z.strictObject({ comment: z.string().max(10_000).optional() });

/** The claims of a token, or the error its refusal answers (401 bad signature, 410 expired). */
export function verifiedClaims(resources: RunServiceResources, token: string): CallbackTokenClaims {
  // Without a master key no token was ever signed here.
  const claims = resources.callbackLinks?.tokens.verify(token) ?? { refused: 'invalid' as const };
  if (!('refused' in claims)) return claims;
  if (claims.refused === 'expired') throw new AppError('callback_expired', 'the callback URL has expired');
  throw new AppError('callback_token_invalid', 'the callback token is not valid');
}

/**
 * Takes a POST to a link, whose token is its only credential. A callback link completes its
 * waitpoint with the body (one conditional update: used once, never after it expired or its
 * run ended), then wakes the run; an approval link decides its approval (the run's workflow
 * takes one decision per approval). A refusal changes nothing: 401 `callback_token_invalid`,
 * 410 `callback_used` or `callback_expired`. Audited as `callback-link`.
 */
export async function postCallback(resources: RunServiceResources, post: CallbackPost): Promise<CallbackPostResult> {
  const claims = verifiedClaims(resources, post.token);
  if (claims.kind === 'approval') return decideByLink(resources, claims, post);
  const claim = await claimWaitpoint(resources.db, claims.waitpointId, post.body);
  if (!claim.claimed) {
    if (claim.reason === 'used') throw new AppError('callback_used', 'the callback URL was already used');
    throw new AppError('callback_expired', 'the callback URL has expired, or its run has ended');
  }
  const { waitpoint } = claim;
  try {
    await resources.temporal.workflow.getHandle(waitpoint.run_id).signal(callbackCompletedSignal, waitpoint.id);
  } catch (error) {
    // The waitpoint is completed: the run reads it when its wait ends, at the latest at expiry.
    resources.logger.warn(
      { err: error, runId: waitpoint.run_id, waitpointId: waitpoint.id },
      'could not wake the run after its callback',
    );
  }
  await recordAuditEvent(resources.db, {
    tenantId: waitpoint.tenant_id,
    actor: callbackLinkActor,
    requestId: post.requestId,
    action: 'waitpoint.completed',
    target: { type: 'run', id: waitpoint.run_id },
    details: { waitpointId: waitpoint.id, tool: waitpoint.tool },
  });
  return { kind: 'callback', runId: waitpoint.run_id, waitpointId: waitpoint.id };
}

async function decideByLink(
  resources: RunServiceResources,
  claims: Extract<CallbackTokenClaims, { kind: 'approval' }>,
  post: CallbackPost,
): Promise<CallbackPostResult> {
  const body = approvalLinkBodySchema.safeParse(post.body ?? {});
  if (!body.success) {
    throw new AppError('validation_failed', 'an approval link takes no body, or `{ "comment": "…" }`', {
      errors: body.error.issues.map((issue) => ({ path: ['body', ...issue.path].join('.'), message: issue.message })),
    });
  }
  const { tenantId, runId, approvalId, decision } = claims;
  try {
    await decideApproval(
      resources,
      { tenantId, runId },
      { approvalId, decision, comment: body.data.comment },
      { tenantId, actor: callbackLinkActor, requestId: post.requestId },
    );
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === 'run_finished' || error.code === 'not_found') {
      throw new AppError('callback_expired', 'the run of this approval has ended');
    }
    if (error.code === 'approval_not_pending') {
      const step = Number.parseInt(approvalId, 10);
      const decided = await findApprovalDecision(resources.db, tenantId, runId, { step, approvalId });
      if (decided?.data.decision === 'expire') throw new AppError('callback_expired', 'the approval has expired');
      throw new AppError('callback_used', 'the approval was already decided');
    }
    throw error;
  }
  return { kind: 'approval', runId, approvalId, decision };
}

/**
 * What a link would do and whether a POST would still be taken, read only: GETs never
 * decide anything, since link scanners of mail and chat follow them.
 */
export async function describeCallbackLink(
  resources: RunServiceResources,
  token: string,
): Promise<z.infer<typeof callbackLinkSchema>> {
  const claims = verifiedClaims(resources, token);
  const expiresAt = claims.expiresAt.toISOString();
  if (claims.kind === 'callback') {
    const waitpoint = await findWaitpointOfToken(resources.db, claims.waitpointId);
    return { kind: 'callback', status: waitpoint?.status ?? 'expired', expiresAt };
  }
  const run = await getRun(resources.db, claims.tenantId, claims.runId).catch(() => undefined);
  const pending =
    run !== undefined &&
    !isTerminal(run.status) &&
    run.pendingApprovals.some((approval) => approval.id === claims.approvalId);
  return { kind: 'approval', status: pending ? 'pending' : 'decided', decision: claims.decision, expiresAt };
}
