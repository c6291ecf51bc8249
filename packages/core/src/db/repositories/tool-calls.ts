import { sql, type Kysely } from 'kysely';
import { NotFoundError } from '../../errors.ts';
import type { RunEvent } from '../../events/run-event-catalog.ts';
import type { Database, RunEventRow } from '../schema.ts';
import {
  appendedRunEventOf,
  appendRunEventCall,
  appendRunEvents,
  runNotFoundOf,
  type NewRunEvent,
} from './run-events.ts';

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

/**
 * {@link claimToolCall} with the event that says the call starts (`tool.started`), in one
 * statement: the run row is locked, the attempt registered and, unless an earlier attempt
 * recorded a result, the event appended (a no-op when an earlier attempt appended it), all
 * committed before the tool runs. Returns the claim and the event if it was new.
 */
export async function claimToolCallWithEvent(
  db: Kysely<Database>,
  call: ToolCallKey & { runId: string; step: number; callId: string; tool: string },
  started: NewRunEvent,
): Promise<{ readonly claim: ToolCallClaim; readonly events: RunEvent[] }> {
  const { tenantId, runId } = call;
  const { rows } = await sql<RunEventRow & { claim_status: string; claim_attempts: number; claim_result: unknown }>`
    with locked as (
      select id from runs where id = ${runId} and tenant_id = ${tenantId} for update
    ), claimed as (
      insert into tool_calls (tenant_id, idempotency_key, run_id, step, call_id, tool, status, attempts)
      select ${tenantId}, ${call.idempotencyKey}, locked.id, ${call.step}, ${call.callId}, ${call.tool}, 'started', 1
        from locked
      on conflict (tenant_id, idempotency_key) do update set attempts = tool_calls.attempts + 1
      returning status, attempts, result
    )
    select claimed.status as claim_status, claimed.attempts as claim_attempts, claimed.result as claim_result, appended.*
      from claimed left join lateral (
        select * from ${appendRunEventCall(tenantId, started)} where claimed.status <> 'completed'
      ) as appended on true`
    .execute(db)
    .catch(runNotFoundOf(runId));
  const [row] = rows;
  // An attempt is registered whatever it finds: no row means no run row was locked.
  if (!row) throw new NotFoundError('run', runId);
  return row.claim_status === 'completed'
    ? { claim: { state: 'completed', result: row.claim_result }, events: [] }
    : { claim: { state: 'new', attempt: row.claim_attempts }, events: appendedRunEventOf(row) };
}

/**
 * {@link completeToolCall} with the event that reports the recorded result
 * (`tool.completed`), in one statement when this result is the first: the result and the
 * event commit together, in one round trip. When an earlier attempt recorded a result first,
 * that result stands and its event is appended (a no-op if that attempt appended it).
 * Returns the recorded result and the event if it was new.
 */
export async function completeToolCallWithEvent(
  db: Kysely<Database>,
  call: ToolCallKey & { runId: string },
  result: unknown,
  eventOf: (result: unknown) => NewRunEvent,
): Promise<{ readonly result: unknown; readonly events: RunEvent[] }> {
  const { tenantId, runId } = call;
  const { rows } = await sql<RunEventRow & { recorded_result: unknown }>`
    with locked as (
      select id from runs where id = ${runId} and tenant_id = ${tenantId} for update
    ), recorded as (
      update tool_calls set status = 'completed', result = ${JSON.stringify(result)}::jsonb, completed_at = now()
        from locked
       where tool_calls.tenant_id = ${tenantId} and tool_calls.idempotency_key = ${call.idempotencyKey}
         and tool_calls.status = 'started'
      returning tool_calls.result
    )
    select recorded.result as recorded_result, appended.*
      from recorded left join lateral ${appendRunEventCall(tenantId, eventOf(result))} as appended on true`
    .execute(db)
    .catch(runNotFoundOf(runId));
  const [row] = rows;
  if (row) return { result: row.recorded_result, events: appendedRunEventOf(row) };
  const recorded = await completeToolCall(db, call, result);
  return { result: recorded, events: await appendRunEvents(db, tenantId, [eventOf(recorded)]) };
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
