import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutgoingAddressPolicy } from './address-policy.ts';
import { sendWebhook, type WebhookRequestOptions } from './send-webhook.ts';

describe('sending a webhook request', () => {
  let server: http.Server;
  let base: string;
  const hits: string[] = [];
  const options: WebhookRequestOptions = {
    policy: new OutgoingAddressPolicy(['127.0.0.1/32']),
    timeoutMs: 500,
    maxResponseBytes: 4096,
  };

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      hits.push(request.url ?? '');
      request.resume();
      if (request.url === '/redirect') response.writeHead(302, { location: `${base}/target` }).end('moved');
      else if (request.url === '/large') response.writeHead(200).end('x'.repeat(1_000_000));
      else if (request.url === '/slow') setTimeout(() => response.writeHead(200).end('late'), 2000).unref();
      else response.writeHead(200).end(`${request.headers['webhook-id']} ${request.headers['content-type']}`);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('posts the body with the headers given, as JSON', async () => {
    const answer = await sendWebhook(`${base}/ok`, { 'webhook-id': 'msg_1' }, '{}', options);
    expect(answer).toEqual({ kind: 'answered', statusCode: 200, body: 'msg_1 application/json' });
  });

  it('does not follow a redirect: the 3xx is the answer', async () => {
    const answer = await sendWebhook(`${base}/redirect`, {}, '{}', options);
    expect(answer).toMatchObject({ kind: 'answered', statusCode: 302 });
    expect(hits).not.toContain('/target');
  });

  it('reads at most the response limit, and keeps 1 KiB of it for the log', async () => {
    const answer = await sendWebhook(`${base}/large`, {}, '{}', options);
    expect(answer).toMatchObject({ kind: 'answered', statusCode: 200 });
    expect(answer.kind === 'answered' && answer.body).toBe('x'.repeat(1024));
  });

  it('gives up after the timeout', async () => {
    const started = Date.now();
    const answer = await sendWebhook(`${base}/slow`, {}, '{}', options);
    expect(answer).toEqual({ kind: 'failed', error: 'no answer within 500 ms' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('refuses an address the policy refuses, before connecting', async () => {
    const strict = { ...options, policy: new OutgoingAddressPolicy() };
    const before = hits.length;
    const answer = await sendWebhook(`${base}/ok`, {}, '{}', strict);
    expect(answer).toMatchObject({ kind: 'failed', error: expect.stringMatching(/loopback address/) });
    expect(hits).toHaveLength(before);
  });
});
