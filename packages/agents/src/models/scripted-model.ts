import { setTimeout as delay } from 'node:timers/promises';
import type { ModelSpec } from '@agent-runtime/core';
import type { ModelReply } from '../messages.ts';
import type { ModelCallContext } from './model-call.ts';
import { ModelCallError } from './model-call-error.ts';

type ScriptedModelSpec = Extract<ModelSpec, { provider: 'scripted' }>;

/**
 * The deterministic model: step `n` (from 1) returns reply `n`, and steps past the script
 * repeat its last reply. Tool call ids default to `call_<index>`. A reply with `failures`
 * fails its first attempts the way a provider would, to exercise retries.
 * @throws ModelCallError for attempt `k` ≤ the reply's number of failures.
 */
export function scriptedModelReply(model: ScriptedModelSpec, step: number, attempt = 1): ModelReply {
  const reply = model.replies[Math.min(step, model.replies.length) - 1];
  if (!reply) throw new Error(`scripted model has no reply for step ${step}`);
  const failure = reply.failures?.[attempt - 1];
  if (failure) {
    const retryAfterMs = failure.retryAfterSeconds === undefined ? undefined : failure.retryAfterSeconds * 1000;
    throw new ModelCallError(failure.status, `scripted model answered ${failure.status}`, retryAfterMs);
  }
  return {
    text: reply.text ?? '',
    toolCalls: (reply.toolCalls ?? []).map((call, index) => ({
      id: call.id ?? `call_${index}`,
      name: call.name,
      arguments: call.arguments,
    })),
    usage: { inputTokens: 0, outputTokens: 0 },
  };
}

/**
 * {@link scriptedModelReply} as a streaming provider: the reply's text goes to
 * `context.onTextDelta` in pieces of the spec's `stream.chunkChars` characters, each after
 * `stream.chunkDelayMs` (tests use the delay to watch text arrive before the step ends).
 * Without `stream` in the spec the reply comes whole, like a provider that does not stream.
 * @throws ModelCallError as {@link scriptedModelReply}; the signal's reason when aborted.
 */
export async function callScriptedModel(
  model: ScriptedModelSpec,
  context: Pick<ModelCallContext, 'step' | 'attempt' | 'onTextDelta'> & { readonly signal?: AbortSignal },
): Promise<ModelReply> {
  const reply = scriptedModelReply(model, context.step, context.attempt);
  const { stream } = model;
  if (!stream || !context.onTextDelta) return reply;
  const characters = Array.from(reply.text);
  for (let start = 0; start < characters.length; start += stream.chunkChars) {
    if (stream.chunkDelayMs > 0) await delay(stream.chunkDelayMs, undefined, { signal: context.signal });
    context.signal?.throwIfAborted();
    context.onTextDelta(characters.slice(start, start + stream.chunkChars).join(''));
  }
  return reply;
}
