import type { Agent, AgentVersion, Run, RunStatus, Thread } from '@agent-runtime/core';

/** LangGraph's run statuses. */
export type LangGraphRunStatus = 'pending' | 'running' | 'error' | 'success' | 'timeout' | 'interrupted';

const runStatusOf: Readonly<Record<RunStatus, LangGraphRunStatus>> = {
  queued: 'pending',
  running: 'running',
  // A run that waits for a human is, to a LangGraph client, a run that ended at an interrupt.
  waiting: 'interrupted',
  succeeded: 'success',
  failed: 'error',
  timed_out: 'timeout',
  cancelled: 'interrupted',
};

/** LangGraph's status of one of our runs. */
export function langGraphRunStatusOf(status: RunStatus): LangGraphRunStatus {
  return runStatusOf[status];
}

/** The graph id of an agent version: its LangGraph graph, or the agent's name for other kinds. */
export function graphIdOf(agent: Agent, version: AgentVersion | undefined): string {
  return version?.spec.agent.kind === 'langgraph' ? version.spec.agent.graph : agent.name;
}

/** An agent as a LangGraph assistant (assistant id = agent id, version = its latest version). */
export function assistantOf(agent: Agent, version: AgentVersion | undefined) {
  return {
    assistant_id: agent.id,
    graph_id: graphIdOf(agent, version),
    name: agent.name,
    description: agent.description,
    config: {},
    context: {},
    metadata: {},
    version: version?.version ?? 0,
    created_at: agent.createdAt,
    updated_at: version?.createdAt ?? agent.updatedAt,
  };
}

/** One version of an agent as a LangGraph assistant version. */
export function assistantVersionOf(agent: Agent, version: AgentVersion) {
  return {
    assistant_id: agent.id,
    graph_id: graphIdOf(agent, version),
    name: agent.name,
    description: agent.description,
    config: {},
    context: {},
    metadata: {},
    version: version.version,
    created_at: version.createdAt,
  };
}

/** LangGraph's thread statuses. */
const threadStatusOf = { idle: 'idle', busy: 'busy', waiting: 'interrupted', error: 'error' } as const;

/** A thread as LangGraph shows one, with its current values and pending interrupts. */
export function langGraphThreadOf(thread: Thread, values: unknown, interrupts: Record<string, unknown[]> = {}) {
  return {
    thread_id: thread.id,
    created_at: thread.createdAt,
    updated_at: thread.updatedAt,
    state_updated_at: thread.updatedAt,
    metadata: thread.metadata,
    status: threadStatusOf[thread.status],
    values,
    interrupts,
  };
}

/** A run as LangGraph shows one. */
export function langGraphRunOf(run: Run, multitaskStrategy: string | null = null) {
  return {
    run_id: run.id,
    thread_id: run.threadId,
    assistant_id: run.agentId,
    created_at: run.createdAt,
    updated_at: run.endedAt ?? run.startedAt ?? run.createdAt,
    status: langGraphRunStatusOf(run.status),
    metadata: run.metadata,
    kwargs: {},
    multitask_strategy: multitaskStrategy,
  };
}

/** Where a run's stream is read: the `Content-Location` LangGraph clients read the run id from. */
export function runLocationOf(prefix: string, run: Pick<Run, 'id' | 'threadId'>): string {
  return run.threadId === null ? `${prefix}/runs/${run.id}` : `${prefix}/threads/${run.threadId}/runs/${run.id}`;
}
