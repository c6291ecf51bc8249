import { databaseKinds, openTestDatabase } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/connect.ts';
import { createTenant, updateTenantLimits } from '../db/repositories/tenants.ts';
import { newId } from '../ids.ts';
import { recordStepUsage, runSpentBefore, stepUsageOf } from './step-usage.ts';
import { assertTenantBudgetLeft, tenantBudgetOf } from './tenant-budget.ts';

describe.each(databaseKinds)('the usage ledger on %s', (kind) => {
  let database: DatabaseHandle;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await database.close();
  });

  it('counts a step once however often it is recorded, in the run and in the tenant month', async () => {
    const tenant = await createTenant(database.db, `ledger-${newId()}`);
    const runId = newId();
    const step = (number: number, costUsd: number | null) => ({
      tenantId: tenant.id,
      runId,
      step: number,
      agentId: newId(),
      provider: 'openai',
      model: 'gpt-4o-mini',
      inputTokens: 1000,
      outputTokens: 100,
      costUsd,
    });
    await recordStepUsage(database.db, step(1, 0.002));
    await recordStepUsage(database.db, step(1, 0.002));
    await Promise.all([recordStepUsage(database.db, step(2, null)), recordStepUsage(database.db, step(2, null))]);

    expect(await runSpentBefore(database.db, tenant.id, runId, 2)).toEqual({ totalTokens: 1100, costUsd: 0.002 });
    expect(await runSpentBefore(database.db, tenant.id, runId, 3)).toEqual({ totalTokens: 2200, costUsd: 0.002 });
    expect(await stepUsageOf(database.db, tenant.id, runId, 2)).toMatchObject({ totalTokens: 1100, costUsd: 0 });
    // Another tenant's id finds nothing of the run.
    expect(await runSpentBefore(database.db, newId(), runId, 3)).toEqual({ totalTokens: 0, costUsd: 0 });
    expect(await tenantBudgetOf(database.db, tenant.id)).toMatchObject({
      monthlyCostUsd: null,
      monthlyTokens: null,
      spentTokens: 2200,
      spentCostUsd: 0.002,
      exceeded: undefined,
    });
  });

  it("refuses a tenant whose month's cost or tokens reached its budget", async () => {
    const tenant = await createTenant(database.db, `budget-${newId()}`, { monthlyTokens: 1000 });
    await expect(assertTenantBudgetLeft(database.db, tenant.id)).resolves.toBeUndefined();
    await recordStepUsage(database.db, {
      tenantId: tenant.id,
      runId: newId(),
      step: 1,
      agentId: newId(),
      inputTokens: 900,
      outputTokens: 100,
      costUsd: 0.5,
    });
    await expect(assertTenantBudgetLeft(database.db, tenant.id)).rejects.toMatchObject({
      code: 'tenant_budget_exceeded',
      details: { monthlyTokens: 1000, spentTokens: 1000 },
    });
    await updateTenantLimits(database.db, tenant.id, { monthlyTokens: null, monthlyCostUsd: 0.75 });
    await expect(assertTenantBudgetLeft(database.db, tenant.id)).resolves.toBeUndefined();
    await updateTenantLimits(database.db, tenant.id, { monthlyCostUsd: 0.5 });
    expect((await tenantBudgetOf(database.db, tenant.id)).exceeded).toBe('cost');
  });
});
