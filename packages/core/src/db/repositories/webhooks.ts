import { sql, type Kysely, type Selectable } from 'kysely';
import type { NewWebhook, Webhook, WebhookChange } from '../../domain/webhook.ts';
import { NotFoundError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { openSecret, sealSecret } from '../../secrets/envelope.ts';
import type { MasterKey } from '../../secrets/master-keys.ts';
import type { WebhookEventType } from '../../webhooks/webhook-event-types.ts';
import { decodeCursor, toPage, type Page, type PageRequest } from '../pagination.ts';
import type { Database, WebhooksTable } from '../schema.ts';

type WebhookRow = Selectable<WebhooksTable>;

function toWebhook(row: WebhookRow, previousSecretExpiresAt: Date | null): Webhook {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    url: row.url,
    description: row.description,
    enabled: row.enabled,
    eventTypes: row.event_types as WebhookEventType[],
    previousSecretExpiresAt: previousSecretExpiresAt?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** When the latest rotated secret of the owner stops signing, if one still does. */
async function previousSecretExpiry(
  db: Kysely<Database>,
  tenantId: string,
  webhookIds: readonly string[],
): Promise<Map<string, Date>> {
  if (webhookIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('webhook_secrets')
    .select(['webhook_id', (eb) => eb.fn.max('expires_at').as('expires_at')])
    .where('tenant_id', '=', tenantId)
    .where('webhook_id', 'in', webhookIds)
    .where('expires_at', '>', sql<Date>`now()`)
    .groupBy('webhook_id')
    .execute();
  return new Map(rows.flatMap((row) => (row.webhook_id && row.expires_at ? [[row.webhook_id, row.expires_at]] : [])));
}

async function withExpiry(db: Kysely<Database>, row: WebhookRow): Promise<Webhook> {
  const expiry = await previousSecretExpiry(db, row.tenant_id, [row.id]);
  return toWebhook(row, expiry.get(row.id) ?? null);
}

/** Writes a new endpoint of the tenant (its secret is {@link addWebhookSecret}'s to add). */
export async function insertWebhook(db: Kysely<Database>, tenantId: string, webhook: NewWebhook): Promise<Webhook> {
  const row = await db
    .insertInto('webhooks')
    .values({
      id: newId(),
      tenant_id: tenantId,
      url: webhook.url,
      description: webhook.description,
      enabled: webhook.enabled,
      event_types: webhook.eventTypes,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toWebhook(row, null);
}

/** The tenant's endpoint with this id, or a not-found error (another tenant's too). */
export async function getWebhook(db: Kysely<Database>, tenantId: string, webhookId: string): Promise<Webhook> {
  const row = await db
    .selectFrom('webhooks')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', webhookId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('webhook', webhookId);
  return withExpiry(db, row);
}

/** The tenant's endpoints, newest first. */
export async function listWebhooks(db: Kysely<Database>, tenantId: string, page: PageRequest): Promise<Page<Webhook>> {
  let query = db.selectFrom('webhooks').selectAll().where('tenant_id', '=', tenantId);
  if (page.cursor !== undefined) query = query.where('id', '<', decodeCursor(page.cursor));
  const rows = await query
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const expiry = await previousSecretExpiry(
    db,
    tenantId,
    rows.map((row) => row.id),
  );
  return toPage(rows, page.limit, (row) => toWebhook(row, expiry.get(row.id) ?? null));
}

/** Replaces the fields the change names; answers the endpoint as it is now. */
export async function updateWebhook(
  db: Kysely<Database>,
  tenantId: string,
  webhookId: string,
  change: WebhookChange,
): Promise<Webhook> {
  const row = await db
    .updateTable('webhooks')
    .set({
      ...(change.url === undefined ? {} : { url: change.url }),
      ...(change.description === undefined ? {} : { description: change.description }),
      ...(change.enabled === undefined ? {} : { enabled: change.enabled }),
      ...(change.eventTypes === undefined ? {} : { event_types: change.eventTypes }),
      updated_at: new Date(),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', webhookId)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new NotFoundError('webhook', webhookId);
  return withExpiry(db, row);
}

/** Deletes the endpoint with its secrets and deliveries (a running delivery finds it gone and stops). */
export async function deleteWebhookRow(db: Kysely<Database>, tenantId: string, webhookId: string): Promise<void> {
  const { numDeletedRows } = await db
    .deleteFrom('webhooks')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', webhookId)
    .executeTakeFirst();
  if (numDeletedRows === 0n) throw new NotFoundError('webhook', webhookId);
}

/** The signing secrets of an endpoint, or (`webhookId` null) of the tenant's runs' `webhookUrl`. */
export interface WebhookSecretOwner {
  readonly tenantId: string;
  readonly webhookId: string | null;
}

const bindingOf = (owner: WebhookSecretOwner, secretId: string) => ({
  tenantId: owner.tenantId,
  name: `webhook-secret:${owner.webhookId ?? 'runs'}:${secretId}`,
});

/**
 * Makes `secret` the owner's current signing secret, sealed under the current master key.
 * The secret it replaces keeps signing for `previousValidSeconds` (0: not at all); a secret
 * an earlier rotation kept stops now (at most two secrets sign: the current and the one
 * before it), and secrets that have stopped signing are deleted. Answers when the previous
 * secret stops, if one does.
 */
export async function addWebhookSecret(
  db: Kysely<Database>,
  masterKeys: readonly MasterKey[],
  owner: WebhookSecretOwner,
  secret: string,
  previousValidSeconds: number,
): Promise<{ readonly previousSecretExpiresAt: Date | null; readonly createdAt: Date }> {
  const ofOwner = db
    .selectFrom('webhook_secrets')
    .select('id')
    .where('tenant_id', '=', owner.tenantId)
    .where((eb) => (owner.webhookId === null ? eb('webhook_id', 'is', null) : eb('webhook_id', '=', owner.webhookId)));
  const expiresAt = new Date(Date.now() + previousValidSeconds * 1000);
  // Without a window the current secret goes at once, like the ones an earlier rotation kept.
  await db
    .deleteFrom('webhook_secrets')
    .where('id', 'in', previousValidSeconds > 0 ? ofOwner.where('expires_at', 'is not', null) : ofOwner)
    .execute();
  const replaced =
    previousValidSeconds > 0
      ? await db
          .updateTable('webhook_secrets')
          .set({ expires_at: expiresAt })
          .where('id', 'in', ofOwner.where('expires_at', 'is', null))
          .returning('id')
          .execute()
      : [];
  const id = newId();
  const sealed = sealSecret(masterKeys, bindingOf(owner, id), secret);
  const row = await db
    .insertInto('webhook_secrets')
    .values({
      id,
      tenant_id: owner.tenantId,
      webhook_id: owner.webhookId,
      key_id: sealed.keyId,
      wrapped_data_key: sealed.wrappedDataKey,
      ciphertext: sealed.ciphertext,
    })
    .returning('created_at')
    .executeTakeFirstOrThrow();
  return {
    previousSecretExpiresAt: replaced.length > 0 ? expiresAt : null,
    createdAt: row.created_at,
  };
}

/**
 * The secrets a delivery of the owner is signed with now: the current one first, then any
 * rotated one that still signs. Empty when the owner has none.
 */
export async function webhookSigningSecrets(
  db: Kysely<Database>,
  masterKeys: readonly MasterKey[],
  owner: WebhookSecretOwner,
): Promise<string[]> {
  const rows = await db
    .selectFrom('webhook_secrets')
    .selectAll()
    .where('tenant_id', '=', owner.tenantId)
    .where((eb) => (owner.webhookId === null ? eb('webhook_id', 'is', null) : eb('webhook_id', '=', owner.webhookId)))
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map((row) =>
    openSecret(masterKeys, bindingOf(owner, row.id), {
      keyId: row.key_id,
      wrappedDataKey: row.wrapped_data_key,
      ciphertext: row.ciphertext,
    }),
  );
}
