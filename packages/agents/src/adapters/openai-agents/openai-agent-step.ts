import {
  RunContext,
  type FunctionTool,
  type Model,
  type ModelProvider,
  type ModelRequest,
  type ModelSettings,
  type SerializedOutputType,
  type SerializedTool,
  type StreamEventResponseCompleted,
} from '@openai/agents-core';
import { isZodObject } from '@openai/agents-core/utils';
import { zodTextFormat } from 'openai/helpers/zod';
import type { ConversationMessage, ToolCall } from '../../messages.ts';
import { ModelCallError } from '../../models/model-call-error.ts';
import type { ModelCallContext, ModelToolDefinition } from '../../models/model-call.ts';
import { modelToolNamesOf, sanitizedToolName, type ModelToolNames } from '../../models/model-tool-names.ts';
import { toAgentReply, type AgentReply } from '../agent-reply.ts';
import { AgentTextStream } from '../agent-text-stream.ts';
import {
  agentConfigError,
  assertSupportedOpenAiAgent,
  currentOpenAiAgentName,
  openAiAgentGraphOf,
  openAiAgentNamed,
  type OpenAiAgent,
  type OpenAiAgentState,
} from './openai-agent-graph.ts';
import { toOpenAiAgentCallError, toOpenAiAgentSetupError } from './openai-agent-errors.ts';
import { toOpenAiAgentInput } from './openai-agent-input.ts';
import { withoutDialect } from './openai-agent-tools.ts';

/** What one model step of an OpenAI agent gets besides the model call's context. */
export interface OpenAiAgentStepRequest {
  /** The name the agent is registered under. */
  readonly name: string;
  /** The registered agent: the root of the handoff graph. */
  readonly agent: OpenAiAgent;
  /** Resolves an agent's `model` given by name; without one, such agents fail. */
  readonly modelProvider?: ModelProvider | undefined;
  /** The spec's `instructions`, used when the current agent has none. */
  readonly instructions?: string | undefined;
  readonly messages: readonly ConversationMessage[];
  /** What the previous step returned as `state`: the current agent. */
  readonly state: unknown;
  /**
   * The spec's tools as a model is told about them; offered next to the agent's own (an agent
   * tool or handoff whose name cleans up to the same provider-safe name wins).
   */
  readonly specTools: readonly ModelToolDefinition[];
}

/** The current agent's model: its `Model`, or its model name resolved by the provider. */
async function modelOf(agent: OpenAiAgent, provider: ModelProvider | undefined): Promise<Model> {
  if (typeof agent.model !== 'string') return agent.model;
  if (!provider) {
    throw agentConfigError(
      `OpenAI agent "${agent.name}" names its model ("${agent.model}"): give it a Model instance, or pass createWorker({ openaiAgentsModelProvider })`,
    );
  }
  return provider.getModel(agent.model === '' ? undefined : agent.model);
}

/** A function tool as the SDK serializes it for a model. */
function serializedFunctionTool(tool: FunctionTool, name: string): SerializedTool {
  return { type: 'function', name, description: tool.description, parameters: tool.parameters, strict: tool.strict };
}

/** A spec tool in the SDK's shape: not strict, since its schema was not written for strict mode. */
function serializedSpecTool(tool: ModelToolDefinition, name: string): SerializedTool {
  return {
    type: 'function',
    name,
    description: tool.description,
    // Without the dialect marker: some local servers reject unknown keywords.
    parameters: withoutDialect(tool.inputSchema) as FunctionTool['parameters'],
    strict: false,
  };
}

/** The agent's `outputType` as the SDK sends it: text, or a JSON Schema from zod or given as is. */
function serializedOutputTypeOf(agent: OpenAiAgent): SerializedOutputType {
  const outputType: unknown = agent.outputType;
  if (outputType === 'text') return 'text';
  if (isZodObject(outputType)) {
    const format = zodTextFormat(outputType as Parameters<typeof zodTextFormat>[0], 'output');
    return { type: 'json_schema', name: format.name, strict: format.strict ?? false, schema: format.schema as never };
  }
  if (
    outputType !== null &&
    typeof outputType === 'object' &&
    (outputType as { type?: unknown }).type === 'json_schema'
  ) {
    return outputType as SerializedOutputType;
  }
  throw agentConfigError(
    `OpenAI agent "${agent.name}" has an outputType the runtime cannot send: use a zod object or a JSON Schema definition`,
  );
}

