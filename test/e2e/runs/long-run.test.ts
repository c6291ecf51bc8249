import { createDataConverter, listRunEvents, listToolCalls } from '@agent-runtime/core';
import type { ConversationMessage } from '@agent-runtime/agents';
import { startTestRuntime, waitForRun, type TestRuntime } from '@agent-runtime/test-harness';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const steps = 500;

/** What the continued executions of a run were started with (see run-continuation.ts). */
interface ContinuedInput {
  continued?: { nextStep: number; run: { messages: ConversationMessage[] }; usage: { steps: number } };
}

/** A long run continues as new past its history threshold and loses nothing on the way. */
describe(`a ${steps}-step run`, () => {
  let runtime: TestRuntime;
  beforeAll(async () => {
    runtime = await startTestRuntime({ database: 'postgres' });
  });
  afterAll(() => runtime.stop());

  /** Every execution of a workflow, first to last, with its input and history length. */
  async function executionsOf(runId: string) {
    const [codec] = createDataConverter({ blobs: runtime.blobs }).payloadCodecs ?? [];
    const chain: { input: ContinuedInput; historyLength: number }[] = [];
    let executionRunId: string | undefined = (await runtime.temporal.workflow.getHandle(runId).describe()).runId;
    while (executionRunId) {
      const history: temporal.api.history.v1.IHistory = await runtime.temporal.workflow
        .getHandle(runId, executionRunId)
        .fetchHistory();
      const events = history.events ?? [];
      const started = events[0]?.workflowExecutionStartedEventAttributes;
      const [payload] = (await codec?.decode((started?.input?.payloads ?? []) as Payload[])) ?? [];
      chain.unshift({
        input: defaultPayloadConverter.fromPayload(payload as Payload),
        historyLength: events.length,
      });
      executionRunId = started?.continuedExecutionRunId || undefined;
    }
    return chain;
  }

  it(
    'continues as new, and its steps, events and tool calls are all there exactly once',
    { timeout: 120_000 },
    async () => {
      const agent = (await (await runtime.request('POST', '/v1/agents', { name: 'long-run' })).json()) as {
        id: string;
      };
      const replies = [
        ...Array.from({ length: steps - 1 }, (_, index) => ({
          toolCalls: [{ id: 'echo', name: 'echo', arguments: { n: index + 1 } }],
        })),
        { text: `done after ${steps} steps` },
      ];
      const version = await runtime.request('POST', `/v1/agents/${agent.id}/versions`, {
        spec: { model: { provider: 'scripted', replies }, tools: [{ name: 'echo' }], limits: { maxSteps: steps + 1 } },
      });
      expect(version.status).toBe(201);
      const created = await runtime.request('POST', '/v1/runs', { agentId: agent.id, input: 'count' });
      const { id: runId } = (await created.json()) as { id: string };

      const run = await waitForRun(runtime, runId, 110_000);
      expect(run).toMatchObject({
        status: 'succeeded',
        output: { text: `done after ${steps} steps` },
        usage: { steps, modelCalls: steps, toolCalls: steps - 1 },
      });

      // Several executions, each with a bounded history, each resuming where the last stopped.
      const executions = await executionsOf(runId);
      expect(executions.length).toBeGreaterThanOrEqual(2);
      expect(executions[0]?.input.continued).toBeUndefined();
      for (const { historyLength } of executions) expect(historyLength).toBeLessThan(2100);
      let previousStep = 1;
      for (const { input } of executions.slice(1)) {
        const { nextStep, run: carried, usage } = input.continued ?? { nextStep: 0, run: { messages: [] }, usage: {} };
        expect(nextStep).toBeGreaterThan(previousStep);
        expect(usage.steps).toBe(nextStep - 1);
        // The whole conversation so far: the input, then each step's reply and tool result, in order.
        expect(carried.messages).toHaveLength(1 + 2 * (nextStep - 1));
        expect(carried.messages[0]).toMatchObject({ role: 'user', content: 'count' });
        const toolResults = carried.messages.filter((message) => message.role === 'tool');
        expect(toolResults.map((message) => JSON.parse(message.content) as unknown)).toEqual(
          Array.from({ length: nextStep - 1 }, (_, index) => ({ ok: true, output: { n: index + 1 } })),
        );
        previousStep = nextStep;
      }

      const events = await listRunEvents(runtime.database.db, runtime.tenantId, runId, { after: 0, limit: 10_000 });
      expect(events).toHaveLength(1 + 2 * steps + 2 * (steps - 1) + 1);
      expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
      const stepsOf = (type: string) => events.filter((event) => event.type === type).map((event) => event.step);
      const everyStep = Array.from({ length: steps }, (_, index) => index + 1);
      expect(stepsOf('model.started')).toEqual(everyStep);
      expect(stepsOf('model.completed')).toEqual(everyStep);
      expect(stepsOf('tool.completed')).toEqual(everyStep.slice(0, -1));
      expect(events.at(-1)?.type).toBe('run.succeeded');

      const toolCalls = await listToolCalls(runtime.database.db, runtime.tenantId, runId);
      expect(toolCalls.map((call) => [call.step, call.status, call.attempts])).toEqual(
        everyStep.slice(0, -1).map((step) => [step, 'completed', 1]),
      );
    },
  );
});
