import { getAgentVersion, listRunEvents, listRuns, type Database, type Run } from '@agent-runtime/core';
import type { Kysely } from 'kysely';
import { LangGraphRunTranslator, type LangGraphStreamEvent, type LangGraphStreamMode } from './langgraph-stream.ts';

/** Events read per query while replaying a run. */
const pageSize = 500;

/** The most runs of a thread its values are replayed from. */
const maxReplayedRuns = 500;

/** Whether a run's agent version is a LangGraph graph. */
export async function runsGraph(db: Kysely<Database>, run: Pick<Run, 'tenantId' | 'agentId' | 'agentVersion'>) {
  const version = await getAgentVersion(db, run.tenantId, run.agentId, run.agentVersion);
  return version.spec.agent.kind === 'langgraph';
}

/**
 * A translator fed with a run's stored events up to `upToSeq` (all of them by default), as a
 * stream of it would have been: its values, interrupts and end are then the run's at that point.
 */
export async function replayRun(
  db: Kysely<Database>,
  run: Run,
  options: {
    readonly initialValues: Record<string, unknown>;
    readonly streamModes?: readonly LangGraphStreamMode[];
    readonly upToSeq?: number;
    readonly graphAgent?: boolean;
    /** Receives the events of the run's start (its first values). */
    readonly onStart?: (events: readonly LangGraphStreamEvent[]) => void;
  },
): Promise<LangGraphRunTranslator> {
  const translator = new LangGraphRunTranslator({
    runId: run.id,
    graphAgent: options.graphAgent ?? (await runsGraph(db, run)),
    initialValues: options.initialValues,
    streamModes: options.streamModes ?? [],
  });
  const started = translator.start(run.input);
  options.onStart?.(started);
  const upTo = options.upToSeq ?? Number.POSITIVE_INFINITY;
  let after = 0;
  while (after < upTo) {
    const events = await listRunEvents(db, run.tenantId, run.id, { after, limit: pageSize });
    for (const event of events) {
      if (event.seq > upTo) return translator;
      translator.translate(event);
    }
    const last = events.at(-1);
    if (!last || events.length < pageSize) break;
    after = last.seq;
  }
  return translator;
}

/** A thread's state as LangGraph shows it: its values, what its newest run waits for, and that run. */
export interface ThreadValues {
  readonly values: Record<string, unknown>;
  readonly interrupts: readonly { id: string; value: unknown }[];
  readonly lastRun: Run | undefined;
  /** Every run replayed, oldest first. */
  readonly runs: readonly Run[];
}

/**
 * The thread's values before `beforeRunId` (or now): its runs replayed oldest first, each
 * from where the one before it left the values (a graph's final state, a conversation's
 * messages). Runs still queued have not changed them.
 */
export async function threadValues(
  db: Kysely<Database>,
  tenantId: string,
  threadId: string,
  beforeRunId?: string,
): Promise<ThreadValues> {
  const runs: Run[] = [];
  let cursor: string | undefined;
  do {
    const page = await listRuns(db, tenantId, { threadId, limit: 100, cursor });
    runs.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && runs.length < maxReplayedRuns);
  const ordered = runs
    .filter((run) => run.status !== 'queued' && (beforeRunId === undefined || run.id < beforeRunId))
    .reverse();
  let values: Record<string, unknown> = {};
  let interrupts: readonly { id: string; value: unknown }[] = [];
  const graphOf = new Map<string, boolean>();
  for (const run of ordered) {
    const key = `${run.agentId}/${run.agentVersion}`;
    let graphAgent = graphOf.get(key);
    if (graphAgent === undefined) {
      graphAgent = await runsGraph(db, run);
      graphOf.set(key, graphAgent);
    }
    const translator = await replayRun(db, run, { initialValues: values, graphAgent });
    values = translator.values;
    interrupts = translator.interrupts;
  }
  return { values, interrupts, lastRun: ordered.at(-1), runs: ordered };
}
