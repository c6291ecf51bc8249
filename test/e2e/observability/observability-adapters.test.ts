import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  attribute,
  clientSpanKind,
  internalSpanKind,
  secretPrompt,
  startOpenAiCompatibleServer,
  startTracedRuntime,
  usageOf,
  type OpenAiCompatibleServer,
  type OtlpSpan,
  type TracedRuntime,
} from '@agent-runtime/test-harness';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { AgentStepRequest, AiSdkAgent, CodeAgent } from '@agent-runtime/agents';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { Agent } from '@openai/agents';
import { OpenAIChatCompletionsModel } from '@openai/agents-openai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A code agent: asks for the calculator, then answers, reporting the tokens it used. */
const tracedCodeAgent: CodeAgent = ({ step }) =>
  step === 1
    ? { text: 'calculating', toolCalls: [{ id: 'c1', name: 'calculator', arguments: { expression: '6 * 7' } }] }
    : { text: 'The answer is 42.', final: { answer: 42 }, usage: { inputTokens: 12, outputTokens: 3 } };

/** The traced graph's state: a question, its word count, an answer. */
const Question = Annotation.Root({
  question: Annotation<string>,
  words: Annotation<number>,
  answer: Annotation<string>,
});

/** count → reply: two nodes, two super-steps, no model. */
const tracedGraph = new StateGraph(Question)
  .addNode('count', (state) => ({ words: state.question.split(' ').length }))
  .addNode('reply', (state) => ({ answer: `${state.words} words` }))
  .addEdge(START, 'count')
  .addEdge('count', 'reply')
  .addEdge('reply', END)
  .compile();

/** Reads a request's JSON body. */
async function jsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/**
 * An HTTP agent on loopback speaking agent-runtime.step/v1: asks for the calculator at step 1,
 * answers at step 2, reporting tokens at each.
 */
