import { z } from 'zod';
import { webhookEventTypes } from '../webhooks/webhook-event-types.ts';
import { jsonValueSchema } from './resources.ts';

const timestamp = z.iso.datetime({ offset: true });

/** Where deliveries go: an http(s) URL without credentials (the signature authenticates). */
export const webhookUrlSchema = z
  .url({ protocol: /^https?$/, error: 'an http(s) URL' })
  .max(2048)
  .refine((url) => !/^[a-z]+:\/\/[^/]*@/i.test(url), 'credentials do not belong in the URL: verify the signature')
  .describe('http(s) URL deliveries are POSTed to; its host must resolve to public addresses (or allowed ones)');

const eventTypesSchema = z
  .array(z.enum(webhookEventTypes))
  .min(1)
  .max(webhookEventTypes.length)
  .refine((types) => new Set(types).size === types.length, 'each event type at most once')
  .describe('The event types delivered');

/** A new endpoint, as `POST /v1/webhooks` takes it. */
export const newWebhookSchema = z
  .strictObject({
    url: webhookUrlSchema,
    description: z.string().max(500).nullable().default(null),
    enabled: z.boolean().default(true),
    eventTypes: eventTypesSchema,
  })
  .meta({ id: 'NewWebhook' });
export type NewWebhook = z.output<typeof newWebhookSchema>;

/** A change of an endpoint (`PATCH`): the fields given replace the endpoint's. */
export const webhookChangeSchema = z
  .strictObject({
    url: webhookUrlSchema.optional(),
    description: z.string().max(500).nullable().optional(),
    enabled: z.boolean().optional(),
    eventTypes: eventTypesSchema.optional(),
  })
  .meta({ id: 'WebhookChange' });
export type WebhookChange = z.output<typeof webhookChangeSchema>;

/** An endpoint of the tenant; its secret is never shown again after creation or rotation. */
export const webhookSchema = z
  .object({
    id: z.uuid(),
    tenantId: z.uuid(),
    url: z.string(),
    description: z.string().nullable(),
    enabled: z.boolean(),
    eventTypes: z.array(z.enum(webhookEventTypes)),
    previousSecretExpiresAt: timestamp
      .nullable()
      .describe('A rotation: until then, deliveries carry a signature with the previous secret too'),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Webhook' });
export type Webhook = z.infer<typeof webhookSchema>;

/** An endpoint as its creation or secret rotation answers it: with the secret, this once. */
export const webhookWithSecretSchema = webhookSchema
  .extend({
    secret: z
      .string()
      .describe('The signing secret (`whsec_…`, Standard Webhooks): shown this once, keep it to verify deliveries'),
  })
  .meta({ id: 'WebhookWithSecret' });
export type WebhookWithSecret = z.infer<typeof webhookWithSecretSchema>;

/** A secret rotation: how long the previous secret keeps signing. */
export const secretRotationSchema = z
  .strictObject({
    previousSecretValidSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(24 * 3600)
      .describe('Deliveries are signed with the previous secret too for this long (0: not at all)'),
  })
  .meta({ id: 'SecretRotation' });
export type SecretRotation = z.output<typeof secretRotationSchema>;

/** The tenant's signing secret for runs' one-off `webhookUrl`, as its rotation answers it. */
export const runWebhookSecretSchema = z
  .object({
    secret: z.string().describe('The signing secret (`whsec_…`): shown this once'),
    previousSecretExpiresAt: timestamp.nullable(),
    createdAt: timestamp,
  })
  .meta({ id: 'RunWebhookSecret' });
export type RunWebhookSecret = z.infer<typeof runWebhookSecretSchema>;

/** One attempt of a delivery: when, how it went, and the start of the answer. */
export const webhookDeliveryAttemptSchema = z
  .object({
    attempt: z.number().int().describe('1, 2, 3, … across sends (a redeliver goes on counting)'),
    startedAt: timestamp,
    durationMs: z.number().int(),
    statusCode: z.number().int().nullable().describe('The HTTP status; null when no answer came'),
    responseBody: z.string().nullable().describe('The start of the response body (at most 1 KiB)'),
    error: z.string().nullable().describe('Why no answer came (refused address, timeout, connection error)'),
  })
  .meta({ id: 'WebhookDeliveryAttempt' });
export type WebhookDeliveryAttempt = z.infer<typeof webhookDeliveryAttemptSchema>;

/** The delivery statuses: sending (or waiting to retry), delivered, or given up. */
export const webhookDeliveryStatuses = ['pending', 'succeeded', 'failed'] as const;

/** One event sent to one endpoint, with its attempts. */
export const webhookDeliverySchema = z
  .object({
    id: z.uuid().describe('Also the `webhook-id` header (`msg_<id>`), the same on every attempt'),
    webhookId: z.uuid().nullable().describe("Null: the run's own `webhookUrl`"),
    runId: z.uuid(),
    eventType: z.enum(webhookEventTypes),
    url: z.string(),
    status: z.enum(webhookDeliveryStatuses),
    payload: jsonValueSchema.describe('The body sent'),
    attempts: z.array(webhookDeliveryAttemptSchema),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;
