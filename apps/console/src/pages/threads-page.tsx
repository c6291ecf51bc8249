import { Link, useNavigate } from '@tanstack/react-router';
import { useMutation } from '@tanstack/react-query';
import { ErrorNote } from '../components/error-note.tsx';
import { formatTime, shortId } from '../components/format.ts';
import { StatusBadge } from '../components/status-badge.tsx';
import { usePageList } from '../components/use-page-list.ts';
import { useSession } from '../session/session.tsx';

/** The tenant's threads (conversations), and a button to start one. */
export function ThreadsPage() {
  const { client, canWrite } = useSession();
  const navigate = useNavigate();
  const threads = usePageList(['threads'], () => client.threads.list(), 200, 5_000);
  const create = useMutation({
    mutationFn: () => client.threads.create({}),
    onSuccess: (thread) => void navigate({ to: '/threads/$threadId', params: { threadId: thread.id } }),
  });
  return (
    <>
      <h1>Threads</h1>
      {canWrite && (
        <p>
          <button type="button" className="primary" onClick={() => create.mutate()} disabled={create.isPending}>
            New thread
          </button>
        </p>
      )}
      <ErrorNote error={threads.error ?? create.error} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Thread</th>
              <th scope="col">Status</th>
              <th scope="col">Messages</th>
              <th scope="col">Forked from</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {threads.data?.map((thread) => (
              <tr key={thread.id}>
                <td>
                  <Link to="/threads/$threadId" params={{ threadId: thread.id }} className="mono">
                    {shortId(thread.id)}
                  </Link>
                </td>
                <td>
                  <StatusBadge status={thread.status} />
                </td>
                <td>{thread.messageCount}</td>
                <td>{thread.forkedFrom ? `${shortId(thread.forkedFrom.threadId)} @ ${thread.forkedFrom.seq}` : '—'}</td>
                <td>{formatTime(thread.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
