import { z } from 'zod';
import { baseUrlSchema, headerNameSchema, httpHeaderValueSchema } from './outgoing-http.ts';
import { secretNameSchema } from './secret.ts';

/**
 * Attempts of one step (a model call, an agent's step) before a retryable failure fails the
 * run; the workflow's retry policy allows 10 at most.
 */
export const stepAttemptsSchema = z.number().int().min(1).max(10).default(10);

/** A JSON object as tool-call arguments. */
const toolArguments = z.record(z.string(), z.unknown());

/** One tool call the scripted model makes in a reply. */
export const scriptedToolCallSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional()
    .describe('Call id; defaults to `call_<index>` within the reply.'),
  name: z.string().min(1).max(64),
  arguments: toolArguments.default({}),
});

/** A failure the scripted model answers an attempt with, as a provider would over HTTP. */
export const scriptedFailureSchema = z.strictObject({
  status: z.number().int().min(400).max(599).describe('HTTP status: 429 and 5xx are retried, other 4xx are not'),
  retryAfterSeconds: z.number().min(0).max(3600).optional().describe('Sent as Retry-After'),
});

/** One reply of the scripted model: text, tool calls, or both. No tool calls means final answer. */
export const scriptedReplySchema = z.strictObject({
  text: z.string().max(100_000).optional(),
  toolCalls: z.array(scriptedToolCallSchema).max(32).optional(),
  failures: z
    .array(scriptedFailureSchema)
    .max(10)
    .optional()
    .describe('Attempt n of this step fails with failures[n-1]; later attempts get the reply'),
});

/**
 * The deterministic model: reply `n` (from 1) answers model step `n`; steps past the end
 * repeat the last reply. Runs work offline with no LLM.
 */
export const scriptedModelSchema = z.strictObject({
  provider: z.literal('scripted'),
  replies: z.array(scriptedReplySchema).min(1).max(10_000),
  stream: z
    .strictObject({
      chunkChars: z.number().int().min(1).max(100_000).default(8).describe('Characters per streamed piece'),
      chunkDelayMs: z.number().int().min(0).max(10_000).default(0).describe('Pause before each piece'),
    })
    .optional()
    .describe('Stream each reply text in pieces (live `model.delta` events); unset: replies come whole'),
});

/**
 * What a model costs, in USD per million tokens, for `usage.costUsd` of steps and runs.
 * Without it, a step's cost is null and adds nothing to the run's.
 */
export const modelPricingSchema = z.strictObject({
  inputPerMillionTokens: z.number().min(0).max(100_000).describe('USD per million input tokens not read from cache'),
  outputPerMillionTokens: z.number().min(0).max(100_000).describe('USD per million output tokens'),
  cachedInputPerMillionTokens: z
    .number()
    .min(0)
    .max(100_000)
    .optional()
    .describe('USD per million input tokens read from the provider cache; unset: the input price'),
});

/** Settings every provider that calls a real model shares. */
const providerModelFields = {
  model: z.string().min(1).max(256).describe("The provider's model id, e.g. llama3.2 or gpt-4o-mini"),
  temperature: z.number().min(0).max(2).optional(),
  maxOutputTokens: z.number().int().min(1).max(1_000_000).optional(),
  pricing: modelPricingSchema.optional(),
  maxAttempts: stepAttemptsSchema.describe(
    'Attempts of one model step before its failure fails the run (429, 5xx, network, malformed answers)',
  ),
};

/** Base URL of an HTTP API: http or https, no credentials in it (they belong in secrets). */
/**
 * Any server speaking the OpenAI chat-completions protocol: Ollama, vLLM, llama.cpp server,
 * LM Studio, or a hosted gateway. How the runtime works offline, with a local model.
 */
export const openAiCompatibleModelSchema = z.strictObject({
  provider: z.literal('openai-compatible'),
  baseUrl: baseUrlSchema.describe('Up to the API version, e.g. http://127.0.0.1:11434/v1 for Ollama'),
  apiKeySecret: secretNameSchema.optional().describe('Secret sent as `Authorization: Bearer <value>`; unset: none'),
  headers: z
    .record(headerNameSchema, httpHeaderValueSchema)
    .default({})
    .describe('More request headers: literal values, or `{ secret, prefix? }` read from a tenant secret per call'),
  ...providerModelFields,
});

/** OpenAI's API (chat completions), or a proxy of it at `baseUrl`. */
export const openAiModelSchema = z.strictObject({
  provider: z.literal('openai'),
  apiKeySecret: secretNameSchema.describe('Secret holding the API key'),
  baseUrl: baseUrlSchema.optional().describe("Unset: OpenAI's public API"),
  ...providerModelFields,
});

/** Anthropic's Messages API, or a proxy of it at `baseUrl`. */
export const anthropicModelSchema = z.strictObject({
  provider: z.literal('anthropic'),
  apiKeySecret: secretNameSchema.describe('Secret holding the API key'),
  baseUrl: baseUrlSchema.optional().describe("Unset: Anthropic's public API"),
  ...providerModelFields,
});

/** Which model answers the agent's model steps. */
export const modelSpecSchema = z.discriminatedUnion('provider', [
  scriptedModelSchema,
  openAiCompatibleModelSchema,
  openAiModelSchema,
  anthropicModelSchema,
]);

/** A model that a provider serves (every provider but `scripted`), defaults applied. */
export type ProviderModelSpec = Exclude<ModelSpec, { provider: 'scripted' }>;
/** Which model answers a builtin agent's steps, defaults applied. */
export type ModelSpec = z.output<typeof modelSpecSchema>;
/** What a model costs per million tokens. */
export type ModelPricing = z.output<typeof modelPricingSchema>;
/** One reply of the scripted model. */
export type ScriptedReply = z.output<typeof scriptedReplySchema>;
