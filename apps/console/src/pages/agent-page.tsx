import type { JsonValue } from '@agent-runtime/sdk';
import { useNavigate, useParams } from '@tanstack/react-router';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { ErrorNote } from '../components/error-note.tsx';
import { formatTime } from '../components/format.ts';
import { JsonBlock } from '../components/json-block.tsx';
import { diffLines } from '../components/line-diff.ts';
import { usePageList } from '../components/use-page-list.ts';
import { useSession } from '../session/session.tsx';

/** Starts a run of the agent: the input as text, or as JSON when it parses as an object. */
function StartRunForm({ agentId, version }: { readonly agentId: string; readonly version: number | undefined }) {
  const { client } = useSession();
  const navigate = useNavigate();
  const [input, setInput] = useState('');
  const start = useMutation({
    mutationFn: () => {
      let value: JsonValue = input;
      if (input.trim().startsWith('{')) value = JSON.parse(input) as JsonValue;
      return client.runs.create({ agentId, input: value, ...(version === undefined ? {} : { version }) });
    },
    onSuccess: ({ run }) => void navigate({ to: '/runs/$runId', params: { runId: run.id } }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    start.mutate();
  };
  return (
    <form onSubmit={submit} className="start-run">
      <h2>Start a run{version !== undefined && ` of version ${version}`}</h2>
      <label htmlFor="run-input">Input (text, or a JSON object)</label>
      <textarea id="run-input" rows={3} value={input} onChange={(event) => setInput(event.target.value)} />
      <button type="submit" className="primary" disabled={start.isPending}>
        Start run
      </button>
      <ErrorNote error={start.error} />
    </form>
  );
}

/** One agent: its versions, a spec viewer, a diff between two versions, and a form to start a run. */
export function AgentPage(): ReactNode {
  const { agentId } = useParams({ from: '/agents/$agentId' });
  const { client, canWrite } = useSession();
  const agent = useQuery({ queryKey: ['agent', agentId], queryFn: () => client.agents.get(agentId) });
  const versions = usePageList(['versions', agentId], () => client.versions.list(agentId));
  const [shown, setShown] = useState<number>();
  const [compared, setCompared] = useState<number>();
  const list = versions.data ?? [];
  const latest = list.reduce<number | undefined>((max, entry) => Math.max(max ?? 0, entry.version), undefined);
  const selected = list.find((entry) => entry.version === (shown ?? latest));
  const other = list.find((entry) => entry.version === compared);
  if (agent.error) return <ErrorNote error={agent.error} />;
  return (
    <>
      <h1>Agent {agent.data?.name}</h1>
      {agent.data?.description && <p>{agent.data.description}</p>}
      {canWrite && <StartRunForm agentId={agentId} version={selected?.version} />}
      <section aria-labelledby="versions-heading">
        <h2 id="versions-heading">Versions</h2>
        <ErrorNote error={versions.error} />
        <div className="filters">
          <label>
            Version
            <select value={selected?.version ?? ''} onChange={(event) => setShown(Number(event.target.value))}>
              {list.map((entry) => (
                <option key={entry.version} value={entry.version}>
                  v{entry.version} · {formatTime(entry.createdAt)}
                </option>
              ))}
            </select>
          </label>
          <label>
            Compare with
            <select
              value={compared ?? ''}
              onChange={(event) => setCompared(event.target.value === '' ? undefined : Number(event.target.value))}
            >
              <option value="">No comparison</option>
              {list.map((entry) => (
                <option key={entry.version} value={entry.version}>
                  v{entry.version}
                </option>
              ))}
            </select>
          </label>
        </div>
        {selected && !other && <JsonBlock value={selected.spec} label={`Spec of version ${selected.version}`} />}
        {selected && other && (
          <pre className="json diff" tabIndex={0} aria-label={`Changes from v${other.version} to v${selected.version}`}>
            {diffLines(JSON.stringify(other.spec, null, 2), JSON.stringify(selected.spec, null, 2)).map(
              (line, index) => (
                <span key={index} className={`diff-${line.kind}`}>
                  {line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '- ' : '  '}
                  {line.text}
                  {'\n'}
                </span>
              ),
            )}
          </pre>
        )}
      </section>
    </>
  );
}
