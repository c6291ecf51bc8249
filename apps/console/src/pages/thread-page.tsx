import type { ThreadMessage } from '@agent-runtime/sdk';
import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { ErrorNote } from '../components/error-note.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { usePageList } from '../components/use-page-list.ts';
import { ApprovalCard } from '../runs/approval-card.tsx';
import { useSession } from '../session/session.tsx';
import { shortId } from '../components/format.ts';

/** Thread events after which its messages, runs or approvals have changed. */
const refreshingEvents = new Set([
  'run.started',
  'approval.requested',
  'approval.decided',
  'run.succeeded',
  'run.failed',
  'run.cancelled',
  'run.timed_out',
]);

/** The text the agent is writing now, per run, from the thread's live stream. */
function useStreamingText(threadId: string): string {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  useEffect(() => {
    const abort = new AbortController();
    let pending = '';
    let frame: number | undefined;
    void (async () => {
      try {
        for await (const event of client.threads.follow(threadId, { signal: abort.signal })) {
          if (event.type === 'model.delta') {
            pending += event.text;
            frame ??= requestAnimationFrame(() => {
              frame = undefined;
              setText(pending);
            });
          } else {
            if (event.type === 'model.started' || event.type === 'model.completed') {
              pending = '';
              setText('');
            }
            if (refreshingEvents.has(event.type)) {
              void queryClient.invalidateQueries({ queryKey: ['thread', threadId] });
            }
          }
        }
      } catch {
        // Aborted on leaving the page; the lists still show every message.
      }
    })();
    return () => {
      abort.abort();
      if (frame !== undefined) cancelAnimationFrame(frame);
    };
  }, [client, threadId, queryClient]);
  return text;
}

function MessageBubble({ entry, onFork }: { readonly entry: ThreadMessage; readonly onFork?: (seq: number) => void }) {
  const { message } = entry;
  const who = message.role === 'user' ? 'You' : message.role === 'assistant' ? 'Agent' : `Tool ${message.name}`;
  return (
    <li className={`bubble bubble-${message.role}`} data-seq={entry.seq}>
      <span className="who-label">{who}</span>
      <p>{message.content}</p>
      {message.role === 'assistant' &&
        message.toolCalls.map((call) => (
          <p key={call.id} className="tool-note">
            calls {call.name}
          </p>
        ))}
      {onFork && (
        <button type="button" className="link" onClick={() => onFork(entry.seq)}>
          Fork from here
          <span className="visually-hidden"> (message {entry.seq})</span>
        </button>
      )}
    </li>
  );
}

/** A thread as a chat: its messages, the reply streaming in, approvals inline, the next turn, fork. */
export function ThreadPage(): ReactNode {
  const { threadId } = useParams({ from: '/threads/$threadId' });
  const { client, canWrite } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const thread = useQuery({ queryKey: ['thread', threadId, 'record'], queryFn: () => client.threads.get(threadId) });
  const messages = usePageList(['thread', threadId, 'messages'], () => client.threads.messages(threadId), 1000);
  const runs = usePageList(['thread', threadId, 'runs'], () => client.threads.runs(threadId), 50);
  const agents = usePageList(['agents'], () => client.agents.list());
  const streaming = useStreamingText(threadId);
  const [agentId, setAgentId] = useState('');
  const [input, setInput] = useState('');
  const chosenAgent = agentId || runs.data?.[0]?.agentId || agents.data?.[0]?.id || '';
  const send = useMutation({
    mutationFn: () => client.threads.startRun(threadId, { agentId: chosenAgent, input }),
    onSuccess: () => {
      setInput('');
      void queryClient.invalidateQueries({ queryKey: ['thread', threadId] });
    },
  });
  const fork = useMutation({
    mutationFn: (seq: number) => client.threads.fork(threadId, { seq }),
    onSuccess: (forked) => void navigate({ to: '/threads/$threadId', params: { threadId: forked.id } }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (input.trim() !== '' && chosenAgent !== '') send.mutate();
  };
  const busy =
    thread.data?.status === 'busy' || runs.data?.some((run) => run.status === 'running' || run.status === 'queued');
  const waiting = (runs.data ?? []).filter((run) => run.pendingApprovals.length > 0);

  return (
    <>
      <h1>
        Thread <span className="mono">{shortId(threadId)}</span>{' '}
        {thread.data && <StatusBadge status={thread.data.status} />}
      </h1>
      {thread.data?.forkedFrom && (
        <p>
          Forked from{' '}
          <Link to="/threads/$threadId" params={{ threadId: thread.data.forkedFrom.threadId }}>
            {shortId(thread.data.forkedFrom.threadId)}
          </Link>{' '}
          at message {thread.data.forkedFrom.seq}
        </p>
      )}
      <ErrorNote error={thread.error ?? messages.error} />
      <ol className="chat" aria-label="Conversation" aria-live="polite">
        {messages.data?.map((entry) => (
          <MessageBubble
            key={entry.seq}
            entry={entry}
            {...(canWrite ? { onFork: (seq: number) => fork.mutate(seq) } : {})}
          />
        ))}
        {streaming !== '' && (
          <li className="bubble bubble-assistant streaming" aria-busy="true">
            <span className="who-label">Agent</span>
            <p>{streaming}</p>
          </li>
        )}
      </ol>
      {waiting.map((run) =>
        run.pendingApprovals.map((approval) => <ApprovalCard key={approval.id} runId={run.id} approval={approval} />),
      )}
      {canWrite && (
        <form onSubmit={submit} className="chat-form">
          <label>
            Agent
            <select value={chosenAgent} onChange={(event) => setAgentId(event.target.value)}>
              {agents.data?.map((agent) => (
                <option key={agent.id} value={agent.id}>
                  {agent.name}
                </option>
              ))}
            </select>
          </label>
          <label htmlFor="chat-input">Message</label>
          <textarea id="chat-input" rows={2} value={input} onChange={(event) => setInput(event.target.value)} />
          <button type="submit" className="primary" disabled={send.isPending || busy === true}>
            Send
          </button>
          <ErrorNote error={send.error ?? fork.error} />
        </form>
      )}
      <h2>Turns</h2>
      <ul>
        {runs.data?.map((run) => (
          <li key={run.id}>
            <Link to="/runs/$runId" params={{ runId: run.id }} className="mono">
              {shortId(run.id)}
            </Link>{' '}
            <StatusBadge status={run.status} />
          </li>
        ))}
      </ul>
    </>
  );
}
