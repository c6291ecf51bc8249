import { createApiKey, createTenant } from '@agent-runtime/core';
import {
  startTestRuntime,
  storedStepTexts,
  waitForRun,
  streamingSpec,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { Annotation, END, START, StateGraph } from '@langchain/langgraph';
import { Client } from '@langchain/langgraph-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** plan → write: two nodes, two super-steps, no model. */
const Article = Annotation.Root({
  topic: Annotation<string>,
  outline: Annotation<string>,
  draft: Annotation<string>,
});
const article = new StateGraph(Article)
  .addNode('plan', (state) => ({ outline: `1. what ${state.topic} are` }))
  .addNode('write', (state) => ({ draft: `${state.topic}: ${state.outline}` }))
  .addEdge(START, 'plan')
  .addEdge('plan', 'write')
  .addEdge('write', END)
  .compile();

/** Every event of an SDK stream. */
async function collect(stream: AsyncIterable<{ event: string; data: unknown; id?: string | undefined }>) {
  const events: { event: string; data: unknown; id?: string | undefined }[] = [];
  for await (const part of stream) events.push(part);
  return events;
}

describe('LangGraph Agent Server API driven by @langchain/langgraph-sdk', () => {
  let runtime: TestRuntime;
  let client: Client;
  let otherClient: Client;

  beforeAll(async () => {
    runtime = await startTestRuntime({ graphs: { article } });
    client = new Client({ apiUrl: `${runtime.url}/lg`, apiKey: runtime.apiKey });
    const other = await createTenant(runtime.database.db, 'lg-other');
    const otherKey = await createApiKey(runtime.database.db, { tenantId: other.id, name: 'lg', roles: ['developer'] });
    otherClient = new Client({ apiUrl: `${runtime.url}/lg`, apiKey: otherKey.key });
  });
  afterAll(async () => {
    await runtime.stop();
  });

  it('answers /info and manages assistants as agents (create, search, get, update, versions, delete)', async () => {
    const info = await fetch(`${runtime.url}/lg/info`, { headers: { 'x-api-key': runtime.apiKey } });
    expect(info.status).toBe(200);
    const created = await client.assistants.create({ graphId: 'article', name: 'article-writer' });
    expect(created).toMatchObject({ graph_id: 'article', name: 'article-writer', version: 1 });
    expect(await client.assistants.get(created.assistant_id)).toMatchObject({ assistant_id: created.assistant_id });
    // The graph id names the assistant too.
    expect(await client.assistants.get('article')).toMatchObject({ assistant_id: created.assistant_id });
    const found = await client.assistants.search({ graphId: 'article' });
    expect(found.map((assistant) => assistant.assistant_id)).toContain(created.assistant_id);
    const updated = await client.assistants.update(created.assistant_id, { graphId: 'article', description: 'writes' });
    expect(updated).toMatchObject({ version: 2, description: 'writes' });
    const versions = await client.assistants.getVersions(created.assistant_id);
    expect(versions.map((version) => version.version)).toEqual([2, 1]);
    await expect(otherClient.assistants.get(created.assistant_id)).rejects.toThrow(/404/);
    const doomed = await client.assistants.create({ graphId: 'article', name: 'doomed' });
    await client.assistants.delete(doomed.assistant_id);
    await expect(client.assistants.get(doomed.assistant_id)).rejects.toThrow(/404/);
  });

  it('streams a graph run on a thread: metadata first, an id on every event, values and updates per super-step', async () => {
    const thread = await client.threads.create({ metadata: { user: 'ada' } });
    let created: { run_id: string; thread_id?: string | undefined } | undefined;
    const events = await collect(
      client.runs.stream(thread.thread_id, 'article', {
        input: { topic: 'otters' },
        streamMode: ['values', 'updates'],
        onRunCreated: (run) => (created = run),
      }),
    );
    expect(events[0]).toMatchObject({ event: 'metadata', data: { run_id: created?.run_id } });
    expect(created?.thread_id).toBe(thread.thread_id);
    for (const event of events) expect(event.id).toMatch(/\S/);
    expect(events.slice(1).map(({ event, data }) => [event, data])).toEqual([
      ['values', { topic: 'otters' }],
      ['updates', { plan: { outline: '1. what otters are' } }],
      ['values', { topic: 'otters', outline: '1. what otters are' }],
      ['updates', { write: { draft: 'otters: 1. what otters are' } }],
      ['values', { topic: 'otters', outline: '1. what otters are', draft: 'otters: 1. what otters are' }],
    ]);
    const state = await client.threads.getState(thread.thread_id);
    expect(state.values).toEqual({
      topic: 'otters',
      outline: '1. what otters are',
      draft: 'otters: 1. what otters are',
    });
    expect(await client.threads.get(thread.thread_id)).toMatchObject({ status: 'idle', metadata: { user: 'ada' } });
    // Another tenant's thread is not found.
    await expect(otherClient.threads.get(thread.thread_id)).rejects.toThrow(/404/);

    // A joined stream from an event id goes on after it, nothing repeated.
    const third = events[3];
    const rest = await collect(
      client.runs.joinStream(thread.thread_id, created?.run_id ?? '', {
        lastEventId: third?.id ?? '',
        streamMode: ['values', 'updates'],
      }),
    );
    expect(rest.map(({ event, data }) => [event, data])).toEqual(
      events.slice(4).map(({ event, data }) => [event, data]),
    );
  });

  it('waits for runs, creates and joins them, lists and cancels them', async () => {
    const thread = await client.threads.create();
    const values = await client.runs.wait(thread.thread_id, 'article', { input: { topic: 'owls' } });
    expect(values).toMatchObject({ draft: 'owls: 1. what owls are' });
    const run = await client.runs.create(thread.thread_id, 'article', { input: { topic: 'bats' } });
    expect(run).toMatchObject({ thread_id: thread.thread_id });
    expect(await client.runs.join(thread.thread_id, run.run_id)).toMatchObject({ draft: 'bats: 1. what bats are' });
    expect(await client.runs.get(thread.thread_id, run.run_id)).toMatchObject({ status: 'success' });
    const listed = await client.runs.list(thread.thread_id);
    expect(listed.map((item) => item.run_id)).toContain(run.run_id);
    const history = await client.threads.getHistory(thread.thread_id);
    expect(history).toHaveLength(2);
    const copy = await client.threads.copy(thread.thread_id);
    expect(copy.thread_id).not.toBe(thread.thread_id);
    await client.threads.update(thread.thread_id, { metadata: { done: 'yes' } });
    expect((await client.threads.search({ metadata: { done: 'yes' } })).map((item) => item.thread_id)).toEqual([
      thread.thread_id,
    ]);
    await client.threads.delete(thread.thread_id);
    await expect(client.threads.get(thread.thread_id)).rejects.toThrow(/404/);
    // Stateless.
    expect(await client.runs.wait(null, 'article', { input: { topic: 'newts' } })).toMatchObject({
      draft: 'newts: 1. what newts are',
    });
  });

  it('interrupts at an approval and resumes with command.resume', async () => {
    const agent = (await (await runtime.request('POST', '/v1/agents', { name: 'careful' })).json()) as { id: string };
    await runtime.request('POST', `/v1/agents/${agent.id}/versions`, {
      spec: {
        model: {
          provider: 'scripted',
          replies: [{ text: 'echoing', toolCalls: [{ id: 'e', name: 'echo', arguments: { x: 1 } }] }, { text: 'done' }],
        },
        tools: [{ name: 'echo', requiresApproval: true }],
      },
    });
    const thread = await client.threads.create();
    const first = await collect(
      client.runs.stream(thread.thread_id, 'careful', {
        input: { messages: [{ role: 'user', content: 'echo it' }] },
        streamMode: ['updates'],
      }),
    );
    const interrupt = first.find((event) => event.event === 'updates' && '__interrupt__' in (event.data as object));
    expect(interrupt?.data).toMatchObject({ __interrupt__: [{ value: { tool: 'echo', input: { x: 1 } } }] });
    expect(await client.threads.get(thread.thread_id)).toMatchObject({ status: 'interrupted' });
    const resumed = await collect(
      client.runs.stream(thread.thread_id, 'careful', { command: { resume: true }, streamMode: ['updates'] }),
    );
    expect(resumed.map((event) => event.data)).toContainEqual({
      agent: { messages: [expect.objectContaining({ type: 'ai', content: 'done' })] },
    });
    const state = await client.threads.getState(thread.thread_id);
    expect((state.values as { messages: { content: string }[] }).messages.map((message) => message.content)).toEqual([
      'echo it',
      'echoing',
      'done',
    ]);
  });

  it('streams a model’s tokens as messages-tuple chunks that join into each step’s stored text', async () => {
    const agent = (await (await runtime.request('POST', '/v1/agents', { name: 'talker' })).json()) as { id: string };
    await runtime.request('POST', `/v1/agents/${agent.id}/versions`, { spec: streamingSpec });
    let runId = '';
    const events = await collect(
      client.runs.stream(null, 'talker', {
        input: { messages: [{ role: 'user', content: 'what is the answer?' }] },
        streamMode: ['messages-tuple'],
        onRunCreated: (run) => (runId = run.run_id),
      }),
    );
    const chunks = events.filter((event) => event.event === 'messages');
    // Tokens, not whole messages: several chunks a step.
    expect(chunks.length).toBeGreaterThan(6);
    const joined = new Map<number, string>();
    for (const { data } of chunks) {
      const [chunk, metadata] = data as [{ type: string; content: string }, { langgraph_step: number }];
      expect(chunk.type).toBe('AIMessageChunk');
      joined.set(metadata.langgraph_step, (joined.get(metadata.langgraph_step) ?? '') + chunk.content);
    }
    expect(joined).toEqual(await storedStepTexts(runtime, runId));
  });

  it('applies multitask_strategy to a busy thread and cancels a run whose client leaves with on_disconnect: cancel', async () => {
    const agent = (await (await runtime.request('POST', '/v1/agents', { name: 'slow' })).json()) as { id: string };
    await runtime.request('POST', `/v1/agents/${agent.id}/versions`, {
      spec: {
        model: {
          provider: 'scripted',
          stream: { chunkChars: 2, chunkDelayMs: 100 },
          replies: [{ text: 'slowly, one piece at a time, as the model streams it' }],
        },
      },
    });
    const thread = await client.threads.create();
    const input = { messages: [{ role: 'user', content: 'go' }] };
    const first = await client.runs.create(thread.thread_id, 'slow', { input });
    await expect(client.runs.create(thread.thread_id, 'slow', { input })).rejects.toThrow(/409/);
    const queued = await client.runs.create(thread.thread_id, 'slow', { input, multitaskStrategy: 'enqueue' });
    expect(queued.status).toBe('pending');
    await client.runs.cancel(thread.thread_id, first.run_id);
    await client.runs.cancel(thread.thread_id, queued.run_id);

    let runId = '';
    const leave = new AbortController();
    // The SDK ends the stream quietly when its signal aborts.
    for await (const part of client.runs.stream(null, 'slow', {
      input,
      streamMode: ['messages-tuple'],
      onDisconnect: 'cancel',
      onRunCreated: (run) => (runId = run.run_id),
      signal: leave.signal,
    })) {
      if (part.event === 'messages') leave.abort();
    }
    const cancelled = await waitForRun(runtime, runId, 30_000);
    expect(cancelled.status).toBe('cancelled');
  });

  it('keeps store items in the memory store', async () => {
    await client.store.putItem(['users', 'ada'], 'prefs', { theme: 'dark' });
    expect(await client.store.getItem(['users', 'ada'], 'prefs')).toMatchObject({ value: { theme: 'dark' } });
    const found = await client.store.searchItems(['users']);
    expect(found.items.map((item) => item.key)).toEqual(['prefs']);
    expect((await client.store.listNamespaces()).namespaces).toContainEqual(['users', 'ada']);
    const v1 = await runtime.request('GET', '/v1/store/items?namespace=users&namespace=ada&key=prefs');
    expect(v1.status).toBe(200);
    await client.store.deleteItem(['users', 'ada'], 'prefs');
    await expect(client.store.getItem(['users', 'ada'], 'prefs')).resolves.toBeNull();
  });

  it('keeps crons as schedules', async () => {
    const thread = await client.threads.create();
    const cron = await client.crons.createForThread(thread.thread_id, 'article', {
      schedule: '0 6 * * *',
      input: { topic: 'larks' },
    });
    expect(cron).toMatchObject({ thread_id: thread.thread_id, schedule: '0 6 * * *', enabled: true });
    const schedule = await runtime.request('GET', `/v1/schedules/${cron.cron_id}`);
    expect(await schedule.json()).toMatchObject({ threadId: thread.thread_id, input: { topic: 'larks' } });
    const updated = await client.crons.update(cron.cron_id, { schedule: '0 7 * * *', enabled: false });
    expect(updated).toMatchObject({ schedule: '0 7 * * *', enabled: false });
    expect((await client.crons.search({ threadId: thread.thread_id })).map((item) => item.cron_id)).toEqual([
      cron.cron_id,
    ]);
    expect(await client.crons.count({ threadId: thread.thread_id })).toBe(1);
    await expect(otherClient.crons.delete(cron.cron_id)).rejects.toThrow(/404/);
    await client.crons.delete(cron.cron_id);
    expect((await runtime.request('GET', `/v1/schedules/${cron.cron_id}`)).status).toBe(404);
  });

  it('answers bad input in LangGraph’s error format, never a 500', async () => {
    const bad = await fetch(`${runtime.url}/lg/threads/search`, {
      method: 'POST',
      headers: { 'x-api-key': runtime.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ limit: 'many' }),
    });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ detail: expect.any(String) });
    const missing = await fetch(`${runtime.url}/lg/threads/not-a-thread/state`, {
      headers: { 'x-api-key': runtime.apiKey },
    });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ detail: expect.any(String) });
    const unauthenticated = await fetch(`${runtime.url}/lg/info`);
    expect(unauthenticated.status).toBe(401);
  });
});
