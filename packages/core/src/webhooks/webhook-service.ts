import type { Kysely } from 'kysely';
import type { Page, PageRequest } from '../db/pagination.ts';
import { recordAuditEvent } from '../db/repositories/audit-events.ts';
import {
  getWebhookDelivery,
  listWebhookDeliveries,
  requestWebhookRedelivery,
} from '../db/repositories/webhook-deliveries.ts';
import {
  addWebhookSecret,
  deleteWebhookRow,
  getWebhook,
  insertWebhook,
  listWebhooks,
  updateWebhook,
  webhookSigningSecrets,
} from '../db/repositories/webhooks.ts';
import type { Database } from '../db/schema.ts';
import type {
  NewWebhook,
  RunWebhookSecret,
  SecretRotation,
  Webhook,
  WebhookChange,
  WebhookDelivery,
  WebhookWithSecret,
} from '../domain/webhook.ts';
import { AppError } from '../errors.ts';
import { getRun } from '../db/repositories/runs.ts';
import type { RunActor, TenantRunRef } from '../runs/run-service-resources.ts';
import type { MasterKey } from '../secrets/master-keys.ts';
import { RefusedAddressError, resolveAllowedAddress, type OutgoingAddressPolicy } from './address-policy.ts';
import { generateWebhookSecret } from './webhook-signature.ts';

/** What the webhook service works over, built once per process. */
export interface WebhookServiceResources {
  readonly db: Kysely<Database>;
  /** Seal the signing secrets (`AR_MASTER_KEYS`, current first). */
  readonly masterKeys: readonly MasterKey[];
  /** Where endpoints may point (`AR_WEBHOOK_ALLOWED_NETWORKS`). */
  readonly policy: OutgoingAddressPolicy;
  /** Called after a redeliver is committed, so its send starts without waiting for the next sweep. */
  readonly onSendRequested?: () => void;
}

/** An endpoint of a tenant, named by a caller. */
export interface TenantWebhookRef {
  readonly tenantId: string;
  readonly webhookId: string;
}

/**
 * Webhooks out (docs/webhooks.md): the tenant's endpoints with their signing secrets, the
 * tenant's secret for runs' one-off `webhookUrl`, and the delivery log. Deliveries
 * themselves are made by the database (the outbox, migration 0018), the dispatcher and the
 * `webhookDelivery` workflow.
 */
export interface WebhookService {
  /** Registers an endpoint with a new secret, answered this once; 422 `webhook_address_refused`. */
  create(webhook: NewWebhook, by: RunActor): Promise<WebhookWithSecret>;
  get(ref: TenantWebhookRef): Promise<Webhook>;
  list(tenantId: string, page: PageRequest): Promise<Page<Webhook>>;
  /** Replaces the fields the change names; a new URL is checked like a new endpoint's. */
  update(ref: TenantWebhookRef, change: WebhookChange, by: RunActor): Promise<Webhook>;
  /** Deletes the endpoint, its secrets and its delivery log; deliveries in flight stop. */
  delete(ref: TenantWebhookRef, by: RunActor): Promise<void>;
  /** A new secret (answered this once); the previous one keeps signing for the rotation's window. */
  rotateSecret(ref: TenantWebhookRef, rotation: SecretRotation, by: RunActor): Promise<WebhookWithSecret>;
  /** The endpoint's deliveries, newest first, with their attempts. */
  listDeliveries(
    ref: TenantWebhookRef,
    page: PageRequest & { readonly status?: WebhookDelivery['status'] | undefined },
  ): Promise<Page<WebhookDelivery>>;
  /** The run's deliveries (to the endpoints and to its own `webhookUrl`), newest first, with their attempts. */
  listRunDeliveries(
    ref: TenantRunRef,
    page: PageRequest & { readonly status?: WebhookDelivery['status'] | undefined },
  ): Promise<Page<WebhookDelivery>>;
  /** Sends one of the endpoint's deliveries again (same `webhook-id`), whatever its status. */
  redeliver(ref: TenantWebhookRef, deliveryId: string, by: RunActor): Promise<WebhookDelivery>;
  /** Creates or rotates the tenant's signing secret for runs' `webhookUrl`, answered this once. */
  rotateRunSecret(tenantId: string, rotation: SecretRotation, by: RunActor): Promise<RunWebhookSecret>;
  /**
   * Checks a run's one-off `webhookUrl`: its address (422 `webhook_address_refused`) and
   * that the tenant has a run secret to sign with (409 `webhook_secret_missing`).
   */
  checkRunWebhookUrl(tenantId: string, url: string): Promise<void>;
}

