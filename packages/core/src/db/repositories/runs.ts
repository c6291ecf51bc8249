import { sql, type Kysely, type SqlBool } from 'kysely';
import type { MessagePolicy, PendingApproval, Run, RunError, RunReplayOf, RunUsage } from '../../domain/resources.ts';
import type { RunEvent } from '../../events/run-event-catalog.ts';
import { storedRunErrorOf } from '../../errors/stored-run-error.ts';
import { isTerminal, predecessorsOf, type RunStatus } from '../../domain/run-status.ts';
import { AppError, InvalidStateTransitionError, NotFoundError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { decodeCursor, toPage, type Page, type PageRequest } from '../pagination.ts';
import type { Database, RunRow } from '../schema.ts';
import { getAgent } from './agents.ts';
import { getAgentVersion } from './agent-versions.ts';
import { insertRunIfSlotFree, type AdmissionLimits } from '../../limits/run-admission.ts';
import { emptyUsage } from '../../execution/agent-run-contract.ts';
import { appendRunEvents, type NewRunEvent } from './run-events.ts';

export function toRun(row: RunRow): Run {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    agentId: row.agent_id,
    agentVersion: row.agent_version,
    status: row.status,
    input: row.input as Run['input'],
    output: (row.output ?? null) as Run['output'],
    error: storedRunErrorOf(row.error),
    usage: row.usage as RunUsage,
    metadata: row.metadata,
    messagePolicy: row.message_policy,
    pendingApprovals: row.pending_approvals as PendingApproval[],
    createdAt: row.created_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    endedAt: row.ended_at?.toISOString() ?? null,
    threadId: row.thread_id,
    // A row read under a schema before migration 0015 has neither column: no replay either.
    ...(typeof row.replay_of_run_id === 'string' && typeof row.replay_from_step === 'number'
      ? { replayOf: { runId: row.replay_of_run_id, fromStep: row.replay_from_step } }
      : {}),
    ...(typeof row.webhook_url === 'string' ? { webhookUrl: row.webhook_url } : {}),
  };
}

/** What a client asks for when it creates a run. */
export interface CreateRunRequest {
  readonly tenantId: string;
  readonly agentId: string;
  /** Version number; the agent's latest when omitted. */
  readonly version?: number | undefined;
  readonly input: unknown;
  readonly metadata?: Record<string, string> | undefined;
  /** How the run treats a message that arrives while a step is in flight. @default enqueue */
  readonly messagePolicy?: MessagePolicy | undefined;
  /**
   * With a key, repeating the request (same key, same other fields) answers the same run
   * instead of a new one; the same key with other fields is 409 `idempotency_key_conflict`.
   */
  readonly idempotencyKey?: string | undefined;
  /** The thread the run is the next turn of (the caller holds the thread's row lock). */
  readonly threadId?: string | undefined;
  /** Hash of the request body, compared when an idempotency key is reused. */
  readonly requestHash?: string | undefined;
  /**
   * With `reject`, the run is written only if the tenant may admit a run now under these
   * limits (and holds its slot at once), else 429 `rate_limited`. Without, the run is written
   * unadmitted: it waits its turn in `admitQueuedRuns`.
   */
  readonly overflow?: ({ readonly mode: 'reject' } & AdmissionLimits) | undefined;
  /** A replay: the finished run it replays and the step it re-runs from (see `RunService.replay`). */
  readonly replayOf?: RunReplayOf | undefined;
  /** The run's one-off webhook endpoint (checked by the caller). */
  readonly webhookUrl?: string | undefined;
}

/** The run, and whether this call created it (false: an idempotent repeat). */
export interface CreateRunResult {
  readonly run: Run;
  readonly created: boolean;
}

/**
 * The run an earlier request with the same idempotency key created, or undefined; 409
 * `idempotency_key_conflict` when that request was another.
 */
export async function findRunByIdempotencyKey(
  db: Kysely<Database>,
  request: Pick<CreateRunRequest, 'tenantId' | 'requestHash'> & { readonly idempotencyKey: string },
): Promise<CreateRunResult | undefined> {
  const row = await db
    .selectFrom('runs')
    .selectAll()
    .where('tenant_id', '=', request.tenantId)
    .where('idempotency_key', '=', request.idempotencyKey)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.request_hash !== (request.requestHash ?? null)) {
    throw new AppError(
      'idempotency_key_conflict',
      'this Idempotency-Key was already used with a different request body',
      { idempotencyKey: request.idempotencyKey, runId: row.id },
    );
  }
  return { run: toRun(row), created: false };
}

/**
 * Writes a `queued` run of an agent version (idempotent under `idempotencyKey`). Only the run
 * service calls it (`RunService.create`, which also audits, admits and starts the run); tests
 * use it to write a run that nobody admitted.
 */
