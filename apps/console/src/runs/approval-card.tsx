import type { PendingApproval } from '@agent-runtime/sdk';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorNote } from '../components/error-note.tsx';
import { JsonBlock } from '../components/json-block.tsx';
import { formatTime } from '../components/format.ts';
import { useSession } from '../session/session.tsx';

/** A tool call waiting for a decision: its input, and approve/reject with a comment for those who may. */
export function ApprovalCard({ runId, approval }: { readonly runId: string; readonly approval: PendingApproval }) {
  const { client, canWrite } = useSession();
  const queryClient = useQueryClient();
  const [comment, setComment] = useState('');
  const decide = useMutation({
    mutationFn: (decision: 'approve' | 'reject') =>
      client.approvals.decide(runId, approval.id, decision, comment.trim() === '' ? {} : { comment: comment.trim() }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['run', runId] });
      void queryClient.invalidateQueries({ queryKey: ['approvals'] });
    },
  });
  const commentId = `comment-${approval.id}`;
  return (
    <article className="card approval" aria-label={`Approval of ${approval.tool}`}>
      <h3>
        {approval.tool} <small>step {approval.step}</small>
      </h3>
      <p>
        Requested {formatTime(approval.requestedAt)}
        {approval.expiresAt && <> · expires {formatTime(approval.expiresAt)}</>}
      </p>
      <JsonBlock value={approval.input} label={`Input of ${approval.tool}`} />
      {canWrite && (
        <div className="decision">
          <label htmlFor={commentId}>Comment</label>
          <input id={commentId} value={comment} onChange={(event) => setComment(event.target.value)} />
          <button
            type="button"
            className="primary"
            disabled={decide.isPending}
            onClick={() => decide.mutate('approve')}
          >
            Approve
          </button>
          <button type="button" className="danger" disabled={decide.isPending} onClick={() => decide.mutate('reject')}>
            Reject
          </button>
        </div>
      )}
      <ErrorNote error={decide.error} />
    </article>
  );
}
