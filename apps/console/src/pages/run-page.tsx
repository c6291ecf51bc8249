import { isTerminalStatus } from '@agent-runtime/sdk';
import { Link, useParams } from '@tanstack/react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { memo, useDeferredValue, useState, type FormEvent, type ReactNode } from 'react';
import { ErrorNote } from '../components/error-note.tsx';
import { formatCost, formatTime, shortId } from '../components/format.ts';
import { JsonBlock } from '../components/json-block.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { ApprovalCard } from '../runs/approval-card.tsx';
import { ArtifactList } from '../runs/artifact-list.tsx';
import type { RunTimeline } from '../runs/run-timeline.ts';
import { StepList } from '../runs/step-list.tsx';
import { useRunTimeline } from '../runs/use-run-timeline.ts';
import { Waterfall } from '../runs/waterfall.tsx';
import { useSession } from '../session/session.tsx';

/** Sends a user message into the running run. */
function MessageForm({ runId }: { readonly runId: string }) {
  const { client } = useSession();
  const [content, setContent] = useState('');
  const send = useMutation({
    mutationFn: () => client.messages.send(runId, content),
    onSuccess: () => setContent(''),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (content.trim() !== '') send.mutate();
  };
  return (
    <form onSubmit={submit} className="inline-form">
      <label htmlFor="run-message">Message to the run</label>
      <input id="run-message" value={content} onChange={(event) => setContent(event.target.value)} />
      <button type="submit" disabled={send.isPending}>
        Send
      </button>
      <ErrorNote error={send.error} />
    </form>
  );
}

/** The run's stored events, listed only while opened (a long run has thousands). */
const EventList = memo(function EventList({
  timeline,
}: {
  readonly timeline: RunTimeline;
  readonly spanVersion: number;
}) {
  const [open, setOpen] = useState(false);
  return (
    <details onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>{timeline.events.length} events</summary>
      {open && (
        <ol className="events">
          {timeline.events.map((event) => (
            <li key={event.seq}>
              <span className="mono">{event.seq}</span> {event.type} {event.step !== null && `(step ${event.step})`}
            </li>
          ))}
        </ol>
      )}
    </details>
  );
});

/** One run, live: status, usage and cost, approvals, its timeline of steps, the waterfall, artifacts. */
export function RunPage(): ReactNode {
  const { runId } = useParams({ from: '/runs/$runId' });
  const { client, canWrite } = useSession();
  const queryClient = useQueryClient();
  const run = useQuery({ queryKey: ['run', runId], queryFn: () => client.runs.get(runId) });
  const agentId = run.data?.agentId;
  const agent = useQuery({
    queryKey: ['agent', agentId],
    enabled: agentId !== undefined,
    queryFn: () => client.agents.get(agentId ?? ''),
  });
  const { timeline, live, error: streamError } = useRunTimeline(runId);
  // The waterfall and event list follow stored events in a render React may interrupt.
  const spanVersion = useDeferredValue(timeline.spanVersion);
  const cancel = useMutation({
    mutationFn: () => client.runs.cancel(runId),
    onSuccess: (cancelled) => queryClient.setQueryData(['run', runId], cancelled),
  });

  if (run.error) return <ErrorNote error={run.error} />;
  if (!run.data) return <p>Loading…</p>;
  const current = run.data;
  const ended = isTerminalStatus(current.status);
  const startedAt = Date.parse(current.startedAt ?? current.createdAt);
  return (
    <>
      <h1>
        Run <span className="mono">{shortId(current.id)}</span> <StatusBadge status={current.status} />
        {live && !ended && <span className="live">live</span>}
      </h1>
      <dl className="facts">
        <dt>Agent</dt>
        <dd>
          <Link to="/agents/$agentId" params={{ agentId: current.agentId }}>
            {agent.data?.name ?? shortId(current.agentId)}
          </Link>{' '}
          v{current.agentVersion}
        </dd>
        <dt>Created</dt>
        <dd>{formatTime(current.createdAt)}</dd>
        <dt>Ended</dt>
        <dd>{formatTime(current.endedAt)}</dd>
        {current.threadId && (
          <>
            <dt>Thread</dt>
            <dd>
              <Link to="/threads/$threadId" params={{ threadId: current.threadId }}>
                {shortId(current.threadId)}
              </Link>
            </dd>
          </>
        )}
        <dt>Usage</dt>
        <dd>
          {current.usage.steps} steps · {current.usage.modelCalls} model calls · {current.usage.toolCalls} tool calls ·{' '}
          {current.usage.inputTokens} in / {current.usage.outputTokens} out tokens
        </dd>
        <dt>Cost</dt>
        <dd>{formatCost(current.usage.costUsd)}</dd>
      </dl>
      {current.error && (
        <section className="card error-card" aria-labelledby="run-error">
          <h2 id="run-error">Error</h2>
          <p>
            <code>{current.error.code}</code>
            {current.error.step !== null && <> at step {current.error.step}</>}: {current.error.message}
          </p>
        </section>
      )}
      {canWrite && !ended && (
        <div className="actions">
          <button type="button" className="danger" disabled={cancel.isPending} onClick={() => cancel.mutate()}>
            Cancel run
          </button>
          <ErrorNote error={cancel.error} />
        </div>
      )}
      {current.pendingApprovals.length > 0 && (
        <section aria-labelledby="approvals-heading">
          <h2 id="approvals-heading">Waiting for approval</h2>
          {current.pendingApprovals.map((approval) => (
            <ApprovalCard key={approval.id} runId={runId} approval={approval} />
          ))}
        </section>
      )}
      {canWrite && !ended && <MessageForm runId={runId} />}
      <div className="columns">
        <section aria-labelledby="timeline-heading">
          <h2 id="timeline-heading">Timeline</h2>
          <ErrorNote error={streamError} />
          <StepList steps={timeline.steps} />
        </section>
        <section aria-labelledby="waterfall-heading">
          <h2 id="waterfall-heading">Waterfall</h2>
          <Waterfall timeline={timeline} startedAt={startedAt} spanVersion={spanVersion} />
        </section>
      </div>
      <section aria-labelledby="input-heading">
        <h2 id="input-heading">Input and output</h2>
        <JsonBlock value={current.input} label="Input" />
        {current.output !== null && <JsonBlock value={current.output} label="Output" />}
      </section>
      <section aria-labelledby="artifacts-heading">
        <h2 id="artifacts-heading">Artifacts</h2>
        <ArtifactList runId={runId} />
      </section>
      <section aria-labelledby="events-heading">
        <h2 id="events-heading">Events</h2>
        <EventList timeline={timeline} spanVersion={spanVersion} />
      </section>
    </>
  );
}