/** The agent's model settings for this step, without the SDK's own retries (Temporal retries the step). */
function modelSettingsOf(agent: OpenAiAgent, messages: readonly ConversationMessage[]): ModelSettings {
  const settings: ModelSettings = { ...agent.modelSettings };
  delete settings.retry;
  // As the SDK does: once a tool ran, a forced tool choice is reset so the model can answer.
  if (agent.resetToolChoice && messages.at(-1)?.role === 'tool') delete settings.toolChoice;
  return settings;
}

function argumentsOf(json: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(json || '{}');
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Unparsable arguments: the tool step reports the missing fields back to the model.
  }
  return {};
}

/**
 * One streamed call of `model`, its text deltas written to `text` (which forwards them to the
 * step's `onTextDelta`), bounded by the step's model timeout. The SDK's client retries are
 * off: Temporal retries the step.
 * @returns the completed response
 * @throws ModelCallError for every model failure, and when the stream ends without a response
 * @throws the signal's reason when the run is cancelled
 */
async function streamResponse(
  model: Model,
  request: ModelRequest,
  context: ModelCallContext,
  text: AgentTextStream,
  label: string,
): Promise<StreamEventResponseCompleted['response']> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), context.timeoutMs);
  const signal = AbortSignal.any([context.signal, timeout.signal]);
  // The SDK's own models read `_internal` to turn their client's retries off.
  const streamed: ModelRequest = Object.assign({ ...request, signal }, { _internal: { runnerManagedRetry: true } });
  let completed: StreamEventResponseCompleted['response'] | undefined;
  let failure: unknown;
  try {
    for await (const event of model.getStreamedResponse(streamed)) {
      if (event.type === 'output_text_delta') text.write(event.delta);
      else if (event.type === 'response_done') completed = event.response;
    }
  } catch (error) {
    failure = error;
  } finally {
    clearTimeout(timer);
  }
  if (context.signal.aborted) throw context.signal.reason ?? new Error('the model call was cancelled');
  if (timeout.signal.aborted) {
    throw new ModelCallError(408, `${label} gave no complete answer within ${context.timeoutMs / 1000}s`);
  }
  if (failure !== undefined) throw toOpenAiAgentCallError(failure, label);
  if (!completed) {
    throw new ModelCallError(
      502,
      `${label} ended its answer without completing it`,
      undefined,
      'model_response_invalid',
    );
  }
  return completed;
}

/** What {@link replyOf} needs of the step besides the completed response. */
interface AnsweredStep {
  readonly agent: OpenAiAgent;
  readonly label: string;
  readonly names: ModelToolNames;
  readonly outputType: SerializedOutputType;
  /** The text that streamed; settled here. */
  readonly text: AgentTextStream;
}

/**
 * The step's reply from the completed response: its function calls as tool calls (declared
 * names), its text, and for an agent with an `outputType` and no tool calls the parsed final
 * output. The stored text is the joined deltas: refusal parts, which the SDK's models do not
 * stream as text deltas, are written after what streamed, and a model that streamed no text
 * has its text parts written as one delta.
 * @throws AgentStepError `agent_response_invalid` when more text streamed than a step may keep,
 *   or the response's text differs from what streamed; ModelCallError `model_response_invalid`
 *   when the output does not match the `outputType`
 */
function replyOf(completed: StreamEventResponseCompleted['response'], step: AnsweredStep): AgentReply {
  const { agent, label, names, outputType, text } = step;
  const toolCalls: ToolCall[] = [];
  const texts: string[] = [];
  const refusals: string[] = [];
  for (const item of completed.output) {
    if (item.type === 'function_call') {
      toolCalls.push({ id: item.callId, name: names.toDeclared(item.name), arguments: argumentsOf(item.arguments) });
    } else if (item.type === 'message' && item.role === 'assistant') {
      for (const part of item.content) {
        if (part.type === 'output_text') texts.push(part.text);
        else if (part.type === 'refusal') refusals.push(part.refusal);
      }
    }
  }
  const outputText = texts.join('');
  if (text.text === '') text.write(outputText);
  text.write(refusals.join(''));
  const replyText = text.settle(outputText + refusals.join(''));
  let final: unknown;
  const hasFinal = toolCalls.length === 0 && outputType !== 'text';
  if (hasFinal) {
    try {
      final = agent.processFinalOutput(replyText);
    } catch (error) {
      throw new ModelCallError(
        502,
        `${label} answered with output that does not match its outputType: ${error instanceof Error ? error.message : String(error)}`.slice(
          0,
          1000,
        ),
        undefined,
        'model_response_invalid',
      );
    }
  }
  const state: OpenAiAgentState = { agent: agent.name };
  const { usage } = completed;
  const reply = toAgentReply(
    {
      text: replyText,
      toolCalls,
      hasFinal,
      final,
      state,
      usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, totalTokens: usage.totalTokens },
    },
    label,
  );
  const details = Array.isArray(usage.inputTokensDetails) ? usage.inputTokensDetails[0] : usage.inputTokensDetails;
  const cached = details?.['cached_tokens'];
  return cached === undefined ? reply : { ...reply, usage: { ...reply.usage, cachedInputTokens: cached } };
}

