import { Link } from '@tanstack/react-router';
import { ErrorNote } from '../components/error-note.tsx';
import { formatTime } from '../components/format.ts';
import { usePageList } from '../components/use-page-list.ts';
import { useSession } from '../session/session.tsx';

/** The tenant's agents. */
export function AgentsPage() {
  const { client } = useSession();
  const agents = usePageList(['agents'], () => client.agents.list());
  return (
    <>
      <h1>Agents</h1>
      <ErrorNote error={agents.error} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              <th scope="col">Latest version</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {agents.data?.map((agent) => (
              <tr key={agent.id}>
                <td>
                  <Link to="/agents/$agentId" params={{ agentId: agent.id }}>
                    {agent.name}
                  </Link>
                  {agent.archivedAt && ' (archived)'}
                </td>
                <td>{agent.description ?? ''}</td>
                <td>{agent.latestVersion ?? '—'}</td>
                <td>{formatTime(agent.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
