import { AgentRuntimeClient, AuthenticationError, NotFoundError, type RunEvent } from '@agent-runtime/sdk';
import { describe, expect, it } from 'vitest';
import { agentWithSpec, approvalSpec, quickSpec, uniqueName, type SdkContext } from './sdk-context.ts';

/** Every resource of the API, through the SDK: tenants, agents, versions, runs and what hangs off them, access. */
export function describeResources(context: () => SdkContext): void {
  describe('every resource', () => {
    it('tenants: create, list, get, update, and their first admin key', async () => {
      const { admin, stack } = context();
      const name = uniqueName('tenant');
      const tenant = await admin.tenants.create({ name, limits: { maxConcurrentRuns: 5 } });
      expect(tenant).toMatchObject({ name, limits: { maxConcurrentRuns: 5 } });
      expect(await admin.tenants.get(tenant.id)).toEqual(tenant);
      const listed = await admin.tenants.list({ limit: 100 }).toArray();
      expect(listed.map((each) => each.id)).toContain(tenant.id);
      const updated = await admin.tenants.update(tenant.id, { limits: { maxConcurrentRuns: null } });
      expect(updated.limits.maxConcurrentRuns).toBeNull();

      const first = await admin.tenants.createApiKey(tenant.id, { name: 'first admin' });
      expect(first).toMatchObject({ tenantId: tenant.id, roles: ['tenant-admin'] });
      const tenantAdmin = new AgentRuntimeClient({ baseUrl: stack.url, apiKey: first.key });
      // The new tenant sees its own (empty) world.
      expect(await tenantAdmin.agents.list().toArray()).toEqual([]);
    });

    it('agents and versions: create, get, update, list, tools, archive', async () => {
      const { admin } = context();
      const agent = await admin.agents.create({ name: uniqueName('agent'), description: 'from the SDK' });
      expect(await admin.agents.get(agent.id)).toEqual(agent);
      const renamed = await admin.agents.update(agent.id, { description: 'renamed' });
      expect(renamed.description).toBe('renamed');

      const version = await admin.versions.create(agent.id, approvalSpec);
      expect(version).toMatchObject({ agentId: agent.id, version: 1 });
      expect((await admin.versions.create(agent.id, quickSpec)).version).toBe(2);
      expect(await admin.versions.get(agent.id, 1)).toEqual(version);
      const versions = await admin.versions.list(agent.id).toArray();
      expect(versions.map((each) => each.version).sort()).toEqual([1, 2]);
      const tools = await admin.versions.tools(agent.id, 1).toArray();
      expect(tools).toEqual([expect.objectContaining({ name: 'echo', kind: 'builtin', requiresApproval: true })]);

      const archived = await admin.agents.archive(agent.id);
      expect(archived.archivedAt).not.toBeNull();
      // Idempotent: archiving again answers the agent as it is.
      expect((await admin.agents.archive(agent.id)).archivedAt).toBe(archived.archivedAt);
      expect((await admin.agents.list({ limit: 100 }).toArray()).map((each) => each.id)).not.toContain(agent.id);
      const withArchived = await admin.agents.list({ includeArchived: 'true', limit: 100 }).toArray();
      expect(withArchived.map((each) => each.id)).toContain(agent.id);
    });

    it('runs, events, approvals and messages: a run that waits for a decision, told something meanwhile', async () => {
      const { admin } = context();
      const agentId = await agentWithSpec(admin, 'approver', approvalSpec);
      const { run, created } = await admin.runs.create({ agentId, input: 'pay 10', metadata: { from: 'sdk' } });
      expect(created).toBe(true);
      expect(run).toMatchObject({ agentId, metadata: { from: 'sdk' } });

      const seen: RunEvent[] = [];
      for await (const event of admin.runs.follow(run.id, { deltas: false })) {
        if (event.type === 'model.delta') continue;
        seen.push(event);
        if (event.type !== 'approval.requested') continue;
        expect(event.data).toMatchObject({ tool: 'echo', callId: 'pay', input: { amount: 10 } });
        const pending = await admin.approvals.pending(run.id);
        expect(pending).toEqual([expect.objectContaining({ id: event.data.approvalId, tool: 'echo' })]);
        expect(await admin.messages.send(run.id, 'and be quick')).toMatchObject({ disposition: 'enqueued' });
        expect(await admin.approvals.approve(run.id, event.data.approvalId, { comment: 'fine' })).toEqual({
          approvalId: event.data.approvalId,
          decision: 'approve',
        });
      }
      const ended = await admin.runs.wait(run.id);
      expect(ended.status).toBe('succeeded');
      expect(await admin.runs.get(run.id)).toEqual(ended);
      expect(seen.at(-1)?.type).toBe('run.succeeded');
      const types = seen.map((event) => event.type);
      expect(types).toEqual(expect.arrayContaining(['approval.decided', 'message.received', 'tool.completed']));
      const decided = seen.find((event) => event.type === 'approval.decided');
      expect(decided?.data).toMatchObject({ decision: 'approve', comment: 'fine' });

      // The stored events, read in pages of two, are what following delivered.
      expect(await admin.events.list(run.id, { limit: 2 }).toArray()).toEqual(seen);
      expect(await admin.events.list(run.id, { after: 3 }).toArray()).toEqual(seen.slice(3));
      const listed = await admin.runs.list({ agentId }).toArray();
      expect(listed.map((each) => each.id)).toEqual([run.id]);
      expect(await admin.runs.list({ agentId, status: 'failed' }).toArray()).toEqual([]);
    });

    it('artifacts: upload text and bytes, list, read metadata, download', async () => {
      const { admin } = context();
      const { run } = await admin.runs.create({ agentId: await agentWithSpec(admin, 'files', quickSpec), input: 'hi' });
      const text = await admin.artifacts.upload(run.id, {
        name: 'notes.txt',
        contentType: 'text/plain',
        content: 'hello ünïcode',
      });
      expect(text).toMatchObject({ runId: run.id, name: 'notes.txt', contentType: 'text/plain', source: 'api' });
      const bytes = Uint8Array.from({ length: 300 }, (_, index) => index % 256);
      const binary = await admin.artifacts.upload(run.id, {
        name: 'data.bin',
        contentType: 'application/octet-stream',
        content: new Blob([bytes]),
      });
      expect(binary.size).toBe(300);
      const streamed = await admin.artifacts.upload(run.id, {
        name: 'streamed.txt',
        contentType: 'text/plain',
        content: new Blob(['streamed ', 'in pieces']).stream(),
      });
      expect(streamed.size).toBe('streamed in pieces'.length);

      expect(await admin.artifacts.get(run.id, text.id)).toEqual(text);
      const listed = await admin.artifacts.list(run.id, { limit: 2 }).toArray();
      expect(listed.map((each) => each.name).sort()).toEqual(['data.bin', 'notes.txt', 'streamed.txt']);
      const download = await admin.artifacts.download(run.id, text.id);
      expect(download).toMatchObject({ contentType: 'text/plain', size: text.size, sha256: text.sha256 });
      expect(await download.text()).toBe('hello ünïcode');
      expect(await (await admin.artifacts.download(run.id, binary.id)).bytes()).toEqual(bytes);
      await admin.runs.wait(run.id);
    });

    it('secrets: create, get, list, replace, set, delete; the value never comes back', async () => {
      const { admin } = context();
      const name = uniqueName('TOKEN').replace('-', '_');
      const secret = await admin.secrets.create({ name, value: 's3cr3t-value', description: 'a token' });
      expect(secret).toMatchObject({ name, version: 1, description: 'a token' });
      expect(JSON.stringify(secret)).not.toContain('s3cr3t-value');
      expect(await admin.secrets.get(name)).toEqual(secret);
      expect((await admin.secrets.list({ limit: 100 }).toArray()).map((each) => each.name)).toContain(name);
      expect((await admin.secrets.replace(name, { value: 'rotated' })).version).toBe(2);
      // set() replaces an existing secret, and creates a missing one.
      expect((await admin.secrets.set(name, 'again')).version).toBe(3);
      const other = uniqueName('OTHER').replace('-', '_');
      expect((await admin.secrets.set(other, 'new')).version).toBe(1);
      await admin.secrets.delete(name);
      await admin.secrets.delete(other);
      await expect(admin.secrets.get(name)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('API keys and audit: create, list, get, revoke, and the log of it', async () => {
      const { admin, stack } = context();
      const created = await admin.apiKeys.create({ name: uniqueName('key'), roles: ['viewer'] });
      expect(created.key).toMatch(/^ar_/);
      const viewer = new AgentRuntimeClient({ baseUrl: stack.url, apiKey: created.key });
      await viewer.agents.list().firstPage();
      const metadata = { ...created, key: undefined, lastUsedAt: expect.any(String) };
      expect({ ...(await admin.apiKeys.get(created.id)), key: undefined }).toEqual(metadata);
      expect((await admin.apiKeys.list({ limit: 100 }).toArray()).map((each) => each.id)).toContain(created.id);
      const revoked = await admin.apiKeys.revoke(created.id);
      expect(revoked.revokedAt).not.toBeNull();
      const refused = await viewer.agents
        .list()
        .firstPage()
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(AuthenticationError);
      expect(refused).toMatchObject({ code: 'unauthenticated', status: 401 });

      const log = await admin.audit.list({ targetType: 'api_key', targetId: created.id }).toArray();
      expect(log.map((event) => event.action)).toEqual(['api_key.revoked', 'api_key.created']);
    });
  });
}
