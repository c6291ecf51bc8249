import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { listUnstartedWebhookSends, markWebhookSendStarted } from '../db/repositories/webhook-deliveries.ts';
import type { Database } from '../db/schema.ts';
import {
  webhookDeliveryWorkflowId,
  webhookDeliveryWorkflowType,
  type WebhookDeliveryInput,
} from '../execution/webhook-delivery-contract.ts';
import type { Logger } from '../logger.ts';

/** Options of {@link startWebhookDispatcher}. */
export interface WebhookDispatcherOptions {
  readonly db: Kysely<Database>;
  readonly temporal: Client;
  /** Task queue of the `webhookDelivery` workflows (`TEMPORAL_TASK_QUEUE`). */
  readonly taskQueue: string;
  readonly logger: Logger;
  /** How often the outbox is swept (`AR_WEBHOOK_DISPATCH_INTERVAL_MS`). */
  readonly intervalMs: number;
  /** Waits between attempts (`AR_WEBHOOK_RETRY_SCHEDULE`), given to each new send. */
  readonly retryDelaysMs: readonly number[];
  /** Sends started per sweep at most. @default 200 */
  readonly batchSize?: number;
}

/** A running dispatcher: wake it for a send just asked for; stop it at shutdown. */
export interface WebhookDispatcher {
  wake(): void;
  stop(): Promise<void>;
}

/**
 * Starts the workflow of every send the outbox holds that has none yet (a new delivery, a
 * redeliver), every `intervalMs` and when woken. The workflow id is the delivery's (and
 * generation's), refused when it was ever used, so a sweep that overlaps another, another
 * API instance, or a crash between a start and its record never sends twice.
 */
export function startWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const { db, temporal, logger } = options;
  let pass: Promise<void> = Promise.resolve();
  let stopped = false;

  async function sweep(): Promise<void> {
    try {
      for (;;) {
        const sends = await listUnstartedWebhookSends(db, options.batchSize ?? 200);
        for (const send of sends) {
          const input: WebhookDeliveryInput = {
            tenantId: send.tenantId,
            deliveryId: send.deliveryId,
            retryDelaysMs: options.retryDelaysMs,
          };
          await temporal.workflow
            .start(webhookDeliveryWorkflowType, {
              workflowId: webhookDeliveryWorkflowId(send.deliveryId, send.generation),
              taskQueue: options.taskQueue,
              args: [input],
              workflowIdReusePolicy: 'REJECT_DUPLICATE',
            })
            .catch((error: unknown) => {
              if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
            });
          await markWebhookSendStarted(db, send);
        }
        if (stopped || sends.length < (options.batchSize ?? 200)) return;
      }
    } catch (error) {
      logger.warn({ err: error }, 'could not start webhook deliveries; will retry');
    }
  }

  const next = () => {
    pass = pass.then(sweep);
  };
  next();
  const timer = setInterval(next, options.intervalMs);
  timer.unref();
  return {
    wake: next,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await pass;
    },
  };
}
