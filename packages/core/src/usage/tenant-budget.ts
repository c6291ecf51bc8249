import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError, NotFoundError } from '../errors.ts';

/** A tenant's monthly budget and what it has spent of it this calendar month (UTC). */
export interface TenantBudgetState {
  /** Null: no cost budget. */
  readonly monthlyCostUsd: number | null;
  /** Null: no token budget. */
  readonly monthlyTokens: number | null;
  readonly spentCostUsd: number;
  readonly spentTokens: number;
  /** The first day of the month counted, `YYYY-MM-DD`. */
  readonly month: string;
  /** Which budget is spent, if any. */
  readonly exceeded: 'cost' | 'tokens' | undefined;
}

/**
 * Reads the tenant's budget and this month's running total: one row of each, by primary key,
 * whatever the number of steps the tenant ran.
 */
export async function tenantBudgetOf(db: Kysely<Database>, tenantId: string): Promise<TenantBudgetState> {
  const row = await db
    .selectFrom('tenants')
    .leftJoin('tenant_monthly_usage', (join) =>
      join
        .onRef('tenant_monthly_usage.tenant_id', '=', 'tenants.id')
        .on(sql<boolean>`tenant_monthly_usage.month = date_trunc('month', now() at time zone 'UTC')::date`),
    )
    .select([
      'tenants.monthly_cost_usd',
      sql<number | null>`tenants.monthly_tokens::float8`.as('monthly_tokens'),
      sql<number>`coalesce(tenant_monthly_usage.total_tokens, 0)::float8`.as('spent_tokens'),
      sql<number>`coalesce(tenant_monthly_usage.cost_usd, 0)::float8`.as('spent_cost_usd'),
      sql<string>`to_char(date_trunc('month', now() at time zone 'UTC'), 'YYYY-MM-DD')`.as('month'),
    ])
    .where('tenants.id', '=', tenantId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('tenant', tenantId);
  const monthlyCostUsd = row.monthly_cost_usd === null ? null : Number(row.monthly_cost_usd);
  const monthlyTokens = row.monthly_tokens === null ? null : Number(row.monthly_tokens);
  const spentCostUsd = Number(row.spent_cost_usd);
  const spentTokens = Number(row.spent_tokens);
  const exceeded =
    monthlyCostUsd !== null && spentCostUsd >= monthlyCostUsd
      ? 'cost'
      : monthlyTokens !== null && spentTokens >= monthlyTokens
        ? 'tokens'
        : undefined;
  return { monthlyCostUsd, monthlyTokens, spentCostUsd, spentTokens, month: row.month, exceeded };
}

/** What a refusal for a spent budget says, for the API's problem and a run's error alike. */
export function tenantBudgetMessage(state: TenantBudgetState): string {
  return state.exceeded === 'tokens'
    ? `the tenant has used ${state.spentTokens} of its ${state.monthlyTokens} monthly tokens`
    : `the tenant has spent $${state.spentCostUsd} of its $${state.monthlyCostUsd} monthly budget`;
}

/**
 * Refuses a new run of a tenant whose monthly budget is spent: `402 tenant_budget_exceeded`,
 * with the budget and what was spent in the problem's details.
 */
export async function assertTenantBudgetLeft(db: Kysely<Database>, tenantId: string): Promise<void> {
  const state = await tenantBudgetOf(db, tenantId);
  if (state.exceeded === undefined) return;
  throw new AppError('tenant_budget_exceeded', tenantBudgetMessage(state), {
    month: state.month,
    monthlyCostUsd: state.monthlyCostUsd,
    monthlyTokens: state.monthlyTokens,
    spentCostUsd: state.spentCostUsd,
    spentTokens: state.spentTokens,
  });
}
