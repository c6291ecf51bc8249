import type { LanggraphAgentSpec } from '@agent-runtime/core';
import type { RunnableConfig } from '@langchain/core/runnables';
import { Command, interrupt } from '@langchain/langgraph';
import type { BaseCheckpointSaver } from '@langchain/langgraph-checkpoint';
import { z } from 'zod';
import type { ConversationMessage, ToolCall } from '../../messages.ts';
import type { ToolOutcome } from '../../tools/tool.ts';
import { agentCodeFailure, AgentStepError } from '../agent-step-error.ts';
import { agentToolCallSchema, toAgentReply, type AgentReply } from '../agent-reply.ts';
import { AgentTextStream } from '../agent-text-stream.ts';
import { ModelTokenHandler } from './model-token-handler.ts';

/**
 * What the runtime needs of a compiled LangGraph graph (`new StateGraph(...).compile()`):
 * streaming from a checkpoint and reading the state a checkpoint holds.
 */
export interface LangGraphGraph {
  stream(input: unknown, options?: Partial<RunnableConfig> & Record<string, unknown>): Promise<AsyncIterable<unknown>>;
  getState(config: RunnableConfig): Promise<{ values: unknown; next: readonly string[]; config: RunnableConfig }>;
}

/** A tool call a graph node asks the runtime for; `id` defaults to one unique in the run. */
export interface LangGraphToolCall {
  readonly id?: string;
  readonly name: string;
  readonly arguments?: Record<string, unknown>;
}

/** The `interrupt()` value by which a node asks the runtime to run tool calls. */
const toolCallsInterruptKind = 'agent-runtime.tool_calls';

const toolCallsInterruptSchema = z.object({
  kind: z.literal(toolCallsInterruptKind),
  toolCalls: z
    .array(agentToolCallSchema.extend({ id: agentToolCallSchema.shape.id.optional() }))
    .min(1)
    .max(64),
});

/**
 * Inside a graph node: has the runtime run `calls` as durable tool steps (approvals, error
 * policies, timeouts) and returns their outcomes, in order. The super-step ends at this
 * call (LangGraph's `interrupt()`); once the tools ran, the next step resumes the node, which
 * runs again from its start and gets the outcomes here. Code before this call runs twice:
 * keep it free of side effects.
 */
export function callRuntimeTools(calls: readonly LangGraphToolCall[]): ToolOutcome[] {
  return interrupt<unknown, ToolOutcome[]>({ kind: toolCallsInterruptKind, toolCalls: calls });
}

/**
 * The state a LangGraph agent carries between steps: the checkpoint its last super-step ended
 * at, and the tool calls a node of it waits for.
 */
interface LangGraphStepState {
  readonly checkpointId: string;
  readonly toolCallIds?: readonly string[];
}

/** What one super-step of a LangGraph agent needs. */
export interface LangGraphStepContext {
  readonly runId: string;
  /** The step, from 1: names the tool calls its nodes ask for. */
  readonly step: number;
  /** The run's input: the graph's input at the first step. */
  readonly input: unknown;
  /** The conversation so far: holds the outcomes of the tool calls a node waits for. */
  readonly messages: readonly ConversationMessage[];
  /** What the previous step returned as `state`; undefined at the first step. */
  readonly state: unknown;
  /**
   * For a turn of a thread: the graph runs on the thread's id, and its first step goes on
   * from the checkpoint the thread's last kept turn ended at (`carriedState`).
   */
  readonly thread?: { readonly id: string; readonly carriedState: unknown } | undefined;
  /** Where the graph's checkpoints go: the runtime's database. */
  readonly checkpointer: BaseCheckpointSaver;
  readonly signal: AbortSignal;
  /** Receives the tokens of the chat models the super-step's nodes call, as they stream. @default none */
  readonly onTextDelta?: ((text: string) => void) | undefined;
}

// Pregel reads a checkpointer lent through this key before its own (as parents lend subgraphs
// theirs), so registered graphs need not be compiled with one.
const lentCheckpointerKey = '__pregel_checkpointer';

function stepStateOf(state: unknown): LangGraphStepState | undefined {
  const candidate = state as Partial<LangGraphStepState> | null | undefined;
  if (typeof candidate?.checkpointId !== 'string') return undefined;
  return {
    checkpointId: candidate.checkpointId,
    ...(Array.isArray(candidate.toolCallIds) ? { toolCallIds: candidate.toolCallIds } : {}),
  };
}

/** What the graph resumes with: the run's input, the outcomes a node waits for, or nothing. */
function graphInputOf(who: string, previous: LangGraphStepState | undefined, context: LangGraphStepContext): unknown {
  if (!previous) return context.input;
  if (!previous.toolCallIds) return null;
  const outcomes = previous.toolCallIds.map((id) => {
    const result = context.messages.findLast((message) => message.role === 'tool' && message.toolCallId === id);
    if (result?.role !== 'tool')
      throw new AgentStepError('agent_failed', `${who} waits for tool call "${id}", which has no result`);
    return JSON.parse(result.content) as ToolOutcome;
  });
  return new Command({ resume: outcomes });
}

