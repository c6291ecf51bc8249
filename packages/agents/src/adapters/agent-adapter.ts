import type { AgentSpec, RunEventOf, toolPolicySchema } from '@agent-runtime/core';
import type { z } from 'zod';
import type { ConversationMessage, ToolCall } from '../messages.ts';
import type { ModelCallContext, ModelToolSources } from '../models/model-call.ts';
import type { Tool } from '../tools/tool.ts';
import type { AdapterContext } from './adapter-context.ts';
import type { AgentReply } from './agent-reply.ts';
import type { DecisionStepTarget } from './decision-step-target.ts';

/** The adapter kinds a spec's `agent` can name. */
export type AgentKind = AgentSpec['agent']['kind'];

/** A spec whose `agent` is of kind `K`. */
export type AgentSpecOf<K extends AgentKind> = AgentSpec & { readonly agent: Extract<AgentSpec['agent'], { kind: K }> };

/** One decision step as the worker hands it to an adapter. */
export interface DecisionStep extends ModelCallContext {
  readonly runId: string;
  /** The run's tenant: whatever the step keeps (LangGraph checkpoints) is kept under it. */
  readonly tenantId: string;
  /** The conversation so far: the input, earlier replies, tool results, user messages. */
  readonly messages: readonly ConversationMessage[];
  /** What the spec's tools look like, to tell a model or an agent about them. */
  readonly tools: ModelToolSources;
  /** The run's input; read only by adapters that hand it to their agent (code, HTTP, LangGraph). */
  readonly input: () => Promise<unknown>;
  /** The state the previous step returned; undefined at the first step. */
  readonly state: unknown;
  /**
   * For a turn of a thread: the thread, and what its last kept turn's adapter ended with
   * (undefined for nothing). `messages` then begins with the thread's earlier turns.
   */
  readonly thread?: { readonly id: string; readonly carriedState: unknown } | undefined;
}

/** What a step's recorded reply tells a tool step of it: its tool calls, and the state it ended in. */
export type RecordedModelStep = Pick<AgentReply, 'toolCalls' | 'state'>;

/** A tool call of a step, as an adapter looks it up among its agent's own tools. */
export interface OwnToolLookup {
  readonly call: ToolCall;
  /**
   * The recorded reply of the call's model step (recorded before its tool steps ran): read
   * only by adapters whose tools depend on the step's state.
   */
  readonly recordedStep: () => Promise<RecordedModelStep | undefined>;
}

/** The policy of one of an agent's own tools, by the name its calls use. */
export type OwnToolPolicy = { readonly name: string } & z.output<typeof toolPolicySchema>;

/** What `model.started` records of a step: the builtin model's provider, else the adapter kind. */
export type ModelStartedData = RunEventOf<'model.started'>['data'];

/**
 * One adapter kind (`spec.agent.kind`): everything the worker's activities need to run a
 * run's decision steps under it, whatever decides them. Each kind is one folder implementing
 * this interface, listed once in the registry (`agentAdapters`); the activities reach an
 * adapter only through `adapterOf(spec)`. Methods get the spec whose kind the adapter is.
 */
export interface AgentAdapter<K extends AgentKind = AgentKind> {
  readonly kind: K;

  /**
   * One decision step, its text streamed to `step.onTextDelta` as it comes.
   * @throws ModelCallError from a model call the runtime makes; AgentStepError from an
   *   agent's step (`agent_not_registered` when the worker lacks the registration it needs)
   */
  callStep(spec: AgentSpecOf<K>, step: DecisionStep, adapters: AdapterContext): Promise<AgentReply>;

  /**
   * What the step calls, for its span and metrics, known before it runs. Never throws: an
   * agent this worker did not register is described by its name alone.
   */
  describeStep(
    spec: AgentSpecOf<K>,
    step: Pick<DecisionStep, 'messages' | 'state'>,
    adapters: AdapterContext,
  ): DecisionStepTarget;

  /** Attempts of one step before a retryable failure fails the run; the workflow's policy caps the rest. */
  maxAttempts(spec: AgentSpecOf<K>): number;

  /** Policies of the agent's own tools (not the spec's), listed after the spec's tools at the run's start. */
  ownToolPolicies(spec: AgentSpecOf<K>): readonly OwnToolPolicy[];

  /**
   * The agent's own tool a call names, which comes before the spec's tools; undefined leaves
   * the call to the spec's tools.
   */
  ownTool(spec: AgentSpecOf<K>, lookup: OwnToolLookup, adapters: AdapterContext): Promise<Tool | undefined>;

  /** The data of the step's `model.started` event. */
  modelStartedData(spec: AgentSpecOf<K>): ModelStartedData;

  /** What the step's `model.completed` event records besides the reply (text, tool calls, usage, final). */
  modelCompletedData(spec: AgentSpecOf<K>, reply: AgentReply): Readonly<Record<string, unknown>>;
}
