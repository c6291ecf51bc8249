import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '@agent-runtime/api';
import {
  createDataConverter,
  createTelemetry,
  InProcessRunEventBus,
  loadConfig,
  openBlobStore,
  seedDefaults,
} from '@agent-runtime/core';
import { connectTemporalClient } from '@agent-runtime/embedded';
import { createWorker, type WorkerDependencies } from '@agent-runtime/worker';
import { expect, inject } from 'vitest';
import { openTestDatabase } from './databases.ts';
import { startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from './otlp-receiver.ts';
import { testLogger } from './test-logs.ts';

/** The value of a span's attribute `key`, unwrapped from its OTLP `{ stringValue | intValue | … }`. */
export const attribute = (span: OtlpSpan, key: string): unknown => {
  const value = span.attributes.find((entry) => entry.key === key)?.value;
  return value === undefined ? undefined : Object.values(value)[0];
};

/** A span's reported tokens: input, output. */
export const usageOf = (span: OtlpSpan): number[] =>
  [attribute(span, 'gen_ai.usage.input_tokens'), attribute(span, 'gen_ai.usage.output_tokens')].map(Number);

/** OTLP's `SPAN_KIND_INTERNAL`. */
export const internalSpanKind = 1;
/** OTLP's `SPAN_KIND_CLIENT`. */
export const clientSpanKind = 3;

/** The default run input: a prompt no span may carry while content capture is off. */
export const secretPrompt = 'the launch code is swordfish-7731';

/** The agents, graphs and frameworks the traced worker registers. */
export type TracedRegistrations = Pick<WorkerDependencies, 'agents' | 'aiSdkAgents' | 'openaiAgents' | 'graphs'>;

/** A run as `POST /v1/runs` answers it. */
export interface StartedRun {
  readonly id: string;
  readonly tenantId: string;
}

/** The spans of one run's trace, and each span's ancestors' names, nearest first. */
export interface RunTrace {
  readonly trace: OtlpSpan[];
  ancestorsOf(span: OtlpSpan): string[];
}

/**
 * API + worker in this process exporting spans over OTLP/HTTP to a loopback receiver, on a
 * database of their own and the shared Temporal server.
 */
export interface TracedRuntime {
  /** Base URL of the listening API. */
  readonly url: string;
  readonly receiver: OtlpReceiver;
  /** Calls the API with the seeded admin key. */
  request(method: string, route: string, body?: unknown): Promise<Response>;
  /** Creates agent `name` with `spec` and starts a run of it with `input` (by default {@link secretPrompt}). */
  startRun(name: string, spec: unknown, input?: unknown): Promise<StartedRun>;
  /** Polls the run until its status is `expected` (for at most 30 s). */
  waitForStatus(runId: string, expected: string): Promise<void>;
  /**
   * The spans of a finished run's trace, once its workflow span (which ends with the workflow
   * and reaches the exporter through a sink) was exported. Checks that every span naming the
   * run is in the trace of its `POST /v1/runs` request.
   */
  traceOfRun(runId: string): Promise<RunTrace>;
  /**
   * Spans of a run's decision steps (`gen_ai.operation.name` = `operation`), in step order;
   * checks each is under its `modelStep` activity, in the run's trace, and names the run.
   */
  decisionStepSpans(run: StartedRun, traced: RunTrace, operation: string): OtlpSpan[];
  /** Starts a run of a new agent with `spec`, waits for it to succeed, and returns it with its trace. */
  runAndTrace(name: string, spec: unknown, input?: unknown): Promise<{ run: StartedRun; traced: RunTrace }>;
  /** Stops the API, the worker, telemetry and the receiver, and removes the blob directory. */
  close(): Promise<void>;
}

/** Starts a {@link TracedRuntime} whose worker registers `registrations`. */
export async function startTracedRuntime(registrations: TracedRegistrations = {}): Promise<TracedRuntime> {
  const receiver = await startOtlpReceiver();
  const blobDir = await mkdtemp(path.join(tmpdir(), 'agent-runtime-blobs-'));
  const config = loadConfig({
    TEMPORAL_TASK_QUEUE: `test-${randomBytes(4).toString('hex')}`,
    AR_BLOB_DIR: blobDir,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Basic%20cGs6c2s=',
  });
  const logger = testLogger('test');
  const telemetry = createTelemetry(config, 'agent-runtime-test');
  const database = await openTestDatabase('postgres');
  const seed = await seedDefaults(database.db, {});
  const apiKey = seed.createdApiKey ?? '';
  const temporalAddress = inject('temporalAddress');
  const blobs = openBlobStore(config);
  const dataConverter = createDataConverter({ blobs, offloadThresholdBytes: config.AR_PAYLOAD_OFFLOAD_BYTES });
  const temporal = await connectTemporalClient(temporalAddress, config.TEMPORAL_NAMESPACE, { dataConverter });
  const bus = new InProcessRunEventBus({ logger });
  const created = await createWorker({
    config,
    db: database.db,
    logger,
    blobs,
    bus,
    temporalAddress,
    telemetry,
    ...registrations,
  });
  const workerDone = created.worker.run();
  const app = await buildApp({ config, db: database.db, temporal, logger, bus, telemetry });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });

  const request = (method: string, route: string, body?: unknown) =>
    fetch(`${url}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  async function startRun(name: string, spec: unknown, input: unknown = secretPrompt): Promise<StartedRun> {
    const agent = (await (await request('POST', '/v1/agents', { name })).json()) as { id: string };
    expect((await request('POST', `/v1/agents/${agent.id}/versions`, { spec })).status).toBe(201);
    const runResponse = await request('POST', '/v1/runs', { agentId: agent.id, input });
    expect(runResponse.status).toBe(202);
    return (await runResponse.json()) as StartedRun;
  }

  async function waitForStatus(runId: string, expected: string): Promise<void> {
    for (let waited = 0; ; waited += 100) {
      const status = ((await (await request('GET', `/v1/runs/${runId}`)).json()) as { status: string }).status;
      if (status === expected) return;
      if (waited > 30_000) throw new Error(`run still ${status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function traceOfRun(runId: string): Promise<RunTrace> {
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

  function decisionStepSpans(run: StartedRun, { trace, ancestorsOf }: RunTrace, operation: string): OtlpSpan[] {
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

  async function runAndTrace(name: string, spec: unknown, input?: unknown) {
    const run = await startRun(name, spec, input);
    await waitForStatus(run.id, 'succeeded');
    return { run, traced: await traceOfRun(run.id) };
  }

  async function close(): Promise<void> {
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
  }

  return { url, receiver, request, startRun, waitForStatus, traceOfRun, decisionStepSpans, runAndTrace, close };
}
