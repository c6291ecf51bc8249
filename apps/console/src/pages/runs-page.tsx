import type { Run, RunStatus } from '@agent-runtime/sdk';
import { Link } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { ErrorNote } from '../components/error-note.tsx';
import { formatCost, formatTime, shortId } from '../components/format.ts';
import { StatusBadge } from '../components/status-badge.tsx';
import { usePageList } from '../components/use-page-list.ts';
import { useSession } from '../session/session.tsx';

const statuses: readonly RunStatus[] = [
  'queued',
  'running',
  'waiting',
  'succeeded',
  'failed',
  'cancelled',
  'timed_out',
];

/** How far back the time filter looks, in hours (0: no limit). */
const periods = [
  { hours: 0, label: 'Any time' },
  { hours: 1, label: 'Last hour' },
  { hours: 24, label: 'Last 24 hours' },
  { hours: 24 * 7, label: 'Last 7 days' },
] as const;

/** Does `metadata` hold every `key=value` of the filter (comma-separated)? */
function matchesMetadata(run: Run, filter: string): boolean {
  return filter
    .split(',')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '')
    .every((pair) => {
      const [key = '', value] = pair.split('=', 2);
      return value === undefined ? key.trim() in run.metadata : run.metadata[key.trim()] === value.trim();
    });
}

/** Runs of the tenant: counts by state, filters by agent, status, time and metadata; refreshed live. */
export function RunsPage() {
  const { client } = useSession();
  const [agentId, setAgentId] = useState('');
  const [status, setStatus] = useState<RunStatus | ''>('');
  const [hours, setHours] = useState(0);
  const [metadata, setMetadata] = useState('');
  const agents = usePageList(['agents'], () => client.agents.list());
  const runs = usePageList(
    ['runs', agentId, status],
    () => client.runs.list({ ...(agentId ? { agentId } : {}), ...(status ? { status } : {}) }),
    500,
    2_000,
  );
  const agentNames = useMemo(() => new Map(agents.data?.map((agent) => [agent.id, agent.name])), [agents.data]);
  const shown = useMemo(() => {
    const since = hours === 0 ? 0 : Date.now() - hours * 3_600_000;
    return (runs.data ?? []).filter((run) => Date.parse(run.createdAt) >= since && matchesMetadata(run, metadata));
  }, [runs.data, hours, metadata]);
  const usage = useMemo(
    () =>
      shown.reduce(
        (total, run) => ({
          costUsd: total.costUsd + run.usage.costUsd,
          tokens: total.tokens + run.usage.inputTokens + run.usage.outputTokens,
        }),
        { costUsd: 0, tokens: 0 },
      ),
    [shown],
  );
  const counts = useMemo(() => {
    const byStatus = new Map<string, number>();
    for (const run of shown) byStatus.set(run.status, (byStatus.get(run.status) ?? 0) + 1);
    return byStatus;
  }, [shown]);

  return (
    <>
      <h1>Runs</h1>
      <ul className="counts" aria-label="Runs by state">
        {statuses.map((state) => (
          <li key={state}>
            <StatusBadge status={state} /> <strong data-testid={`count-${state}`}>{counts.get(state) ?? 0}</strong>
          </li>
        ))}
      </ul>
      <p className="usage-total">
        Usage of these {shown.length} runs: {usage.tokens} tokens, {formatCost(usage.costUsd)}
      </p>
      <form className="filters" aria-label="Filter runs" onSubmit={(event) => event.preventDefault()}>
        <label>
          Agent
          <select value={agentId} onChange={(event) => setAgentId(event.target.value)}>
            <option value="">All agents</option>
            {agents.data?.map((agent) => (
              <option key={agent.id} value={agent.id}>
                {agent.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select value={status} onChange={(event) => setStatus(event.target.value as RunStatus | '')}>
            <option value="">Any status</option>
            {statuses.map((state) => (
              <option key={state} value={state}>
                {state}
              </option>
            ))}
          </select>
        </label>
        <label>
          Started
          <select value={hours} onChange={(event) => setHours(Number(event.target.value))}>
            {periods.map((period) => (
              <option key={period.hours} value={period.hours}>
                {period.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Metadata
          <input value={metadata} placeholder="key=value, …" onChange={(event) => setMetadata(event.target.value)} />
        </label>
      </form>
      <ErrorNote error={runs.error} />
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Runs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Agent</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Steps</th>
              <th scope="col">Cost</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((run) => (
              <tr key={run.id} data-run-id={run.id}>
                <td>
                  <Link to="/runs/$runId" params={{ runId: run.id }} className="mono">
                    {shortId(run.id)}
                  </Link>
                </td>
                <td>
                  {agentNames.get(run.agentId) ?? shortId(run.agentId)} v{run.agentVersion}
                </td>
                <td>
                  <StatusBadge status={run.status} />
                </td>
                <td>{formatTime(run.createdAt)}</td>
                <td>{run.usage.steps}</td>
                <td>{formatCost(run.usage.costUsd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {runs.isSuccess && shown.length === 0 && <p>No runs match.</p>}
      </div>
    </>
  );
}
