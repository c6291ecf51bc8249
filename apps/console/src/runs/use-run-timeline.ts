import { isTerminalEventType } from '@agent-runtime/sdk';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useSession } from '../session/session.tsx';
import { RunTimeline } from './run-timeline.ts';

/** Run events after which the run's own record (status, approvals, usage) has changed. */
const runChangingEvents = new Set([
  'run.started',
  'approval.requested',
  'approval.decided',
  'artifact.created',
  'model.completed',
]);

/**
 * Reads the run's stored events, then follows it over SSE (live events and text pieces), into a
 * {@link RunTimeline}, re-rendering at most once a frame however fast the events come, and
 * refreshes the run's record when an event changes it.
 */
export function useRunTimeline(runId: string): { timeline: RunTimeline; live: boolean; error: string | undefined } {
  const { client } = useSession();
  const queryClient = useQueryClient();
  const [timeline, setTimeline] = useState(() => new RunTimeline());
  const [, setVersion] = useState(0);
  const [live, setLive] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    const current = new RunTimeline();
    setTimeline(current);
    const abort = new AbortController();
    let frame: number | undefined;
    const render = () => {
      frame = undefined;
      setVersion(current.version);
    };
    setLive(true);
    void (async () => {
      try {
        // The stored events first, a thousand a request, shown in one render (a long run has
        // thousands); then live from the last of them, text pieces of a step in flight included.
        let after = 0;
        for await (const page of client.events.list(runId, { limit: 1000 }, { signal: abort.signal }).pages()) {
          for (const event of page.items) current.apply(event);
          after = page.items.at(-1)?.seq ?? after;
        }
        setVersion(current.version);
        for await (const event of client.runs.follow(runId, { signal: abort.signal, after })) {
          current.apply(event);
          frame ??= requestAnimationFrame(render);
          if (event.type !== 'model.delta' && (runChangingEvents.has(event.type) || isTerminalEventType(event.type))) {
            void queryClient.invalidateQueries({ queryKey: ['run', runId] });
            if (event.type === 'artifact.created')
              void queryClient.invalidateQueries({ queryKey: ['artifacts', runId] });
          }
        }
      } catch (caught) {
        if (!abort.signal.aborted) setError((caught as Error).message);
      } finally {
        if (!abort.signal.aborted) {
          setLive(false);
          setVersion(current.version + 1);
        }
      }
    })();
    return () => {
      abort.abort();
      if (frame !== undefined) cancelAnimationFrame(frame);
    };
  }, [client, runId, queryClient]);

  return { timeline, live, error };
}
