import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { builtinTools, callRuntimeTools, invokeTool, type AiSdkAgent } from '@agent-runtime/agents';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { Agent, tool as openAiAgentTool } from '@openai/agents';
import { OpenAIChatCompletionsModel } from '@openai/agents-openai';
import { tool, type ToolSet } from 'ai';
import OpenAI from 'openai';
import { z } from 'zod';
import type { BenchWorkerAgents } from './bench-runtime.ts';
import { echoLoopAgentName, echoLoopCodeAgent, echoLoopDecision, inlineToolContext } from './echo-loop-agent.ts';

/** The name the bench registers {@link echoLoopAiSdkAgent} under in its worker. */
export const echoLoopAiSdkAgentName = 'bench-ai-sdk-echo-loop';

/** The name the bench registers {@link echoLoopOpenAiAgent} under in its worker. */
export const echoLoopOpenAiAgentName = 'bench-openai-agents-echo-loop';

/** The name the bench registers {@link echoLoopGraph} under in its worker. */
export const echoLoopGraphName = 'bench-langgraph-echo-loop';

/** The name the bench registers {@link runtimeToolsEchoLoopGraph} under in its worker. */
export const runtimeToolsEchoLoopGraphName = 'bench-langgraph-runtime-tools';

/**
 * The `echo` tool as an AI SDK tool: the builtin's input schema, its `execute` the builtin
 * echo. The runtime runs it as a durable tool step; the direct loop lets the SDK run it.
 */
export const echoAiSdkTools: ToolSet = {
  echo: tool({
    description: builtinTools.echo.description,
    inputSchema: z.record(z.string(), z.unknown()),
    execute: async (input, { toolCallId }) => {
      const outcome = await invokeTool(builtinTools.echo, input, inlineToolContext(toolCallId));
      if (!outcome.ok) throw new Error(`echo failed: ${outcome.error.message}`);
      return outcome.output;
    },
  }),
};

/**
 * An AI SDK agent calling the OpenAI-compatible model server at `baseUrl` (whose answers the
 * bench scripts: an `echo` call per tool step, then a final text), with the `echo` tool.
 */
export function echoLoopAiSdkAgent(baseUrl: string): AiSdkAgent {
  const model = createOpenAICompatible({ name: 'openai-compatible', baseURL: baseUrl, includeUsage: true }).chatModel(
    'bench',
  );
  return { model, tools: echoAiSdkTools };
}

/**
 * An OpenAI Agents SDK agent calling the OpenAI-compatible model server at `baseUrl` through
 * chat completions (client retries off, as the runtime wants them), with the `echo` tool as
 * a function tool. Thrown errors are not turned into text for the model, so a failing echo
 * fails the measurement.
 */
export function echoLoopOpenAiAgent(baseUrl: string): Agent {
  const model = new OpenAIChatCompletionsModel(
    new OpenAI({ baseURL: baseUrl, apiKey: 'bench', maxRetries: 0 }),
    'bench',
  );
  const echo = openAiAgentTool({
    name: 'echo',
    description: builtinTools.echo.description,
    parameters: { type: 'object', properties: {}, additionalProperties: true, required: [] },
    strict: false,
    errorFunction: null,
    execute: async (input, _context, details) => {
      const outcome = await invokeTool(
        builtinTools.echo,
        typeof input === 'string' ? JSON.parse(input) : input,
        inlineToolContext(details?.toolCall?.callId ?? 'echo'),
      );
      if (!outcome.ok) throw new Error(`echo failed: ${outcome.error.message}`);
      return outcome.output;
    },
  });
  return new Agent({ name: 'bench-echo', model, tools: [echo] });
}

const EchoLoopState = Annotation.Root({
  toolSteps: Annotation<number>,
  /** Super-steps of `agent` so far. */
  step: Annotation<number>,
  echoed: Annotation<unknown>,
  final: Annotation<unknown>,
});

/**
 * The echo loop as a LangGraph graph: one node, `agent`, running once per super-step. It
 * makes {@link echoLoopDecision} for its super-step and, as LangGraph agents call tools in
 * their nodes, runs the builtin `echo` in the node; it loops until the decision is final. A
 * run of `{ toolSteps }` is `toolSteps + 1` super-steps, as many as the other adapters' steps.
 * Compile it bare for the worker (which lends its checkpointer), or with a checkpointer to
 * invoke it directly.
 */
export const echoLoopGraph = new StateGraph(EchoLoopState)
  .addNode('agent', async (state) => {
    const step = (state.step ?? 0) + 1;
    const decision = echoLoopDecision(step, { toolSteps: state.toolSteps });
    if (decision.final !== undefined) return { step, final: decision.final };
    let echoed: unknown;
    for (const call of decision.toolCalls ?? []) {
      echoed = await invokeTool(builtinTools.echo, call.arguments, inlineToolContext(`graph:${step}:${call.id}`));
    }
    return { step, echoed };
  })
  .addEdge(START, 'agent')
  .addConditionalEdges('agent', (state) => (state.final === undefined ? 'agent' : END));

/**
 * {@link echoLoopGraph} with its `echo` calls asked of the runtime ({@link callRuntimeTools}, a
 * LangGraph `interrupt()`): each call a durable tool step of the runtime, the node resumed with
 * its outcome. Each of the `toolSteps` super-steps that call `echo` is then two steps of the
 * runtime (up to the interrupt, then the resumed node), the final one a third: `2 × toolSteps + 1`.
 */
export const runtimeToolsEchoLoopGraph = new StateGraph(EchoLoopState)
  .addNode('agent', (state) => {
    const step = (state.step ?? 0) + 1;
    const decision = echoLoopDecision(step, { toolSteps: state.toolSteps });
    if (decision.final !== undefined) return { step, final: decision.final };
    const outcomes = callRuntimeTools(decision.toolCalls ?? []);
    return { step, echoed: outcomes.at(-1) };
  })
  .addEdge(START, 'agent')
  .addConditionalEdges('agent', (state) => (state.final === undefined ? 'agent' : END));

/**
 * The agents the bench's worker registers for the adapter overhead phase, one per framework
 * adapter, as `createWorker` takes them. `modelServerUrl`: the model server AI SDK agents call.
 */
export function echoLoopWorkerAgents(modelServerUrl: string): BenchWorkerAgents {
  return {
    agents: { [echoLoopAgentName]: echoLoopCodeAgent },
    aiSdkAgents: { [echoLoopAiSdkAgentName]: echoLoopAiSdkAgent(modelServerUrl) },
    openaiAgents: { [echoLoopOpenAiAgentName]: echoLoopOpenAiAgent(modelServerUrl) },
    graphs: {
      [echoLoopGraphName]: echoLoopGraph.compile(),
      [runtimeToolsEchoLoopGraphName]: runtimeToolsEchoLoopGraph.compile(),
    },
  };
}
