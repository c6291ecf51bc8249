import type { UsageGroup, UsageQuery, UsageReport } from '@agent-runtime/sdk';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorNote } from '../components/error-note.tsx';
import { formatCost } from '../components/format.ts';
import { useSession } from '../session/session.tsx';

type GroupBy = UsageQuery['groupBy'];

const groupings: readonly { readonly value: GroupBy; readonly label: string }[] = [
  { value: 'agent', label: 'Agent' },
  { value: 'day', label: 'Day (UTC)' },
  { value: 'model', label: 'Model' },
];

/** At most this many pages of groups are read (the total covers the whole period anyway). */
const maxPages = 20;

/** A UTC day (`YYYY-MM-DD`) `days` from today. */
function utcDay(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** The day after a `YYYY-MM-DD` day, at its UTC midnight: the exclusive end of a period ending that day. */
function dayAfter(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();
}

/** Every group of the report, page after page, with the first page's period and total. */
async function readReport(read: (cursor?: string) => Promise<UsageReport>): Promise<UsageReport> {
  const first = await read();
  const items: UsageGroup[] = [...first.items];
  let cursor = first.nextCursor;
  for (let page = 1; cursor !== null && page < maxPages; page++) {
    const next = await read(cursor);
    items.push(...next.items);
    cursor = next.nextCursor;
  }
  return { ...first, items, nextCursor: cursor };
}

/** How a group is named for people: the agent's name, the day or the model. */
function groupLabel(group: UsageGroup): string {
  if (group.agentId !== undefined) return group.agentName ?? `deleted agent ${group.agentId}`;
  if (group.day !== undefined) return group.day;
  if (group.provider !== undefined) return group.model ? `${group.provider}/${group.model}` : 'own models';
  return group.key;
}

/** The tenant's tokens and cost in a period, per agent, UTC day or model, with the total. */
export function UsagePage() {
  const { client } = useSession();
  const [groupBy, setGroupBy] = useState<GroupBy>('agent');
  const [from, setFrom] = useState(() => utcDay(-29));
  const [to, setTo] = useState(() => utcDay(0));
  const period = from && to && from <= to ? { since: `${from}T00:00:00.000Z`, until: dayAfter(to) } : undefined;
  const report = useQuery({
    queryKey: ['usage', groupBy, period?.since, period?.until],
    queryFn: () =>
      readReport((cursor) =>
        client.usage.report({ groupBy, ...period, ...(cursor === undefined ? {} : { cursor }), limit: 100 }),
      ),
    enabled: period !== undefined,
  });
  const total = report.data?.total;
  return (
    <>
      <h1>Usage</h1>
      <form className="filters" aria-label="Usage period and grouping" onSubmit={(event) => event.preventDefault()}>
        <label>
          Group by
          <select value={groupBy} onChange={(event) => setGroupBy(event.target.value as GroupBy)}>
            {groupings.map((grouping) => (
              <option key={grouping.value} value={grouping.value}>
                {grouping.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          From (UTC day)
          <input type="date" value={from} max={to} required onChange={(event) => setFrom(event.target.value)} />
        </label>
        <label>
          To (UTC day, included)
          <input type="date" value={to} min={from} required onChange={(event) => setTo(event.target.value)} />
        </label>
      </form>
      {period === undefined && <p role="alert">Choose a first day on or before the last.</p>}
      <ErrorNote error={report.error} />
      {report.data?.nextCursor && (
        <p>Only the first {report.data.items.length} groups are shown; the total is the whole period&apos;s.</p>
      )}
      <div className="table-wrap">
        <table className="numbers">
          <caption className="visually-hidden">Tokens and cost per {groupBy}</caption>
          <thead>
            <tr>
              <th scope="col">{groupings.find((grouping) => grouping.value === groupBy)?.label}</th>
              <th scope="col">Runs</th>
              <th scope="col">Steps</th>
              <th scope="col">Input tokens</th>
              <th scope="col">Output tokens</th>
              <th scope="col">Total tokens</th>
              <th scope="col">Cost</th>
            </tr>
          </thead>
          <tbody>
            {report.data?.items.map((group) => (
              <tr key={group.key}>
                <th scope="row">{groupLabel(group)}</th>
                <td>{group.runs}</td>
                <td>{group.steps}</td>
                <td>{group.inputTokens}</td>
                <td>{group.outputTokens}</td>
                <td>{group.totalTokens}</td>
                <td>{formatCost(group.costUsd)}</td>
              </tr>
            ))}
          </tbody>
          {total && (
            <tfoot>
              <tr data-testid="usage-total">
                <th scope="row">Total</th>
                <td>{total.runs}</td>
                <td>{total.steps}</td>
                <td>{total.inputTokens}</td>
                <td>{total.outputTokens}</td>
                <td>{total.totalTokens}</td>
                <td>{formatCost(total.costUsd)}</td>
              </tr>
            </tfoot>
          )}
        </table>
      </div>
    </>
  );
}
