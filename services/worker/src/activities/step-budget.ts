import type { AgentReply } from '@agent-runtime/agents';
import {
  budgetCrossed,
  recordStepUsage,
  runSpentBefore,
  tenantBudgetMessage,
  tenantBudgetOf,
  unaffordableCall,
  worstCaseOfCall,
  type AgentSpec,
} from '@agent-runtime/core';
import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDependencies } from './activity-support.ts';
import type { RunRef } from './activity-types.ts';

type Db = ActivityDependencies['db'];

/** Whether the spec caps what its runs may use. */
function hasRunBudget(spec: AgentSpec): boolean {
  return spec.limits.maxTokens !== undefined || spec.limits.maxCostUsd !== undefined;
}

/**
 * Stops a run before a step when its tenant has spent its monthly budget: the step in flight
 * finished, no new one begins. The run fails `tenant_budget_exceeded`.
 */
export async function assertTenantBudgetForStep(db: Db, ref: RunRef): Promise<void> {
  const state = await tenantBudgetOf(db, ref.tenantId);
  if (state.exceeded === undefined) return;
  throw ApplicationFailure.nonRetryable(tenantBudgetMessage(state), 'tenant_budget_exceeded');
}

/**
 * Refuses a model call the run cannot afford: what its earlier steps used plus the call's
 * worst case (its input, estimated, and the model's `maxOutputTokens`, priced) over
 * `limits.maxTokens` or `limits.maxCostUsd`. The call is not made; the run fails
 * `budget_exceeded` at this step.
 */
export async function assertCallAffordable(
  db: Db,
  spec: AgentSpec,
  ref: RunRef,
  step: number,
  sent: unknown,
): Promise<void> {
  if (!hasRunBudget(spec)) return;
  const worstCase = worstCaseOfCall(spec, JSON.stringify(sent).length);
  const spent = await runSpentBefore(db, ref.tenantId, ref.runId, step);
  const refusal =
    worstCase === undefined ? budgetCrossed(spec.limits, spent) : unaffordableCall(spec.limits, spent, worstCase);
  if (refusal !== undefined) {
    throw ApplicationFailure.nonRetryable(`step ${step} was not started: ${refusal}`, 'budget_exceeded');
  }
}

/**
 * Writes what the step used to the usage ledger (once per step, whichever attempt), counted
 * in its tenant's month at once.
 */
export async function recordStepSpend(db: Db, spec: AgentSpec, ref: RunRef, step: number, reply: AgentReply) {
  const model = spec.agent.kind === 'builtin' ? spec.model : undefined;
  await recordStepUsage(db, {
    tenantId: ref.tenantId,
    runId: ref.runId,
    step,
    agentId: ref.agentId,
    provider: model?.provider,
    model: model === undefined || model.provider === 'scripted' ? undefined : model.model,
    ...reply.usage,
  });
}

/**
 * Fails the run at the step whose usage took it over `limits.maxTokens` or
 * `limits.maxCostUsd`: its reply is recorded, its tool calls do not run.
 */
export async function assertRunBudgetAfterStep(db: Db, spec: AgentSpec, ref: RunRef, step: number): Promise<void> {
  if (!hasRunBudget(spec)) return;
  const crossed = budgetCrossed(spec.limits, await runSpentBefore(db, ref.tenantId, ref.runId, step + 1));
  if (crossed !== undefined) throw ApplicationFailure.nonRetryable(`step ${step}: ${crossed}`, 'budget_exceeded');
}
