import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** Where a tool call stands when an attempt to execute it begins. */
export type ToolCallClaim =
  { readonly state: 'new'; readonly attempt: number } | { readonly state: 'completed'; readonly result: unknown };

/** A tool call of a run, as an attempt to execute it names it. */
export interface ToolCallKey {
  /** The run's tenant: every tool call row belongs to one. */
  readonly tenantId: string;
  /** `runId:step:callId`. */
  readonly idempotencyKey: string;
}

/**
 * Registers an attempt at a tool call under its idempotency key (`runId:step:callId`).
 * If an earlier attempt already recorded a result, that result is returned and the tool
 * must not run again: a crash after the effect but before Temporal saw the activity finish
 * is how this happens.
 */
export async function claimToolCall(
  db: Kysely<Database>,
  call: ToolCallKey & { runId: string; step: number; callId: string; tool: string },
): Promise<ToolCallClaim> {
  const row = await db
    .insertInto('tool_calls')
    .values({
      tenant_id: call.tenantId,
      idempotency_key: call.idempotencyKey,
      run_id: call.runId,
      step: call.step,
      call_id: call.callId,
      tool: call.tool,
      status: 'started',
      attempts: 1,
    })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'idempotency_key']).doUpdateSet({ attempts: sql<number>`tool_calls.attempts + 1` }),
    )
    .returning(['status', 'attempts', 'result'])
    .executeTakeFirstOrThrow();
  return row.status === 'completed'
    ? { state: 'completed', result: row.result }
    : { state: 'new', attempt: row.attempts };
}

/** Records a tool call's result; the first recorded result wins and is returned. */
export async function completeToolCall(db: Kysely<Database>, call: ToolCallKey, result: unknown): Promise<unknown> {
  const updated = await db
    .updateTable('tool_calls')
    .set({ status: 'completed', result: JSON.stringify(result), completed_at: new Date() })
    .where('tenant_id', '=', call.tenantId)
    .where('idempotency_key', '=', call.idempotencyKey)
    .where('status', '=', 'started')
    .returning('result')
    .executeTakeFirst();
  if (updated) return updated.result;
  const existing = await db
    .selectFrom('tool_calls')
    .select('result')
    .where('tenant_id', '=', call.tenantId)
    .where('idempotency_key', '=', call.idempotencyKey)
    .executeTakeFirstOrThrow();
  return existing.result;
}

/** How often each tool call of the tenant's run was attempted and whether it completed. */
export async function listToolCalls(db: Kysely<Database>, tenantId: string, runId: string) {
  return db
    .selectFrom('tool_calls')
    .select(['idempotency_key', 'step', 'call_id', 'tool', 'status', 'attempts'])
    .where('tenant_id', '=', tenantId)
    .where('run_id', '=', runId)
    .orderBy('step')
    .orderBy('call_id')
    .execute();
}

/** The result a tool call recorded when it completed; undefined when it never completed. */
export async function recordedToolCallResult(
  db: Kysely<Database>,
  call: ToolCallKey,
): Promise<{ readonly result: unknown } | undefined> {
  const row = await db
    .selectFrom('tool_calls')
    .select('result')
    .where('tenant_id', '=', call.tenantId)
    .where('idempotency_key', '=', call.idempotencyKey)
    .where('status', '=', 'completed')
    .executeTakeFirst();
  return row === undefined ? undefined : { result: row.result };
}
