import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { AiSdkAgent, CodeAgent } from '@agent-runtime/agents';
import { runWorkerProcess } from '@agent-runtime/worker';
import { tool } from 'ai';
import { z } from 'zod';

// A worker process with one code agent and one AI SDK agent registered, for kill -9 tests.
// Both make their work visible to the test's server (AGENTS_TEST_URL), so the test sees which
// step or tool runs when and can hold one in flight while it kills this process; the AI SDK
// agent's model is the test's OpenAI-compatible server (AGENTS_TEST_MODEL_URL).
const base = process.env.AGENTS_TEST_URL ?? 'http://127.0.0.1:9';
const modelUrl = process.env.AGENTS_TEST_MODEL_URL ?? 'http://127.0.0.1:9/v1';

/** The result of the last tool message in a conversation, parsed. */
function lastToolResult(messages: Parameters<CodeAgent>[0]['messages']): unknown {
  const last = messages.findLast((message) => message.role === 'tool');
  return last?.role === 'tool' ? JSON.parse(last.content) : undefined;
}

/**
 * Doubles 1 `times` times with the spec's `double` tool (an HTTP tool of the test), counting in
 * its state. Before deciding, it tells the test's server (`POST /decide`) its step, attempt and
 * state; the server may hold that request to keep the step in flight.
 */
const doubler: CodeAgent = async ({ step, attempt, input, messages, state, signal }) => {
  await fetch(`${base}/decide`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ step, attempt, state: state ?? null }),
    signal,
  });
  const done = (state as { done?: number } | undefined)?.done ?? 0;
  const last = lastToolResult(messages) as { ok: true; output: { value: number } } | undefined;
  const value = last?.output.value ?? 1;
  if (done === (input as { times: number }).times) return { final: { value, doublings: done } };
  return {
    text: `doubling ${value}`,
    toolCalls: [{ id: `double-${done}`, name: 'double', arguments: { value } }],
    state: { done: done + 1 },
  };
};

/** Answers weather questions; its tool asks the test's server (`GET /weather`), which counts. */
const weather: AiSdkAgent = {
  model: createOpenAICompatible({ name: 'harness', baseURL: modelUrl, includeUsage: true }).chatModel('local-llama'),
  system: 'You answer weather questions. Use get_weather.',
  tools: {
    get_weather: tool({
      description: 'Current temperature of a city, in °C.',
      inputSchema: z.object({ city: z.string().min(1) }),
      execute: async ({ city }, { abortSignal }) => {
        const response = await fetch(`${base}/weather?city=${encodeURIComponent(city)}`, {
          signal: abortSignal ?? null,
        });
        if (!response.ok) throw new Error(`weather service answered ${response.status}`);
        return response.json();
      },
    }),
  },
};

await runWorkerProcess({ serviceName: 'agents-test-worker', agents: { doubler }, aiSdkAgents: { weather } });
