import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  repoRoot,
  startOpenAiCompatibleServer,
  startPythonAgentServer,
  startTestRuntime,
  waitForRun,
  type OpenAiCompatibleServer,
  type PythonAgentServer,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The venv `ensure_pydantic_agent` (scripts/lib.sh) installs examples/pydantic-ai-agent/requirements.txt into. */
const python = path.join(repoRoot, '.tools/pydantic-agent/bin/python');
const server = path.join(repoRoot, 'examples/pydantic-ai-agent/server.py');

/**
 * The example PydanticAI agent (examples/pydantic-ai-agent, real PydanticAI from the venv)
 * as an HTTP agent: its model is the harness's OpenAI-compatible server, its calculator call
 * runs as a runtime tool step, and the next step resumes it with the result.
 */
describe('PydanticAI agent over agent-runtime.step/v1', () => {
  let runtime: TestRuntime;
  let model: OpenAiCompatibleServer;
  let agent: PythonAgentServer;

  beforeAll(async () => {
    if (!existsSync(python)) {
      throw new Error(`no ${python}: run scripts/test.sh (ensure_pydantic_agent) to install the example's venv`);
    }
    model = await startOpenAiCompatibleServer();
    agent = await startPythonAgentServer({
      python,
      args: [server],
      env: { PATH: process.env['PATH'], AGENT_MODEL_BASE_URL: model.baseUrl, AGENT_MODEL: 'local-llama' },
    });
    runtime = await startTestRuntime();
  }, 60_000);

  afterAll(async () => {
    await agent?.stop();
    await runtime?.stop();
    await model?.close();
  });

  it('completes a calculator-using run: the tool runs as a runtime step, the model is called twice', async () => {
    model.enqueue(
      { kind: 'reply', toolCalls: [{ id: 'call_calc_1', name: 'calculator', arguments: { expression: '6 * 7' } }] },
      { kind: 'reply', text: 'The answer is 42.' },
    );
    const created = (await (await runtime.request('POST', '/v1/agents', { name: 'pydantic-ai' })).json()) as {
      id: string;
    };
    const version = await runtime.request('POST', `/v1/agents/${created.id}/versions`, {
      spec: {
        agent: { kind: 'http', url: agent.url },
        instructions: 'Use the calculator for arithmetic.',
        tools: [{ name: 'calculator' }],
      },
    });
    expect(version.status, await version.clone().text()).toBe(201);
    const started = await runtime.request('POST', '/v1/runs', { agentId: created.id, input: 'what is 6*7?' });
    const { id: runId } = (await started.json()) as { id: string };

    const run = await waitForRun(runtime, runId, 60_000);
    expect(run, `${JSON.stringify(run.error)}\n${agent.stderr()}`).toMatchObject({
      status: 'succeeded',
      output: { text: 'The answer is 42.' },
      usage: { steps: 2, modelCalls: 2, toolCalls: 1, inputTokens: 20, outputTokens: 10 },
    });

    const events = (
      (await (await runtime.request('GET', `/v1/runs/${runId}/events?limit=1000`)).json()) as {
        items: { type: string; step: number; data: Record<string, unknown> }[];
      }
    ).items;
    const toolCompleted = events.find((event) => event.type === 'tool.completed');
    expect(toolCompleted).toMatchObject({ step: 1 });
    expect(JSON.stringify(toolCompleted?.data)).toContain('42');

    // One model request per step: the second carries the runtime's tool result back to the model.
    expect(model.requests).toHaveLength(2);
    const [first, second] = model.requests;
    expect(first?.body?.tools?.map((tool) => tool.function.name)).toEqual(['calculator']);
    const toolMessage = second?.body?.messages.find((message) => message.role === 'tool');
    expect(toolMessage).toMatchObject({ tool_call_id: 'call_calc_1' });
    expect(JSON.stringify(toolMessage?.content)).toContain('42');
  }, 90_000);
});
