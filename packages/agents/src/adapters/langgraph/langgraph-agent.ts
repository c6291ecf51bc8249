import type { LanggraphAgentSpec } from '@agent-runtime/core';
import type { RunnableConfig } from '@langchain/core/runnables';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import { AgentStepError } from '../agent-step-error.ts';
import { toAgentReply, type AgentReply } from '../agent-step.ts';

/**
 * What the runtime needs of a compiled LangGraph graph (`new StateGraph(...).compile()`):
 * streaming from a checkpoint and reading the state a checkpoint holds.
 */
export interface LangGraphGraph {
  stream(input: unknown, options?: Partial<RunnableConfig> & Record<string, unknown>): Promise<AsyncIterable<unknown>>;
  getState(config: RunnableConfig): Promise<{ values: unknown; next: readonly string[]; config: RunnableConfig }>;
}

/** The state a LangGraph agent carries between steps: the checkpoint its last super-step ended at. */
interface LangGraphStepState {
  readonly checkpointId: string;
}

/** What one super-step of a LangGraph agent needs. */
export interface LangGraphStepContext {
  readonly runId: string;
  /** The run's input: the graph's input at the first step. */
  readonly input: unknown;
  /** What the previous step returned as `state`; undefined at the first step. */
  readonly state: unknown;
  /** Where the graph's checkpoints go: the runtime's database. */
  readonly checkpointer: BaseCheckpointSaver;
  readonly signal: AbortSignal;
}

// Pregel reads a checkpointer lent through this key before its own (as parents lend subgraphs
// theirs), so registered graphs need not be compiled with one.
const lentCheckpointerKey = '__pregel_checkpointer';

function checkpointIdOf(state: unknown): string | undefined {
  const id = (state as Partial<LangGraphStepState> | null | undefined)?.checkpointId;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Runs exactly one super-step of a LangGraph graph on thread `runId`: from the run's input at
 * the first step, else from the checkpoint the previous step ended at (so a retried step runs
 * the same super-step again, from the same checkpoint). The reply's text is the super-step's
 * state updates as JSON; when the graph reached its end, `final` is its state (or the
 * `output` key of it).
 * @throws AgentStepError `agent_failed` when the graph throws (an `AgentStepError` a node
 *   throws passes through), `agent_response_invalid` when the output key is missing from the
 *   final state
 */
export async function callLangGraphAgent(
  agent: LanggraphAgentSpec,
  graph: LangGraphGraph,
  context: LangGraphStepContext,
): Promise<AgentReply> {
  const who = `LangGraph graph "${agent.graph}"`;
  const from = checkpointIdOf(context.state);
  const configurable = {
    thread_id: context.runId,
    checkpoint_ns: '',
    ...(from ? { checkpoint_id: from } : {}),
    [lentCheckpointerKey]: context.checkpointer,
  };
  const updates: Record<string, unknown>[] = [];
  let snapshot: Awaited<ReturnType<LangGraphGraph['getState']>>;
  try {
    const stream = await graph.stream(from ? null : context.input, {
      configurable,
      streamMode: 'updates',
      // Stop after every super-step: each runtime step runs one, checkpointed.
      interruptAfter: '*',
      signal: context.signal,
    });
    for await (const chunk of stream) {
      const update = chunk as Record<string, unknown>;
      if (!('__interrupt__' in update)) updates.push(update);
    }
    // The thread's latest checkpoint is the one this super-step just wrote.
    snapshot = await graph.getState({
      configurable: { thread_id: context.runId, checkpoint_ns: '', [lentCheckpointerKey]: context.checkpointer },
    });
  } catch (error) {
    // A node may throw AgentStepError itself, e.g. `agent_unavailable` to ask for a retry.
    if (error instanceof AgentStepError) throw error;
    throw new AgentStepError(
      'agent_failed',
      `${who} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const checkpointId = snapshot.config.configurable?.checkpoint_id as string | undefined;
  if (!checkpointId) throw new AgentStepError('agent_failed', `${who} wrote no checkpoint`);
  const finished = snapshot.next.length === 0;
  let final: unknown;
  if (finished) {
    final = snapshot.values;
    if (agent.output !== undefined) {
      const values = snapshot.values as Record<string, unknown> | null;
      if (values === null || typeof values !== 'object' || !Object.hasOwn(values, agent.output)) {
        throw new AgentStepError('agent_response_invalid', `${who} ended without the output key "${agent.output}"`);
      }
      final = values[agent.output];
    }
  }
  const reply = toAgentReply(
    {
      text: JSON.stringify(updates),
      toolCalls: [],
      hasFinal: finished,
      final,
      state: { checkpointId } satisfies LangGraphStepState,
      usage: undefined,
    },
    who,
  );
  return finished ? reply : { ...reply, continues: true };
}