/**
 * One model step of an OpenAI Agents SDK agent: exactly one call of the current agent's model
 * (streamed, its text deltas to `context.onTextDelta`), offered its function tools, its
 * handoffs and the spec's tools as the SDK serializes them. Function tool and handoff calls
 * come back as tool calls, each run as its own durable tool step; the current agent's name is
 * the step's state. Without tool calls, an agent with an `outputType` ends the run with the
 * parsed JSON as `final`.
 * @throws ModelCallError for every model failure; AgentStepError `agent_failed` (not retried)
 *   for an agent the runtime cannot run (unsupported features, no model provider, or its
 *   instructions, tools, handoffs or model provider throwing), `agent_response_invalid` for
 *   text over the step's limit or a response whose text contradicts what streamed
 * @throws the signal's reason when the run is cancelled
 */
export async function callOpenAiAgent(request: OpenAiAgentStepRequest, context: ModelCallContext): Promise<AgentReply> {
  const graph = openAiAgentGraphOf(request.agent);
  const agent = openAiAgentNamed(
    graph,
    currentOpenAiAgentName(graph, request.agent.name, request.state, request.messages),
  );
  assertSupportedOpenAiAgent(agent);
  const label = `OpenAI agent "${agent.name}"`;
  // The agent's own callbacks and the provider: what they throw no retry fixes.
  const setUp = async <T>(what: string, run: () => T | Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw toOpenAiAgentSetupError(error, label, what);
    }
  };
  const runContext = new RunContext({});
  const ownTools = (await setUp('getAllTools', () => agent.getAllTools(runContext))).filter(
    (tool): tool is FunctionTool => tool.type === 'function',
  );
  const handoffs = await setUp('getEnabledHandoffs', () => agent.getEnabledHandoffs(runContext));
  const ownNames = [...ownTools.map((tool) => tool.name), ...handoffs.map((handoff) => handoff.toolName)];
  const taken = new Set(ownNames.map(sanitizedToolName));
  const specTools = request.specTools.filter((tool) => !taken.has(sanitizedToolName(tool.name)));
  const names = modelToolNamesOf([...ownNames, ...specTools.map((tool) => tool.name)]);
  const model = await setUp('resolving its model', () => modelOf(agent, request.modelProvider));
  const outputType = await setUp('its outputType', () => serializedOutputTypeOf(agent));
  const systemInstructions =
    (await setUp('getSystemPrompt', () => agent.getSystemPrompt(runContext))) ?? request.instructions;
  const modelRequest: ModelRequest = {
    ...(systemInstructions ? { systemInstructions } : {}),
    input: toOpenAiAgentInput(request.messages, names),
    modelSettings: modelSettingsOf(agent, request.messages),
    tools: [
      ...ownTools.map((tool) => serializedFunctionTool(tool, names.toModel(tool.name))),
      ...specTools.map((tool) => serializedSpecTool(tool, names.toModel(tool.name))),
    ],
    outputType,
    handoffs: handoffs.map((handoff) => ({
      toolName: names.toModel(handoff.toolName),
      toolDescription: handoff.toolDescription,
      inputJsonSchema: handoff.inputJsonSchema,
      strictJsonSchema: handoff.strictJsonSchema,
    })),
    tracing: false,
  };
  const text = new AgentTextStream(label, context.onTextDelta);
  const completed = await streamResponse(model, modelRequest, context, text, label);
  return replyOf(completed, { agent, label, names, outputType, text });
}
