import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestRuntime, waitForRun, type TestRuntime } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface ReceivedRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  body: string;
}

describe('HTTP tools', () => {
  let runtime: TestRuntime;
  let server: Server;
  let baseUrl: string;
  const received: ReceivedRequest[] = [];

  beforeAll(async () => {
    // A tool endpoint that fails the first attempt of each /flaky key with 503.
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const path = request.url ?? '/';
        const idempotencyKey = request.headers['idempotency-key'] as string | undefined;
        const seenBefore = received.some(
          (earlier) => earlier.idempotencyKey === idempotencyKey && earlier.path === path,
        );
        received.push({ method: request.method ?? '', path, idempotencyKey, body });
        if (path.startsWith('/flaky') && !seenBefore) {
          response.writeHead(503).end('busy');
        } else if (path.startsWith('/missing')) {
          response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no such item"}');
        } else {
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ echoed: body, path }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    runtime = await startTestRuntime();
  });

  afterAll(async () => {
    await runtime.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the idempotency key, retries 5xx, returns 4xx and invalid input to the model', async () => {
    const agent = (await (await runtime.request('POST', '/v1/agents', { name: 'http-user' })).json()) as { id: string };
    const spec = {
      model: {
        provider: 'scripted',
        replies: [
          {
            toolCalls: [
              { id: 'pay', name: 'charge', arguments: { amount: 10 } },
              { id: 'bad', name: 'charge', arguments: { amount: 'ten' } },
              { id: 'get', name: 'lookup', arguments: { id: 7 } },
            ],
          },
          { text: 'done' },
        ],
      },
      tools: [
        {
          kind: 'http',
          name: 'charge',
          url: `${baseUrl}/flaky/charge`,
          input: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] },
          headers: { 'x-tenant': 'acme' },
        },
        { kind: 'http', name: 'lookup', method: 'GET', url: `${baseUrl}/missing/item` },
      ],
    };
    expect((await runtime.request('POST', `/v1/agents/${agent.id}/versions`, { spec })).status).toBe(201);
    const run = (await (await runtime.request('POST', '/v1/runs', { agentId: agent.id, input: 'pay' })).json()) as {
      id: string;
    };
    expect(await waitForRun(runtime, run.id)).toMatchObject({ status: 'succeeded' });

    const charges = received.filter((request) => request.path === '/flaky/charge');
    expect(charges.map((request) => request.idempotencyKey)).toEqual([`${run.id}:1:pay`, `${run.id}:1:pay`]);
    expect(JSON.parse(charges[1]?.body ?? '{}')).toEqual({ amount: 10 });
    expect(received.filter((request) => request.path.startsWith('/missing'))).toEqual([
      expect.objectContaining({ method: 'GET', path: '/missing/item?id=7', idempotencyKey: `${run.id}:1:get` }),
    ]);

    const { items } = (await (await runtime.request('GET', `/v1/runs/${run.id}/events`)).json()) as {
      items: { type: string; data: Record<string, unknown> }[];
    };
    const results = Object.fromEntries(
      items.filter((event) => event.type === 'tool.completed').map((event) => [event.data['callId'], event.data]),
    );
    expect(results['pay']).toMatchObject({ ok: true, output: { echoed: '{"amount":10}' } });
    expect(results['bad']).toMatchObject({ ok: false, error: { code: 'invalid_tool_input' } });
    expect(results['get']).toMatchObject({ ok: false, error: { code: 'http_404' } });
  });

  it('rejects a version whose tool input schema is not valid JSON Schema', async () => {
    const agent = (await (await runtime.request('POST', '/v1/agents', { name: 'bad-schema' })).json()) as {
      id: string;
    };
    const response = await runtime.request('POST', `/v1/agents/${agent.id}/versions`, {
      spec: {
        model: { provider: 'scripted', replies: [{ text: 'hi' }] },
        tools: [{ kind: 'http', name: 'x', url: `${baseUrl}/x`, input: { type: 'banana' } }],
      },
    });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { errors: { path: string; message: string }[] };
    expect(problem.errors).toEqual([
      expect.objectContaining({ path: 'body.spec.tools.0.input', message: expect.stringMatching(/JSON Schema/) }),
    ]);
  });
});
