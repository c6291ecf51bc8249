import { ApiError, type AgentRuntimeClient, type RunEventOf } from '@agent-runtime/sdk';
import type { CliContext } from '../cli-context.ts';
import { shortJson } from './format-json.ts';

/**
 * Asks the person at the terminal to approve or reject a tool call (a comment with a
 * rejection, optional with an approval) and sends the decision. A decision someone else made
 * first is no error: the follower sees it as the next event.
 */
export async function promptForApproval(
  context: CliContext,
  client: AgentRuntimeClient,
  runId: string,
  request: RunEventOf<'approval.requested'>['data'],
): Promise<void> {
  const { prompter, output } = context;
  const decision = await prompter.select(`Allow ${request.tool}(${shortJson(request.input, 80)})?`, [
    { value: 'approve', label: 'Approve', hint: 'the tool runs' },
    { value: 'reject', label: 'Reject', hint: 'the model is told why' },
  ]);
  const comment = await prompter.text(decision === 'reject' ? 'Why? (the model reads this)' : 'Comment (optional)', {
    optional: true,
  });
  try {
    await client.approvals.decide(runId, request.approvalId, decision, comment === '' ? {} : { comment });
  } catch (error) {
    if (error instanceof ApiError && error.code === 'approval_not_pending') {
      output.note('the approval was decided elsewhere or expired first');
      return;
    }
    throw error;
  }
}

/** Tells someone without a terminal prompt how to decide (a script, a pipe, `--json`). */
export function approvalInstructions(runId: string, approvalId: string): string {
  return `decide with: agent-runtime runs approve ${runId} ${approvalId} [--reject] [--comment …]`;
}
