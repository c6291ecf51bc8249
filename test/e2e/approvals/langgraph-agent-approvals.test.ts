import { callRuntimeTools, type ToolOutcome } from '@agent-runtime/agents';
import { startTestRuntime, waitForRun, waitUntil, type TestRuntime } from '@agent-runtime/test-harness';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface RunView {
  status: string;
  pendingApprovals: { id: string; tool: string; callId: string; step: number }[];
}

interface RunEvent {
  type: string;
  step: number | null;
  data: Record<string, unknown>;
}

/** How often the `pay` node ran (it runs again from its start when resumed). */
const ran = { pay: 0, report: 0 };

const Payment = Annotation.Root({
  amount: Annotation<number>,
  outcome: Annotation<ToolOutcome>,
  summary: Annotation<string>,
});

/** pay (asks the runtime to run `echo`, which needs approval) → report. */
const payment = new StateGraph(Payment)
  .addNode('pay', (state) => {
    ran.pay += 1;
    const [outcome] = callRuntimeTools([{ name: 'echo', arguments: { amount: state.amount } }]);
    if (!outcome) throw new Error('no outcome for the payment call');
    return { outcome };
  })
  .addNode('report', (state) => {
    ran.report += 1;
    return { summary: state.outcome.ok ? `paid ${state.amount}` : `not paid: ${state.outcome.error.code}` };
  })
  .addEdge(START, 'pay')
  .addEdge('pay', 'report')
  .addEdge('report', END)
  .compile();

/**
 * A LangGraph node's `callRuntimeTools` call of a tool whose policy needs approval goes through
 * the runtime's approval flow: the run waits with the approval pending; approved, the tool runs
 * and the node resumes with its output; rejected, the tool never runs and the node resumes
 * with the rejection.
 */
describe('approvals of the tool calls of LangGraph nodes', () => {
  let runtime: TestRuntime;

  beforeAll(async () => {
    runtime = await startTestRuntime({ graphs: { payment } });
  });

  afterAll(async () => {
    await runtime.stop();
  });

  async function startPaymentRun(name: string, amount: number): Promise<string> {
    const created = (await (await runtime.request('POST', '/v1/agents', { name })).json()) as { id: string };
    const version = await runtime.request('POST', `/v1/agents/${created.id}/versions`, {
      spec: {
        agent: { kind: 'langgraph', graph: 'payment' },
        tools: [{ name: 'echo', requiresApproval: true }],
      },
    });
    expect(version.status, await version.clone().text()).toBe(201);
    const run = await runtime.request('POST', '/v1/runs', { agentId: created.id, input: { amount } });
    expect(run.status).toBe(202);
    return ((await run.json()) as { id: string }).id;
  }

  async function getRun(runId: string): Promise<RunView> {
    return (await (await runtime.request('GET', `/v1/runs/${runId}`)).json()) as RunView;
  }

  async function eventsOf(runId: string): Promise<RunEvent[]> {
    const response = await runtime.request('GET', `/v1/runs/${runId}/events?limit=1000`);
    return ((await response.json()) as { items: RunEvent[] }).items;
  }

  /** Waits until the run waits on an approval, and returns the run. */
  async function waitForApproval(runId: string): Promise<RunView> {
    let run: RunView | undefined;
    await waitUntil(
      'a pending approval',
      async () => {
        run = await getRun(runId);
        return run.status === 'waiting' && run.pendingApprovals.length > 0;
      },
      60_000,
    );
    return run as RunView;
  }

  it("puts a node's tool call that needs approval through the approval flow: approved, the tool runs and the node resumes with its output", async () => {
    const before = { ...ran };
    const runId = await startPaymentRun('lg-approve', 10);
    const waiting = await waitForApproval(runId);
    expect(waiting.pendingApprovals).toEqual([
      expect.objectContaining({ id: '1-langgraph-1-1', tool: 'echo', callId: 'langgraph-1-1', step: 1 }),
    ]);
    expect((await eventsOf(runId)).some((event) => event.type === 'tool.started')).toBe(false);

    const approved = await runtime.request('POST', `/v1/runs/${runId}/approvals/1-langgraph-1-1`, {
      decision: 'approve',
    });
    expect(approved.status).toBe(200);
    expect(await waitForRun(runtime, runId, 60_000)).toMatchObject({
      status: 'succeeded',
      output: { amount: 10, outcome: { ok: true, output: { amount: 10 } }, summary: 'paid 10' },
      usage: { steps: 3, toolCalls: 1 },
    });
    // pay ran to its call, then again when resumed; report once.
    expect(ran).toEqual({ pay: before.pay + 2, report: before.report + 1 });
    const events = await eventsOf(runId);
    expect(
      events
        .filter((event) =>
          ['approval.requested', 'approval.decided', 'tool.started', 'tool.completed'].includes(event.type),
        )
        .map((event) => [event.type, event.step]),
    ).toEqual([
      ['approval.requested', 1],
      ['approval.decided', 1],
      ['tool.started', 1],
      ['tool.completed', 1],
    ]);
    expect((await getRun(runId)).pendingApprovals).toEqual([]);
  });

  it('resumes a node with the rejection of its tool call, without running the tool', async () => {
    const before = { ...ran };
    const runId = await startPaymentRun('lg-reject', 5000);
    await waitForApproval(runId);
    const rejected = await runtime.request('POST', `/v1/runs/${runId}/approvals/1-langgraph-1-1`, {
      decision: 'reject',
      comment: 'too much',
    });
    expect(rejected.status).toBe(200);
    expect(await waitForRun(runtime, runId, 60_000)).toMatchObject({
      status: 'succeeded',
      output: {
        amount: 5000,
        outcome: { ok: false, error: { code: 'approval_rejected', message: 'too much' } },
        summary: 'not paid: approval_rejected',
      },
    });
    expect(ran).toEqual({ pay: before.pay + 2, report: before.report + 1 });
    const events = await eventsOf(runId);
    expect(events.some((event) => event.type === 'tool.started')).toBe(false);
    expect(events.find((event) => event.type === 'approval.decided')?.data).toMatchObject({
      approvalId: '1-langgraph-1-1',
      decision: 'reject',
    });
  });
});
