import { databaseKinds, openTestDatabase } from '@agent-runtime/test-harness';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import type { DatabaseHandle } from './connect.ts';
import { sqlStateOf, sqlStates } from './pg-errors.ts';
import { createAgent } from './repositories/agents.ts';
import { authenticateApiKey, createApiKey, getApiKey, listApiKeys, revokeApiKey } from './repositories/api-keys.ts';
import { listAuditEvents, recordAuditEvent, type NewAuditEvent } from './repositories/audit-events.ts';
import { createTenant } from './repositories/tenants.ts';

describe.each(databaseKinds)('API keys and the audit log on %s', (kind) => {
  let database: DatabaseHandle;
  let tenantId: string;
  let otherTenantId: string;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    tenantId = (await createTenant(database.db, 'access')).id;
    otherTenantId = (await createTenant(database.db, 'access-other')).id;
  });
  afterAll(() => database.close());

  const event = (overrides: Partial<NewAuditEvent> = {}): NewAuditEvent => ({
    tenantId,
    actor: { subject: 'api-key:someone', kind: 'api_key' },
    action: 'agent.created',
    target: { type: 'agent', id: 'a1' },
    ...overrides,
  });

  it('stores keys hashed, shows them without secret, and authenticates them until revoked', async () => {
    const created = await createApiKey(database.db, {
      tenantId,
      name: 'ci',
      roles: ['developer', 'developer', 'viewer'],
      createdBy: 'api-key:creator',
    });
    expect(created.key).toMatch(/^ar_[A-Za-z0-9]{8}_[A-Za-z0-9]{40}$/);
    expect(created).toMatchObject({
      tenantId,
      name: 'ci',
      roles: ['developer', 'viewer'],
      createdBy: 'api-key:creator',
    });
    const row = await database.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(created.key.slice(12));
    const shown = await getApiKey(database.db, tenantId, created.id);
    expect(shown).not.toHaveProperty('key');
    expect(shown.lastUsedAt).toBeNull();

    expect(await authenticateApiKey(database.db, created.key)).toEqual({
      tenantId,
      subject: `api-key:${created.id}`,
      roles: ['developer', 'viewer'],
    });
    expect((await getApiKey(database.db, tenantId, created.id)).lastUsedAt).not.toBeNull();
    await expect(getApiKey(database.db, otherTenantId, created.id)).rejects.toMatchObject({ code: 'not_found' });

    const first = await revokeApiKey(database.db, tenantId, created.id);
    expect(first.revoked).toBe(true);
    expect(first.apiKey.revokedAt).not.toBeNull();
    expect(await authenticateApiKey(database.db, created.key)).toBeUndefined();
    const again = await revokeApiKey(database.db, tenantId, created.id);
    expect(again).toEqual({ apiKey: first.apiKey, revoked: false });
    await expect(revokeApiKey(database.db, otherTenantId, created.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses an expired key', async () => {
    const soon = await createApiKey(database.db, {
      tenantId,
      name: 'short-lived',
      roles: ['viewer'],
      expiresAt: new Date(Date.now() + 60_000),
    });
    expect(await authenticateApiKey(database.db, soon.key)).toBeDefined();
    const past = await createApiKey(database.db, {
      tenantId,
      name: 'expired',
      roles: ['viewer'],
      expiresAt: new Date(Date.now() - 1),
    });
    expect(await authenticateApiKey(database.db, past.key)).toBeUndefined();
  });

  it("never revokes the tenant's last active admin key, even under concurrent revocations", async () => {
    const tenant = (await createTenant(database.db, 'last-admin')).id;
    const admins = await Promise.all(
      ['a', 'b', 'c'].map((name) => createApiKey(database.db, { tenantId: tenant, name, roles: ['tenant-admin'] })),
    );
    await createApiKey(database.db, {
      tenantId: tenant,
      name: 'expired admin',
      roles: ['tenant-admin'],
      expiresAt: new Date(0),
    });
    const results = await Promise.allSettled(admins.map((key) => revokeApiKey(database.db, tenant, key.id)));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(2);
    const refused = results.find((result) => result.status === 'rejected');
    expect(refused?.reason).toBeInstanceOf(AppError);
    expect((refused?.reason as AppError).code).toBe('conflict');
    const page = await listApiKeys(database.db, tenant, { limit: 10 });
    expect(page.items.filter((key) => key.revokedAt === null && key.expiresAt === null)).toHaveLength(1);
  });

  it('pages keys newest first, per tenant', async () => {
    const tenant = (await createTenant(database.db, 'paged-keys')).id;
    const ids = [];
    for (const name of ['k1', 'k2', 'k3'])
      ids.push((await createApiKey(database.db, { tenantId: tenant, name, roles: ['viewer'] })).id);
    const first = await listApiKeys(database.db, tenant, { limit: 2 });
    expect(first.items.map((key) => key.id)).toEqual([ids[2], ids[1]]);
    const second = await listApiKeys(database.db, tenant, { limit: 2, cursor: first.nextCursor ?? '' });
    expect(second).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
  });

  it('keeps audit events append-only in the database itself', async () => {
    const recorded = await recordAuditEvent(database.db, event({ details: { name: 'x' } }));
    const change = database.db
      .updateTable('audit_events')
      .set({ action: 'agent.deleted' })
      .where('id', '=', recorded.id);
    await expect(change.execute()).rejects.toSatisfy((error) => sqlStateOf(error) === sqlStates.auditAppendOnly);
    const remove = database.db.deleteFrom('audit_events').where('id', '=', recorded.id);
    await expect(remove.execute()).rejects.toSatisfy((error) => sqlStateOf(error) === sqlStates.auditAppendOnly);
    await expect(sql`truncate audit_events`.execute(database.db)).rejects.toSatisfy(
      (error) => sqlStateOf(error) === sqlStates.auditAppendOnly,
    );
    await expect(recordAuditEvent(database.db, event({ action: 'Not An Action' }))).rejects.toBeDefined();
  });

  it('commits an audit event with the change it records, or neither', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        const agent = await createAgent(trx, tenantId, { name: 'rolled-back' });
        await recordAuditEvent(trx, event({ target: { type: 'agent', id: agent.id } }));
        throw new Error('the request failed after both writes');
      }),
    ).rejects.toThrow('the request failed');
    const agents = await database.db.selectFrom('agents').select('id').where('name', '=', 'rolled-back').execute();
    expect(agents).toEqual([]);
    const events = await listAuditEvents(database.db, tenantId, { limit: 100, action: 'agent.created' });
    expect(events.items.every((item) => item.target.id !== 'rolled-back')).toBe(true);
  });

  it('lists audit events newest first with filters and a cursor, per tenant', async () => {
    const tenant = (await createTenant(database.db, 'audited')).id;
    const before = new Date();
    await recordAuditEvent(
      database.db,
      event({ tenantId: tenant, action: 'run.created', target: { type: 'run', id: 'r1' } }),
    );
    await recordAuditEvent(
      database.db,
      event({
        tenantId: tenant,
        action: 'run.cancelled',
        target: { type: 'run', id: 'r1' },
        actor: { subject: 'user-7', kind: 'user' },
        requestId: 'req-1',
      }),
    );
    await recordAuditEvent(
      database.db,
      event({ tenantId: tenant, action: 'api_key.created', target: { type: 'api_key', id: 'k' } }),
    );
    await recordAuditEvent(database.db, event({ tenantId: otherTenantId, action: 'run.cancelled' }));

    const all = await listAuditEvents(database.db, tenant, { limit: 2 });
    expect(all.items.map((item) => item.action)).toEqual(['api_key.created', 'run.cancelled']);
    const rest = await listAuditEvents(database.db, tenant, { limit: 2, cursor: all.nextCursor ?? '' });
    expect(rest).toEqual({ items: [expect.objectContaining({ action: 'run.created' })], nextCursor: null });

    const cancelled = await listAuditEvents(database.db, tenant, { limit: 10, action: 'run.cancelled' });
    expect(cancelled.items).toEqual([
      expect.objectContaining({
        tenantId: tenant,
        actor: { subject: 'user-7', kind: 'user' },
        target: { type: 'run', id: 'r1' },
        requestId: 'req-1',
        details: {},
      }),
    ]);
    const byActor = await listAuditEvents(database.db, tenant, { limit: 10, actor: 'user-7' });
    expect(byActor.items).toHaveLength(1);
    const byTarget = await listAuditEvents(database.db, tenant, { limit: 10, targetType: 'run', targetId: 'r1' });
    expect(byTarget.items).toHaveLength(2);
    expect((await listAuditEvents(database.db, tenant, { limit: 10, since: before })).items).toHaveLength(3);
    expect((await listAuditEvents(database.db, tenant, { limit: 10, until: before })).items).toHaveLength(0);
  });
});
