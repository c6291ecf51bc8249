import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** What one decision step of a run used, as its recorded reply says. */
export interface StepUsageRecord {
  readonly tenantId: string;
  readonly runId: string;
  readonly step: number;
  readonly agentId: string;
  /** The spec's model provider and model id; undefined for adapters that call their own models. */
  readonly provider?: string | undefined;
  readonly model?: string | undefined;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** As the provider counts it; input + output when it does not say. */
  readonly totalTokens?: number | undefined;
  readonly cachedInputTokens?: number | undefined;
  /** Null or undefined: the model has no pricing, the step cost nothing we know of. */
  readonly costUsd?: number | null | undefined;
}

/** Tokens and cost summed over steps. */
export interface SpentUsage {
  readonly totalTokens: number;
  readonly costUsd: number;
}

/** The tokens a step counts against budgets: the provider's total, else input + output. */
export function tokensOf(usage: Pick<StepUsageRecord, 'inputTokens' | 'outputTokens' | 'totalTokens'>): number {
  return usage.totalTokens ?? usage.inputTokens + usage.outputTokens;
}

/**
 * Writes a step's row of the usage ledger and adds it to its tenant's month, in one
 * statement: a step recorded twice (a retried attempt) is written and counted once.
 */
export async function recordStepUsage(db: Kysely<Database>, usage: StepUsageRecord): Promise<void> {
  const totalTokens = tokensOf(usage);
  const costUsd = usage.costUsd ?? 0;
  await sql`
    with inserted as (
      insert into step_usage (tenant_id, run_id, step, agent_id, provider, model, input_tokens, output_tokens,
        total_tokens, cached_input_tokens, cost_usd)
      values (${usage.tenantId}, ${usage.runId}, ${usage.step}, ${usage.agentId}, ${usage.provider ?? null},
        ${usage.model ?? null}, ${usage.inputTokens}, ${usage.outputTokens}, ${totalTokens},
        ${usage.cachedInputTokens ?? 0}, ${costUsd})
      on conflict (run_id, step) do nothing
      returning tenant_id, recorded_at, total_tokens, cost_usd
    )
    insert into tenant_monthly_usage (tenant_id, month, total_tokens, cost_usd)
    select tenant_id, date_trunc('month', recorded_at at time zone 'UTC')::date, total_tokens, cost_usd from inserted
    on conflict (tenant_id, month) do update
      set total_tokens = tenant_monthly_usage.total_tokens + excluded.total_tokens,
          cost_usd = tenant_monthly_usage.cost_usd + excluded.cost_usd
  `.execute(db);
}

/** What the run's steps before `beforeStep` used, by the ledger (replayed steps have no rows). */
export async function runSpentBefore(
  db: Kysely<Database>,
  tenantId: string,
  runId: string,
  beforeStep: number,
): Promise<SpentUsage> {
  const row = await db
    .selectFrom('step_usage')
    .select([
      sql<number>`coalesce(sum(total_tokens), 0)::float8`.as('total_tokens'),
      sql<number>`coalesce(sum(cost_usd), 0)::float8`.as('cost_usd'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('run_id', '=', runId)
    .where('step', '<', beforeStep)
    .executeTakeFirstOrThrow();
  return { totalTokens: Number(row.total_tokens), costUsd: Number(row.cost_usd) };
}

/** The ledger row of one step of a run, if the step ran. */
export async function stepUsageOf(
  db: Kysely<Database>,
  tenantId: string,
  runId: string,
  step: number,
): Promise<(SpentUsage & { inputTokens: number; outputTokens: number; cachedInputTokens: number }) | undefined> {
  const row = await db
    .selectFrom('step_usage')
    .select(['input_tokens', 'output_tokens', 'total_tokens', 'cached_input_tokens', 'cost_usd'])
    .where('tenant_id', '=', tenantId)
    .where('run_id', '=', runId)
    .where('step', '=', step)
    .executeTakeFirst();
  return (
    row && {
      inputTokens: row.input_tokens,
      outputTokens: row.output_tokens,
      totalTokens: row.total_tokens,
      cachedInputTokens: row.cached_input_tokens,
      costUsd: row.cost_usd,
    }
  );
}
