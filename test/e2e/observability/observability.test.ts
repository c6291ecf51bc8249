import { attribute, startTracedRuntime, type OtlpSpan, type TracedRuntime } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('observability: one trace per run over OTLP/HTTP, and /metrics', () => {
  let runtime: TracedRuntime;

  beforeAll(async () => {
    // No agent is registered: the error test's code agent is missing on purpose.
    runtime = await startTracedRuntime();
  });

  afterAll(async () => {
    await runtime.close();
  });

  it('traces a run from the API request to its model and tool calls, without prompt text by default', async () => {
    const run = await runtime.startRun('traced-agent', {
      model: {
        provider: 'scripted',
        replies: [
          { text: 'calculating', toolCalls: [{ id: 'c1', name: 'calculator', arguments: { expression: '6 * 7' } }] },
          { text: 'The answer is 42.' },
        ],
      },
      tools: [{ name: 'calculator' }],
    });
    await runtime.waitForStatus(run.id, 'succeeded');
    const { trace, ancestorsOf } = await runtime.traceOfRun(run.id);

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
    expect(runtime.receiver.authorizations).toContain('Basic cGs6c2s=');

    // OTEL_GENAI_CAPTURE_CONTENT defaults to off: no span of the run carries the prompt.
    expect(JSON.stringify(trace)).not.toContain('swordfish');
    expect(attribute(firstModelSpan, 'gen_ai.input.messages')).toBeUndefined();
  });

  it('serves Prometheus metrics: runs by state and step latencies', async () => {
    const response = await fetch(`${runtime.url}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/^agent_runtime_runs\{status="succeeded"\} 1$/m);
    expect(text).toMatch(/^agent_runtime_runs\{status="running"\} 0$/m);
    expect(text).toMatch(/^agent_runtime_step_duration_seconds_count\{kind="model",outcome="ok"\} 2$/m);
    expect(text).toMatch(/^agent_runtime_step_duration_seconds_count\{kind="tool",outcome="ok"\} 1$/m);
    expect(text).toMatch(/^agent_runtime_model_tokens_total\{provider="scripted",direction="input"\} \d+$/m);
  });

  it('records a failed decision step on its span with the stable code as error.type', async () => {
    const run = await runtime.startRun('untraceable-agent', { agent: { kind: 'code', name: 'nobody' } });
    await runtime.waitForStatus(run.id, 'failed');
    const traced = await runtime.traceOfRun(run.id);

    const [failedSpan, ...others] = runtime.decisionStepSpans(run, traced, 'invoke_agent');
    expect(others).toEqual([]);
    expect(failedSpan?.name).toBe('invoke_agent nobody');
    expect(failedSpan?.status?.code).toBe(2);
    expect(attribute(failedSpan as OtlpSpan, 'error.type')).toBe('agent_not_registered');
    // The step error is counted by its stable code (this file's runtime has no other failure).
    const text = await (await fetch(`${runtime.url}/metrics`)).text();
    expect(text).toMatch(/^agent_runtime_step_errors_total\{kind="model",code="agent_not_registered"\} 1$/m);
  });
});
