import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ErrorNote } from '../components/error-note.tsx';
import { formatTime } from '../components/format.ts';
import { usePageList } from '../components/use-page-list.ts';
import { useSession } from '../session/session.tsx';

const roles = ['viewer', 'developer', 'tenant-admin'] as const;

/** The tenant's API keys (tenant admins): create one (shown once), revoke. */
export function ApiKeysPage() {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const keys = usePageList(['api-keys'], () => client.apiKeys.list());
  const [name, setName] = useState('');
  const [role, setRole] = useState<(typeof roles)[number]>('viewer');
  const create = useMutation({
    mutationFn: () => client.apiKeys.create({ name, roles: [role] }),
    onSuccess: () => {
      setName('');
      void queryClient.invalidateQueries({ queryKey: ['api-keys'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (keyId: string) => client.apiKeys.revoke(keyId),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['api-keys'] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <>
      <h1>API keys</h1>
      <form onSubmit={submit} className="inline-form">
        <label htmlFor="key-name">Name</label>
        <input id="key-name" required value={name} onChange={(event) => setName(event.target.value)} />
        <label htmlFor="key-role">Role</label>
        <select id="key-role" value={role} onChange={(event) => setRole(event.target.value as (typeof roles)[number])}>
          {roles.map((entry) => (
            <option key={entry}>{entry}</option>
          ))}
        </select>
        <button type="submit" className="primary" disabled={create.isPending}>
          Create key
        </button>
      </form>
      {create.data && (
        <p role="status" className="card">
          The new key, shown only now: <code className="secret-value">{create.data.key}</code>
        </p>
      )}
      <ErrorNote error={keys.error ?? create.error ?? revoke.error} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Prefix</th>
              <th scope="col">Roles</th>
              <th scope="col">Last used</th>
              <th scope="col">State</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {keys.data?.map((key) => (
              <tr key={key.id}>
                <td>{key.name}</td>
                <td className="mono">{key.prefix}</td>
                <td>{key.roles.join(', ')}</td>
                <td>{formatTime(key.lastUsedAt)}</td>
                <td>{key.revokedAt ? `revoked ${formatTime(key.revokedAt)}` : 'active'}</td>
                <td>
                  {!key.revokedAt && (
                    <button type="button" className="danger" onClick={() => revoke.mutate(key.id)}>
                      Revoke<span className="visually-hidden"> {key.name}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
