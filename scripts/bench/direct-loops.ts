import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import {
  agentStepProtocol,
  builtinTools,
  callCodeAgent,
  inputToUserMessage,
  invokeTool,
  scriptedModelReply,
  type AiSdkAgent,
  type CodeAgent,
  type ConversationMessage,
  type ToolCall,
} from '@agent-runtime/agents';
import { modelSpecSchema } from '@agent-runtime/core';
import { Command, INTERRUPT, isInterrupted, MemorySaver } from '@langchain/langgraph';
import { Runner, type Agent } from '@openai/agents';
import { isStepCount, jsonSchema, streamText, tool, type ModelMessage, type ToolSet } from 'ai';
import { echoInline, inlineToolContext, type EchoLoopInput } from './echo-loop-agent.ts';
import type { echoLoopGraph, runtimeToolsEchoLoopGraph } from './echo-loop-frameworks.ts';
import { toolLoopAgentSpec } from './scripted-agents.ts';

/**
 * One run of an agent driven in this process by a plain loop, no runtime: decide, run the
 * `echo` calls inline, decide again, until the final answer. Answers the loop's wall time.
 */
export type DirectLoop = (toolSteps: number) => Promise<number>;

async function timed(loop: () => Promise<void>): Promise<number> {
  const startedAt = performance.now();
  await loop();
  return performance.now() - startedAt;
}

/** The scripted model's replies, read step by step, the echo calls made inline. */
export const directScriptedLoop: DirectLoop = (toolSteps) => {
  const model = modelSpecSchema.parse(toolLoopAgentSpec(toolSteps).model);
  if (model.provider !== 'scripted') throw new Error('the tool-loop agent is scripted');
  return timed(async () => {
    const messages: ConversationMessage[] = [inputToUserMessage('go')];
    for (let step = 1; ; step += 1) {
      const reply = scriptedModelReply(model, step);
      if (reply.toolCalls.length === 0) return;
      await echoInline(messages, reply.text, reply.toolCalls, `direct:${step}`);
    }
  });
};

/** A code agent called step after step through `callCodeAgent` (its result checked as the worker does). */
export function directCodeLoop(agent: CodeAgent, name: string): DirectLoop {
  return (toolSteps) =>
    timed(async () => {
      const input: EchoLoopInput = { toolSteps };
      const messages: ConversationMessage[] = [inputToUserMessage(input)];
      const signal = new AbortController().signal;
      let state: unknown;
      for (let step = 1; ; step += 1) {
        const context = {
          runId: 'direct',
          step,
          attempt: 1,
          input,
          threadId: null,
          messages: [...messages],
          state,
          tools: [],
          signal,
        };
        const reply = await callCodeAgent(name, agent, context);
        if (reply.state !== undefined) state = reply.state;
        if ('final' in reply || reply.toolCalls.length === 0) return;
        await echoInline(messages, reply.text, reply.toolCalls, `direct:${step}`);
      }
    });
}

interface StepAnswer {
  readonly actions: readonly (
    | { readonly type: 'text'; readonly text: string }
    | ({ readonly type: 'tool_call' } & ToolCall)
    | { readonly type: 'final'; readonly output: unknown }
  )[];
  readonly state?: unknown;
}

/** The same HTTP agent called over HTTP with `agent-runtime.step/v1` bodies, one `/step` per decision. */
export function directHttpLoop(agentUrl: string): DirectLoop {
  const echoTool = builtinTools.echo;
  const tools = [{ name: echoTool.name, description: echoTool.description, inputSchema: echoTool.inputSchema }];
  return (toolSteps) =>
    timed(async () => {
      const input: EchoLoopInput = { toolSteps };
      const messages: ConversationMessage[] = [inputToUserMessage(input)];
      let state: unknown = null;
      for (let step = 1; ; step += 1) {
        const response = await fetch(`${agentUrl}/step`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            'idempotency-key': `direct:${step}`,
          },
          body: JSON.stringify({
            protocol: agentStepProtocol,
            runId: 'direct',
            step,
            attempt: 1,
            input,
            instructions: null,
            messages,
            state,
            tools,
          }),
        });
        if (!response.ok) throw new Error(`HTTP agent answered ${response.status} at step ${step}`);
        const answer = (await response.json()) as StepAnswer;
        if (answer.state !== undefined) state = answer.state;
        const calls = answer.actions.flatMap((action) =>
          action.type === 'tool_call' ? [{ id: action.id, name: action.name, arguments: action.arguments }] : [],
        );
        if (calls.length === 0) return;
        await echoInline(messages, '', calls, `direct:${step}`);
      }
    });
}

/**
 * The AI SDK on its own: `streamText` with an OpenAI-compatible provider model, one model call
 * per step (tools without `execute`, SDK retries off, as the runtime calls it), the echo calls
 * run inline and sent back as tool results. `beforeRun` scripts the model server's answers.
 */