export async function createRun(db: Kysely<Database>, request: CreateRunRequest): Promise<CreateRunResult> {
  const { idempotencyKey } = request;
  if (idempotencyKey !== undefined) {
    const repeated = await findRunByIdempotencyKey(db, { ...request, idempotencyKey });
    if (repeated) return repeated;
  }
  const agent = await getAgent(db, request.tenantId, request.agentId);
  if (agent.archivedAt) {
    throw new AppError('agent_archived', `agent ${agent.id} is archived and takes no new runs`, { agentId: agent.id });
  }
  const version = request.version ?? agent.latestVersion;
  if (version === null) {
    throw new AppError('validation_failed', `agent ${agent.id} has no versions yet`, { agentId: agent.id });
  }
  // The latest version exists (versions are never deleted): only a version the caller named is looked up.
  if (request.version !== undefined) await getAgentVersion(db, request.tenantId, agent.id, version);
  const { overflow } = request;
  const insert = (into: Kysely<Database>, admittedAt: Date | null) =>
    into
      .insertInto('runs')
      .values({
        id: newId(),
        tenant_id: request.tenantId,
        agent_id: agent.id,
        agent_version: version,
        status: 'queued',
        input: JSON.stringify(request.input),
        usage: JSON.stringify(emptyUsage),
        metadata: JSON.stringify(request.metadata ?? {}),
        message_policy: request.messagePolicy ?? 'enqueue',
        idempotency_key: idempotencyKey ?? null,
        request_hash: request.requestHash ?? null,
        admitted_at: admittedAt,
        // Left out for a run without one: the migration tests write runs into older schemas.
        ...(request.threadId === undefined ? {} : { thread_id: request.threadId }),
        // Named only by a replay: other runs write what they wrote before migration 0015.
        ...(request.replayOf === undefined
          ? {}
          : { replay_of_run_id: request.replayOf.runId, replay_from_step: request.replayOf.fromStep }),
        // Named only by a run with one: other runs write what they wrote before migration 0018.
        ...(request.webhookUrl === undefined ? {} : { webhook_url: request.webhookUrl }),
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'idempotency_key']).doNothing())
      .returningAll()
      .executeTakeFirst();
  const row =
    overflow === undefined
      ? await insert(db, null)
      : await insertRunIfSlotFree(db, request.tenantId, overflow, (trx) => insert(trx, new Date()));
  if (row) return { run: toRun(row), created: true };
  // Lost a race with a concurrent request carrying the same key: answer as its repeat.
  const raced =
    idempotencyKey === undefined ? undefined : await findRunByIdempotencyKey(db, { ...request, idempotencyKey });
  if (!raced) throw new Error('run insert conflicted without an idempotency key');
  return raced;
}

/** The tenant's run with this id, or a not-found error. */
export async function getRun(db: Kysely<Database>, tenantId: string, runId: string): Promise<Run> {
  return (await getVersionedRun(db, tenantId, runId)).run;
}

/**
 * A run as it is stored, with its version: `last_event_seq`, which every write that changes
 * the run raises in the same transaction (it appends the change's event). Caches compare
 * versions so that an older copy of a run never replaces a newer one.
 */
export interface VersionedRun {
  readonly run: Run;
  readonly version: number;
}

