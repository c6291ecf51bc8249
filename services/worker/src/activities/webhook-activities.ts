import {
  attemptWebhookDelivery,
  finishWebhookSend,
  type WebhookAttemptResult,
  type WebhookDeliveryRef,
  type WebhookRequestOptions,
} from '@agent-runtime/core';
import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDependencies } from './activity-support.ts';

/**
 * The activities of the `webhookDelivery` workflow: one attempt of a delivery (signed, sent
 * under the address policy, recorded), and the record of how the send ended.
 */
export function createWebhookActivities(dependencies: ActivityDependencies) {
  const { db, masterKeys } = dependencies;
  return {
    /** One attempt: see `attemptWebhookDelivery`. A failure to record it is retried by Temporal. */
    async attemptWebhookDelivery(ref: WebhookDeliveryRef): Promise<WebhookAttemptResult> {
      const request: WebhookRequestOptions | undefined = dependencies.webhooks;
      if (!request) throw ApplicationFailure.nonRetryable('this worker delivers no webhooks', 'internal');
      return attemptWebhookDelivery({ db, masterKeys, request }, ref);
    },

    /** Records the end of a send: delivered, or failed after the last attempt. */
    async finishWebhookSend(ref: WebhookDeliveryRef & { readonly status: 'succeeded' | 'failed' }): Promise<void> {
      await finishWebhookSend(db, ref, ref.status);
    },
  };
}

/** The webhook activities as the workflow sees them (types only). */
export type WebhookActivities = ReturnType<typeof createWebhookActivities>;