async function startHttpAgent(): Promise<Server> {
  const server = createServer((request, response) => {
    void (async () => {
      const { step } = (await jsonBody(request)) as AgentStepRequest;
      const answer =
        step === 1
          ? {
              actions: [{ type: 'tool_call', id: 'c1', name: 'calculator', arguments: { expression: '6 * 7' } }],
              usage: { inputTokens: 20, outputTokens: 4 },
            }
          : { actions: [{ type: 'text', text: 'The answer is 42.' }], usage: { inputTokens: 30, outputTokens: 5 } };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe('observability: decision-step spans and token metrics of each agent adapter', () => {
  let runtime: TracedRuntime;
  let modelServer: OpenAiCompatibleServer;
  let httpAgent: Server;

  beforeAll(async () => {
    modelServer = await startOpenAiCompatibleServer();
    httpAgent = await startHttpAgent();
    const tracedAiSdkAgent: AiSdkAgent = {
      model: createOpenAICompatible({ name: 'harness', baseURL: modelServer.baseUrl, includeUsage: true }).chatModel(
        'local-llama',
      ),
    };
    // An OpenAI Agents SDK triage agent handing off to a specialist, on the same model server.
    const openAiModel = new OpenAIChatCompletionsModel(
      new OpenAI({ baseURL: modelServer.baseUrl, apiKey: 'sk-local', maxRetries: 0 }),
      'local-llama',
    );
    const specialist = new Agent({ name: 'specialist', instructions: 'Answer math questions.', model: openAiModel });
    const triage = new Agent({ name: 'triage', instructions: 'Route.', model: openAiModel, handoffs: [specialist] });
    runtime = await startTracedRuntime({
      agents: { 'traced-code': tracedCodeAgent },
      aiSdkAgents: { 'traced-ai-sdk': tracedAiSdkAgent },
      openaiAgents: { 'traced-triage': triage },
      graphs: { 'traced-graph': tracedGraph },
    });
  });

  afterAll(async () => {
    await runtime.close();
    await modelServer.close();
    await new Promise((resolve) => httpAgent.close(resolve));
  });

  it("traces a code agent's steps as invoke_agent spans: agent name, reported tokens, no prompt text", async () => {
    const run = await runtime.startRun('traced-code-agent', {
      agent: { kind: 'code', name: 'traced-code' },
      tools: [{ name: 'calculator' }],
    });
    await runtime.waitForStatus(run.id, 'succeeded');
    const traced = await runtime.traceOfRun(run.id);

    const stepSpans = runtime.decisionStepSpans(run, traced, 'invoke_agent');
    expect(stepSpans.map((span) => attribute(span, 'agent_runtime.step')).map(Number)).toEqual([1, 2]);
    // The runtime made no model call of its own: no chat span in the run's trace.
    expect(traced.trace.filter((span) => attribute(span, 'gen_ai.operation.name') === 'chat')).toEqual([]);
    for (const span of stepSpans) {
      expect(span.name).toBe('invoke_agent traced-code');
      expect(attribute(span, 'gen_ai.agent.name')).toBe('traced-code');
      expect(attribute(span, 'gen_ai.provider.name')).toBe('code');
      expect(attribute(span, 'agent_runtime.agent_kind')).toBe('code');
      expect(attribute(span, 'gen_ai.request.model')).toBeUndefined();
      expect(span.status?.code ?? 0).not.toBe(2);
    }
    const [askingSpan, answeringSpan] = stepSpans as [OtlpSpan, OtlpSpan];
    // Tokens only where the agent reported them.
    expect(attribute(askingSpan, 'gen_ai.usage.input_tokens')).toBeUndefined();
    expect(attribute(askingSpan, 'gen_ai.response.finish_reasons')).toEqual({
      values: [{ stringValue: 'tool_calls' }],
    });
    expect(Number(attribute(answeringSpan, 'gen_ai.usage.input_tokens'))).toBe(12);
    expect(Number(attribute(answeringSpan, 'gen_ai.usage.output_tokens'))).toBe(3);
    expect(JSON.stringify(traced.trace)).not.toContain('swordfish');
    expect(attribute(answeringSpan, 'gen_ai.output.messages')).toBeUndefined();
  });

  it("traces an AI SDK agent's steps as chat spans named by its model, with the agent name and usage", async () => {
    modelServer.enqueue(
      {
        kind: 'reply',
        text: 'calculating',
        toolCalls: [{ id: 'c1', name: 'calculator', arguments: { expression: '6 * 7' } }],
        usage: { prompt: 30, completion: 7 },
      },
      { kind: 'reply', text: 'The answer is 42.', usage: { prompt: 45, completion: 6 } },
    );
    const run = await runtime.startRun('traced-ai-sdk-agent', {
      agent: { kind: 'ai-sdk', name: 'traced-ai-sdk' },
      tools: [{ name: 'calculator' }],
    });
    await runtime.waitForStatus(run.id, 'succeeded');
    const traced = await runtime.traceOfRun(run.id);

    const stepSpans = runtime.decisionStepSpans(run, traced, 'chat');
    expect(stepSpans.map((span) => attribute(span, 'agent_runtime.step')).map(Number)).toEqual([1, 2]);
    for (const span of stepSpans) {
      expect(span.name).toBe('chat local-llama');
      expect(attribute(span, 'gen_ai.request.model')).toBe('local-llama');
      // The AI SDK model's own provider id (`createOpenAICompatible({ name })`).
      expect(attribute(span, 'gen_ai.provider.name')).toBe('harness.chat');
      expect(attribute(span, 'gen_ai.agent.name')).toBe('traced-ai-sdk');
      expect(attribute(span, 'agent_runtime.agent_kind')).toBe('ai-sdk');
    }
    expect(stepSpans.map(usageOf)).toEqual([
      [30, 7],
      [45, 6],
    ]);
    const toolSpans = traced.trace.filter((span) => attribute(span, 'gen_ai.operation.name') === 'execute_tool');
    expect(toolSpans.map((span) => traced.ancestorsOf(span)[0])).toEqual(['RunActivity:toolStep']);
    expect(JSON.stringify(traced.trace)).not.toContain('swordfish');
    expect(attribute(stepSpans[0] as OtlpSpan, 'gen_ai.input.messages')).toBeUndefined();
  });

  it("traces an OpenAI agent's steps as chat spans named by the agent that answers each, across a handoff", async () => {
    modelServer.enqueue(
      {
        kind: 'reply',
        toolCalls: [{ id: 'h1', name: 'transfer_to_specialist', arguments: {} }],
        usage: { prompt: 20, completion: 3 },
      },
      { kind: 'reply', text: 'The answer is 42.', usage: { prompt: 35, completion: 6 } },
    );
    const { run, traced } = await runtime.runAndTrace('traced-openai-agent', {
      agent: { kind: 'openai-agents', name: 'traced-triage' },
    });

    const stepSpans = runtime.decisionStepSpans(run, traced, 'chat');
    expect(
      stepSpans.map((span) => [
        Number(attribute(span, 'agent_runtime.step')),
        span.name,
        attribute(span, 'gen_ai.agent.name'),
      ]),
    ).toEqual([
      [1, 'chat triage', 'triage'],
      [2, 'chat specialist', 'specialist'],
    ]);
    for (const span of stepSpans) {
      expect(span.kind).toBe(clientSpanKind);
      expect(attribute(span, 'gen_ai.provider.name')).toBe('openai-agents');
      expect(attribute(span, 'agent_runtime.agent_kind')).toBe('openai-agents');
      // The SDK's Model instances keep their model's name private.
      expect(attribute(span, 'gen_ai.request.model')).toBeUndefined();
    }
    expect(stepSpans.map(usageOf)).toEqual([
      [20, 3],
      [35, 6],
    ]);
    const handoffSpans = traced.trace.filter((span) => span.name === 'execute_tool transfer_to_specialist');
    expect(handoffSpans.map((span) => traced.ancestorsOf(span)[0])).toEqual(['RunActivity:toolStep']);
    expect(JSON.stringify(traced.trace)).not.toContain('swordfish');
  });

  it("traces an HTTP agent's steps as client invoke_agent spans naming its host and port", async () => {
    const { port } = httpAgent.address() as AddressInfo;
    const { run, traced } = await runtime.runAndTrace('traced-http-agent', {
      agent: { kind: 'http', url: `http://127.0.0.1:${port}/agent` },
      tools: [{ name: 'calculator' }],
    });

    const stepSpans = runtime.decisionStepSpans(run, traced, 'invoke_agent');
    expect(stepSpans.map((span) => attribute(span, 'agent_runtime.step')).map(Number)).toEqual([1, 2]);
    for (const span of stepSpans) {
      expect(span.name).toBe(`invoke_agent 127.0.0.1:${port}`);
      expect(span.kind).toBe(clientSpanKind);
      expect(attribute(span, 'gen_ai.agent.name')).toBe(`127.0.0.1:${port}`);
      expect(attribute(span, 'server.address')).toBe('127.0.0.1');
      expect(Number(attribute(span, 'server.port'))).toBe(port);
      expect(attribute(span, 'gen_ai.provider.name')).toBe('http');
      expect(attribute(span, 'agent_runtime.agent_kind')).toBe('http');
    }
    expect(stepSpans.map(usageOf)).toEqual([
      [20, 4],
      [30, 5],
    ]);
    expect(traced.trace.filter((span) => attribute(span, 'gen_ai.operation.name') === 'chat')).toEqual([]);
    expect(JSON.stringify(traced.trace)).not.toContain('swordfish');
  });

  it("traces a LangGraph graph's super-steps as internal invoke_agent spans named by the graph", async () => {
    const { run, traced } = await runtime.runAndTrace(
      'traced-langgraph-agent',
      { agent: { kind: 'langgraph', graph: 'traced-graph' } },
      { question: secretPrompt },
    );

    const stepSpans = runtime.decisionStepSpans(run, traced, 'invoke_agent');
    expect(stepSpans.map((span) => attribute(span, 'agent_runtime.step')).map(Number)).toEqual([1, 2]);
    for (const span of stepSpans) {
      expect(span.name).toBe('invoke_agent traced-graph');
      expect(span.kind).toBe(internalSpanKind);
      expect(attribute(span, 'gen_ai.agent.name')).toBe('traced-graph');
      expect(attribute(span, 'gen_ai.provider.name')).toBe('langgraph');
      expect(attribute(span, 'agent_runtime.agent_kind')).toBe('langgraph');
      expect(attribute(span, 'server.address')).toBeUndefined();
      // Its nodes called no model: no tokens to report.
      expect(attribute(span, 'gen_ai.usage.input_tokens')).toBeUndefined();
    }
    expect(JSON.stringify(traced.trace)).not.toContain('swordfish');
  });

  it('labels the token metric with the agent kind for adapters other than the builtin loop', async () => {
    const text = await (await fetch(`${runtime.url}/metrics`)).text();
    expect(text).toMatch(/^agent_runtime_model_tokens_total\{provider="code",direction="input"\} 12$/m);
    expect(text).toMatch(/^agent_runtime_model_tokens_total\{provider="ai-sdk",direction="input"\} 75$/m);
    expect(text).toMatch(/^agent_runtime_model_tokens_total\{provider="ai-sdk",direction="output"\} 13$/m);
    expect(text).toMatch(/^agent_runtime_model_tokens_total\{provider="openai-agents",direction="input"\} 55$/m);
    expect(text).toMatch(/^agent_runtime_model_tokens_total\{provider="http",direction="input"\} 50$/m);
    expect(text).not.toMatch(/provider="langgraph"/);
  });
});
