import { AgentRuntimeClient } from '@agent-runtime/sdk';
import { describe, expect, it } from 'vitest';
import { uniqueName, type SdkContext } from './sdk-context.ts';

/** Cursor pagination through the SDK's iterators. */
export function describePagination(context: () => SdkContext): void {
  describe('pagination', () => {
    it('iterates every item across pages, reads one page, resumes from a cursor, stops early', async () => {
      const { admin, stack } = context();
      // A tenant of its own, so that nothing else the suites create is listed.
      const tenant = await admin.tenants.create({ name: uniqueName('pages') });
      const { key } = await admin.tenants.createApiKey(tenant.id, { name: 'admin' });
      const client = new AgentRuntimeClient({ baseUrl: stack.url, apiKey: key });
      const created = [];
      for (let index = 0; index < 7; index += 1) created.push(await client.agents.create({ name: `agent-${index}` }));
      const ids = created.map((agent) => agent.id).sort();

      const all = await client.agents.list({ limit: 3 }).toArray();
      expect(all.map((agent) => agent.id).sort()).toEqual(ids);
      expect(new Set(all.map((agent) => agent.id)).size).toBe(7);

      const pages = [];
      for await (const page of client.agents.list({ limit: 3 }).pages()) pages.push(page);
      expect(pages.map((page) => page.items.length)).toEqual([3, 3, 1]);
      expect(pages.at(-1)?.nextCursor).toBeNull();

      const first = await client.agents.list({ limit: 3 }).firstPage();
      expect(first.items).toEqual(pages[0]?.items);
      expect(first.nextCursor).toEqual(expect.any(String));
      const rest = await client.agents.list({ limit: 3 }, { cursor: first.nextCursor ?? '' }).toArray();
      expect([...first.items, ...rest]).toEqual(all);

      expect(await client.agents.list({ limit: 3 }).toArray(4)).toEqual(all.slice(0, 4));
      let seen = 0;
      for await (const agent of client.agents.list({ limit: 2 })) {
        expect(agent.tenantId).toBe(tenant.id);
        seen += 1;
        if (seen === 3) break;
      }
      expect(seen).toBe(3);
    });
  });
}