export function directAiSdkLoop(baseUrl: string, beforeRun: (toolSteps: number) => void): DirectLoop {
  const model = createOpenAICompatible({ name: 'openai-compatible', baseURL: baseUrl, includeUsage: true }).chatModel(
    'bench',
  );
  const echoTool = builtinTools.echo;
  // The dialect marker is dropped, as the runtime drops it: some local servers reject it.
  const echoSchema = Object.fromEntries(Object.entries(echoTool.inputSchema).filter(([key]) => key !== '$schema'));
  const tools: ToolSet = Object.fromEntries([
    ['echo', tool({ description: echoTool.description, inputSchema: jsonSchema(echoSchema) })],
  ]);
  return (toolSteps) => {
    beforeRun(toolSteps);
    return timed(async () => {
      const messages: ModelMessage[] = [{ role: 'user', content: 'go' }];
      for (let step = 1; ; step += 1) {
        const result = streamText({ model, messages, tools, maxRetries: 0 });
        const calls: ToolCall[] = [];
        for await (const part of result.fullStream) {
          if (part.type === 'tool-call') {
            calls.push({ id: part.toolCallId, name: part.toolName, arguments: part.input as Record<string, unknown> });
          } else if (part.type === 'error') {
            throw part.error;
          }
        }
        if (calls.length === 0) return;
        messages.push({
          role: 'assistant',
          content: calls.map((call) => ({
            type: 'tool-call',
            toolCallId: call.id,
            toolName: call.name,
            input: call.arguments,
          })),
        });
        for (const call of calls) {
          const outcome = await echoTool.invoke(call.arguments, inlineToolContext(`direct:${step}:${call.id}`));
          messages.push({
            role: 'tool',
            content: [
              {
                type: 'tool-result',
                toolCallId: call.id,
                toolName: call.name,
                output: { type: 'text', value: JSON.stringify(outcome) },
              },
            ],
          });
        }
      }
    });
  };
}

/**
 * An AI SDK agent run by the SDK's own tool loop: one `streamText` with the agent's model and
 * tools (their `execute` run by the SDK), provider retries off as the runtime calls it,
 * stopping after `toolSteps + 1` model calls. `beforeRun` scripts the model server's answers.
 */
export function directAiSdkAgentLoop(agent: AiSdkAgent, beforeRun: (toolSteps: number) => void): DirectLoop {
  return (toolSteps) => {
    beforeRun(toolSteps);
    return timed(async () => {
      const result = streamText({
        model: agent.model,
        ...(agent.system === undefined ? {} : { system: agent.system }),
        ...(agent.tools === undefined ? {} : { tools: agent.tools }),
        messages: [{ role: 'user', content: 'go' }],
        maxRetries: 0,
        stopWhen: isStepCount(toolSteps + 1),
      });
      for await (const part of result.fullStream) {
        if (part.type === 'error') throw part.error;
        if (part.type === 'tool-error') throw part.error;
      }
      const steps = (await result.steps).length;
      if (steps !== toolSteps + 1) throw new Error(`the AI SDK loop took ${steps} steps, not ${toolSteps + 1}`);
    });
  };
}

/**
 * An OpenAI Agents SDK agent run by the SDK's own loop: a streamed `Runner.run` (tracing off,
 * as the runtime calls its model), the function tools run by the SDK, limited to
 * `toolSteps + 1` turns. `beforeRun` scripts the model server's answers.
 */
export function directOpenAiAgentLoop(agent: Agent, beforeRun: (toolSteps: number) => void): DirectLoop {
  const runner = new Runner({ tracingDisabled: true });
  return (toolSteps) => {
    beforeRun(toolSteps);
    return timed(async () => {
      const result = await runner.run(agent, 'go', { stream: true, maxTurns: toolSteps + 1 });
      for await (const event of result) void event;
      await result.completed;
      if (result.error) throw result.error;
      const calls = result.rawResponses.length;
      if (calls !== toolSteps + 1)
        throw new Error(`the Agents SDK loop made ${calls} model calls, not ${toolSteps + 1}`);
    });
  };
}

/**
 * A LangGraph graph run by `graph.invoke` on a thread of an in-memory checkpointer
 * (`MemorySaver`), each super-step checkpointed as LangGraph does in-process; the thread is
 * deleted after the timed part.
 */
export function directLangGraphLoop(graph: typeof echoLoopGraph): DirectLoop {
  const checkpointer = new MemorySaver();
  const compiled = graph.compile({ checkpointer });
  let runs = 0;
  return async (toolSteps) => {
    runs += 1;
    const threadId = `direct-${runs}`;
    let steps = 0;
    const wallMs = await timed(async () => {
      const state = await compiled.invoke(
        { toolSteps },
        { configurable: { thread_id: threadId }, recursionLimit: toolSteps + 10 },
      );
      steps = state.step;
    });
    await checkpointer.deleteThread(threadId);
    if (steps !== toolSteps + 1) throw new Error(`the graph ran ${steps} super-steps, not ${toolSteps + 1}`);
    return wallMs;
  };
}

/**
 * A LangGraph graph whose nodes ask for tool calls by `interrupt()` (`callRuntimeTools`), run
 * by `graph.invoke` on a `MemorySaver` thread: at each interrupt the calls run inline with the
 * builtin `echo`, and the graph is invoked again with `Command({ resume: outcomes })`, as an
 * application resumes a LangGraph interrupt.
 */
export function directLangGraphInterruptLoop(graph: typeof runtimeToolsEchoLoopGraph): DirectLoop {
  const checkpointer = new MemorySaver();
  const compiled = graph.compile({ checkpointer });
  let runs = 0;
  return async (toolSteps) => {
    runs += 1;
    const threadId = `direct-${runs}`;
    const config = { configurable: { thread_id: threadId }, recursionLimit: toolSteps + 10 };
    let steps = 0;
    const wallMs = await timed(async () => {
      let state = await compiled.invoke({ toolSteps }, config);
      while (isInterrupted<{ toolCalls: ToolCall[] }>(state)) {
        const calls = state[INTERRUPT].flatMap((raised) => raised.value?.toolCalls ?? []);
        const outcomes = [];
        for (const call of calls) {
          outcomes.push(await invokeTool(builtinTools.echo, call.arguments, inlineToolContext(`direct:${call.id}`)));
        }
        state = await compiled.invoke(new Command({ resume: outcomes }), config);
      }
      steps = state.step;
    });
    await checkpointer.deleteThread(threadId);
    if (steps !== toolSteps + 1) throw new Error(`the graph ran ${steps} super-steps, not ${toolSteps + 1}`);
    return wallMs;
  };
}
