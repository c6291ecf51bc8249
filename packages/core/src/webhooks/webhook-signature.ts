import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The prefix of a Standard Webhooks signing secret; the rest is base64 of the key bytes. */
const secretPrefix = 'whsec_';

/** Key bytes of a new secret (Standard Webhooks: between 24 and 64). */
const secretBytes = 32;

/** A new signing secret: `whsec_` and base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `${secretPrefix}${randomBytes(secretBytes).toString('base64')}`;
}

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(secretPrefix) ? secret.slice(secretPrefix.length) : secret, 'base64');
}

/** What a delivery signs: the `webhook-id`, the `webhook-timestamp` (Unix seconds) and the exact body. */
export interface SignedContent {
  readonly id: string;
  readonly timestamp: number;
  readonly body: string;
}

/** The `v1,<base64 HMAC-SHA256>` signature of `id.timestamp.body` under one secret. */
export function signWebhook(secret: string, content: SignedContent): string {
  const mac = createHmac('sha256', keyOf(secret))
    .update(`${content.id}.${content.timestamp}.${content.body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/**
 * The `webhook-signature` header: one signature per secret, space-separated, so a receiver
 * holding either secret of a rotation accepts the delivery.
 */
export function webhookSignatureHeader(secrets: readonly string[], content: SignedContent): string {
  return secrets.map((secret) => signWebhook(secret, content)).join(' ');
}

/** Whether one of the header's `v1` signatures is the content's under `secret` (constant-time compare). */
export function verifyWebhookSignature(secret: string, header: string, content: SignedContent): boolean {
  const expected = Buffer.from(signWebhook(secret, content));
  return header.split(' ').some((signature) => {
    const given = Buffer.from(signature);
    return given.byteLength === expected.byteLength && timingSafeEqual(given, expected);
  });
}
