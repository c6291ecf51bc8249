import type { AgentSpec } from '../domain/agent-spec.ts';
import type { SpentUsage } from './step-usage.ts';

/** The caps of one run (`limits.maxTokens`, `limits.maxCostUsd`); unset fields do not cap. */
export interface RunBudget {
  readonly maxTokens?: number | undefined;
  readonly maxCostUsd?: number | undefined;
}

/** Characters per token of the input estimate, as `history.maxTokens` counts them. */
const charsPerToken = 4;

/** Sums of prices drift in binary (0.1 + 0.2); far below a micro-dollar is noise. */
function roundUsd(usd: number): number {
  return Math.round(usd * 1e10) / 1e10;
}

/**
 * The most a model call of the spec can use: its input, estimated from the characters sent
 * (instructions and conversation, 4 to a token), plus the model's `maxOutputTokens`, priced by
 * its `pricing` (every input token at the uncached price). Undefined for specs whose model the
 * runtime does not know (code, HTTP, LangGraph, AI SDK and OpenAI agents call their own): their
 * steps are only held to the budget after they ran. A model without `maxOutputTokens` counts
 * its input only: its output has no bound to check.
 */
export function worstCaseOfCall(spec: AgentSpec, sentCharacters: number): SpentUsage | undefined {
  const model = spec.agent.kind === 'builtin' ? spec.model : undefined;
  if (model === undefined) return undefined;
  const inputTokens = Math.ceil((sentCharacters + (spec.instructions?.length ?? 0)) / charsPerToken);
  const outputTokens = model.provider === 'scripted' ? 0 : (model.maxOutputTokens ?? 0);
  const pricing = model.provider === 'scripted' ? undefined : model.pricing;
  const costUsd = pricing
    ? roundUsd((inputTokens * pricing.inputPerMillionTokens + outputTokens * pricing.outputPerMillionTokens) / 1e6)
    : 0;
  return { totalTokens: inputTokens + outputTokens, costUsd };
}

/**
 * Why a call whose worst case is `worstCase` may not start after the run has spent `spent`,
 * or undefined when it fits (or nothing caps the run).
 */
export function unaffordableCall(budget: RunBudget, spent: SpentUsage, worstCase: SpentUsage): string | undefined {
  if (budget.maxTokens !== undefined && spent.totalTokens + worstCase.totalTokens > budget.maxTokens) {
    return `the model call could use ${worstCase.totalTokens} tokens, and only ${Math.max(0, budget.maxTokens - spent.totalTokens)} of the run's ${budget.maxTokens} are left`;
  }
  if (budget.maxCostUsd !== undefined && roundUsd(spent.costUsd + worstCase.costUsd) > budget.maxCostUsd) {
    return `the model call could cost $${worstCase.costUsd}, and only $${roundUsd(Math.max(0, budget.maxCostUsd - spent.costUsd))} of the run's $${budget.maxCostUsd} is left`;
  }
  return undefined;
}

/** Why a run that has spent `spent` is over its budget, or undefined while it is within. */
export function budgetCrossed(budget: RunBudget, spent: SpentUsage): string | undefined {
  if (budget.maxTokens !== undefined && spent.totalTokens > budget.maxTokens) {
    return `the run used ${spent.totalTokens} tokens, over its limit of ${budget.maxTokens}`;
  }
  if (budget.maxCostUsd !== undefined && roundUsd(spent.costUsd) > budget.maxCostUsd) {
    return `the run spent $${roundUsd(spent.costUsd)}, over its limit of $${budget.maxCostUsd}`;
  }
  return undefined;
}