/** Builds the webhook service over one resources bag. */
export function createWebhookService(resources: WebhookServiceResources): WebhookService {
  const { db, masterKeys, policy } = resources;

  async function checkAddress(url: string): Promise<void> {
    try {
      await resolveAllowedAddress(new URL(url), policy);
    } catch (error) {
      if (!(error instanceof RefusedAddressError)) throw error;
      throw new AppError('webhook_address_refused', error.message, { url, reason: error.reason });
    }
  }

  async function audited<T>(by: RunActor, action: string, id: string, change: (trx: Kysely<Database>) => Promise<T>) {
    return db.transaction().execute(async (trx) => {
      const result = await change(trx);
      await recordAuditEvent(trx, { ...by, action, target: { type: 'webhook', id } });
      return result;
    });
  }

  return {
    async create(webhook, by) {
      await checkAddress(webhook.url);
      const secret = generateWebhookSecret();
      return db.transaction().execute(async (trx) => {
        const created = await insertWebhook(trx, by.tenantId, webhook);
        await addWebhookSecret(trx, masterKeys, { tenantId: by.tenantId, webhookId: created.id }, secret, 0);
        await recordAuditEvent(trx, {
          ...by,
          action: 'webhook.created',
          target: { type: 'webhook', id: created.id },
          details: { url: created.url, eventTypes: created.eventTypes },
        });
        return { ...created, secret };
      });
    },

    get: (ref) => getWebhook(db, ref.tenantId, ref.webhookId),

    list: (tenantId, page) => listWebhooks(db, tenantId, page),

    async update(ref, change, by) {
      await getWebhook(db, ref.tenantId, ref.webhookId);
      if (change.url !== undefined) await checkAddress(change.url);
      return audited(by, 'webhook.updated', ref.webhookId, (trx) =>
        updateWebhook(trx, ref.tenantId, ref.webhookId, change),
      );
    },

    async delete(ref, by) {
      await audited(by, 'webhook.deleted', ref.webhookId, (trx) => deleteWebhookRow(trx, ref.tenantId, ref.webhookId));
    },

    async rotateSecret(ref, rotation, by) {
      const secret = generateWebhookSecret();
      return audited(by, 'webhook.secret_rotated', ref.webhookId, async (trx) => {
        await getWebhook(trx, ref.tenantId, ref.webhookId);
        await addWebhookSecret(trx, masterKeys, ref, secret, rotation.previousSecretValidSeconds);
        return { ...(await getWebhook(trx, ref.tenantId, ref.webhookId)), secret };
      });
    },

    async listDeliveries(ref, page) {
      await getWebhook(db, ref.tenantId, ref.webhookId);
      return listWebhookDeliveries(db, ref.tenantId, { webhookId: ref.webhookId }, page);
    },

    async listRunDeliveries(ref, page) {
      await getRun(db, ref.tenantId, ref.runId);
      return listWebhookDeliveries(db, ref.tenantId, { runId: ref.runId }, page);
    },

    async redeliver(ref, deliveryId, by) {
      await getWebhook(db, ref.tenantId, ref.webhookId);
      const delivery = await db.transaction().execute(async (trx) => {
        const requested = await requestWebhookRedelivery(trx, ref.tenantId, ref.webhookId, deliveryId);
        await recordAuditEvent(trx, {
          ...by,
          action: 'webhook.redelivered',
          target: { type: 'webhook', id: ref.webhookId },
          details: { deliveryId },
        });
        return requested;
      });
      resources.onSendRequested?.();
      return getWebhookDelivery(db, ref.tenantId, delivery.id);
    },

    async rotateRunSecret(tenantId, rotation, by) {
      const secret = generateWebhookSecret();
      return db.transaction().execute(async (trx) => {
        const added = await addWebhookSecret(
          trx,
          masterKeys,
          { tenantId, webhookId: null },
          secret,
          rotation.previousSecretValidSeconds,
        );
        await recordAuditEvent(trx, {
          ...by,
          action: 'run_webhook_secret.rotated',
          target: { type: 'tenant', id: tenantId },
        });
        return {
          secret,
          previousSecretExpiresAt: added.previousSecretExpiresAt?.toISOString() ?? null,
          createdAt: added.createdAt.toISOString(),
        };
      });
    },

    async checkRunWebhookUrl(tenantId, url) {
      await checkAddress(url);
      const secrets = await webhookSigningSecrets(db, masterKeys, { tenantId, webhookId: null });
      if (secrets.length === 0) {
        throw new AppError(
          'webhook_secret_missing',
          "the tenant has no signing secret for runs' webhookUrl: create one with POST /v1/run-webhook-secret",
        );
      }
    },
  };
}
