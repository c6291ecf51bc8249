import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { ModelPricing, ProviderModelSpec } from '@agent-runtime/core';
import { jsonSchema, streamText, tool, type LanguageModel, type ModelMessage, type ToolSet } from 'ai';
import type { ConversationMessage, ModelReply, ToolCall } from '../messages.ts';
import { ModelCallError } from './model-call-error.ts';
import type { ModelCallContext, ModelToolDefinition } from './model-call.ts';
import { resolveModelCredentials } from './model-credentials.ts';
import { modelToolNamesOf, type ModelToolNames } from './model-tool-names.ts';
import { toModelCallErrorOf } from './model-errors.ts';
import { priceUsage } from './model-usage.ts';

/** What one call of a provider's model sends: the conversation and what the model may call. */
export interface ProviderModelRequest {
  readonly model: ProviderModelSpec;
  readonly instructions?: string | undefined;
  readonly messages: readonly ConversationMessage[];
  /** Under their declared names: the call sends them under provider-safe names (`modelToolNamesOf`). */
  readonly tools: readonly ModelToolDefinition[];
}

/**
 * The AI SDK model for a spec. The key is always passed (never left to the providers'
 * environment-variable fallback), so one tenant's call can never use the process's key.
 */
function languageModelOf(model: ProviderModelSpec, apiKey: string | undefined, headers: Record<string, string>) {
  const baseURL = model.baseUrl?.replace(/\/+$/, '');
  switch (model.provider) {
    case 'openai-compatible':
      return createOpenAICompatible({
        name: 'openai-compatible',
        baseURL: baseURL ?? '',
        headers,
        includeUsage: true,
        ...(apiKey === undefined ? {} : { apiKey }),
      }).chatModel(model.model);
    case 'openai':
      // Chat completions rather than Responses: what every proxy of OpenAI's API speaks too.
      return createOpenAI({ apiKey: apiKey ?? '', ...(baseURL ? { baseURL } : {}) }).chat(model.model);
    case 'anthropic':
      return createAnthropic({ apiKey: apiKey ?? '', ...(baseURL ? { baseURL } : {}) }).languageModel(model.model);
  }
}

/** Our conversation as AI SDK model messages, earlier tool calls and results under the names the model sees. */
export function toModelMessages(messages: readonly ConversationMessage[], names: ModelToolNames): ModelMessage[] {
  return messages.map((message): ModelMessage => {
    switch (message.role) {
      case 'user':
        return { role: 'user', content: message.content };
      case 'assistant':
        return {
          role: 'assistant',
          content: [
            ...(message.content ? [{ type: 'text' as const, text: message.content }] : []),
            ...message.toolCalls.map((call) => ({
              type: 'tool-call' as const,
              toolCallId: call.id,
              toolName: names.toModel(call.name),
              input: call.arguments,
            })),
          ],
        };
      case 'tool':
        return {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: message.toolCallId,
              toolName: names.toModel(message.name),
              output: { type: 'text', value: message.content },
            },
          ],
        };
    }
  });
}

/**
 * The spec's tools as an AI SDK tool set under the names the model sees, with no `execute`:
 * the SDK hands the calls back and the runtime runs each as its own durable step. Inputs are
 * not validated here (the tool step validates them and tells the model what is wrong).
 */
export function toToolSet(tools: readonly ModelToolDefinition[], names: ModelToolNames): ToolSet | undefined {
  if (tools.length === 0) return undefined;
  return Object.fromEntries(
    tools.map(({ name, description, inputSchema }) => {
      // The dialect marker is dropped: some local servers reject unknown keywords.
      const schema = Object.fromEntries(Object.entries(inputSchema).filter(([key]) => key !== '$schema'));
      return [names.toModel(name), tool({ description, inputSchema: jsonSchema(schema) })];
    }),
  );
}

function argumentsOf(input: unknown): Record<string, unknown> {
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) return input as Record<string, unknown>;
  // Unparsable arguments: the tool step reports the missing fields back to the model.
  return {};
}

