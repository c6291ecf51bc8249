import type { AgentSpec } from '@agent-runtime/core';
import type { ModelReply } from '../messages.ts';

type ScriptedModelSpec = Extract<AgentSpec['model'], { provider: 'scripted' }>;

/**
 * The deterministic model: step `n` (from 1) returns reply `n`, and steps past the script
 * repeat its last reply. Tool call ids default to `call_<index>`.
 */
export function scriptedModelReply(model: ScriptedModelSpec, step: number): ModelReply {
  const reply = model.replies[Math.min(step, model.replies.length) - 1];
  if (!reply) throw new Error(`scripted model has no reply for step ${step}`);
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
