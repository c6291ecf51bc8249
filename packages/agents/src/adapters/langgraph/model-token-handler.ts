import { BaseCallbackHandler, type NewTokenIndices } from '@langchain/core/callbacks/base';
import type { Serialized } from '@langchain/core/load/serializable';
import type { BaseMessage } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';

/** Tags by which LangChain (and LangGraph's `streamMode: 'messages'`) leaves a model's tokens unstreamed. */
const silentTags = ['nostream', 'langsmith:nostream'];

/** What {@link ModelTokenHandler} forwards tokens to. */
export interface ModelTokenHandlerInput {
  readonly onToken: (text: string) => void;
}

/**
 * A LangChain callback handler that forwards the tokens of every chat model (or LLM) called
 * inside a graph's nodes, as LangGraph's `streamMode: 'messages'` sees them: it asks models to
 * stream (`lc_prefer_streaming`, so `model.invoke()` streams too), skips models tagged
 * `nostream`, and is awaited, so every token is forwarded before the node's call returns.
 */
export class ModelTokenHandler extends BaseCallbackHandler {
  override name = 'agent-runtime.model-tokens';
  readonly lc_prefer_streaming = true;
  readonly onToken: (text: string) => void;
  readonly #silentRuns = new Set<string>();

  constructor(input: ModelTokenHandlerInput) {
    super({ _awaitHandler: true });
    this.onToken = input.onToken;
  }

  #start(runId: string, tags: readonly string[] | undefined): void {
    if (tags?.some((tag) => silentTags.includes(tag))) this.#silentRuns.add(runId);
  }

  override handleChatModelStart(
    _model: Serialized,
    _messages: BaseMessage[][],
    runId: string,
    _parentRunId?: string,
    _extraParams?: Record<string, unknown>,
    tags?: string[],
  ): void {
    this.#start(runId, tags);
  }

  override handleLLMStart(
    _model: Serialized,
    _prompts: string[],
    runId: string,
    _parentRunId?: string,
    _extraParams?: Record<string, unknown>,
    tags?: string[],
  ): void {
    this.#start(runId, tags);
  }

  override handleLLMNewToken(token: string, _index: NewTokenIndices, runId: string): void {
    if (!this.#silentRuns.has(runId)) this.onToken(token);
  }

  override handleLLMEnd(_output: LLMResult, runId: string): void {
    this.#silentRuns.delete(runId);
  }

  override handleLLMError(_error: unknown, runId: string): void {
    this.#silentRuns.delete(runId);
  }
}
