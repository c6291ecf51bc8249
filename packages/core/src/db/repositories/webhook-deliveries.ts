import { sql, type Kysely, type Selectable } from 'kysely';
import type { WebhookDelivery, WebhookDeliveryAttempt } from '../../domain/webhook.ts';
import { NotFoundError } from '../../errors.ts';
import type { WebhookEventType } from '../../webhooks/webhook-event-types.ts';
import { decodeCursor, toPage, type Page, type PageRequest } from '../pagination.ts';
import type { Database, WebhookDeliveriesTable, WebhookDeliveryAttemptsTable } from '../schema.ts';

type DeliveryRow = Selectable<WebhookDeliveriesTable>;
type AttemptRow = Selectable<WebhookDeliveryAttemptsTable>;

function toAttempt(row: AttemptRow): WebhookDeliveryAttempt {
  return {
    attempt: row.attempt,
    startedAt: row.started_at.toISOString(),
    durationMs: row.duration_ms,
    statusCode: row.status_code,
    responseBody: row.response_body,
    error: row.error,
  };
}

function toDelivery(row: DeliveryRow, attempts: readonly AttemptRow[]): WebhookDelivery {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    runId: row.run_id,
    eventType: row.event_type as WebhookEventType,
    url: row.url,
    status: row.status,
    payload: row.payload as WebhookDelivery['payload'],
    attempts: attempts.filter((attempt) => attempt.delivery_id === row.id).map(toAttempt),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

async function attemptsOf(db: Kysely<Database>, tenantId: string, deliveryIds: readonly string[]) {
  if (deliveryIds.length === 0) return [];
  return db
    .selectFrom('webhook_delivery_attempts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('delivery_id', 'in', deliveryIds)
    .orderBy('attempt', 'asc')
    .execute();
}

/** Whose deliveries a list holds: an endpoint's, or a run's (to every endpoint and its own `webhookUrl`). */
export type WebhookDeliveryOwner = { readonly webhookId: string } | { readonly runId: string };

/** The deliveries of the tenant's endpoint or run, newest first, each with its attempts in order. */
export async function listWebhookDeliveries(
  db: Kysely<Database>,
  tenantId: string,
  owner: WebhookDeliveryOwner,
  page: PageRequest & { readonly status?: WebhookDelivery['status'] | undefined },
): Promise<Page<WebhookDelivery>> {
  let query = db.selectFrom('webhook_deliveries').selectAll().where('tenant_id', '=', tenantId);
  query =
    'webhookId' in owner ? query.where('webhook_id', '=', owner.webhookId) : query.where('run_id', '=', owner.runId);
  if (page.status !== undefined) query = query.where('status', '=', page.status);
  if (page.cursor !== undefined) query = query.where('id', '<', decodeCursor(page.cursor));
  const rows = await query
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const attempts = await attemptsOf(
    db,
    tenantId,
    rows.slice(0, page.limit).map((row) => row.id),
  );
  return toPage(rows, page.limit, (row) => toDelivery(row, attempts));
}

/** The tenant's delivery with this id, with its attempts; not found when gone (its endpoint deleted). */
export async function getWebhookDelivery(
  db: Kysely<Database>,
  tenantId: string,
  deliveryId: string,
): Promise<WebhookDelivery> {
  const row = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', deliveryId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('webhook delivery', deliveryId);
  return toDelivery(row, await attemptsOf(db, tenantId, [row.id]));
}

/**
 * Asks for one more send of the endpoint's delivery (a redeliver): pending again, one more
 * generation for the dispatcher to start. Answers the delivery.
 */
export async function requestWebhookRedelivery(
  db: Kysely<Database>,
  tenantId: string,
  webhookId: string,
  deliveryId: string,
): Promise<WebhookDelivery> {
  const row = await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({ status: 'pending', generation: eb('generation', '+', 1), updated_at: new Date() }))
    .where('tenant_id', '=', tenantId)
    .where('webhook_id', '=', webhookId)
    .where('id', '=', deliveryId)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new NotFoundError('webhook delivery', deliveryId);
  return toDelivery(row, await attemptsOf(db, tenantId, [row.id]));
}

/** A send the dispatcher has to start: the delivery and its generation. */
export interface UnstartedWebhookSend {
  readonly tenantId: string;
  readonly deliveryId: string;
  readonly generation: number;
}

/** Sends asked for whose workflows have not started yet, oldest first. */
export async function listUnstartedWebhookSends(db: Kysely<Database>, limit: number): Promise<UnstartedWebhookSend[]> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select(['tenant_id', 'id', 'generation'])
    .where(sql<boolean>`started_generation < generation`)
    .orderBy('created_at', 'asc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ tenantId: row.tenant_id, deliveryId: row.id, generation: row.generation }));
}

/** Records that the workflow of a send has started (a later generation is never undone). */
export async function markWebhookSendStarted(db: Kysely<Database>, send: UnstartedWebhookSend): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ started_generation: sql<number>`greatest(started_generation, ${send.generation})` })
    .where('tenant_id', '=', send.tenantId)
    .where('id', '=', send.deliveryId)
    .execute();
}

/** What one attempt did. */
export interface NewWebhookAttempt {
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly statusCode: number | null;
  readonly responseBody: string | null;
  readonly error: string | null;
}

/** Records one attempt of the delivery, numbered after the ones before it. */
export async function recordWebhookAttempt(
  db: Kysely<Database>,
  tenantId: string,
  deliveryId: string,
  attempt: NewWebhookAttempt,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('webhook_deliveries')
      .set((eb) => ({ attempt_count: eb('attempt_count', '+', 1), updated_at: new Date() }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', deliveryId)
      .returning('attempt_count')
      .executeTakeFirst();
    if (!row) return;
    await trx
      .insertInto('webhook_delivery_attempts')
      .values({
        delivery_id: deliveryId,
        tenant_id: tenantId,
        attempt: row.attempt_count,
        started_at: attempt.startedAt,
        duration_ms: attempt.durationMs,
        status_code: attempt.statusCode,
        response_body: attempt.responseBody,
        error: attempt.error,
      })
      .execute();
  });
}

/** Sets the delivery's status after its last attempt of a send. */
export async function finishWebhookDelivery(
  db: Kysely<Database>,
  tenantId: string,
  deliveryId: string,
  status: 'succeeded' | 'failed',
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status, updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', deliveryId)
    .execute();
}

/** The stored delivery a send works on: where, what, and for whom (undefined when it is gone). */
export async function findWebhookDeliveryRow(
  db: Kysely<Database>,
  tenantId: string,
  deliveryId: string,
): Promise<DeliveryRow | undefined> {
  return db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', deliveryId)
    .executeTakeFirst();
}
