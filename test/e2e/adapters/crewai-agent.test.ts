import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/** The venv `ensure_crewai_agent` (scripts/lib.sh) installs examples/crewai-agent/requirements.txt into. */
const python = path.join(repoRoot, '.tools/crewai-agent/bin/python');
const server = path.join(repoRoot, 'examples/crewai-agent/server.py');
/** Refuses and reports every connection off the machine (test/harness/python/offline-guard.py). */
const offlineGuard = path.join(repoRoot, 'test/harness/python/offline-guard.py');

/**
 * The example CrewAI agent (examples/crewai-agent, real CrewAI from the venv) as an HTTP agent:
 * its model is the harness's OpenAI-compatible server, its calculator call runs as a runtime
 * tool step, and the next step gives CrewAI the result. It runs under the offline guard with
 * none of CrewAI's opt-out variables set by the test: the example itself must keep CrewAI from
 * phoning home.
 */
describe('CrewAI agent over agent-runtime.step/v1', () => {
  let runtime: TestRuntime;
  let model: OpenAiCompatibleServer;
  let agent: PythonAgentServer;

  beforeAll(async () => {
    if (!existsSync(python)) {
      throw new Error(`no ${python}: run scripts/test.sh (ensure_crewai_agent) to install the example's venv`);
    }
    model = await startOpenAiCompatibleServer();
    [agent, runtime] = await Promise.all([
      startPythonAgentServer({
        python,
        args: [offlineGuard, server],
        env: {
          PATH: process.env['PATH'],
          HOME: process.env['HOME'],
          AGENT_MODEL_BASE_URL: model.baseUrl,
          AGENT_MODEL: 'local-llama',
        },
        timeoutMs: 90_000,
      }),
      startTestRuntime(),
    ]);
  }, 120_000);

  afterAll(async () => {
    await agent?.stop();
    await runtime?.stop();
    await model?.close();
  });

  it('the offline guard refuses and reports a connection off the machine (the check can fail)', () => {
    const probe = path.join(mkdtempSync(path.join(tmpdir(), 'offline-guard-')), 'probe.py');
    writeFileSync(
      probe,
      [
        'import socket',
        'try:',
        '    socket.getaddrinfo("example.org", 443)',
        'except OSError:',
        '    pass',
        'socket.socket().connect(("192.0.2.1", 443))',
      ].join('\n'),
    );
    const refused = spawnSync(python, [offlineGuard, probe], { env: { PATH: process.env['PATH'] }, encoding: 'utf8' });
    expect(refused.stderr).toContain("offline-guard: refused name lookup of 'example.org'");
    expect(refused.stderr).toContain("offline-guard: refused connection to ('192.0.2.1', 443)");
    expect(refused.status).not.toBe(0);
  });

  it('completes a calculator-using run: the tool runs as a runtime step, the model is called twice', async () => {
    model.enqueue(
      { kind: 'reply', toolCalls: [{ id: 'call_calc_1', name: 'calculator', arguments: { expression: '6 * 7' } }] },
      { kind: 'reply', text: 'The answer is 42.' },
    );
    const created = (await (await runtime.request('POST', '/v1/agents', { name: 'crewai' })).json()) as {
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

    const run = await waitForRun(runtime, runId, 90_000);
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

    // One model request per step; CrewAI hands the model the runtime's tool and the call's id,
    // and the second request carries the runtime's tool result back under that id.
    expect(model.requests).toHaveLength(2);
    const [first, second] = model.requests;
    expect(first?.body?.tools?.map((tool) => tool.function.name)).toEqual(['calculator']);
    const toolMessage = second?.body?.messages.find((message) => message.role === 'tool');
    expect(toolMessage).toMatchObject({ tool_call_id: 'call_calc_1' });
    expect(JSON.stringify(toolMessage?.content)).toContain('42');

    expect(agent.stderr()).not.toContain('offline-guard');
  }, 120_000);
});
