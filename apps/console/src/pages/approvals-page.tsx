import { Link } from '@tanstack/react-router';
import { ErrorNote } from '../components/error-note.tsx';
import { usePageList } from '../components/use-page-list.ts';
import { ApprovalCard } from '../runs/approval-card.tsx';
import { useSession } from '../session/session.tsx';
import { shortId } from '../components/format.ts';

/** Every tool call waiting for a decision, across the tenant's waiting runs. */
export function ApprovalsPage() {
  const { client } = useSession();
  const waiting = usePageList(['approvals'], () => client.runs.list({ status: 'waiting' }), 500, 3_000);
  const runs = (waiting.data ?? []).filter((run) => run.pendingApprovals.length > 0);
  return (
    <>
      <h1>Approvals</h1>
      <ErrorNote error={waiting.error} />
      {waiting.isSuccess && runs.length === 0 && <p>Nothing is waiting for a decision.</p>}
      {runs.map((run) => (
        <section key={run.id} aria-label={`Run ${shortId(run.id)}`}>
          <h2>
            Run{' '}
            <Link to="/runs/$runId" params={{ runId: run.id }} className="mono">
              {shortId(run.id)}
            </Link>
          </h2>
          {run.pendingApprovals.map((approval) => (
            <ApprovalCard key={approval.id} runId={run.id} approval={approval} />
          ))}
        </section>
      ))}
    </>
  );
}
