import type { Kysely } from 'kysely';
import {
  findWebhookDeliveryRow,
  finishWebhookDelivery,
  recordWebhookAttempt,
} from '../db/repositories/webhook-deliveries.ts';
import { webhookSigningSecrets } from '../db/repositories/webhooks.ts';
import type { Database } from '../db/schema.ts';
import type { MasterKey } from '../secrets/master-keys.ts';
import { sendWebhook, type WebhookRequestOptions } from './send-webhook.ts';
import { webhookSignatureHeader } from './webhook-signature.ts';

/** What an attempt needs from its process. */
export interface WebhookAttemptResources {
  readonly db: Kysely<Database>;
  readonly masterKeys: readonly MasterKey[];
  readonly request: WebhookRequestOptions;
}

/** A delivery named by its workflow. */
export interface WebhookDeliveryRef {
  readonly tenantId: string;
  readonly deliveryId: string;
}

/**
 * What an attempt came to: `delivered` (a 2xx), `retry` (no 2xx: try again after the next
 * wait), or `gone` (the delivery or its endpoint was deleted, or the endpoint is disabled:
 * stop).
 */
export type WebhookAttemptResult = 'delivered' | 'retry' | 'gone';

/** The `webhook-id` of a delivery: the same on every attempt and redeliver, for deduplication. */
export function webhookMessageId(deliveryId: string): string {
  return `msg_${deliveryId}`;
}

/**
 * Makes one attempt of a delivery and records it: signs the stored body with every secret
 * that signs now (two during a rotation), POSTs it to the endpoint's current URL (a run's
 * `webhookUrl` for a run's delivery) under the address policy, and records the answer. The
 * request carries the Standard Webhooks headers and nothing else of ours: no credential.
 */
export async function attemptWebhookDelivery(
  resources: WebhookAttemptResources,
  ref: WebhookDeliveryRef,
): Promise<WebhookAttemptResult> {
  const { db } = resources;
  const delivery = await findWebhookDeliveryRow(db, ref.tenantId, ref.deliveryId);
  if (!delivery) return 'gone';
  let url = delivery.url;
  if (delivery.webhook_id !== null) {
    const webhook = await db
      .selectFrom('webhooks')
      .select(['url', 'enabled'])
      .where('tenant_id', '=', ref.tenantId)
      .where('id', '=', delivery.webhook_id)
      .executeTakeFirst();
    if (!webhook?.enabled) return 'gone';
    url = webhook.url;
  }
  const startedAt = new Date();
  const secrets = await webhookSigningSecrets(db, resources.masterKeys, {
    tenantId: ref.tenantId,
    webhookId: delivery.webhook_id,
  });
  const record = (answer: { statusCode: number | null; responseBody: string | null; error: string | null }) =>
    recordWebhookAttempt(db, ref.tenantId, ref.deliveryId, {
      startedAt,
      durationMs: Date.now() - startedAt.getTime(),
      ...answer,
    });
  if (secrets.length === 0) {
    await record({ statusCode: null, responseBody: null, error: 'no signing secret: nothing was sent' });
    return 'retry';
  }
  const body = JSON.stringify(delivery.payload);
  const content = { id: webhookMessageId(delivery.id), timestamp: Math.floor(startedAt.getTime() / 1000), body };
  const response = await sendWebhook(
    url,
    {
      'user-agent': 'agent-runtime-webhooks/1',
      'webhook-id': content.id,
      'webhook-timestamp': String(content.timestamp),
      'webhook-signature': webhookSignatureHeader(secrets, content),
    },
    body,
    resources.request,
  );
  if (response.kind === 'failed') {
    await record({ statusCode: null, responseBody: null, error: response.error });
    return 'retry';
  }
  await record({ statusCode: response.statusCode, responseBody: response.body, error: null });
  return response.statusCode >= 200 && response.statusCode < 300 ? 'delivered' : 'retry';
}

/** Records how the send ended: delivered, or failed after its last attempt. */
export async function finishWebhookSend(
  db: Kysely<Database>,
  ref: WebhookDeliveryRef,
  status: 'succeeded' | 'failed',
): Promise<void> {
  await finishWebhookDelivery(db, ref.tenantId, ref.deliveryId, status);
}
