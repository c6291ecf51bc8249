import { agentSpecSchema, claimCheckEncoding, createAgent, createAgentVersion } from '@agent-runtime/core';
import { encodingOf, payloadsOf, startTestRuntime, waitForRun, type TestRuntime } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const fiveMegabytes = 5 * 1024 * 1024;

/** Payloads over AR_PAYLOAD_OFFLOAD_BYTES go to the blob store; history keeps only claim checks. */
describe('a run with a 5 MB tool result', () => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await startTestRuntime({ database: 'postgres' });
  });
  afterAll(() => runtime.stop());

  it('completes, and its workflow history holds no payload over the threshold', async () => {
    const large = 'x'.repeat(fiveMegabytes);
    // The spec is larger than the API's body limit, so it goes straight into the database.
    const agent = await createAgent(runtime.database.db, runtime.tenantId, { name: 'large-payloads' });
    await createAgentVersion(
      runtime.database.db,
      runtime.tenantId,
      agent.id,
      agentSpecSchema.parse({
        model: {
          provider: 'scripted',
          replies: [
            { toolCalls: [{ id: 'big', name: 'echo', arguments: { large } }] },
            { text: 'echoed five megabytes' },
          ],
        },
        tools: [{ name: 'echo' }],
      }),
    );
    const response = await runtime.request('POST', '/v1/runs', { agentId: agent.id, input: 'go' });
    expect(response.status).toBe(202);
    const { id: runId } = (await response.json()) as { id: string };

    const run = await waitForRun(runtime, runId, 50_000);
    expect(run).toMatchObject({ status: 'succeeded', output: { text: 'echoed five megabytes' } });
    const events = (await (await runtime.request('GET', `/v1/runs/${runId}/events`)).json()) as {
      items: { type: string; data: { output?: { large?: string } } }[];
    };
    const completed = events.items.find((event) => event.type === 'tool.completed');
    expect(completed?.data.output?.large).toHaveLength(fiveMegabytes);

    const history = await runtime.temporal.workflow.getHandle(runId).fetchHistory();
    const payloads = payloadsOf(history);
    const threshold = runtime.config.AR_PAYLOAD_OFFLOAD_BYTES;
    expect(Math.max(...payloads.map((payload) => payload.data?.byteLength ?? 0))).toBeLessThanOrEqual(threshold);
    // The model's reply, the tool's input and result, and the next model step's messages.
    const claimChecks = payloads.filter((payload) => encodingOf(payload) === claimCheckEncoding);
    expect(claimChecks.length).toBeGreaterThanOrEqual(3);
    for (const check of claimChecks) {
      const { key } = JSON.parse(new TextDecoder().decode(check.data ?? undefined)) as { key: string };
      expect(await runtime.blobs.has(key)).toBe(true);
    }
  });
});
