import { databaseKinds, openTestDatabase } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/connect.ts';
import { createAgentVersion } from '../db/repositories/agent-versions.ts';
import { createAgent } from '../db/repositories/agents.ts';
import { appendRunEvents } from '../db/repositories/run-events.ts';
import { createRun } from '../db/repositories/runs.ts';
import { listUnstartedWebhookSends } from '../db/repositories/webhook-deliveries.ts';
import { addWebhookSecret, insertWebhook, updateWebhook, webhookSigningSecrets } from '../db/repositories/webhooks.ts';
import { seedDefaults } from '../db/seed.ts';
import { agentSpecSchema } from '../domain/agent-spec.ts';
import { emptyUsage } from '../execution/agent-run-contract.ts';
import { newWebhookSchema } from '../domain/webhook.ts';
import { generateMasterKeyEntry, parseMasterKeys, type MasterKey } from '../secrets/master-keys.ts';
import { webhookEventTypes } from './webhook-event-types.ts';

const spec = agentSpecSchema.parse({ model: { provider: 'scripted', replies: [{ text: 'hi' }] } });

describe.each(databaseKinds)('the webhook outbox on %s', (kind) => {
  let database: DatabaseHandle;
  let tenantId: string;
  let agentId: string;
  let masterKeys: readonly MasterKey[];

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    tenantId = (await seedDefaults(database.db, {})).tenant.id;
    agentId = (await createAgent(database.db, tenantId, { name: 'outbox' })).id;
    await createAgentVersion(database.db, tenantId, agentId, spec);
    const parsed = parseMasterKeys(generateMasterKeyEntry('outbox'));
    masterKeys = 'keys' in parsed ? parsed.keys : [];
  });
  afterAll(() => database.close());

  const deliveriesOf = (runId: string) =>
    database.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('event_type')
      .orderBy('webhook_id')
      .execute();

  it('writes a delivery per subscribed enabled endpoint and per run webhookUrl with the event, and none for other types', async () => {
    const all = await insertWebhook(
      database.db,
      tenantId,
      newWebhookSchema.parse({ url: 'https://a.example/', eventTypes: [...webhookEventTypes] }),
    );
    const failures = await insertWebhook(
      database.db,
      tenantId,
      newWebhookSchema.parse({ url: 'https://b.example/', eventTypes: ['run.failed'] }),
    );
    const disabled = await insertWebhook(
      database.db,
      tenantId,
      newWebhookSchema.parse({ url: 'https://c.example/', eventTypes: ['run.succeeded'], enabled: false }),
    );
    const { run } = await createRun(database.db, {
      tenantId,
      agentId,
      input: 'go',
      metadata: { 'schedule.id': 'sched-1', 'schedule.firedAt': '2027-01-01T00:00:00.000Z' },
      webhookUrl: 'https://run.example/hook',
    });
    await appendRunEvents(database.db, tenantId, [
      { runId: run.id, type: 'run.started', data: { agentId, agentVersion: 1 }, dedupeKey: 'started' },
      { runId: run.id, type: 'model.started', step: 1, data: { provider: 'scripted' }, dedupeKey: 'm1' },
      {
        runId: run.id,
        type: 'approval.requested',
        step: 1,
        data: { approvalId: '1-a', callId: 'a', tool: 'echo', input: {}, expiresAt: null },
        dedupeKey: 'approval',
      },
    ]);
    const rows = await deliveriesOf(run.id);
    const byEndpoint = (webhookId: string | null) =>
      rows.filter((row) => row.webhook_id === webhookId).map((row) => row.event_type);
    expect(byEndpoint(all.id)).toEqual(['approval.requested', 'run.waiting', 'schedule.fired']);
    expect(byEndpoint(null)).toEqual(['approval.requested', 'run.waiting', 'schedule.fired']);
    expect(byEndpoint(failures.id)).toEqual([]);
    expect(byEndpoint(disabled.id)).toEqual([]);
    expect(rows.find((row) => row.webhook_id === null)?.url).toBe('https://run.example/hook');
    const fired = rows.find((row) => row.event_type === 'schedule.fired')?.payload;
    expect(fired).toMatchObject({
      type: 'schedule.fired',
      data: { runId: run.id, agentId, seq: 1, eventType: 'run.started', scheduleId: 'sched-1' },
    });
    // UUIDv7 ids, as the dispatcher and the log page by them.
    for (const row of rows) expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/);
    const unstarted = await listUnstartedWebhookSends(database.db, 100);
    expect(unstarted.filter((send) => rows.some((row) => row.id === send.deliveryId))).toHaveLength(rows.length);

    await updateWebhook(database.db, tenantId, disabled.id, { enabled: true });
    await appendRunEvents(database.db, tenantId, [
      { runId: run.id, type: 'run.succeeded', data: { output: null, usage: emptyUsage }, dedupeKey: 'done' },
    ]);
    const after = await deliveriesOf(run.id);
    expect(after.filter((row) => row.event_type === 'run.succeeded').map((row) => row.webhook_id)).toEqual(
      expect.arrayContaining([all.id, disabled.id, null]),
    );
  });

  it('keeps the current secret and at most the one before it, sealed', async () => {
    const webhook = await insertWebhook(
      database.db,
      tenantId,
      newWebhookSchema.parse({ url: 'https://d.example/', eventTypes: ['run.failed'] }),
    );
    const owner = { tenantId, webhookId: webhook.id };
    await addWebhookSecret(database.db, masterKeys, owner, 'whsec_first', 0);
    await addWebhookSecret(database.db, masterKeys, owner, 'whsec_second', 3600);
    expect(await webhookSigningSecrets(database.db, masterKeys, owner)).toEqual(['whsec_second', 'whsec_first']);
    await addWebhookSecret(database.db, masterKeys, owner, 'whsec_third', 3600);
    expect(await webhookSigningSecrets(database.db, masterKeys, owner)).toEqual(['whsec_third', 'whsec_second']);
    await addWebhookSecret(database.db, masterKeys, owner, 'whsec_fourth', 0);
    expect(await webhookSigningSecrets(database.db, masterKeys, owner)).toEqual(['whsec_fourth']);
    const stored = await database.db.selectFrom('webhook_secrets').select('ciphertext').execute();
    expect(stored.every((row) => !Buffer.from(row.ciphertext).toString('utf8').includes('whsec_'))).toBe(true);
  });
});
