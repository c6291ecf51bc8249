import type { WebhookDeliveryInput } from '@agent-runtime/core/webhook-delivery-contract';
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { WebhookActivities } from '../activities/webhook-activities.ts';

const { attemptWebhookDelivery, finishWebhookSend } = proxyActivities<WebhookActivities>({
  // One HTTP request (AR_WEBHOOK_TIMEOUT_MS is at most 2 minutes) and two database writes.
  startToCloseTimeout: '3 minutes',
  // Retried only when the attempt could not run or be recorded (database, a worker lost):
  // the receiver's answers are the workflow's own retry schedule below.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * One send of a webhook delivery (workflow id: the delivery id, or `<id>.redeliver-<n>`): an
 * attempt at once, then one after each of `retryDelaysMs` while the receiver answers no
 * 2xx, until one is delivered; then the delivery is `succeeded`, or `failed` after the last.
 * A deleted delivery or endpoint, or a disabled endpoint, ends it early. At least once: a
 * receiver deduplicates by `webhook-id`.
 */
export async function webhookDelivery(input: WebhookDeliveryInput): Promise<'succeeded' | 'failed' | 'gone'> {
  const ref = { tenantId: input.tenantId, deliveryId: input.deliveryId };
  for (let attempt = 0; ; attempt += 1) {
    const result = await attemptWebhookDelivery(ref);
    if (result === 'gone') {
      await finishWebhookSend({ ...ref, status: 'failed' });
      return 'gone';
    }
    if (result === 'delivered') {
      await finishWebhookSend({ ...ref, status: 'succeeded' });
      return 'succeeded';
    }
    const wait = input.retryDelaysMs[attempt];
    if (wait === undefined) {
      await finishWebhookSend({ ...ref, status: 'failed' });
      return 'failed';
    }
    await sleep(wait);
  }
}