/** {@link getRun} with the run's version, for caches. */
export async function getVersionedRun(db: Kysely<Database>, tenantId: string, runId: string): Promise<VersionedRun> {
  const row = await db
    .selectFrom('runs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', runId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('run', runId);
  return { run: toRun(row), version: row.last_event_seq };
}

/**
 * A run by id alone, whatever its tenant: the one lookup that does not take the tenant, because
 * its caller has nothing else to go on. A run's workflow is started with the run id alone
 * (workflow id = run id, input `{ runId }`), and the histories of runs in flight record that
 * input, so the worker's `startRun` learns the run's tenant from the run row itself; so does
 * its `finishRun`, whose recorded input (`{ runId, outcome, usage }`) names no tenant either.
 * Everything else carries the tenant found here (the workflow's `RunRef`) and calls the
 * tenant-scoped functions with it. Never call it with an id a client sent: the API reads runs
 * with {@link getRun}, under the caller's tenant.
 */
export async function getRunById(db: Kysely<Database>, runId: string): Promise<Run> {
  const row = await db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirst();
  if (!row) throw new NotFoundError('run', runId);
  return toRun(row);
}

/**
 * What the tenant's run replays, or undefined when it is no replay: read on its own, without
 * the run's input and output, by each step of the run's workflow.
 */
export async function getRunReplayOf(
  db: Kysely<Database>,
  tenantId: string,
  runId: string,
): Promise<RunReplayOf | undefined> {
  const row = await db
    .selectFrom('runs')
    .select(['replay_of_run_id', 'replay_from_step'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', runId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('run', runId);
  return row.replay_of_run_id === null || row.replay_from_step === null
    ? undefined
    : { runId: row.replay_of_run_id, fromStep: row.replay_from_step };
}

/** The tenant's runs, newest first, optionally of one agent, of one thread and/or in one state. */
export async function listRuns(
  db: Kysely<Database>,
  tenantId: string,
  filter: PageRequest & {
    agentId?: string | undefined;
    threadId?: string | undefined;
    status?: RunStatus | undefined;
    /** Runs whose metadata has every one of these pairs. */
    metadata?: Record<string, string> | undefined;
  },
): Promise<Page<Run>> {
  let query = db
    .selectFrom('runs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  if (filter.agentId) query = query.where('agent_id', '=', filter.agentId);
  if (filter.threadId) query = query.where('thread_id', '=', filter.threadId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.metadata && Object.keys(filter.metadata).length > 0) {
    query = query.where(sql<SqlBool>`metadata @> ${JSON.stringify(filter.metadata)}::jsonb`);
  }
  if (filter.cursor) query = query.where('id', '<', decodeCursor(filter.cursor));
  return toPage(await query.execute(), filter.limit, toRun);
}

/** A state change of a tenant's run and what comes with it. */
export interface RunTransition {
  /** The run's tenant: another tenant's run is not found. */
  readonly tenantId: string;
  readonly runId: string;
  readonly to: RunStatus;
  readonly output?: unknown;
  readonly error?: RunError;
  readonly usage?: RunUsage;
  /** Events recorded in the same transaction as the state change. */
  readonly events?: readonly NewRunEvent[];
}

/**
 * A run after a write, and the events the write appended (none when it was a repeat). Hand
 * it to `announceRunChange` once the transaction has committed.
 */
export interface RunChange {
  readonly run: Run;
  readonly events: RunEvent[];
  /** The run's `last_event_seq` once the write committed (see {@link VersionedRun}). */
  readonly version: number;
}

/**
 * The change a write made: `row` as its UPDATE returned it, `events` as appended after it in
 * the same transaction. The row stays locked from the UPDATE to the commit, so the last
 * appended event's `seq` is the run's committed `last_event_seq`.
 */
export function runChangeOf(row: RunRow, events: RunEvent[]): RunChange {
  return { run: toRun(row), events, version: events.at(-1)?.seq ?? row.last_event_seq };
}

/**
 * Moves the tenant's run to a new state, forwards only, and records its events atomically;
 * another tenant's run is not found. Repeating
 * a transition that already happened (an activity retry) changes nothing and succeeds. Only
 * the run service (`packages/core/src/runs`) moves runs; tests use it to set fixtures.
 */
export async function transitionRun(db: Kysely<Database>, transition: RunTransition): Promise<Run> {
  return (await applyRunTransition(db, transition)).run;
}

/**
 * {@link transitionRun}, also answering the events it appended, for whoever publishes them
 * once the transaction has committed. Called only by the run service (see `RunService`).
 */
export async function applyRunTransition(db: Kysely<Database>, transition: RunTransition): Promise<RunChange> {
  const { tenantId, runId, to } = transition;
  return db.transaction().execute(async (trx) => {
    const now = new Date();
    // The status guard makes the update itself the state-machine check: zero rows means the
    // run is missing, already there, or somewhere it cannot move on from.
    const predecessors = predecessorsOf(to);
    const moved =
      predecessors.length === 0
        ? undefined
        : await trx
            .updateTable('runs')
            .set((eb) => ({
              status: to,
              // A run started without admission (a workflow started directly) holds a slot too.
              ...(to === 'running'
                ? {
                    started_at: eb.fn.coalesce('started_at', eb.val(now)),
                    admitted_at: eb.fn.coalesce('admitted_at', eb.val(now)),
                  }
                : {}),
              // A finished run waits for nothing.
              ...(isTerminal(to) ? { ended_at: now, pending_approvals: '[]' } : {}),
              ...(transition.output === undefined ? {} : { output: JSON.stringify(transition.output) }),
              ...(transition.error === undefined ? {} : { error: JSON.stringify(transition.error) }),
              ...(transition.usage === undefined ? {} : { usage: JSON.stringify(transition.usage) }),
            }))
            .where('tenant_id', '=', tenantId)
            .where('id', '=', runId)
            .where('status', 'in', predecessors)
            .returningAll()
            .executeTakeFirst();
    if (moved) {
      return runChangeOf(moved, await appendRunEvents(trx, tenantId, transition.events ?? []));
    }
    const current = await trx
      .selectFrom('runs')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', runId)
      .executeTakeFirst();
    if (!current) throw new NotFoundError('run', runId);
    if (current.status !== to) throw new InvalidStateTransitionError(runId, current.status, to);
    return runChangeOf(current, []);
  });
}
