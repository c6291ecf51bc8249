import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiKey, createTenant } from '@agent-runtime/core';
import {
  approveCall,
  createAgentWithSpec,
  createApiRequest,
  runEventsOf,
  startAgentRun,
  startOpenAiCompatibleServer,
  startTestRuntime,
  waitForPendingApproval,
  waitForRun,
  type OpenAiCompatibleServer,
  type RunEvent,
  type ServerAnswer,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** One effect the tool server performed: the idempotency key it came with, and the body. */
interface Effect {
  readonly path: string;
  readonly idempotencyKey: string;
  readonly body: unknown;
}

/** A run as the API answers it, with the fields these tests read. */
interface ApiRun {
  readonly id: string;
  readonly status: string;
  readonly input: unknown;
  readonly agentVersion: number;
  readonly metadata: Record<string, string>;
  readonly usage: Record<string, number>;
  readonly replayOf?: { runId: string; fromStep: number };
}

const toolCallStep = (n: number): ServerAnswer => ({
  kind: 'reply',
  text: `step ${n}`,
  toolCalls: [{ id: `c${n}`, name: 'effect', arguments: { n } }],
});

/**
 * Replay (`POST /v1/runs/{id}/replay`): a builtin agent against the test model server, whose
 * every step calls an HTTP tool on a server that counts its effects. A replay from step 3
 * answers steps 1 and 2 from the source run's records: the tool server counts no new effect
 * for them and the model server no request; step 3 on runs anew, with the edited input.
 */
describe('run replay', () => {
  let runtime: TestRuntime;
  let model: OpenAiCompatibleServer;
  let tools: Server;
  let toolsUrl = '';
  const effects: Effect[] = [];
  let agentId = '';
  /** A finished run of three tool-using steps and a final answer. */
  let source: ApiRun;

  const effectsOf = (runId: string) => effects.filter((effect) => effect.idempotencyKey.startsWith(`${runId}:`));
  const specWith = (path: string) => ({
    model: { provider: 'openai-compatible', baseUrl: model.baseUrl, model: 'local' },
    tools: [
      {
        kind: 'http',
        name: 'effect',
        url: `${toolsUrl}${path}`,
        input: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
      },
    ],
  });

  async function replay(runId: string, body: unknown, headers?: Record<string, string>) {
    return runtime.request('POST', `/v1/runs/${runId}/replay`, body, headers);
  }

  async function replayed(runId: string, body: unknown): Promise<ApiRun> {
    const response = await replay(runId, body);
    expect(response.status, await response.clone().text()).toBe(201);
    const run = (await response.json()) as ApiRun;
    expect(response.headers.get('location')).toBe(`/v1/runs/${run.id}`);
    return run;
  }

  beforeAll(async () => {
    tools = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const idempotencyKey = String(request.headers['idempotency-key'] ?? '');
        effects.push({ path: request.url ?? '/', idempotencyKey, body: JSON.parse(body || 'null') as unknown });
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ effect: effects.length, key: idempotencyKey }));
      });
    });
    await new Promise<void>((resolve) => tools.listen(0, '127.0.0.1', resolve));
    toolsUrl = `http://127.0.0.1:${(tools.address() as AddressInfo).port}`;
    model = await startOpenAiCompatibleServer();
    runtime = await startTestRuntime();

    agentId = await createAgentWithSpec(runtime, 'replayed-agent', specWith('/v1/effect'));
    model.enqueue(toolCallStep(1), toolCallStep(2), toolCallStep(3), { kind: 'reply', text: 'all done' });
    const created = await runtime.request('POST', '/v1/runs', {
      agentId,
      input: 'do three things',
      metadata: { purpose: 'source' },
    });
    const sourceId = ((await created.json()) as { id: string }).id;
    expect(await waitForRun(runtime, sourceId)).toMatchObject({ status: 'succeeded', output: { text: 'all done' } });
    source = (await (await runtime.request('GET', `/v1/runs/${sourceId}`)).json()) as ApiRun;
    expect(effectsOf(source.id).map((effect) => effect.idempotencyKey)).toEqual(
      [1, 2, 3].map((n) => `${source.id}:${n}:c${n}`),
    );
  });

  afterAll(async () => {
    await runtime.stop();
    await model.close();
    await new Promise((resolve) => tools.close(resolve));
  });

  it('re-runs from step 3 with an edited input: no effect and no model call repeats for steps 1 and 2', async () => {
    const effectsBefore = effects.length;
    const requestsBefore = model.requests.length;
    model.enqueue(
      { kind: 'reply', text: 'step 3 again', toolCalls: [{ id: 'c3', name: 'effect', arguments: { n: 30 } }] },
      { kind: 'reply', text: 'done differently' },
    );
    const run = await replayed(source.id, { fromStep: 3, input: 'do three things, differently' });
    expect(run).toMatchObject({
      agentVersion: source.agentVersion,
      input: 'do three things, differently',
      metadata: { purpose: 'source' },
      replayOf: { runId: source.id, fromStep: 3 },
    });
    const ended = await waitForRun(runtime, run.id);
    expect(ended).toMatchObject({ status: 'succeeded', output: { text: 'done differently' } });

    // The tool server: one new effect, step 3's, under the replay's own key.
    const newEffects = effects.slice(effectsBefore);
    expect(newEffects).toEqual([{ path: '/v1/effect', idempotencyKey: `${run.id}:3:c3`, body: { n: 30 } }]);
    // The model server: asked for steps 3 and 4 only. Step 3 saw the edited input and the
    // recorded results of steps 1 and 2.
    const asked = model.requests.slice(requestsBefore);
    expect(asked).toHaveLength(2);
    const step3 = asked[0]?.body?.messages ?? [];
    expect(step3.find((message) => message.role === 'user')?.content).toBe('do three things, differently');
    const toolMessages = step3.filter((message) => message.role === 'tool');
    expect(toolMessages.map((message) => message.tool_call_id)).toEqual(['c1', 'c2']);
    expect(JSON.parse(String(toolMessages[0]?.content))).toMatchObject({
      ok: true,
      output: { key: `${source.id}:1:c1` },
    });
    expect(step3.filter((message) => message.role === 'assistant').map((message) => message.content)).toEqual([
      'step 1',
      'step 2',
    ]);

    // The timeline is complete: steps 1 and 2 are there, marked replayed; 3 and 4 are not.
    const events = await runEventsOf(runtime, run.id);
    const stepEvents = events.filter((event) => event.step !== null);
    const marked = (event: RunEvent) => event.data['replayed'] === true;
    expect(stepEvents.filter(marked).map((event) => `${event.step} ${event.type}`)).toEqual([
      '1 model.started',
      '1 model.completed',
      '1 tool.started',
      '1 tool.completed',
      '2 model.started',
      '2 model.completed',
      '2 tool.started',
      '2 tool.completed',
    ]);
    expect(stepEvents.filter((event) => !marked(event)).map((event) => `${event.step} ${event.type}`)).toEqual([
      '3 model.started',
      '3 model.completed',
      '3 tool.started',
      '3 tool.completed',
      '4 model.started',
      '4 model.completed',
    ]);
    expect(events.find((event) => event.type === 'tool.completed' && event.step === 2)?.data).toMatchObject({
      ok: true,
      output: { key: `${source.id}:2:c2` },
    });
    expect(events[0]).toMatchObject({ type: 'run.started', data: { replayOf: { runId: source.id, fromStep: 3 } } });
    // Only what the replay called counts: steps 3 and 4.
    expect(ended.usage).toMatchObject({ steps: 4, modelCalls: 2, toolCalls: 1, inputTokens: 20, outputTokens: 10 });
  });

  it("applies another version's spec from fromStep on, and replays a replay from its own records", async () => {
    const version = await runtime.request('POST', `/v1/agents/${agentId}/versions`, { spec: specWith('/v2/effect') });
    expect(version.status).toBe(201);
    const effectsBefore = effects.length;
    const requestsBefore = model.requests.length;
    model.enqueue(toolCallStep(2), { kind: 'reply', text: 'version 2 done' });
    const run = await replayed(source.id, { fromStep: 2, version: 2, metadata: { purpose: 'v2' } });
    expect(run).toMatchObject({ agentVersion: 2, input: 'do three things', metadata: { purpose: 'v2' } });
    expect(await waitForRun(runtime, run.id)).toMatchObject({
      status: 'succeeded',
      output: { text: 'version 2 done' },
    });
    expect(effects.slice(effectsBefore)).toEqual([
      { path: '/v2/effect', idempotencyKey: `${run.id}:2:c2`, body: { n: 2 } },
    ]);
    expect(model.requests.length - requestsBefore).toBe(2);

    // The replay's steps 1 and 2 are its own records now: replaying it from step 3 repeats neither.
    model.enqueue({ kind: 'reply', text: 'replayed twice' });
    const again = await replayed(run.id, { fromStep: 3 });
    expect(again).toMatchObject({ agentVersion: 2, replayOf: { runId: run.id, fromStep: 3 } });
    expect(await waitForRun(runtime, again.id)).toMatchObject({
      status: 'succeeded',
      output: { text: 'replayed twice' },
    });
    expect(effectsOf(again.id)).toEqual([]);
    const replayedKeys = (await runEventsOf(runtime, again.id))
      .filter((event) => event.type === 'tool.completed')
      .map((event) => [event.step, event.data['replayed'], (event.data['output'] as { key: string }).key]);
    expect(replayedKeys).toEqual([
      [1, true, `${source.id}:1:c1`],
      [2, true, `${run.id}:2:c2`],
    ]);
  });

  it('replays every step (fromStep after the last one), or none (fromStep 1)', async () => {
    const requestsBefore = model.requests.length;
    const all = await replayed(source.id, { fromStep: 5 });
    // Step 4, the final answer, is replayed too: the run ends as the source did, calling nothing.
    expect(await waitForRun(runtime, all.id)).toMatchObject({
      status: 'succeeded',
      output: { text: 'all done' },
      usage: { steps: 4, modelCalls: 0, toolCalls: 0 },
    });
    expect(model.requests.length).toBe(requestsBefore);
    expect(effectsOf(all.id)).toEqual([]);

    model.enqueue(toolCallStep(1), { kind: 'reply', text: 'anew' });
    const none = await replayed(source.id, { fromStep: 1 });
    expect(await waitForRun(runtime, none.id)).toMatchObject({ status: 'succeeded', output: { text: 'anew' } });
    expect(effectsOf(none.id).map((effect) => effect.idempotencyKey)).toEqual([`${none.id}:1:c1`]);
    expect(model.requests.length - requestsBefore).toBe(2);
  });

  it('asks no approval again for replayed calls, and repeats a refusal as it was given', async () => {
    const guarded = await createAgentWithSpec(runtime, 'replay-approvals', {
      model: {
        provider: 'scripted',
        replies: [
          { toolCalls: [{ id: 'a', name: 'effect', arguments: { n: 1 } }] },
          { toolCalls: [{ id: 'b', name: 'effect', arguments: { n: 2 } }] },
          { text: 'reviewed' },
        ],
      },
      tools: [{ ...specWith('/guarded').tools[0], requiresApproval: true }],
    });
    const runId = await startAgentRun(runtime, guarded, 'guarded');
    await waitForPendingApproval(runtime, runId, '1-a');
    await approveCall(runtime, runId, '1-a');
    await waitForPendingApproval(runtime, runId, '2-b');
    const rejected = await runtime.request('POST', `/v1/runs/${runId}/approvals/2-b`, {
      decision: 'reject',
      comment: 'not twice',
    });
    expect(rejected.status).toBe(200);
    expect(await waitForRun(runtime, runId)).toMatchObject({ status: 'succeeded' });
    expect(effectsOf(runId)).toHaveLength(1);

    const run = await replayed(runId, { fromStep: 3 });
    // Never waiting: were an approval asked, the run would stay `waiting` and time out here.
    expect(await waitForRun(runtime, run.id)).toMatchObject({ status: 'succeeded', output: { text: 'reviewed' } });
    expect(effectsOf(run.id)).toEqual([]);
    const events = await runEventsOf(runtime, run.id);
    expect(events.filter((event) => event.type.startsWith('approval.'))).toEqual([]);
    expect(events.filter((event) => event.type === 'tool.completed').map((event) => event.data)).toEqual([
      expect.objectContaining({ callId: 'a', ok: true, replayed: true }),
      {
        callId: 'b',
        tool: 'effect',
        ok: false,
        error: { code: 'approval_rejected', message: 'not twice' },
        replayed: true,
      },
    ]);
  });

  it('answers the same replay to a repeat under one Idempotency-Key, and 409 to another body under it', async () => {
    const headers = { 'idempotency-key': `replay-${source.id}` };
    const first = await replay(source.id, { fromStep: 5 }, headers);
    expect(first.status).toBe(201);
    const run = (await first.json()) as ApiRun;
    const repeat = await replay(source.id, { fromStep: 5 }, headers);
    expect(repeat.status).toBe(201);
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
    expect(((await repeat.json()) as ApiRun).id).toBe(run.id);
    const conflict = await replay(source.id, { fromStep: 4 }, headers);
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ code: 'idempotency_key_conflict' });
    // A new run under the same key is another request too.
    const asRun = await runtime.request('POST', '/v1/runs', { agentId, input: 'x' }, headers);
    expect(asRun.status).toBe(409);
    await waitForRun(runtime, run.id);
  });

  it('refuses what it cannot replay: a step without a record, a run still running, an unknown version', async () => {
    const problem = async (response: Response) => ({
      status: response.status,
      ...((await response.json()) as { code: string; errors?: unknown }),
    });
    expect(await problem(await replay(source.id, { fromStep: 6 }))).toMatchObject({
      status: 422,
      code: 'validation_failed',
      errors: [{ path: 'body.fromStep', message: expect.stringMatching(/at most 5/) }],
    });
    expect(await problem(await replay(source.id, { fromStep: 0 }))).toMatchObject({
      status: 422,
      code: 'validation_failed',
    });
    expect(await problem(await replay(source.id, {}))).toMatchObject({ status: 422, code: 'validation_failed' });
    expect(await problem(await replay(source.id, { fromStep: 1, version: 99 }))).toMatchObject({
      status: 404,
      code: 'not_found',
    });
    expect(await problem(await replay('01a20000-0000-7000-8000-000000000000', { fromStep: 1 }))).toMatchObject({
      status: 404,
      code: 'not_found',
    });

    // A run waiting for an approval has not finished.
    const waitingAgent = await createAgentWithSpec(runtime, 'replay-waiting', {
      model: {
        provider: 'scripted',
        replies: [{ toolCalls: [{ id: 'ask', name: 'calculator', arguments: { expression: '1+1' } }] }, { text: 'ok' }],
      },
      tools: [{ name: 'calculator', requiresApproval: true }],
    });
    const waiting = await startAgentRun(runtime, waitingAgent, 'wait');
    await waitForPendingApproval(runtime, waiting, '1-ask');
    expect(await problem(await replay(waiting, { fromStep: 1 }))).toMatchObject({
      status: 409,
      code: 'run_not_finished',
    });
    expect((await runtime.request('POST', `/v1/runs/${waiting}/cancel`)).status).toBe(202);

    // Into a LangGraph version: its graph state lives in checkpoints of its own run, not in replies.
    const graphAgent = await createAgentWithSpec(runtime, 'replay-into-graph', {
      model: { provider: 'scripted', replies: [{ text: 'plain' }] },
    });
    const plain = await startAgentRun(runtime, graphAgent, 'plain');
    expect(await waitForRun(runtime, plain)).toMatchObject({ status: 'succeeded' });
    const graphVersion = await runtime.request('POST', `/v1/agents/${graphAgent}/versions`, {
      spec: { agent: { kind: 'langgraph', graph: 'some-graph' } },
    });
    expect(graphVersion.status).toBe(201);
    expect(await problem(await replay(plain, { fromStep: 1, version: 2 }))).toMatchObject({
      status: 422,
      code: 'validation_failed',
      errors: [{ path: 'body.version' }],
    });
  });

  it("hides another tenant's run behind 404 and lets a viewer replay nothing", async () => {
    const { db } = runtime.database;
    const other = await createTenant(db, 'replay-other');
    const otherKey = await createApiKey(db, { tenantId: other.id, name: 'other developer', roles: ['developer'] });
    const asOther = createApiRequest(runtime.url, otherKey.key);
    const foreign = await asOther('POST', `/v1/runs/${source.id}/replay`, { fromStep: 1 });
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toMatchObject({ code: 'not_found' });

    const viewerKey = await createApiKey(db, { tenantId: runtime.tenantId, name: 'viewer', roles: ['viewer'] });
    const asViewer = createApiRequest(runtime.url, viewerKey.key);
    const forbidden = await asViewer('POST', `/v1/runs/${source.id}/replay`, { fromStep: 1 });
    expect(forbidden.status).toBe(403);
  });
});
