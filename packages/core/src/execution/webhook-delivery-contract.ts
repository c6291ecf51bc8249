/**
 * The contract between the webhook dispatcher and the `webhookDelivery` workflow: one
 * workflow per send of a delivery. Workflow-safe: no I/O, imported by workflow code.
 */

/** The workflow type of a delivery. */
export const webhookDeliveryWorkflowType = 'webhookDelivery';

/** What a delivery's workflow is started with. */
export interface WebhookDeliveryInput {
  readonly tenantId: string;
  readonly deliveryId: string;
  /**
   * Milliseconds to wait before each retry after a failed attempt: one attempt at once, then
   * one after each wait (`AR_WEBHOOK_RETRY_SCHEDULE`). Fixed at the start, so a changed
   * setting never changes a running delivery's history.
   */
  readonly retryDelaysMs: readonly number[];
}

/** What one attempt answered, as the workflow needs it. */
export interface WebhookAttemptOutcome {
  readonly delivered: boolean;
}

/**
 * The workflow id of a delivery's send: the delivery id for its first send, so starting it
 * twice is harmless; `<id>.redeliver-<n>` for the n-th redeliver.
 */
export function webhookDeliveryWorkflowId(deliveryId: string, generation: number): string {
  return generation <= 1 ? deliveryId : `${deliveryId}.redeliver-${generation - 1}`;
}
