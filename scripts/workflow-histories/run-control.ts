import { setTimeout as delay } from 'node:timers/promises';
import { agentRunWorkflowType, createRun } from '@agent-runtime/core';
import type { RecordingRuntime } from './recording-runtime.ts';

/** A run being recorded, controlled through the API the way a client would. */
export interface RunControl {
  readonly runId: string;
  /** Waits until the run waits for a decision; returns the pending approval's id. */
  waitForApproval(): Promise<string>;
  /** Waits until the run's first tool call has started. */
  waitForToolStart(): Promise<void>;
  /** Approves or rejects a pending approval. */
  decide(approvalId: string, decision: 'approve' | 'reject', comment: string): Promise<void>;
  /** Waits for the run's callback URL and POSTs `body` to it, as an outside system would. */
  completeCallback(body: unknown): Promise<void>;
  /** Sends a user message; returns its disposition (`enqueued` or `interrupted`). */
  sendMessage(content: string): Promise<string>;
  /** Asks for the run to be cancelled. */
  cancel(): Promise<void>;
}

const waitTimeoutMs = 20_000;

async function expectStatus(response: Response, status: number, what: string): Promise<unknown> {
  const body: unknown = await response.json();
  if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(body)}`);
  return body;
}

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (const deadline = Date.now() + waitTimeoutMs; Date.now() < deadline; await delay(100)) {
    const value = await probe();
    if (value !== undefined) return value;
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Creates an agent with one version of `spec` through the API; returns the agent id. */
export async function createAgent(runtime: RecordingRuntime, name: string, spec: unknown): Promise<string> {
  const agent = (await expectStatus(await runtime.request('POST', '/v1/agents', { name }), 201, 'create agent')) as {
    id: string;
  };
  const versionPath = `/v1/agents/${agent.id}/versions`;
  await expectStatus(await runtime.request('POST', versionPath, { spec }), 201, 'create agent version');
  return agent.id;
}

/** Starts a run of `agentId` through the API and returns the means to control it. */
export async function startRun(
  runtime: RecordingRuntime,
  agentId: string,
  extra: Record<string, unknown> = {},
): Promise<RunControl> {
  const body = { agentId, input: 'go', ...extra };
  const { id: runId } = (await expectStatus(await runtime.request('POST', '/v1/runs', body), 202, 'start run')) as {
    id: string;
  };
  return controlRun(runtime, runId);
}

/**
 * Starts a run's workflow directly on Temporal with workflow input the API never sets
 * (`continueAsNewAfterEvents`), after creating its run row the way the API would.
 */
export async function startRunWithInput(
  runtime: RecordingRuntime,
  agentId: string,
  input: Record<string, unknown>,
): Promise<RunControl> {
  const { tenantId, database } = runtime;
  const { run } = await createRun(database.db, { tenantId, agentId, input: 'go' });
  await runtime.temporal.workflow.start(agentRunWorkflowType, {
    workflowId: run.id,
    taskQueue: runtime.taskQueue,
    args: [{ ...input, runId: run.id }],
  });
  return controlRun(runtime, run.id);
}

/** Replays the ended run `runId` from `fromStep` through the API; returns the means to control the replay. */
export async function replayRun(runtime: RecordingRuntime, runId: string, fromStep: number): Promise<RunControl> {
  const response = await runtime.request('POST', `/v1/runs/${runId}/replay`, { fromStep });
  const { id } = (await expectStatus(response, 201, 'replay run')) as { id: string };
  return controlRun(runtime, id);
}

function controlRun(runtime: RecordingRuntime, runId: string): RunControl {
  const runPath = `/v1/runs/${runId}`;
  return {
    runId,
    waitForApproval: () =>
      waitUntil('a pending approval', async () => {
        const run = (await (await runtime.request('GET', runPath)).json()) as {
          status: string;
          pendingApprovals: { id: string }[];
        };
        return run.status === 'waiting' ? run.pendingApprovals[0]?.id : undefined;
      }),
    async waitForToolStart() {
      await waitUntil('the tool to start', async () => {
        const page = (await (await runtime.request('GET', `${runPath}/events?limit=1000`)).json()) as {
          items: { type: string }[];
        };
        return page.items.some((event) => event.type === 'tool.started') ? true : undefined;
      });
    },
    async decide(approvalId, decision, comment) {
      const response = await runtime.request('POST', `${runPath}/approvals/${approvalId}`, { decision, comment });
      await expectStatus(response, 200, `${decision} ${approvalId}`);
    },
    async completeCallback(body) {
      const url = await waitUntil('a callback URL', async () => {
        const page = (await (await runtime.request('GET', `${runPath}/events?limit=1000`)).json()) as {
          items: { type: string; data: { url?: string } }[];
        };
        return page.items.find((event) => event.type === 'callback.waiting')?.data.url;
      });
      await expectStatus(await runtime.request('POST', url, body), 202, 'post the callback');
    },
    async sendMessage(content) {
      const response = await runtime.request('POST', `${runPath}/messages`, { content });
      return ((await expectStatus(response, 202, 'send message')) as { disposition: string }).disposition;
    },
    async cancel() {
      await expectStatus(await runtime.request('POST', `${runPath}/cancel`), 202, 'cancel');
    },
  };
}
