import { z } from 'zod';
import { agentAdapterSchema } from '../domain/agent-spec.ts';
import { modelSpecSchema } from '../domain/model-spec.ts';
import { replayedFlagSchema } from './replayed-flag.ts';
import { stepNumberSchema, storedRunEventSchema } from './run-event-envelope.ts';

/** The adapters of the spec's `agent.kind`. */
const agentKinds = agentAdapterSchema.options.map((option) => option.shape.kind.value);

/** The model providers of the spec's `model.provider`. */
const modelProviders = modelSpecSchema.options.map((option) => option.shape.provider.value);

/** `model.started`: a decision step began. */
export const modelStartedEventSchema = storedRunEventSchema({
  type: 'model.started',
  id: 'ModelStartedEvent',
  description:
    "A decision step began: a model call of the builtin loop (`provider`), or a step of another adapter (`agent`, the spec's `agent.kind`).",
  step: stepNumberSchema,
  data: z.union([
    z.strictObject({ provider: z.enum(modelProviders), replayed: replayedFlagSchema }),
    z.strictObject({ agent: z.enum(agentKinds), replayed: replayedFlagSchema }),
  ]),
});

/** A tool call a decision step asked for. */
export const eventToolCallSchema = z
  .object({
    id: z.string().describe('Unique within its step'),
    name: z.string(),
    arguments: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'ToolCall' });

/** Tokens a decision step used, and what they cost. */
export const stepUsageSchema = z
  .object({
    inputTokens: z.number().int().min(0).describe('Every input token, cached or not'),
    outputTokens: z.number().int().min(0),
    totalTokens: z.number().int().min(0).optional().describe('As the provider counts it'),
    cachedInputTokens: z.number().int().min(0).optional().describe('Input tokens read from the prompt cache'),
    costUsd: z.number().nullable().optional().describe("USD, from the spec's `model.pricing`; null without pricing"),
  })
  .meta({ id: 'StepUsage' });

/** `model.completed`: a decision step's reply, recorded once. */
export const modelCompletedEventSchema = storedRunEventSchema({
  type: 'model.completed',
  id: 'ModelCompletedEvent',
  description:
    "A decision step's reply: its complete text (what `model.delta` messages streamed), the tool calls to run next, and usage.",
  step: stepNumberSchema,
  data: z.strictObject({
    text: z.string(),
    toolCalls: z.array(eventToolCallSchema).readonly().describe('None: the reply is final (unless a graph goes on)'),
    usage: stepUsageSchema,
    final: z.unknown().optional().describe("A code, HTTP or graph agent's final output (any JSON), when it gave one"),
    agentName: z
      .string()
      .nullable()
      .optional()
      .describe('OpenAI agents only: which agent of the handoff graph answered (null when unknown)'),
    replayed: replayedFlagSchema,
  }),
});
