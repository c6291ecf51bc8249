import type { AgentSpec } from '@agent-runtime/core';
import type { ConversationMessage, ModelReply } from '../../messages.ts';
import { callProviderModel } from '../../models/ai-sdk-model.ts';
import { modelToolsOf, type ModelCallContext, type ModelToolSources } from '../../models/model-call.ts';
import { callScriptedModel } from '../../models/scripted-model.ts';

/**
 * One model step of a run under `spec`: the scripted model's reply, or one call of the
 * provider's model (the spec's instructions, the conversation, and every tool the spec
 * declares, described by `tools`).
 * @throws ModelCallError when the provider fails; `retryable` says whether to try again.
 */
export async function callModel(
  spec: AgentSpec,
  messages: readonly ConversationMessage[],
  tools: ModelToolSources,
  context: ModelCallContext,
): Promise<ModelReply> {
  const { model } = spec;
  // The spec schema requires a model of builtin agents, the only ones that get here.
  if (model === undefined) throw new Error('the builtin agent needs a model');
  if (model.provider === 'scripted') {
    return callScriptedModel(model, context);
  }
  return callProviderModel(
    { model, instructions: spec.instructions, messages, tools: modelToolsOf(spec, tools) },
    context,
  );
}
