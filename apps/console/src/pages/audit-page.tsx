import { ErrorNote } from '../components/error-note.tsx';
import { formatTime, shortId } from '../components/format.ts';
import { usePageList } from '../components/use-page-list.ts';
import { useSession } from '../session/session.tsx';

/** The tenant's audit log, newest first: who did what to which object. */
export function AuditPage() {
  const { client } = useSession();
  const audit = usePageList(['audit'], () => client.audit.list(), 200);
  return (
    <>
      <h1>Audit log</h1>
      <ErrorNote error={audit.error} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
            </tr>
          </thead>
          <tbody>
            {audit.data?.map((entry) => (
              <tr key={entry.id}>
                <td>{formatTime(entry.occurredAt)}</td>
                <td>
                  {entry.actor.subject} <small>({entry.actor.kind})</small>
                </td>
                <td className="mono">{entry.action}</td>
                <td>
                  {entry.target.type} <span className="mono">{shortId(entry.target.id)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
