import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, openTestDatabase } from '@agent-runtime/test-harness';
import { agentSpecSchema } from '../domain/agent-spec.ts';
import type { PendingApproval } from '../domain/resources.ts';
import { NotFoundError } from '../errors.ts';
import type { DatabaseHandle } from './connect.ts';
import { createAgent } from './repositories/agents.ts';
import { createAgentVersion } from './repositories/agent-versions.ts';
import { addPendingApproval, resolvePendingApproval } from './repositories/approvals.ts';
import { appendRunEvents, listRunEvents, type NewRunEvent } from './repositories/run-events.ts';
import { createRun, getRun, transitionRun } from './repositories/runs.ts';
import { createTenant } from './repositories/tenants.ts';

const spec = agentSpecSchema.parse({ model: { provider: 'scripted', replies: [{ text: 'hi' }] } });

/** A tenant with one queued run. */
async function tenantWithRun(database: DatabaseHandle, name: string) {
  const tenantId = (await createTenant(database.db, name)).id;
  const agentId = (await createAgent(database.db, tenantId, { name: 'agent' })).id;
  await createAgentVersion(database.db, tenantId, agentId, spec);
  const { run } = await createRun(database.db, { tenantId, agentId, input: name });
  return { tenantId, runId: run.id };
}

function approvalOf(id: string): PendingApproval {
  return { id, step: 1, callId: 'a', tool: 'echo', input: {}, requestedAt: new Date().toISOString(), expiresAt: null };
}

function messageEvent(runId: string, messageId: string): NewRunEvent {
  return {
    runId,
    type: 'message.received',
    step: 1,
    data: { messageId, content: 'hello', sentBy: 'tester', interrupted: false },
    dedupeKey: `message.received:${messageId}`,
  };
}

/**
 * The writes that move a run, append its events and put approvals on it or take them off
 * name the run's tenant: another tenant's id finds no run, and the run is left as it was.
 */
describe.each(databaseKinds)("writes of a run under another tenant's id on %s", (kind) => {
  let database: DatabaseHandle;
  let owner: { tenantId: string; runId: string };
  let otherTenantId: string;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    owner = await tenantWithRun(database, 'run-owner');
    otherTenantId = (await tenantWithRun(database, 'run-stranger')).tenantId;
  });
  afterAll(() => database.close());

  it('cannot transition the run', async () => {
    const { tenantId, runId } = await tenantWithRun(database, 'transition-owner');
    await expect(transitionRun(database.db, { tenantId: otherTenantId, runId, to: 'running' })).rejects.toEqual(
      new NotFoundError('run', runId),
    );
    await expect(
      transitionRun(database.db, { tenantId: otherTenantId, runId, to: 'cancelled', events: [] }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect((await getRun(database.db, tenantId, runId)).status).toBe('queued');
    expect((await transitionRun(database.db, { tenantId, runId, to: 'running' })).status).toBe('running');
  });

  it('cannot append its events', async () => {
    const { tenantId, runId } = owner;
    await expect(appendRunEvents(database.db, otherTenantId, [messageEvent(runId, 'stranger')])).rejects.toEqual(
      new NotFoundError('run', runId),
    );
    expect(await listRunEvents(database.db, tenantId, runId, { after: 0, limit: 10 })).toEqual([]);
    const appended = await appendRunEvents(database.db, tenantId, [messageEvent(runId, 'owner')]);
    expect(appended.map((event) => event.seq)).toEqual([1]);
  });

  it('cannot put an approval on it or resolve its approvals', async () => {
    const { tenantId, runId } = await tenantWithRun(database, 'approval-owner');
    await transitionRun(database.db, { tenantId, runId, to: 'running' });
    const requested = (id: string): NewRunEvent => ({
      runId,
      type: 'approval.requested',
      step: 1,
      data: { approvalId: id, callId: 'a', tool: 'echo', input: {}, expiresAt: null },
      dedupeKey: `approval.requested:${id}`,
    });
    const decided: NewRunEvent = {
      runId,
      type: 'approval.decided',
      step: 1,
      data: { approvalId: '1-a', decision: 'approve', comment: null, decidedBy: 'stranger' },
      dedupeKey: 'approval.decided:1-a',
    };

    await expect(
      addPendingApproval(database.db, otherTenantId, runId, approvalOf('1-b'), requested('1-b')),
    ).rejects.toEqual(new NotFoundError('run', runId));
    expect((await getRun(database.db, tenantId, runId)).status).toBe('running');

    const waiting = await addPendingApproval(database.db, tenantId, runId, approvalOf('1-a'), requested('1-a'));
    expect(waiting.run.status).toBe('waiting');
    await expect(resolvePendingApproval(database.db, otherTenantId, runId, '1-a', decided)).rejects.toEqual(
      new NotFoundError('run', runId),
    );
    const untouched = await getRun(database.db, tenantId, runId);
    expect(untouched.status).toBe('waiting');
    expect(untouched.pendingApprovals.map((approval) => approval.id)).toEqual(['1-a']);
    expect(
      (await listRunEvents(database.db, tenantId, runId, { after: 0, limit: 10 })).map((event) => event.type),
    ).toEqual(['approval.requested']);

    const resumed = await resolvePendingApproval(database.db, tenantId, runId, '1-a', decided);
    expect(resumed.run.status).toBe('running');
    expect(resumed.run.pendingApprovals).toEqual([]);
  });
});
