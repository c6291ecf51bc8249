import { expect } from 'vitest';
import type { ApiRequest } from './api-request.ts';

/** Whatever calls the API as one caller: a test runtime. */
export interface ApiCaller {
  readonly request: ApiRequest;
}

/** One event of a run, as `GET /v1/runs/{id}/events` lists it. */
export interface RunEvent {
  readonly type: string;
  readonly step: number | null;
  readonly data: Record<string, unknown>;
}

/** Creates agent `name` with one version of `spec` (expecting 201) and returns the agent's id. */
export async function createAgentWithSpec(api: ApiCaller, name: string, spec: unknown): Promise<string> {
  const agent = (await (await api.request('POST', '/v1/agents', { name })).json()) as { id: string };
  const version = await api.request('POST', `/v1/agents/${agent.id}/versions`, { spec });
  expect(version.status, await version.clone().text()).toBe(201);
  return agent.id;
}

/** Starts a run of the agent's latest version on `input` (expecting 202) and returns the run's id. */
export async function startAgentRun(api: ApiCaller, agentId: string, input: unknown): Promise<string> {
  const created = await api.request('POST', '/v1/runs', { agentId, input });
  expect(created.status).toBe(202);
  return ((await created.json()) as { id: string }).id;
}

/** Creates agent `name` with one version of `spec`, starts a run of it on `input`, and returns the run's id. */
export async function startRunOfNewAgent(api: ApiCaller, name: string, spec: unknown, input: unknown): Promise<string> {
  return startAgentRun(api, await createAgentWithSpec(api, name, spec), input);
}

/** The run's events so far, oldest first (up to 1000). */
export async function runEventsOf(api: ApiCaller, runId: string): Promise<RunEvent[]> {
  const response = await api.request('GET', `/v1/runs/${runId}/events?limit=1000`);
  return ((await response.json()) as { items: RunEvent[] }).items;
}

/** Waits until the run's first pending approval is `approvalId`; fails with the run's status after `timeoutMs`. */
export async function waitForPendingApproval(
  api: ApiCaller,
  runId: string,
  approvalId: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (await (await api.request('GET', `/v1/runs/${runId}`)).json()) as {
      status: string;
      pendingApprovals: { id: string }[];
    };
    if (run.pendingApprovals[0]?.id === approvalId) return;
    if (Date.now() > deadline) throw new Error(`no approval ${approvalId}; run is ${run.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Approves the run's pending call `approvalId`, expecting 200. */
export async function approveCall(api: ApiCaller, runId: string, approvalId: string): Promise<void> {
  const approved = await api.request('POST', `/v1/runs/${runId}/approvals/${approvalId}`, { decision: 'approve' });
  expect(approved.status).toBe(200);
}
