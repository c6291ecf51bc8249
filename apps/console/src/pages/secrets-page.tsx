import { ErrorNote } from '../components/error-note.tsx';
import { formatTime } from '../components/format.ts';
import { usePageList } from '../components/use-page-list.ts';
import { useSession } from '../session/session.tsx';

/** The tenant's secrets: names and versions only; values are write-only and never shown. */
export function SecretsPage() {
  const { client } = useSession();
  const secrets = usePageList(['secrets'], () => client.secrets.list());
  return (
    <>
      <h1>Secrets</h1>
      <p>Names only: a secret's value never leaves the API.</p>
      <ErrorNote error={secrets.error} />
      {secrets.isSuccess && secrets.data.length === 0 && <p>No secrets.</p>}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              <th scope="col">Version</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {secrets.data?.map((secret) => (
              <tr key={secret.id}>
                <td className="mono">{secret.name}</td>
                <td>{secret.description ?? ''}</td>
                <td>{secret.version}</td>
                <td>{formatTime(secret.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
