import type { CodeAgent } from '@agent-runtime/agents';
import {
  createAgentWithSpec,
  runEventsOf,
  startAgentRun,
  startOpenAiCompatibleServer,
  startTestRuntime,
  waitForRun,
  type OpenAiCompatibleServer,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The step of the next run whose first `modelStep` attempt loses its completion. */
let armed: { step: number } | undefined;
/** Runs (workflow ids) that lost a completion. */
const lostIn = new Set<string>();

/**
 * Lets the first attempt of the chosen step's `modelStep` run to its end, reply recorded, and
 * then fails it as a worker dying before Temporal saw the completion would: the retry is the
 * attempt a crash in that window leaves.
 */
const loseOneCompletion: ActivityInterceptorsFactory = (context) => ({
  inbound: {
    async execute(input, next) {
      const result = await next(input);
      const { activityType, attempt, workflowExecution } = context.info;
      const step = (input.args[0] as { step?: number } | undefined)?.step;
      if (activityType === 'modelStep' && attempt === 1 && armed?.step === step) {
        armed = undefined;
        lostIn.add(workflowExecution?.workflowId ?? '');
        throw ApplicationFailure.retryable('the completion of this attempt was lost', 'completion_lost');
      }
      return result;
    },
  },
});

/** Calls of the code agent per run and step. */
const decisions = new Map<string, number>();

/** A code agent whose every call answers differently: a repeated decision would show. */
const fickle: CodeAgent = ({ runId, step, state }) => {
  const key = `${runId}:${step}`;
  const call = (decisions.get(key) ?? 0) + 1;
  decisions.set(key, call);
  if (step === 2) return { final: { state }, state };
  return {
    text: `call ${call}`,
    toolCalls: [{ id: `echo-${call}`, name: 'echo', arguments: { call } }],
    state: { decidedBy: call },
  };
};

/**
 * A decision step whose attempt recorded its reply but whose completion never reached
 * Temporal (the worker died in between): the retried attempt returns the recorded reply,
 * so the model is not asked again and the events, the tool steps and the run agree on it.
 */
describe('a decision step whose completion was lost', () => {
  let runtime: TestRuntime;
  let server: OpenAiCompatibleServer;

  beforeAll(async () => {
    server = await startOpenAiCompatibleServer();
    runtime = await startTestRuntime({
      agents: { fickle },
      workerOptions: { interceptors: { activity: [loseOneCompletion] } },
    });
  });

  afterAll(async () => {
    await runtime.stop();
    await server.close();
  });

  it('returns the recorded model reply on the retry, without asking the model server again', async () => {
    const agentId = await createAgentWithSpec(runtime, 'lost-completion-model', {
      model: { provider: 'openai-compatible', baseUrl: server.baseUrl, model: 'local' },
      tools: [{ name: 'echo' }],
    });
    // Were the lost step asked again, it would get "done" and the echo would never run.
    server.enqueue(
      { kind: 'reply', text: 'echoing', toolCalls: [{ id: 'call_first', name: 'echo', arguments: { n: 1 } }] },
      { kind: 'reply', text: 'done' },
    );
    const requestsBefore = server.requests.length;
    const runId = await startLosingRun(agentId, 'echo once', 1);
    const run = await waitForRun(runtime, runId);

    expect(run).toMatchObject({ status: 'succeeded', output: { text: 'done' } });
    expect(lostIn.has(runId)).toBe(true);
    // Step 1 once (its retry answered from the record), then step 2.
    const asked = server.requests.slice(requestsBefore);
    expect(asked).toHaveLength(2);
    expect(asked[1]?.body?.messages.some((message) => message.tool_call_id === 'call_first')).toBe(true);
    const events = await runEventsOf(runtime, runId);
    expect(events.filter((event) => event.type === 'tool.completed').map((event) => event.data.callId)).toEqual([
      'call_first',
    ]);
    expect(events.find((event) => event.type === 'model.completed' && event.step === 1)?.data).toMatchObject({
      text: 'echoing',
    });
    expect(run.usage).toMatchObject({ modelCalls: 2, toolCalls: 1 });
  });

  it("carries the recorded reply's state and tool calls of a code agent, deciding once", async () => {
    const agentId = await createAgentWithSpec(runtime, 'lost-completion-code', {
      agent: { kind: 'code', name: 'fickle' },
      tools: [{ name: 'echo' }],
    });
    const runId = await startLosingRun(agentId, 'decide', 1);
    const run = await waitForRun(runtime, runId);

    expect(lostIn.has(runId)).toBe(true);
    expect(run).toMatchObject({ status: 'succeeded', output: { state: { decidedBy: 1 } } });
    expect(decisions.get(`${runId}:1`)).toBe(1);
    const events = await runEventsOf(runtime, runId);
    expect(events.filter((event) => event.type === 'tool.completed').map((event) => event.data.callId)).toEqual([
      'echo-1',
    ]);
  });

  /** Starts a run whose `step` loses the completion of its first attempt. */
  function startLosingRun(agentId: string, input: string, step: number): Promise<string> {
    armed = { step };
    return startAgentRun(runtime, agentId, input);
  }
});
