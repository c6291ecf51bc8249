import { startTestRuntime, waitForRun, waitUntil, type TestRuntime } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookReceiver } from './webhook-receiver.ts';

/**
 * Webhooks out, end to end on the test PostgreSQL and Temporal with a worker: a receiver
 * that fails the first 3 attempts of every delivery and verifies every signature with the
 * `standardwebhooks` package gets each event type, on the configured retry schedule, with a
 * complete delivery log; a delivery that never succeeds fails after the last retry and is
 * redelivered; a rotated secret signs alongside the new one; a run's one-off `webhookUrl`.
 */

const retryDelaysMs = [1000, 2000, 3000];
const allTypes = [
  'run.succeeded',
  'run.failed',
  'run.cancelled',
  'run.timed_out',
  'approval.requested',
  'run.waiting',
  'artifact.created',
  'schedule.fired',
];

interface Webhook {
  id: string;
  secret: string;
  previousSecretExpiresAt: string | null;
}

interface Delivery {
  id: string;
  runId: string;
  eventType: string;
  status: string;
  webhookId: string | null;
  payload: { type: string };
  attempts: {
    attempt: number;
    startedAt: string;
    durationMs: number;
    statusCode: number | null;
    responseBody: string | null;
    error: string | null;
  }[];
}

describe('webhook deliveries', () => {
  let runtime: TestRuntime;
  const receivers: WebhookReceiver[] = [];
  const schedules: string[] = [];

  beforeAll(async () => {
    runtime = await startTestRuntime({
      env: {
        AR_WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
        AR_WEBHOOK_RETRY_SCHEDULE: retryDelaysMs.map((ms) => `${ms}ms`).join(','),
        AR_WEBHOOK_DISPATCH_INTERVAL_MS: '100',
      },
    });
  });
  afterAll(async () => {
    for (const id of schedules) await runtime?.request('DELETE', `/v1/schedules/${id}`);
    await runtime?.stop();
    for (const receiver of receivers) await receiver.close();
  });

  async function newReceiver(failFirst: number): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver({ failFirst });
    receivers.push(receiver);
    await receiver.listen();
    return receiver;
  }

  async function register(receiver: WebhookReceiver, eventTypes: string[]): Promise<Webhook> {
    const response = await runtime.request('POST', '/v1/webhooks', { url: receiver.url, eventTypes });
    expect(response.status, await response.clone().text()).toBe(201);
    const webhook = (await response.json()) as Webhook;
    receiver.secrets.push(webhook.secret);
    return webhook;
  }

  async function createAgent(name: string, spec: unknown): Promise<string> {
    const agent = (await (await runtime.request('POST', '/v1/agents', { name })).json()) as { id: string };
    const version = await runtime.request('POST', `/v1/agents/${agent.id}/versions`, { spec });
    expect(version.status, await version.clone().text()).toBe(201);
    return agent.id;
  }

  async function startRun(agentId: string, extra: Record<string, unknown> = {}): Promise<string> {
    const response = await runtime.request('POST', '/v1/runs', { agentId, input: 'go', ...extra });
    expect(response.status, await response.clone().text()).toBe(202);
    return ((await response.json()) as { id: string }).id;
  }

  async function waitForStatus(runId: string, status: string): Promise<void> {
    await waitUntil(
      `run ${runId} ${status}`,
      async () =>
        ((await (await runtime.request('GET', `/v1/runs/${runId}`)).json()) as { status: string }).status === status,
      30_000,
    );
  }

  async function deliveriesOf(webhookId: string): Promise<Delivery[]> {
    const items: Delivery[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${cursor}`;
      const response = await runtime.request('GET', `/v1/webhooks/${webhookId}/deliveries?limit=5${query}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { items: Delivery[]; nextCursor: string | null };
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return items;
  }

  const approvalStep = { text: 'may I?', toolCalls: [{ id: 'ask', name: 'echo', arguments: { x: 1 } }] };

  it('delivers every event type, each after 3 failed attempts on the configured schedule, every signature verified', async () => {
    const receiver = await newReceiver(3);
    const webhook = await register(receiver, allTypes);

    // Succeeds: an artifact, an approval (the run waits), then the answer.
    const succeeding = await startRun(
      await createAgent('everything', {
        model: {
          provider: 'scripted',
          replies: [
            { toolCalls: [{ id: 'w', name: 'write_artifact', arguments: { name: 'report.md', content: '# hi' } }] },
            approvalStep,
            { text: 'done' },
          ],
        },
        tools: [{ name: 'write_artifact' }, { name: 'echo', requiresApproval: true }],
      }),
    );
    await waitForStatus(succeeding, 'waiting');
    const approved = await runtime.request('POST', `/v1/runs/${succeeding}/approvals/2-ask`, { decision: 'approve' });
    expect(approved.status).toBe(200);
    // Fails: more steps than its limit.
    const failing = await startRun(
      await createAgent('looping', {
        model: { provider: 'scripted', replies: [{ toolCalls: [{ name: 'echo', arguments: {} }] }] },
        tools: [{ name: 'echo' }],
        limits: { maxSteps: 2 },
      }),
    );
    // Cancelled while it waits for an approval.
    const cancelled = await startRun(
      await createAgent('cancelled', {
        model: { provider: 'scripted', replies: [approvalStep, { text: 'never' }] },
        tools: [{ name: 'echo', requiresApproval: true }],
      }),
    );
    await waitForStatus(cancelled, 'waiting');
    expect((await runtime.request('POST', `/v1/runs/${cancelled}/cancel`)).status).toBeLessThan(300);
    // Times out in a long tool call.
    const timedOut = await startRun(
      await createAgent('sleeper', {
        model: { provider: 'scripted', replies: [{ toolCalls: [{ name: 'sleep', arguments: { seconds: 30 } }] }] },
        tools: [{ name: 'sleep' }],
        limits: { timeoutSeconds: 1 },
      }),
    );
    // A schedule's fire.
    const scheduledAgent = await createAgent('scheduled', {
      model: { provider: 'scripted', replies: [{ text: 'ok' }] },
    });
    const schedule = (await (
      await runtime.request('POST', '/v1/schedules', {
        agentId: scheduledAgent,
        input: 'tick',
        spec: { cron: ['0 0 1 1 *'] },
        paused: true,
      })
    ).json()) as { id: string };
    schedules.push(schedule.id);
    expect((await runtime.request('POST', `/v1/schedules/${schedule.id}/trigger`)).status).toBe(202);

    const expected: [string, string | undefined][] = [
      ['artifact.created', succeeding],
      ['approval.requested', succeeding],
      ['run.waiting', succeeding],
      ['run.succeeded', succeeding],
      ['run.failed', failing],
      ['approval.requested', cancelled],
      ['run.waiting', cancelled],
      ['run.cancelled', cancelled],
      ['run.timed_out', timedOut],
      // The run of the fire: its id is the one `schedule.fired` names.
      ['schedule.fired', undefined],
      ['run.succeeded', undefined],
    ];
    const scheduledRun = () => receiver.of('schedule.fired')[0]?.payload.data.runId ?? 'not yet';
    const delivered = (type: string, runId: string | undefined) =>
      receiver.of(type, runId ?? scheduledRun()).filter((item) => item.status === 204);
    await waitUntil(
      'every event delivered',
      () => expected.every(([type, runId]) => delivered(type, runId).length > 0),
      60_000,
      200,
    );

    for (const [type, runId] of expected) {
      const attempts = receiver.of(type, runId ?? scheduledRun());
      // One message (one webhook-id) per event, attempted 4 times: 3 failures, then delivered.
      expect(new Set(attempts.map((item) => item.id)).size, type).toBe(1);
      expect(
        attempts.map((item) => item.status),
        type,
      ).toEqual([500, 500, 500, 204]);
      for (const [index, wait] of retryDelaysMs.entries()) {
        const gap = (attempts[index + 1]?.receivedAt ?? 0) - (attempts[index]?.receivedAt ?? 0);
        // The wait, plus recording the attempt and starting the next (slow on a busy machine).
        expect(gap, `${type}: wait before retry ${index + 1}`).toBeGreaterThanOrEqual(wait);
        expect(gap, `${type}: wait before retry ${index + 1}`).toBeLessThan(wait + 5000);
      }
    }
    // Every request verified with the endpoint's secret, carried only the Standard Webhooks headers of ours.
    expect(receiver.received.every((item) => item.verifiedWith.length === 1)).toBe(true);
    for (const item of receiver.received) {
      expect(item.headers.authorization).toBeUndefined();
      expect(item.headers['content-type']).toBe('application/json');
      expect(item.id).toMatch(/^msg_[0-9a-f-]{36}$/);
      expect(item.signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    }
    const fired = delivered('schedule.fired', undefined)[0]?.payload;
    expect(fired?.data).toMatchObject({ scheduleId: schedule.id, eventType: 'run.started' });
    expect(delivered('run.succeeded', succeeding)[0]?.payload).toMatchObject({
      type: 'run.succeeded',
      data: { runId: succeeding, eventType: 'run.succeeded', event: { output: { text: 'done' } } },
    });

    // The delivery log: each delivery with its four attempts.
    await waitUntil(
      'every delivery succeeded in the log',
      async () => (await deliveriesOf(webhook.id)).every((delivery) => delivery.status === 'succeeded'),
      10_000,
    );
    const log = await deliveriesOf(webhook.id);
    expect(log.map((delivery) => `${delivery.eventType} ${delivery.runId}`).sort()).toEqual(
      expected.map(([type, runId]) => `${type} ${runId ?? scheduledRun()}`).sort(),
    );
    for (const delivery of log) {
      expect(delivery.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 500, 500, 204]);
      expect(delivery.attempts.map((attempt) => attempt.attempt)).toEqual([1, 2, 3, 4]);
      expect(delivery.attempts[0]).toMatchObject({ responseBody: 'not yet', error: null });
      for (const attempt of delivery.attempts) expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
      const sent = receiver.received.filter((item) => item.id === `msg_${delivery.id}`);
      expect(sent).toHaveLength(4);
      expect(sent[0]?.payload).toEqual(delivery.payload);
    }
  }, 120_000);

  it('fails a delivery after its last retry, and redelivers it with the same webhook-id', async () => {
    const receiver = await newReceiver(100);
    const webhook = await register(receiver, ['run.succeeded']);
    const runId = await startRun(
      await createAgent('once', { model: { provider: 'scripted', replies: [{ text: 'hi' }] } }),
    );
    await waitForRun(runtime, runId);
    await waitUntil(
      'the delivery to fail',
      async () => (await deliveriesOf(webhook.id))[0]?.status === 'failed',
      30_000,
      200,
    );
    const [failed] = await deliveriesOf(webhook.id);
    expect(failed?.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 500, 500, 500]);

    receiver.failFirst = 0;
    const redeliver = await runtime.request('POST', `/v1/webhooks/${webhook.id}/deliveries/${failed?.id}/redeliver`);
    expect(redeliver.status).toBe(202);
    expect(await redeliver.json()).toMatchObject({ id: failed?.id, status: 'pending' });
    await waitUntil('the redelivery', async () => (await deliveriesOf(webhook.id))[0]?.status === 'succeeded', 15_000);
    const [redelivered] = await deliveriesOf(webhook.id);
    expect(redelivered?.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 500, 500, 500, 204]);
    expect(new Set(receiver.received.map((item) => item.id))).toEqual(new Set([`msg_${failed?.id}`]));

    const audit = (await (await runtime.request('GET', `/v1/audit?targetId=${webhook.id}&limit=10`)).json()) as {
      items: { action: string }[];
    };
    expect(audit.items.map((item) => item.action)).toEqual(
      expect.arrayContaining(['webhook.created', 'webhook.redelivered']),
    );
  }, 60_000);

  it('signs with the previous secret too during a rotation, and with the new one only after', async () => {
    const receiver = await newReceiver(0);
    const webhook = await register(receiver, ['run.succeeded']);
    const agentId = await createAgent('rotated', { model: { provider: 'scripted', replies: [{ text: 'hi' }] } });

    const rotated = await runtime.request('POST', `/v1/webhooks/${webhook.id}/rotate-secret`, {
      previousSecretValidSeconds: 3600,
    });
    expect(rotated.status).toBe(200);
    const second = (await rotated.json()) as Webhook;
    expect(second.secret).toMatch(/^whsec_/);
    expect(second.secret).not.toBe(webhook.secret);
    expect(Date.parse(second.previousSecretExpiresAt ?? '')).toBeGreaterThan(Date.now() + 3500_000);
    receiver.secrets.push(second.secret);
    const during = await startRun(agentId);
    await waitUntil('the delivery during the rotation', () => receiver.of('run.succeeded', during).length > 0, 30_000);
    const [duringRotation] = receiver.of('run.succeeded', during);
    expect(duringRotation?.signature.split(' ')).toHaveLength(2);
    expect(duringRotation?.verifiedWith).toEqual([0, 1]);

    // Rotated again with no window: only the newest secret signs.
    const third = (await (
      await runtime.request('POST', `/v1/webhooks/${webhook.id}/rotate-secret`, { previousSecretValidSeconds: 0 })
    ).json()) as Webhook;
    expect(third.previousSecretExpiresAt).toBeNull();
    receiver.secrets.push(third.secret);
    const after = await startRun(agentId);
    await waitUntil('the delivery after the rotation', () => receiver.of('run.succeeded', after).length > 0, 30_000);
    const [afterRotation] = receiver.of('run.succeeded', after);
    expect(afterRotation?.signature.split(' ')).toHaveLength(1);
    expect(afterRotation?.verifiedWith).toEqual([2]);
  }, 60_000);

  it("delivers a run's events to its one-off webhookUrl, signed with the tenant's run secret", async () => {
    const receiver = await newReceiver(0);
    const agentId = await createAgent('one-off', { model: { provider: 'scripted', replies: [{ text: 'hi' }] } });
    const missing = await runtime.request('POST', '/v1/runs', { agentId, input: 'go', webhookUrl: receiver.url });
    expect(missing.status).toBe(409);
    expect(await missing.json()).toMatchObject({ code: 'webhook_secret_missing' });

    const created = await runtime.request('POST', '/v1/run-webhook-secret', {});
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };
    receiver.secrets.push(secret);
    const runId = await startRun(agentId, { webhookUrl: receiver.url });
    const run = (await (await runtime.request('GET', `/v1/runs/${runId}`)).json()) as { webhookUrl?: string };
    expect(run.webhookUrl).toBe(receiver.url);
    await waitUntil('the run webhook', () => receiver.of('run.succeeded', runId).length > 0, 30_000);
    expect(receiver.received.map((item) => item.payload.type)).toEqual(['run.succeeded']);
    expect(receiver.received[0]?.verifiedWith).toEqual([0]);
    await waitUntil(
      "the run's delivery log",
      async () => {
        const page = (await (await runtime.request('GET', `/v1/runs/${runId}/webhook-deliveries`)).json()) as {
          items: Delivery[];
        };
        return page.items.some((delivery) => delivery.webhookId === null && delivery.status === 'succeeded');
      },
      10_000,
    );
    const runLog = (await (
      await runtime.request('GET', `/v1/runs/${runId}/webhook-deliveries?status=succeeded`)
    ).json()) as { items: (Delivery & { url: string })[] };
    // The endpoints of the tests before subscribe to run.succeeded too: the run's own is the one without a webhookId.
    const own = runLog.items.filter((delivery) => delivery.webhookId === null);
    expect(own).toEqual([expect.objectContaining({ url: receiver.url, eventType: 'run.succeeded', runId })]);
    expect(own[0]?.attempts.map((attempt) => attempt.statusCode)).toEqual([204]);
    // Theirs are written with the event too, but may still be retrying (failing receivers): any status.
    const everyDelivery = (await (await runtime.request('GET', `/v1/runs/${runId}/webhook-deliveries`)).json()) as {
      items: Delivery[];
    };
    expect(everyDelivery.items.length).toBeGreaterThan(1);
    expect((await runtime.request('GET', `/v1/runs/${crypto.randomUUID()}/webhook-deliveries`)).status).toBe(404);

    const refused = await runtime.request('POST', '/v1/runs', {
      agentId,
      input: 'go',
      webhookUrl: 'http://169.254.169.254/latest',
    });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ code: 'webhook_address_refused', reason: 'link_local' });
  }, 60_000);

  it('refuses at delivery an address the policy refuses, though it was allowed at registration', async () => {
    const receiver = new WebhookReceiver();
    receivers.push(receiver);
    // Not in the allow-list (127.0.0.1/32 only): as a host whose DNS answer changed since registration.
    const privateUrl = await receiver.listen('127.0.0.2');
    const webhook = await register(await newReceiver(0), ['run.succeeded']);
    await runtime.database.db.updateTable('webhooks').set({ url: privateUrl }).where('id', '=', webhook.id).execute();
    const runId = await startRun(
      await createAgent('rebound', { model: { provider: 'scripted', replies: [{ text: 'x' }] } }),
    );
    await waitForRun(runtime, runId);
    await waitUntil('an attempt', async () => ((await deliveriesOf(webhook.id))[0]?.attempts.length ?? 0) > 0, 30_000);
    const [delivery] = await deliveriesOf(webhook.id);
    expect(delivery?.attempts[0]).toMatchObject({ statusCode: null, error: expect.stringMatching(/loopback address/) });
    expect(receiver.received).toHaveLength(0);
    // Stopped, so the test does not wait for the retries.
    expect((await runtime.request('DELETE', `/v1/webhooks/${webhook.id}`)).status).toBe(204);
  }, 60_000);
});
