import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generateWebhookSecret,
  signWebhook,
  verifyWebhookSignature,
  webhookSignatureHeader,
} from './webhook-signature.ts';

describe('webhook signatures', () => {
  const content = { id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: 1614265330, body: '{"test": 2432232314}' };

  it("match the Standard Webhooks specification's example", () => {
    expect(signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', content)).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('are HMAC-SHA256 over id.timestamp.body with the base64-decoded key', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(`${content.id}.${content.timestamp}.${content.body}`);
    expect(signWebhook(secret, content)).toBe(`v1,${expected.digest('base64')}`);
  });

  it('carry one signature per secret during a rotation, each verifying on its own', () => {
    const [previous, current] = [generateWebhookSecret(), generateWebhookSecret()];
    const header = webhookSignatureHeader([current, previous], content);
    expect(header.split(' ')).toHaveLength(2);
    expect(verifyWebhookSignature(previous, header, content)).toBe(true);
    expect(verifyWebhookSignature(current, header, content)).toBe(true);
    expect(verifyWebhookSignature(generateWebhookSecret(), header, content)).toBe(false);
    expect(verifyWebhookSignature(current, header, { ...content, body: '{"test": 1}' })).toBe(false);
  });
});
