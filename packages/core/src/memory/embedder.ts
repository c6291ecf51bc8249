import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { embedMany, type EmbeddingModel } from 'ai';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';

/** Turns texts into vectors for the memory store's semantic search. */
export interface Embedder {
  /**
   * Names the model (`<provider>:<model id>`). Stored with each embedding: a search compares
   * only vectors of the model that embeds its query, so changing the model never mixes spaces.
   */
  readonly model: string;
  /**
   * One vector per text, in order.
   * @throws AppError `dependency_unavailable` when the provider fails or does not answer in time.
   */
  embed(texts: readonly string[]): Promise<number[][]>;
}

/** Longest wait for one embedding call. */
const embedTimeoutMs = 30_000;

/**
 * An embedder over an AI SDK embedding model (`embedMany`). Its failures are the provider's,
 * so they are answered as an unavailable dependency; the AI SDK's own retries stay on for
 * the transient ones (429, 5xx).
 */
export function aiSdkEmbedder(model: EmbeddingModel, name: string): Embedder {
  return {
    model: name,
    async embed(texts) {
      if (texts.length === 0) return [];
      try {
        const { embeddings } = await embedMany({
          model,
          values: [...texts],
          abortSignal: AbortSignal.timeout(embedTimeoutMs),
        });
        return embeddings;
      } catch (error) {
        throw new AppError(
          'dependency_unavailable',
          `the embedding model ${name} failed: ${error instanceof Error ? error.message : String(error)}`,
          { retryAfterSeconds: 5 },
        );
      }
    },
  };
}

/**
 * The embedder the configuration names (`AR_MEMORY_EMBEDDING_*`), or undefined when none is
 * configured (semantic search is then off). The API key is the deployment's, not a tenant's:
 * the store's embeddings are a service of the platform, like its database.
 */
export function openEmbedder(config: Config): Embedder | undefined {
  const provider = config.AR_MEMORY_EMBEDDING_PROVIDER;
  const modelId = config.AR_MEMORY_EMBEDDING_MODEL;
  if (provider === undefined || modelId === undefined) return undefined;
  const baseURL = config.AR_MEMORY_EMBEDDING_BASE_URL?.replace(/\/+$/, '');
  const apiKey = config.AR_MEMORY_EMBEDDING_API_KEY;
  const model =
    provider === 'openai'
      ? createOpenAI({ apiKey: apiKey ?? '', ...(baseURL ? { baseURL } : {}) }).embeddingModel(modelId)
      : createOpenAICompatible({
          name: 'memory-embeddings',
          baseURL: baseURL ?? '',
          ...(apiKey === undefined ? {} : { apiKey }),
        }).embeddingModel(modelId);
  return aiSdkEmbedder(model, `${provider}:${modelId}`);
}
