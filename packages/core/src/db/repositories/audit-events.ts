import type { Kysely } from 'kysely';
import type { AuditActorKind, AuditEvent } from '../../domain/access-resources.ts';
import { newId } from '../../ids.ts';
import { decodeCursor, toPage, type Page, type PageRequest } from '../pagination.ts';
import type { AuditEventRow, Database } from '../schema.ts';

/** Who did something: a principal's subject and what kind of credential it used. */
export interface AuditActor {
  readonly subject: string;
  readonly kind: AuditActorKind;
}

/** An entry to append to a tenant's audit log. */
export interface NewAuditEvent {
  /** The tenant whose log records it: the actor's tenant. */
  readonly tenantId: string;
  readonly actor: AuditActor;
  /** `<target type>.<past-tense verb>`: lowercase letters and `_`, e.g. `api_key.revoked`. */
  readonly action: string;
  /** What was acted on, e.g. `{ type: 'run', id: runId }`. */
  readonly target: { readonly type: string; readonly id: string };
  /** The HTTP request that made the change, to find it in logs and traces. */
  readonly requestId?: string | undefined;
  /** Extra facts about the change. Never put a secret, a key or user content here. */
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

function toAuditEvent(row: AuditEventRow): AuditEvent {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    occurredAt: row.occurred_at.toISOString(),
    actor: { subject: row.actor_subject, kind: row.actor_kind },
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
    requestId: row.request_id,
    details: row.details as AuditEvent['details'],
  };
}

/**
 * Appends an event to the tenant's audit log. Pass the transaction that makes the change
 * (`db.transaction().execute(trx => …)`) so that the change and its record commit together;
 * the table rejects updates and deletes.
 */
export async function recordAuditEvent(db: Kysely<Database>, event: NewAuditEvent): Promise<AuditEvent> {
  const row = await db
    .insertInto('audit_events')
    .values({
      id: newId(),
      tenant_id: event.tenantId,
      actor_subject: event.actor.subject,
      actor_kind: event.actor.kind,
      action: event.action,
      target_type: event.target.type,
      target_id: event.target.id,
      request_id: event.requestId ?? null,
      details: JSON.stringify(event.details ?? {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toAuditEvent(row);
}

/** Filters of {@link listAuditEvents}; each one given narrows the list. */
export interface AuditEventFilter extends PageRequest {
  readonly action?: string | undefined;
  readonly actor?: string | undefined;
  readonly targetType?: string | undefined;
  readonly targetId?: string | undefined;
  /** Only events at or after this time. */
  readonly since?: Date | undefined;
  /** Only events before this time. */
  readonly until?: Date | undefined;
}

/** The tenant's audit events, newest first. */
export async function listAuditEvents(
  db: Kysely<Database>,
  tenantId: string,
  filter: AuditEventFilter,
): Promise<Page<AuditEvent>> {
  let query = db
    .selectFrom('audit_events')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('id', 'desc')
    .limit(filter.limit + 1);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.actor !== undefined) query = query.where('actor_subject', '=', filter.actor);
  if (filter.targetType !== undefined) query = query.where('target_type', '=', filter.targetType);
  if (filter.targetId !== undefined) query = query.where('target_id', '=', filter.targetId);
  if (filter.since !== undefined) query = query.where('occurred_at', '>=', filter.since);
  if (filter.until !== undefined) query = query.where('occurred_at', '<', filter.until);
  if (filter.cursor) query = query.where('id', '<', decodeCursor(filter.cursor));
  return toPage(await query.execute(), filter.limit, toAuditEvent);
}
