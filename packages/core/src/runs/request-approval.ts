import { announceRunChange } from '../cache/run-cache.ts';
import { addPendingApproval } from '../db/repositories/approvals.ts';
import { approvalLinkDefaultSeconds } from '../callbacks/callback-links.ts';
import { maxCallbackTokenLength } from '../callbacks/callback-token.ts';
import type { Run } from '../domain/resources.ts';
import { admitRunsBestEffort } from './admit-runs.ts';
import type { RunServiceResources } from './run-service-resources.ts';

/** A tool call of a tenant's run that needs a person's decision before it runs. */
export interface ApprovalRequest {
  readonly tenantId: string;
  readonly runId: string;
  readonly step: number;
  /** Unique within the run (`<step>-<callId>`): the id a decision names. */
  readonly approvalId: string;
  readonly callId: string;
  readonly tool: string;
  readonly input: unknown;
  /** ISO time the approval expires, or null for never. */
  readonly expiresAt: string | null;
}

/**
 * Puts the approval on the run, which moves from `running` to `waiting`, with an
 * `approval.requested` event, atomically; makes the change known. A waiting run uses no
 * worker, so its slot goes to the tenant's next queued run at once (best effort: the
 * reconciler retries). Repeating it changes nothing.
 */
export async function requestApproval(resources: RunServiceResources, request: ApprovalRequest): Promise<Run> {
  const { tenantId, runId, step, approvalId, callId, tool, input, expiresAt } = request;
  const links = approvalLinksOf(resources, request);
  const change = await addPendingApproval(
    resources.db,
    tenantId,
    runId,
    { id: approvalId, step, callId, tool, input: input as never, requestedAt: new Date().toISOString(), expiresAt },
    {
      runId,
      type: 'approval.requested',
      step,
      data: { approvalId, callId, tool, input, expiresAt, ...(links === undefined ? {} : { links }) },
      dedupeKey: `approval.requested:${approvalId}`,
    },
  );
  await announceRunChange(resources, change);
  if (change.run.status === 'waiting') await admitRunsBestEffort(resources, change.run.tenantId);
  return change.run;
}

/**
 * The approve and reject links of an approval (docs/callbacks.md): single use, since the run
 * takes one decision; valid until the approval expires, or for a week when it never does.
 * None without a key to sign them.
 */
function approvalLinksOf(
  { callbackLinks }: RunServiceResources,
  { tenantId, runId, approvalId, expiresAt }: ApprovalRequest,
): { approve: string; reject: string; expiresAt: string } | undefined {
  if (!callbackLinks) return undefined;
  const until = expiresAt === null ? new Date(Date.now() + approvalLinkDefaultSeconds * 1000) : new Date(expiresAt);
  const tokenOf = (decision: 'approve' | 'reject') =>
    callbackLinks.tokens.sign({ kind: 'approval', tenantId, runId, approvalId, decision, expiresAt: until });
  const approve = tokenOf('approve');
  const reject = tokenOf('reject');
  // A model may choose a call id so long that its token would not fit a path: no links then.
  if (Math.max(approve.length, reject.length) > maxCallbackTokenLength) return undefined;
  return { approve: callbackLinks.urlOf(approve), reject: callbackLinks.urlOf(reject), expiresAt: until.toISOString() };
}
