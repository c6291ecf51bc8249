import {
  agentRunWorkflowType,
  agentSpecSchema,
  createAgent,
  createAgentVersion,
  createRun,
  getRun,
  listRunEvents,
} from '@agent-runtime/core';
import type { CodeAgent } from '@agent-runtime/agents';
import { startTestRuntime, type TestRuntime } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentRunInput } from './run-continuation.ts';

/** A code agent that counts its steps in its state only: echo until 12, then report the count. */
const counter: CodeAgent = ({ state }) => {
  const count = ((state as { count?: number } | undefined)?.count ?? 0) + 1;
  if (count === 12) return { final: { count } };
  return { toolCalls: [{ id: `echo-${count}`, name: 'echo', arguments: { count } }], state: { count } };
};

/** The run's state crosses continue-as-new: step numbers, usage and the run deadline. */
describe('agentRun continuing as new', () => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await startTestRuntime({ database: 'pglite', agents: { counter } });
  });
  afterAll(() => runtime.stop());

  /** Starts a run of `spec` directly on Temporal, with a low history threshold. */
  async function startRun(name: string, spec: unknown, continueAsNewAfterEvents: number) {
    const { db } = runtime.database;
    const agent = await createAgent(db, runtime.tenantId, { name });
    await createAgentVersion(db, runtime.tenantId, agent.id, agentSpecSchema.parse(spec));
    const { run } = await createRun(db, { tenantId: runtime.tenantId, agentId: agent.id, input: 'go' });
    const input: AgentRunInput = { runId: run.id, continueAsNewAfterEvents };
    const handle = await runtime.temporal.workflow.start(agentRunWorkflowType, {
      workflowId: run.id,
      taskQueue: runtime.config.TEMPORAL_TASK_QUEUE,
      args: [input],
    });
    return { runId: run.id, firstExecution: handle.firstExecutionRunId };
  }

  it('continues every few steps and still counts steps 1..n once each', async () => {
    const replies = [
      ...Array.from({ length: 11 }, (_, index) => ({ toolCalls: [{ name: 'echo', arguments: { n: index } }] })),
      { text: 'twelve' },
    ];
    const { runId, firstExecution } = await startRun(
      'counting',
      { model: { provider: 'scripted', replies }, tools: [{ name: 'echo' }] },
      20,
    );
    await runtime.temporal.workflow.getHandle(runId).result();
    const run = await getRun(runtime.database.db, runtime.tenantId, runId);
    expect(run).toMatchObject({ status: 'succeeded', usage: { steps: 12, modelCalls: 12, toolCalls: 11 } });
    const last = await runtime.temporal.workflow.getHandle(runId).describe();
    expect(last.runId).not.toBe(firstExecution);
    const events = await listRunEvents(runtime.database.db, runtime.tenantId, runId, { after: 0, limit: 1000 });
    expect(events.filter((event) => event.type === 'model.started').map((event) => event.step)).toEqual(
      Array.from({ length: 12 }, (_, index) => index + 1),
    );
    expect(events.filter((event) => event.type === 'run.started')).toHaveLength(1);
  });

  it("carries a code agent's state across executions", async () => {
    const { runId, firstExecution } = await startRun(
      'stateful',
      {
        agent: { kind: 'code', name: 'counter' },
        tools: [{ name: 'echo' }],
      },
      20,
    );
    await runtime.temporal.workflow.getHandle(runId).result();
    const run = await getRun(runtime.database.db, runtime.tenantId, runId);
    expect(run).toMatchObject({ status: 'succeeded', output: { count: 12 }, usage: { steps: 12, toolCalls: 11 } });
    expect((await runtime.temporal.workflow.getHandle(runId).describe()).runId).not.toBe(firstExecution);
  });

  it('keeps the run deadline across executions instead of starting it afresh', async () => {
    // Each execution lasts a step or two (well under the deadline); only a carried deadline ends the run.
    const { runId } = await startRun(
      'deadline',
      {
        model: { provider: 'scripted', replies: [{ toolCalls: [{ name: 'sleep', arguments: { seconds: 0.3 } }] }] },
        tools: [{ name: 'sleep' }],
        limits: { maxSteps: 60, timeoutSeconds: 3 },
      },
      20,
    );
    await runtime.temporal.workflow.getHandle(runId).result();
    const run = await getRun(runtime.database.db, runtime.tenantId, runId);
    expect(run).toMatchObject({ status: 'timed_out', error: { code: 'run_timed_out' } });
    expect(run.usage.steps).toBeLessThan(15);
  });
});
