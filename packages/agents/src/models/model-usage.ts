import type { ModelPricing } from '@agent-runtime/core';
import type { TokenUsage } from '../messages.ts';

/** Token counts as a provider reports them; any may be missing. */
export interface ReportedTokens {
  readonly inputTokens: number | undefined;
  readonly outputTokens: number | undefined;
  readonly totalTokens?: number | undefined;
  readonly cachedInputTokens?: number | undefined;
}

/** Rounds away binary noise (0.1 + 0.2) while keeping far below a micro-dollar. */
function roundUsd(usd: number): number {
  return Math.round(usd * 1e10) / 1e10;
}

/**
 * A step's usage from the provider's counts, priced by the spec: cached input tokens at the
 * cached price (the input price when unset), the rest of the input and all output at theirs.
 * Missing counts are 0; no pricing gives a null cost.
 */
export function priceUsage(tokens: ReportedTokens, pricing: ModelPricing | undefined): TokenUsage {
  const inputTokens = tokens.inputTokens ?? 0;
  const outputTokens = tokens.outputTokens ?? 0;
  const cachedInputTokens = Math.min(tokens.cachedInputTokens ?? 0, inputTokens);
  const costUsd = pricing
    ? roundUsd(
        ((inputTokens - cachedInputTokens) * pricing.inputPerMillionTokens +
          cachedInputTokens * (pricing.cachedInputPerMillionTokens ?? pricing.inputPerMillionTokens) +
          outputTokens * pricing.outputPerMillionTokens) /
          1_000_000,
      )
    : null;
  return {
    inputTokens,
    outputTokens,
    totalTokens: tokens.totalTokens ?? inputTokens + outputTokens,
    ...(tokens.cachedInputTokens === undefined ? {} : { cachedInputTokens }),
    costUsd,
  };
}
