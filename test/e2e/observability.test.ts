import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openTestDatabase } from '../harness/databases.ts';
import { startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from '../harness/otlp-receiver.ts';

const attribute = (span: OtlpSpan, key: string): unknown => {
  const value = span.attributes.find((entry) => entry.key === key)?.value;
  return value === undefined ? undefined : Object.values(value)[0];
};

const secretPrompt = 'the launch code is swordfish-7731';

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

  const request = (method: string, route: string, body?: unknown) =>
    fetch(`${url}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
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
    created = await createWorker({ config, db: database.db, logger, blobs, bus, temporalAddress, telemetry });
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
    await rm(blobDir, { recursive: true, force: true });
  });

  it('traces a run from the API request to its model and tool calls, without prompt text by default', async () => {
    const agent = (await (await request('POST', '/v1/agents', { name: 'traced-agent' })).json()) as { id: string };
    const spec = {
      model: {
        provider: 'scripted',
        replies: [
          { text: 'calculating', toolCalls: [{ id: 'c1', name: 'calculator', arguments: { expression: '6 * 7' } }] },
          { text: 'The answer is 42.' },
        ],
      },
      tools: [{ name: 'calculator' }],
    };
    expect((await request('POST', `/v1/agents/${agent.id}/versions`, { spec })).status).toBe(201);
    const runResponse = await request('POST', '/v1/runs', { agentId: agent.id, input: secretPrompt });
    expect(runResponse.status).toBe(202);
    const run = (await runResponse.json()) as { id: string; tenantId: string };

    for (let waited = 0; ; waited += 100) {
      const status = ((await (await request('GET', `/v1/runs/${run.id}`)).json()) as { status: string }).status;
      if (status === 'succeeded') break;
      if (waited > 30_000) throw new Error(`run still ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The workflow's span ends with the workflow and reaches the exporter through a sink.
    const spanNamed = (name: string) => receiver.spans.find((span) => span.name === name);
    for (let waited = 0; !spanNamed('RunWorkflow:agentRun'); waited += 100) {
      if (waited > 15_000) throw new Error('the workflow span was not exported');
      await telemetry.tracing?.spanProcessor.forceFlush();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const requestSpan = receiver.spans.find(
      (span) => span.name === 'POST /v1/runs' && attribute(span, 'agent_runtime.run_id') === run.id,
    );
    expect(requestSpan).toBeDefined();
    const trace = receiver.spans.filter((span) => span.traceId === requestSpan?.traceId);
    // One trace: every span that names the run is in the request's trace.
    const runSpans = receiver.spans.filter((span) => attribute(span, 'agent_runtime.run_id') === run.id);
    expect(new Set(runSpans.map((span) => span.traceId))).toEqual(new Set([requestSpan?.traceId]));
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    const ancestorsOf = (span: OtlpSpan): string[] => {
      const names: string[] = [];
      for (let parent = byId.get(span.parentSpanId ?? ''); parent; parent = byId.get(parent.parentSpanId ?? '')) {
        names.push(parent.name);
      }
      return names;
    };

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
});
