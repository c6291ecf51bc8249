import type {
  ListWebhookDeliveriesQuery,
  ListWebhooksQuery,
  NewWebhook,
  Webhook,
  WebhookChange,
  WebhookDelivery,
  WebhookWithSecret,
} from '../api-types.ts';
import type { CallOptions } from '../client-options.ts';
import { apiPath, type Transport } from '../http/transport.ts';
import { PageIterator, type Page } from '../pagination.ts';

/**
 * Webhooks (`/v1/webhooks`, docs/webhooks.md): the tenant's endpoints and their deliveries.
 * Every role may read them; changes and redelivery are for tenant admins.
 */
export class WebhooksResource {
  readonly #transport: Transport;

  /** @internal built by the client */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Registers an endpoint; its signing secret is in the answer, this once. */
  create(body: NewWebhook, options: CallOptions = {}): Promise<WebhookWithSecret> {
    return this.#transport.json({ method: 'POST', path: '/v1/webhooks', json: body, signal: options.signal });
  }

  /** The tenant's endpoints, newest first, page by page (never their secrets). */
  list(query: ListWebhooksQuery = {}, options: CallOptions & { cursor?: string } = {}): PageIterator<Webhook> {
    return new PageIterator(
      (cursor, signal) =>
        this.#transport.json<Page<Webhook>>({
          method: 'GET',
          path: '/v1/webhooks',
          query: { ...query, cursor },
          signal,
        }),
      options.cursor,
      options.signal,
    );
  }

  /** One endpoint (never its secret). */
  get(webhookId: string, options: CallOptions = {}): Promise<Webhook> {
    return this.#transport.json({ method: 'GET', path: apiPath`/v1/webhooks/${webhookId}`, signal: options.signal });
  }

  /** Replaces the fields given (a disabled endpoint gets no new deliveries). */
  update(webhookId: string, change: WebhookChange, options: CallOptions = {}): Promise<Webhook> {
    return this.#transport.json({
      method: 'PATCH',
      path: apiPath`/v1/webhooks/${webhookId}`,
      json: change,
      signal: options.signal,
    });
  }

  /** Deletes the endpoint with its secrets and delivery log. */
  delete(webhookId: string, options: CallOptions = {}): Promise<void> {
    return this.#transport.empty({
      method: 'DELETE',
      path: apiPath`/v1/webhooks/${webhookId}`,
      signal: options.signal,
    });
  }

  /** The endpoint's deliveries, newest first, page by page, each with its attempts. */
  deliveries(
    webhookId: string,
    query: ListWebhookDeliveriesQuery = {},
    options: CallOptions & { cursor?: string } = {},
  ): PageIterator<WebhookDelivery> {
    return new PageIterator(
      (cursor, signal) =>
        this.#transport.json<Page<WebhookDelivery>>({
          method: 'GET',
          path: apiPath`/v1/webhooks/${webhookId}/deliveries`,
          query: { ...query, cursor },
          signal,
        }),
      options.cursor,
      options.signal,
    );
  }

  /** Sends the delivery again (same `webhook-id` and body, signed afresh). */
  redeliver(webhookId: string, deliveryId: string, options: CallOptions = {}): Promise<WebhookDelivery> {
    return this.#transport.json({
      method: 'POST',
      path: apiPath`/v1/webhooks/${webhookId}/deliveries/${deliveryId}/redeliver`,
      signal: options.signal,
    });
  }
}