/**
 * Runs exactly one super-step of a LangGraph graph on the run's thread (the run's id for a
 * run without one): from the run's input at the first step (on a thread, applied to the
 * checkpoint its last kept turn ended at), else from the checkpoint the previous step ended at (so a retried step runs
 * the same super-step again, from the same checkpoint), resuming a node that asked for tool
 * calls ({@link callRuntimeTools}) with their outcomes. The tokens of LangChain chat models
 * called inside its nodes stream to `context.onTextDelta` ({@link ModelTokenHandler}). The
 * reply's text is that streamed text, or, when no model streamed, the super-step's state
 * updates as JSON; its tool calls are those a node asked for; when the graph reached its end,
 * `final` is its state (or the `output` key of it).
 * @throws AgentStepError `agent_failed` when the graph throws (an `AgentStepError` a node
 *   throws passes through), `agent_response_invalid` for a malformed tool request, more than
 *   one in a super-step, or an output key missing from the final state
 */
export async function callLangGraphAgent(
  agent: LanggraphAgentSpec,
  graph: LangGraphGraph,
  context: LangGraphStepContext,
): Promise<AgentReply> {
  const who = `LangGraph graph "${agent.graph}"`;
  const previous = stepStateOf(context.state);
  const graphInput = graphInputOf(who, previous, context);
  const threadId = context.thread?.id ?? context.runId;
  // A turn's first step branches from where the thread's last kept turn ended, not from the
  // thread's newest checkpoint, which a rolled-back turn may have written.
  const from = previous ?? stepStateOf(context.thread?.carriedState);
  const configurable = {
    thread_id: threadId,
    checkpoint_ns: '',
    ...(from ? { checkpoint_id: from.checkpointId } : {}),
    [lentCheckpointerKey]: context.checkpointer,
  };
  const updates: Record<string, unknown>[] = [];
  const toolRequests: unknown[] = [];
  let foreignInterrupts = 0;
  const tokens = new AgentTextStream(who, context.onTextDelta);
  let snapshot: Awaited<ReturnType<LangGraphGraph['getState']>>;
  try {
    const stream = await graph.stream(graphInput, {
      configurable,
      streamMode: 'updates',
      // Stop after every super-step: each runtime step runs one, checkpointed.
      interruptAfter: '*',
      signal: context.signal,
      callbacks: [new ModelTokenHandler({ onToken: (token) => tokens.write(token) })],
    });
    for await (const chunk of stream) {
      const update = chunk as Record<string, unknown>;
      if (!('__interrupt__' in update)) {
        updates.push(update);
        continue;
      }
      for (const raised of update.__interrupt__ as { value?: unknown }[]) {
        const value = raised.value as { kind?: unknown } | undefined;
        if (value?.kind === toolCallsInterruptKind) toolRequests.push(value);
        else foreignInterrupts += 1;
      }
    }
    // The thread's latest checkpoint is the one this super-step just wrote.
    snapshot = await graph.getState({
      configurable: { thread_id: threadId, checkpoint_ns: '', [lentCheckpointerKey]: context.checkpointer },
    });
  } catch (error) {
    // A node may throw AgentStepError itself, e.g. `agent_unavailable` to ask for a retry.
    throw agentCodeFailure(who, error);
  } finally {
    tokens.close();
  }
  if (foreignInterrupts > 0) {
    // Resuming it would only interrupt again: nothing in the runtime answers it.
    throw new AgentStepError(
      'agent_response_invalid',
      `${who} called interrupt() with a value of its own; the runtime answers only callRuntimeTools (give the tool { "requiresApproval": true } for a human's decision)`,
    );
  }
  const checkpointId = snapshot.config.configurable?.checkpoint_id as string | undefined;
  if (!checkpointId) throw new AgentStepError('agent_failed', `${who} wrote no checkpoint`);
  const toolCalls = toolCallsOf(who, toolRequests, context.step);
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
  const state: LangGraphStepState =
    toolCalls.length > 0 ? { checkpointId, toolCallIds: toolCalls.map((call) => call.id) } : { checkpointId };
  const reply = toAgentReply(
    {
      // What streamed is what a client saw; a super-step without models says what it did.
      text: tokens.settle(tokens.text === '' ? JSON.stringify(updates) : undefined),
      toolCalls,
      hasFinal: finished,
      final,
      state,
      usage: undefined,
    },
    who,
  );
  return finished ? reply : { ...reply, continues: true };
}

/** The tool calls a super-step's nodes asked for; one request per super-step. */
function toolCallsOf(who: string, requests: readonly unknown[], step: number): ToolCall[] {
  if (requests.length === 0) return [];
  if (requests.length > 1) {
    throw new AgentStepError(
      'agent_response_invalid',
      `${who} asked for tools from ${requests.length} nodes of one super-step; at most one may`,
    );
  }
  const parsed = toolCallsInterruptSchema.safeParse(requests[0]);
  if (!parsed.success) {
    throw new AgentStepError('agent_response_invalid', `${who} asked for tools with ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data.toolCalls.map((call, index) => ({
    id: call.id ?? `langgraph-${step}-${index + 1}`,
    name: call.name,
    arguments: call.arguments,
  }));
}
