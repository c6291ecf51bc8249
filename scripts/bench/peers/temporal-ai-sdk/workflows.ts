// The echo agent as a plain Temporal workflow with @temporalio/ai-sdk: the AI SDK's loop runs
// in the workflow, each model call is an activity of the plugin, each echo call an activity.
import { proxyActivities } from '@temporalio/workflow';
import { temporalProvider } from '@temporalio/ai-sdk/workflow';
import { generateText, jsonSchema, stepCountIs, tool } from 'ai';
import type * as activities from './activities.ts';

const { echo } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute' });

/** `steps` model calls that each ask for one echo, then the final answer. */
export async function echoAgent(key: string, steps: number): Promise<string> {
  const result = await generateText({
    model: temporalProvider.languageModel(`echo-${steps}`),
    prompt: `run ${key}`,
    tools: {
      echo: tool({
        description: 'Echoes its text',
        inputSchema: jsonSchema<{ text: string }>({
          type: 'object',
          properties: { text: { type: 'string' } },
          required: ['text'],
        }),
        execute: echo,
      }),
    },
    stopWhen: stepCountIs(steps + 1),
  });
  return result.text;
}
