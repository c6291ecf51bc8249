import type { Config } from '../config.ts';
import { OutgoingAddressPolicy } from './address-policy.ts';
import type { WebhookRequestOptions } from './send-webhook.ts';

/** How this deployment sends webhook requests, from its configuration (`AR_WEBHOOK_*`). */
export function webhookRequestOptionsOf(config: Config): WebhookRequestOptions {
  return {
    policy: new OutgoingAddressPolicy(config.AR_WEBHOOK_ALLOWED_NETWORKS),
    timeoutMs: config.AR_WEBHOOK_TIMEOUT_MS,
    maxResponseBytes: config.AR_WEBHOOK_MAX_RESPONSE_BYTES,
  };
}
