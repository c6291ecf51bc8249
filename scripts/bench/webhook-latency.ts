import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BenchRuntime } from './bench-runtime.ts';
import { summarize, type Summary } from './percentiles.ts';
import { createScriptedAgent, oneStepAgentSpec, postRun } from './scripted-agents.ts';

/** How webhook delivery latency is sampled. */
export interface WebhookLatencyOptions {
  /** One-step runs, one at a time, each delivering its `run.succeeded`. */
  readonly runs: number;
  readonly signal: AbortSignal;
}

/** How long webhook deliveries take, in milliseconds. */
export interface WebhookLatency {
  /** The `run.succeeded` event's commit (its `createdAt`, the payload's `timestamp`) → the receiver reading the request. */
  readonly eventToReceiver: Summary;
  /** The outbox sweep interval the runtime ran with (`AR_WEBHOOK_DISPATCH_INTERVAL_MS`). */
  readonly dispatchIntervalMs: number;
}

/**
 * Registers an endpoint on a loopback receiver (the bench runtime allows 127.0.0.1) for
 * `run.succeeded`, runs a one-step scripted agent `runs` times one after the other, and
 * measures for each run the time from its event's commit to the receiver reading the signed
 * request: the outbox row written with the event, the dispatcher's sweep, the
 * `webhookDelivery` workflow and its attempt activity (secrets opened, the address resolved
 * and checked, the POST).
 */
export async function measureWebhookLatency(
  runtime: BenchRuntime,
  options: WebhookLatencyOptions,
): Promise<WebhookLatency> {
  const arrivals = new Map<string, { receivedAt: number; eventAt: number }>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const receivedAt = Date.now();
      const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        timestamp: string;
        data: { runId: string };
      };
      arrivals.set(payload.data.runId, { receivedAt, eventAt: Date.parse(payload.timestamp) });
      response.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const created = await runtime.request('POST', '/v1/webhooks', {
    url: `http://127.0.0.1:${port}/bench`,
    eventTypes: ['run.succeeded'],
  });
  const webhook = (await created.json()) as { id: string };
  if (created.status !== 201) throw new Error(`create webhook: HTTP ${created.status} ${JSON.stringify(webhook)}`);
  try {
    const agentId = await createScriptedAgent(runtime, 'bench-webhook', oneStepAgentSpec);
    const latencies: number[] = [];
    for (let index = 0; index < options.runs; index += 1) {
      options.signal.throwIfAborted();
      const runId = await postRun(runtime, agentId);
      const deadline = Date.now() + 30_000;
      for (;;) {
        const arrival = arrivals.get(runId);
        if (arrival) {
          latencies.push(arrival.receivedAt - arrival.eventAt);
          break;
        }
        if (Date.now() > deadline) throw new Error(`run ${runId}: no webhook within 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    return {
      eventToReceiver: summarize(latencies),
      dispatchIntervalMs: runtime.config.AR_WEBHOOK_DISPATCH_INTERVAL_MS,
    };
  } finally {
    await runtime.request('DELETE', `/v1/webhooks/${webhook.id}`);
    server.closeAllConnections();
    server.close();
  }
}
