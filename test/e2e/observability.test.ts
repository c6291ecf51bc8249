import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { AgentStepRequest, AiSdkAgent, CodeAgent } from '@agent-runtime/agents';
import { buildApp, type ApiInstance } from '@agent-runtime/api';
import {
  createDataConverter,
  createLogger,
  createTelemetry,
  InProcessRunEventBus,
  loadConfig,
  openBlobStore,
  seedDefaults,
  type DatabaseHandle,
  type Telemetry,
} from '@agent-runtime/core';
import { connectTemporalClient } from '@agent-runtime/embedded';
import { createWorker, type CreatedWorker } from '@agent-runtime/worker';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { Agent } from '@openai/agents';
import { OpenAIChatCompletionsModel } from '@openai/agents-openai';
import type { Client } from '@temporalio/client';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openTestDatabase } from '../harness/databases.ts';
import { startOpenAiCompatibleServer, type OpenAiCompatibleServer } from '../harness/openai-compatible-server.ts';
import { startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from '../harness/otlp-receiver.ts';

const attribute = (span: OtlpSpan, key: string): unknown => {
  const value = span.attributes.find((entry) => entry.key === key)?.value;
  return value === undefined ? undefined : Object.values(value)[0];
};

/** A span's reported tokens: input, output. */
const usageOf = (span: OtlpSpan): number[] =>
  [attribute(span, 'gen_ai.usage.input_tokens'), attribute(span, 'gen_ai.usage.output_tokens')].map(Number);

/** OTLP's `SPAN_KIND_INTERNAL` and `SPAN_KIND_CLIENT`. */
const internalSpanKind = 1;
const clientSpanKind = 3;

const secretPrompt = 'the launch code is swordfish-7731';

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

describe('observability: one trace per run over OTLP/HTTP, and /metrics', () => {
  let receiver: OtlpReceiver;
  let blobDir: string;
  let database: DatabaseHandle;
  let telemetry: Telemetry;
  let temporal: Client;
  let created: CreatedWorker;
  let workerDone: Promise<void>;
  let app: ApiInstance;
  let url: string;
  let apiKey: string;
  let bus: InProcessRunEventBus;
  let modelServer: OpenAiCompatibleServer;
  let httpAgent: Server;

  const request = (method: string, route: string, body?: unknown) =>
    fetch(`${url}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  /** Creates agent `name` with `spec` and starts a run of it with `input` (by default the secret prompt). */
  async function startRun(
    name: string,
    spec: unknown,
    input: unknown = secretPrompt,
  ): Promise<{ id: string; tenantId: string }> {
    const agent = (await (await request('POST', '/v1/agents', { name })).json()) as { id: string };
    expect((await request('POST', `/v1/agents/${agent.id}/versions`, { spec })).status).toBe(201);
    const runResponse = await request('POST', '/v1/runs', { agentId: agent.id, input });
    expect(runResponse.status).toBe(202);
    return (await runResponse.json()) as { id: string; tenantId: string };
  }

  async function waitForStatus(runId: string, expected: string): Promise<void> {
    for (let waited = 0; ; waited += 100) {
      const status = ((await (await request('GET', `/v1/runs/${runId}`)).json()) as { status: string }).status;
      if (status === expected) return;
      if (waited > 30_000) throw new Error(`run still ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * The spans of a finished run's trace, once its workflow span (which ends with the workflow
   * and reaches the exporter through a sink) was exported; and each span's ancestors' names,
   * nearest first.
   */
  async function traceOfRun(runId: string) {
    const requestSpanOf = () =>
      receiver.spans.find((span) => span.name === 'POST /v1/runs' && attribute(span, 'agent_runtime.run_id') === runId);
    const workflowSpanOf = () =>
      receiver.spans.find((span) => span.name === 'RunWorkflow:agentRun' && span.traceId === requestSpanOf()?.traceId);
    for (let waited = 0; !workflowSpanOf(); waited += 100) {
      if (waited > 15_000) throw new Error('the workflow span was not exported');
      await telemetry.tracing?.spanProcessor.forceFlush();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const requestSpan = requestSpanOf() as OtlpSpan;
    const trace = receiver.spans.filter((span) => span.traceId === requestSpan.traceId);
    // One trace: every span that names the run is in the request's trace.
    const runSpans = receiver.spans.filter((span) => attribute(span, 'agent_runtime.run_id') === runId);
    expect(new Set(runSpans.map((span) => span.traceId))).toEqual(new Set([requestSpan.traceId]));
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    const ancestorsOf = (span: OtlpSpan): string[] => {
      const names: string[] = [];
      for (let parent = byId.get(span.parentSpanId ?? ''); parent; parent = byId.get(parent.parentSpanId ?? '')) {
        names.push(parent.name);
      }
      return names;
    };
    return { trace, ancestorsOf };
  }

  /** Spans of a run's decision steps, in step order: under its `modelStep` activity, in the run's trace. */
  function decisionStepSpans(
    run: { id: string; tenantId: string },
    { trace, ancestorsOf }: Awaited<ReturnType<typeof traceOfRun>>,
    operation: string,
  ): OtlpSpan[] {
    const spans = trace
      .filter((span) => attribute(span, 'gen_ai.operation.name') === operation)
      .sort((a, b) => Number(attribute(a, 'agent_runtime.step')) - Number(attribute(b, 'agent_runtime.step')));
    for (const span of spans) {
      expect(ancestorsOf(span)[0]).toBe('RunActivity:modelStep');
      expect(ancestorsOf(span)).toEqual(
        expect.arrayContaining(['POST /v1/runs', 'StartWorkflow:agentRun', 'RunWorkflow:agentRun']),
      );
      expect(attribute(span, 'agent_runtime.run_id')).toBe(run.id);
      expect(attribute(span, 'agent_runtime.tenant_id')).toBe(run.tenantId);
    }
    return spans;
  }

  /** Starts a run of a new agent with `spec`, waits for it to succeed, and returns it with its trace. */
  async function runAndTrace(name: string, spec: unknown, input?: unknown) {
    const run = await startRun(name, spec, input);
    await waitForStatus(run.id, 'succeeded');
    return { run, traced: await traceOfRun(run.id) };
  }

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
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
    blobDir = await mkdtemp(path.join(tmpdir(), 'agent-runtime-blobs-'));
    const config = loadConfig({
      TEMPORAL_TASK_QUEUE: `test-${randomBytes(4).toString('hex')}`,
      AR_BLOB_DIR: blobDir,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Basic%20cGs6c2s=',
    });
    const logger = createLogger('warn', 'test');
    telemetry = createTelemetry(config, 'agent-runtime-test');
    database = await openTestDatabase('postgres');
    const seed = await seedDefaults(database.db, {});
    apiKey = seed.createdApiKey ?? '';
    const temporalAddress = inject('temporalAddress');
    const blobs = openBlobStore(config);
    const dataConverter = createDataConverter({ blobs, offloadThresholdBytes: config.AR_PAYLOAD_OFFLOAD_BYTES });
    temporal = await connectTemporalClient(temporalAddress, config.TEMPORAL_NAMESPACE, { dataConverter });
    bus = new InProcessRunEventBus({ logger });
    created = await createWorker({
      config,
      db: database.db,
      logger,
      blobs,
      bus,
      temporalAddress,
      telemetry,
      agents: { 'traced-code': tracedCodeAgent },
      aiSdkAgents: { 'traced-ai-sdk': tracedAiSdkAgent },
      openaiAgents: { 'traced-triage': triage },
      graphs: { 'traced-graph': tracedGraph },
    });
    workerDone = created.worker.run();
    app = await buildApp({ config, db: database.db, temporal, logger, bus, telemetry });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await app.close();
    created.worker.shutdown();
    await workerDone;
    await created.connection.close();
    await temporal.connection.close();
    await bus.close();
    await database.close();
    await telemetry.shutdown();
    await receiver.close();
    await modelServer.close();
    await new Promise((resolve) => httpAgent.close(resolve));
    await rm(blobDir, { recursive: true, force: true });
  });

  it('traces a run from the API request to its model and tool calls, without prompt text by default', async () => {
    const run = await startRun('traced-agent', {
      model: {
        provider: 'scripted',
        replies: [
          { text: 'calculating', toolCalls: [{ id: 'c1', name: 'calculator', arguments: { expression: '6 * 7' } }] },
          { text: 'The answer is 42.' },
        ],
      },
      tools: [{ name: 'calculator' }],
    });
    await waitForStatus(run.id, 'succeeded');
    const { trace, ancestorsOf } = await traceOfRun(run.id);

    const modelSpans = trace.filter((span) => attribute(span, 'gen_ai.operation.name') === 'chat');
    const toolSpans = trace.filter((span) => attribute(span, 'gen_ai.operation.name') === 'execute_tool');
    expect(modelSpans).toHaveLength(2);
    expect(toolSpans).toHaveLength(1);
    for (const span of [...modelSpans, ...toolSpans]) {
      expect(ancestorsOf(span)).toEqual(
        expect.arrayContaining(['POST /v1/runs', 'StartWorkflow:agentRun', 'RunWorkflow:agentRun']),
      );
      expect(attribute(span, 'agent_runtime.run_id')).toBe(run.id);
      expect(attribute(span, 'agent_runtime.tenant_id')).toBe(run.tenantId);
    }
    expect(ancestorsOf(modelSpans[0] as OtlpSpan)[0]).toBe('RunActivity:modelStep');
    expect(ancestorsOf(toolSpans[0] as OtlpSpan)[0]).toBe('RunActivity:toolStep');
    expect(modelSpans.map((span) => attribute(span, 'agent_runtime.step')).map(Number)).toEqual([1, 2]);
    const firstModelSpan = modelSpans[0] as OtlpSpan;
    expect(attribute(firstModelSpan, 'gen_ai.system')).toBe('scripted');
    expect(attribute(firstModelSpan, 'gen_ai.provider.name')).toBe('scripted');
    expect(attribute(firstModelSpan, 'gen_ai.request.model')).toBe('scripted');
    expect(attribute(firstModelSpan, 'agent_runtime.agent_kind')).toBe('builtin');
    // The scripted model reports no usage; a provider's counts land here the same way.
    expect(Number(attribute(firstModelSpan, 'gen_ai.usage.input_tokens'))).toBe(0);
    expect(Number(attribute(firstModelSpan, 'gen_ai.usage.output_tokens'))).toBe(0);
    const toolSpan = toolSpans[0] as OtlpSpan;
    expect(attribute(toolSpan, 'gen_ai.tool.name')).toBe('calculator');
    expect(attribute(toolSpan, 'gen_ai.tool.call.id')).toBe('c1');
    expect(receiver.authorizations).toContain('Basic cGs6c2s=');

    // OTEL_GENAI_CAPTURE_CONTENT defaults to off: no span of the run carries the prompt.
    expect(JSON.stringify(trace)).not.toContain('swordfish');
    expect(attribute(firstModelSpan, 'gen_ai.input.messages')).toBeUndefined();
  });

  it('serves Prometheus metrics: runs by state and step latencies', async () => {
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/^agent_runtime_runs\{status="succeeded"\} 1$/m);
    expect(text).toMatch(/^agent_runtime_runs\{status="running"\} 0$/m);
    expect(text).toMatch(/^agent_runtime_step_duration_seconds_count\{kind="model",outcome="ok"\} 2$/m);
    expect(text).toMatch(/^agent_runtime_step_duration_seconds_count\{kind="tool",outcome="ok"\} 1$/m);
    expect(text).toMatch(/^agent_runtime_model_tokens_total\{provider="scripted",direction="input"\} \d+$/m);
  });

  it("traces a code agent's steps as invoke_agent spans: agent name, reported tokens, no prompt text", async () => {
    const run = await startRun('traced-code-agent', {
      agent: { kind: 'code', name: 'traced-code' },
      tools: [{ name: 'calculator' }],
    });
    await waitForStatus(run.id, 'succeeded');
    const traced = await traceOfRun(run.id);

    const stepSpans = decisionStepSpans(run, traced, 'invoke_agent');
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
    const run = await startRun('traced-ai-sdk-agent', {
      agent: { kind: 'ai-sdk', name: 'traced-ai-sdk' },
      tools: [{ name: 'calculator' }],
    });
    await waitForStatus(run.id, 'succeeded');
    const traced = await traceOfRun(run.id);

    const stepSpans = decisionStepSpans(run, traced, 'chat');
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
    const { run, traced } = await runAndTrace('traced-openai-agent', {
      agent: { kind: 'openai-agents', name: 'traced-triage' },
    });

    const stepSpans = decisionStepSpans(run, traced, 'chat');
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
    const { run, traced } = await runAndTrace('traced-http-agent', {
      agent: { kind: 'http', url: `http://127.0.0.1:${port}/agent` },
      tools: [{ name: 'calculator' }],
    });

    const stepSpans = decisionStepSpans(run, traced, 'invoke_agent');
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
    const { run, traced } = await runAndTrace(
      'traced-langgraph-agent',
      { agent: { kind: 'langgraph', graph: 'traced-graph' } },
      { question: secretPrompt },
    );

    const stepSpans = decisionStepSpans(run, traced, 'invoke_agent');
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

  it('records a failed decision step on its span with the stable code as error.type', async () => {
    const run = await startRun('untraceable-agent', { agent: { kind: 'code', name: 'nobody' } });
    await waitForStatus(run.id, 'failed');
    const traced = await traceOfRun(run.id);

    const [failedSpan, ...others] = decisionStepSpans(run, traced, 'invoke_agent');
    expect(others).toEqual([]);
    expect(failedSpan?.name).toBe('invoke_agent nobody');
    expect(failedSpan?.status?.code).toBe(2);
    expect(attribute(failedSpan as OtlpSpan, 'error.type')).toBe('agent_not_registered');
  });

  it('labels the token metric with the agent kind for adapters other than the builtin loop', async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/^agent_runtime_model_tokens_total\{provider="code",direction="input"\} 12$/m);
    expect(text).toMatch(/^agent_runtime_model_tokens_total\{provider="ai-sdk",direction="input"\} 75$/m);
    expect(text).toMatch(/^agent_runtime_model_tokens_total\{provider="ai-sdk",direction="output"\} 13$/m);
    expect(text).toMatch(/^agent_runtime_model_tokens_total\{provider="openai-agents",direction="input"\} 55$/m);
    expect(text).toMatch(/^agent_runtime_model_tokens_total\{provider="http",direction="input"\} 50$/m);
    expect(text).not.toMatch(/provider="langgraph"/);
    expect(text).toMatch(/^agent_runtime_step_errors_total\{kind="model",code="agent_not_registered"\} 1$/m);
  });
});
