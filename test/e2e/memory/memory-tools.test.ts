import {
  createAgentWithSpec,
  runEventsOf,
  startOpenAiCompatibleServer,
  startTestRuntime,
  waitForRun,
  type OpenAiCompatibleServer,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The builtin memory tools in runs: `memory_put` in one run, `memory_search` in a later one
 * finds it by meaning, both under the namespace their declaration names, filled from the
 * run's metadata; a run of another user finds nothing, and `{threadId}` in a run without a
 * thread is a tool error the model sees.
 */

interface ToolResult {
  callId: string;
  ok: boolean;
  output?: { items?: { namespace: string[]; key: string; score: number }[] } & Record<string, unknown>;
  error?: { code: string; message: string };
}

const memoryTools = (namespace: string[]) => [
  { kind: 'builtin', name: 'memory_put', namespace },
  { kind: 'builtin', name: 'memory_search', namespace },
];

describe('memory tools in runs', () => {
  let models: OpenAiCompatibleServer;
  let runtime: TestRuntime;

  beforeAll(async () => {
    models = await startOpenAiCompatibleServer();
    runtime = await startTestRuntime({
      database: 'pglite',
      env: {
        AR_MEMORY_EMBEDDING_PROVIDER: 'openai-compatible',
        AR_MEMORY_EMBEDDING_BASE_URL: models.baseUrl,
        AR_MEMORY_EMBEDDING_MODEL: 'bag-of-words',
      },
    });
  });
  afterAll(async () => {
    await runtime?.stop();
    await models?.close();
  });

  async function runOf(agentId: string, userId: string): Promise<ToolResult[]> {
    const created = await runtime.request('POST', '/v1/runs', { agentId, input: 'go', metadata: { userId } });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    expect(await waitForRun(runtime, id)).toMatchObject({ status: 'succeeded' });
    return (await runEventsOf(runtime, id))
      .filter((event) => event.type === 'tool.completed')
      .map((event) => event.data as unknown as ToolResult);
  }

  it('puts memories in one run and finds the nearest in a later one, per user', async () => {
    const namespace = ['users', '{metadata.userId}', 'memories'];
    const writer = await createAgentWithSpec(runtime, 'memory-writer', {
      model: {
        provider: 'scripted',
        replies: [
          {
            toolCalls: [
              {
                id: 'drink',
                name: 'memory_put',
                arguments: { key: 'drink', value: { text: 'The user drinks green tea every morning' } },
              },
              {
                id: 'pet',
                name: 'memory_put',
                arguments: { key: 'pet', value: { text: 'The user has a cat named Tom' }, index: ['text'] },
              },
            ],
          },
          { text: 'saved' },
        ],
      },
      tools: memoryTools(namespace),
    });
    const reader = await createAgentWithSpec(runtime, 'memory-reader', {
      model: {
        provider: 'scripted',
        replies: [
          {
            toolCalls: [
              { id: 'find', name: 'memory_search', arguments: { query: 'what does the user drink in the morning' } },
            ],
          },
          { text: 'found' },
        ],
      },
      tools: memoryTools(namespace),
    });

    const puts = await runOf(writer, 'u-7');
    expect(puts.map((result) => [result.callId, result.ok, result.output?.['created']])).toEqual([
      ['drink', true, true],
      ['pet', true, true],
    ]);

    const [found] = await runOf(reader, 'u-7');
    expect(found?.ok, JSON.stringify(found)).toBe(true);
    const items = found?.output?.items ?? [];
    expect(items.map((item) => item.key)).toEqual(['drink', 'pet']);
    expect(items[0]?.namespace).toEqual(['users', 'u-7', 'memories']);
    expect(items[0]?.score).toBeGreaterThan(items[1]?.score ?? 1);

    // The items are the tenant's, at the namespace the template named.
    const stored = await runtime.request(
      'GET',
      '/v1/store/items?namespace=users&namespace=u-7&namespace=memories&key=drink',
    );
    expect(await stored.json()).toMatchObject({
      value: { text: 'The user drinks green tea every morning' },
      index: ['$'],
    });

    // Another user's run searches its own namespace: nothing there.
    const [elsewhere] = await runOf(reader, 'u-8');
    expect(elsewhere).toMatchObject({ ok: true, output: { items: [] } });
  });

  it('fails a {threadId} template in a run without a thread with a tool error, and a missing metadata key too', async () => {
    const agent = await createAgentWithSpec(runtime, 'thread-memory', {
      model: {
        provider: 'scripted',
        replies: [
          { toolCalls: [{ id: 'save', name: 'memory_put', arguments: { key: 'k', value: { text: 'x' } } }] },
          { text: 'done' },
        ],
      },
      tools: [{ kind: 'builtin', name: 'memory_put', namespace: ['threads', '{threadId}'] }],
    });
    const [saved] = await runOf(agent, 'u-7');
    expect(saved).toMatchObject({ ok: false, error: { code: 'memory_namespace_unresolved' } });
    expect(saved?.error?.message).toMatch(/not a turn of a thread/);

    const byTeam = await createAgentWithSpec(runtime, 'team-memory', {
      model: {
        provider: 'scripted',
        replies: [{ toolCalls: [{ id: 'find', name: 'memory_search', arguments: {} }] }, { text: 'done' }],
      },
      tools: [{ kind: 'builtin', name: 'memory_search', namespace: ['teams', '{metadata.teamId}'] }],
    });
    const [searched] = await runOf(byTeam, 'u-7');
    expect(searched).toMatchObject({ ok: false, error: { code: 'memory_namespace_unresolved' } });
    expect(searched?.error?.message).toMatch(/metadata has no "teamId"/);
  });

  it('refuses a version whose memory tool names no namespace, or an unknown placeholder', async () => {
    const agent = (await (await runtime.request('POST', '/v1/agents', { name: 'no-namespace' })).json()) as {
      id: string;
    };
    for (const tool of [
      { kind: 'builtin', name: 'memory_put' },
      { kind: 'builtin', name: 'memory_search', namespace: ['users', '{userId}'] },
      { kind: 'builtin', name: 'echo', namespace: ['users'] },
    ]) {
      const version = await runtime.request('POST', `/v1/agents/${agent.id}/versions`, {
        spec: { model: { provider: 'scripted', replies: [{ text: 'hi' }] }, tools: [tool] },
      });
      expect(version.status, JSON.stringify(tool)).toBe(422);
    }
  });
});
