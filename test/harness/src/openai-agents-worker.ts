import { runWorkerProcess } from '@agent-runtime/worker';
import { Agent, tool } from '@openai/agents';
import { OpenAIChatCompletionsModel } from '@openai/agents-openai';
import OpenAI from 'openai';
import { z } from 'zod';

// A worker process with one OpenAI Agents SDK agent registered, for kill -9 tests: `triage`
// hands off to `specialist`, which has a `get_weather` tool; both call the test's model server
// (OPENAI_AGENTS_TEST_URL), so the test counts each model call there and can hold one in flight
// while it kills this process.
const model = new OpenAIChatCompletionsModel(
  new OpenAI({ baseURL: process.env.OPENAI_AGENTS_TEST_URL ?? '', apiKey: 'sk-restart', maxRetries: 0 }),
  'local',
);
const specialist = new Agent({
  name: 'specialist',
  instructions: 'You are the weather specialist.',
  model,
  tools: [
    tool({
      name: 'get_weather',
      description: 'Current temperature of a city, in °C.',
      parameters: z.object({ city: z.string() }),
      execute: ({ city }) => ({ city, celsius: 4 }),
    }),
  ],
});
const triage = new Agent({ name: 'triage', instructions: 'Route the question.', model, handoffs: [specialist] });

await runWorkerProcess({ serviceName: 'openai-agents-test-worker', openaiAgents: { triage } });