/** One call of an AI SDK language model, whoever configured it. */
export interface LanguageModelStepRequest {
  readonly model: LanguageModel;
  /** Names the model in failure messages: `openai-compatible model "llama3.2"`. */
  readonly label: string;
  readonly instructions?: string | undefined;
  readonly messages: readonly ConversationMessage[];
  /** Under their declared names: the call sends them under provider-safe names (`modelToolNamesOf`). */
  readonly tools: readonly ModelToolDefinition[];
  readonly temperature?: number | undefined;
  readonly maxOutputTokens?: number | undefined;
  /** For cost: unset, `costUsd` is null. */
  readonly pricing?: ModelPricing | undefined;
  /** Values scrubbed from failure messages (the key, secret headers). */
  readonly secretValues?: readonly string[];
}

/**
 * One model step through the AI SDK: streams the reply (each text delta to
 * `context.onTextDelta`), stops after one model call, and returns the text, the tool calls
 * the model asks for (not executed, under their declared names) and the usage priced by
 * `pricing`. The SDK's own retries are off: Temporal retries the step.
 * @throws ModelCallError for every model failure, secret values scrubbed from its message.
 * @throws the signal's reason when the run is cancelled.
 */
export async function callLanguageModel(
  request: LanguageModelStepRequest,
  context: ModelCallContext,
): Promise<ModelReply> {
  const { label } = request;
  const timeout = new AbortController();
  const abort = new AbortController();
  const timer = setTimeout(() => timeout.abort(), context.timeoutMs);
  const signal = AbortSignal.any([context.signal, timeout.signal, abort.signal]);
  let text = '';
  const toolCalls: ToolCall[] = [];
  let reported: { inputTokens: number | undefined; outputTokens: number | undefined } | undefined;
  let failure: unknown;
  let cachedInputTokens: number | undefined;
  let totalTokens: number | undefined;
  const names = modelToolNamesOf(request.tools.map((definition) => definition.name));
  const tools = toToolSet(request.tools, names);
  try {
    const result = streamText({
      model: request.model,
      ...(request.instructions ? { instructions: request.instructions } : {}),
      messages: toModelMessages(request.messages, names),
      ...(tools ? { tools } : {}),
      maxRetries: 0,
      abortSignal: signal,
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
      onError: () => {
        // Errors arrive as `error` parts of the stream below.
      },
    });
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') {
        text += part.text;
        context.onTextDelta?.(part.text);
      } else if (part.type === 'tool-call') {
        toolCalls.push({
          id: part.toolCallId,
          name: names.toDeclared(part.toolName),
          arguments: argumentsOf(part.input),
        });
      } else if (part.type === 'error') {
        failure ??= part.error;
      } else if (part.type === 'finish') {
        reported = part.totalUsage;
        totalTokens = part.totalUsage.totalTokens;
        cachedInputTokens = part.totalUsage.inputTokenDetails.cacheReadTokens;
      }
    }
  } catch (error) {
    failure ??= error;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  if (context.signal.aborted) throw context.signal.reason ?? new Error('the model call was cancelled');
  if (timeout.signal.aborted) {
    throw new ModelCallError(408, `${label} gave no complete answer within ${context.timeoutMs / 1000}s`);
  }
  if (failure !== undefined) throw toModelCallErrorOf(failure, label, request.secretValues ?? []);
  if (!reported && !text && toolCalls.length === 0) {
    throw new ModelCallError(502, `${label} ended its answer without content`, undefined, 'model_response_invalid');
  }
  return {
    text,
    toolCalls,
    usage: priceUsage(
      {
        inputTokens: reported?.inputTokens,
        outputTokens: reported?.outputTokens,
        totalTokens,
        cachedInputTokens,
      },
      request.pricing,
    ),
  };
}

/**
 * One model step against a provider, through the AI SDK (see {@link callLanguageModel}),
 * with the spec's model, credentials read from the tenant's secrets, and its pricing.
 * @throws ModelCallError for every provider failure, secret values scrubbed from its message.
 * @throws the signal's reason when the run is cancelled.
 */
export async function callProviderModel(request: ProviderModelRequest, context: ModelCallContext): Promise<ModelReply> {
  const { model } = request;
  const credentials = await resolveModelCredentials(model, context.secrets);
  return callLanguageModel(
    {
      model: languageModelOf(model, credentials.apiKey, credentials.headers) as LanguageModel,
      label: `${model.provider} model "${model.model}"`,
      instructions: request.instructions,
      messages: request.messages,
      tools: request.tools,
      temperature: model.temperature,
      maxOutputTokens: model.maxOutputTokens,
      pricing: model.pricing,
      secretValues: credentials.values,
    },
    context,
  );
}
