import type { ApprovalDecision, PendingApproval, Run } from '../api-types.ts';
import type { CallOptions } from '../client-options.ts';
import { apiPath, type Transport } from '../http/transport.ts';

/** Options of a decision: a comment, kept in the `approval.decided` event and the audit log. */
export interface DecisionOptions extends CallOptions {
  readonly comment?: string;
}

/** Human decisions on tool calls that wait for approval (`/v1/runs/{runId}/approvals`). */
export class ApprovalsResource {
  readonly #transport: Transport;

  /** @internal built by the client */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** The run's tool calls waiting for a decision now. */
  async pending(runId: string, options: CallOptions = {}): Promise<readonly PendingApproval[]> {
    const run = await this.#transport.json<Run>({
      method: 'GET',
      path: apiPath`/v1/runs/${runId}`,
      signal: options.signal,
    });
    return run.pendingApprovals;
  }

  /** Approves or rejects a pending call (409 `approval_not_pending` when it is not pending). */
  decide(
    runId: string,
    approvalId: string,
    decision: 'approve' | 'reject',
    options: DecisionOptions = {},
  ): Promise<ApprovalDecision> {
    return this.#transport.json({
      method: 'POST',
      path: apiPath`/v1/runs/${runId}/approvals/${approvalId}`,
      json: { decision, ...(options.comment === undefined ? {} : { comment: options.comment }) },
      signal: options.signal,
    });
  }

  /** Approves a pending call: the tool runs. */
  approve(runId: string, approvalId: string, options: DecisionOptions = {}): Promise<ApprovalDecision> {
    return this.decide(runId, approvalId, 'approve', options);
  }

  /** Rejects a pending call: the model gets the rejection (and the comment) instead of a result. */
  reject(runId: string, approvalId: string, options: DecisionOptions = {}): Promise<ApprovalDecision> {
    return this.decide(runId, approvalId, 'reject', options);
  }
}
