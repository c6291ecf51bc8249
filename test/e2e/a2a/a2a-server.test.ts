import { SendMessageRequest, TaskState, type Message, type StreamResponse, type Task } from '@a2a-js/sdk';
import { ClientFactory, DefaultAgentCardResolver, JsonRpcTransportFactory, type Client } from '@a2a-js/sdk/client';
import { LegacyJsonRpcTransport } from '@a2a-js/sdk/compat/v0_3/client';
import { createApiKey, createTenant } from '@agent-runtime/core';
import { startTestRuntime, waitForRun, type TestRuntime } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A fetch that sends a tenant's credential, as an A2A client configured with one does. */
const fetchWithKey =
  (key: string): typeof fetch =>
  (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${key}`);
    return fetch(input, { ...init, headers });
  };

/** A user message in A2A 1.0's JSON form. */
function userMessage(fields: {
  text?: string;
  data?: unknown;
  taskId?: string;
  contextId?: string;
}): SendMessageRequest {
  const parts = [
    ...(fields.text === undefined ? [] : [{ text: fields.text }]),
    ...(fields.data === undefined ? [] : [{ data: fields.data }]),
  ];
  return SendMessageRequest.fromJSON({
    message: {
      messageId: crypto.randomUUID(),
      role: 'ROLE_USER',
      parts,
      ...(fields.taskId === undefined ? {} : { taskId: fields.taskId }),
      ...(fields.contextId === undefined ? {} : { contextId: fields.contextId }),
    },
  });
}

const asTask = (result: Message | Task): Task => {
  if (!('status' in result)) throw new Error(`expected a task, got a message: ${JSON.stringify(result)}`);
  return result;
};

const textOf = (task: Task) =>
  task.artifacts
    .flatMap((artifact) => artifact.parts)
    .map((part) => (part.content?.$case === 'text' ? part.content.value : ''))
    .join('');

describe('A2A: each opted-in agent is an A2A server, driven by the A2A JS client', () => {
  let runtime: TestRuntime;
  let otherTenantKey: string;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    const other = await createTenant(runtime.database.db, 'a2a-other');
    otherTenantKey = (
      await createApiKey(runtime.database.db, { tenantId: other.id, name: 'a2a', roles: ['developer'] })
    ).key;
    // The same agent name in the other tenant: names are per tenant, and so are tasks.
    const asOther = (method: string, path: string, body?: unknown) =>
      fetch(`${runtime.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${otherTenantKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const agent = (await (await asOther('POST', '/v1/agents', { name: 'greeter' })).json()) as { id: string };
    await asOther('POST', `/v1/agents/${agent.id}/versions`, { spec: greeterSpec });
  });
  afterAll(() => runtime.stop());

  const greeterSpec = {
    model: { provider: 'scripted', replies: [{ text: 'hello from the greeter' }] },
    a2a: { enabled: true },
  };

  async function createAgent(name: string, spec: unknown, description?: string): Promise<string> {
    const agent = (await (await runtime.request('POST', '/v1/agents', { name, description })).json()) as { id: string };
    const version = await runtime.request('POST', `/v1/agents/${agent.id}/versions`, { spec });
    expect(version.status).toBe(201);
    return agent.id;
  }

  async function clientOf(agentName: string, key = runtime.apiKey): Promise<Client> {
    const fetchImpl = fetchWithKey(key);
    const factory = new ClientFactory({
      transports: [new JsonRpcTransportFactory({ fetchImpl })],
      cardResolver: new DefaultAgentCardResolver({ fetchImpl }),
    });
    return factory.createFromUrl(`${runtime.url}/a2a/${agentName}/`);
  }

  it('serves the agent card to the tenant: skills from the description and tools, bearer security', async () => {
    await createAgent(
      'card-agent',
      {
        model: { provider: 'scripted', replies: [{ text: 'hi' }] },
        tools: [{ name: 'echo', requiresApproval: true }],
        a2a: { enabled: true },
      },
      'Answers questions about cards',
    );
    const client = await clientOf('card-agent');
    const card = await client.getAgentCard();
    expect(card).toMatchObject({
      name: 'card-agent',
      description: 'Answers questions about cards',
      version: '1',
      capabilities: { streaming: true, pushNotifications: false },
    });
    expect(card.supportedInterfaces).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          url: `${runtime.url}/a2a/card-agent`,
          protocolBinding: 'JSONRPC',
          protocolVersion: '1.0',
        }),
        expect.objectContaining({ protocolVersion: '0.3' }),
      ]),
    );
    expect(card.skills.map((skill) => skill.id)).toEqual(['card-agent', 'tool:echo']);
    expect(card.skills[0]?.tags).toContain('echo');
    expect(card.securitySchemes.bearer?.scheme).toMatchObject({ $case: 'httpAuthSecurityScheme' });

    const cardPath = '/a2a/card-agent/.well-known/agent-card.json';
    expect((await fetch(`${runtime.url}${cardPath}`)).status).toBe(401);
    // Not opted in, or another tenant's: no A2A server there.
    await createAgent('not-a2a', { model: { provider: 'scripted', replies: [{ text: 'x' }] } });
    expect((await runtime.request('GET', '/a2a/not-a2a/.well-known/agent-card.json')).status).toBe(404);
    expect((await fetchWithKey(otherTenantKey)(`${runtime.url}${cardPath}`)).status).toBe(404);
  });

  it('sends a message (a run on a new thread), gets the task, and continues its context', async () => {
    await createAgent('greeter', greeterSpec);
    const client = await clientOf('greeter');
    const task = asTask(await client.sendMessage(userMessage({ text: 'hello' })));
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(textOf(task)).toBe('hello from the greeter');
    const run = (await (await runtime.request('GET', `/v1/runs/${task.id}`)).json()) as Record<string, unknown>;
    expect(run).toMatchObject({ status: 'succeeded', threadId: task.contextId, input: 'hello' });

    expect(await client.getTask({ tenant: '', id: task.id })).toMatchObject({
      id: task.id,
      contextId: task.contextId,
      status: { state: TaskState.TASK_STATE_COMPLETED },
    });

    const next = asTask(await client.sendMessage(userMessage({ text: 'again', contextId: task.contextId })));
    expect(next.contextId).toBe(task.contextId);
    expect(next.id).not.toBe(task.id);
    const turns = (await (await runtime.request('GET', `/v1/threads/${task.contextId}/runs`)).json()) as {
      items: unknown[];
    };
    expect(turns.items).toHaveLength(2);
  });

  it('streams a task: the task, its status updates, the output artifact, then completed', async () => {
    await createAgent('streamer', {
      model: {
        provider: 'scripted',
        replies: [
          { text: 'let me echo', toolCalls: [{ id: 'e', name: 'echo', arguments: { x: 1 } }] },
          { text: 'streamed' },
        ],
      },
      tools: [{ name: 'echo' }],
      a2a: { enabled: true },
    });
    const client = await clientOf('streamer');
    const events: StreamResponse[] = [];
    for await (const event of client.sendMessageStream(userMessage({ text: 'stream please' }))) events.push(event);
    const kinds = events.map((event) => event.payload?.$case);
    expect(kinds[0]).toBe('task');
    expect(kinds.slice(-2)).toEqual(['artifactUpdate', 'statusUpdate']);
    const states = events.flatMap((event) =>
      event.payload?.$case === 'statusUpdate' ? [event.payload.value.status?.state] : [],
    );
    expect(states).toContain(TaskState.TASK_STATE_WORKING);
    expect(states.at(-1)).toBe(TaskState.TASK_STATE_COMPLETED);
    const artifact = events.at(-2)?.payload;
    expect(artifact?.$case === 'artifactUpdate' && artifact.value.artifact?.parts[0]?.content).toEqual({
      $case: 'text',
      value: 'streamed',
    });
  });

  it('cancels a task: the run ends cancelled', async () => {
    await createAgent('napper', {
      model: {
        provider: 'scripted',
        replies: [
          { text: 'napping', toolCalls: [{ id: 'nap', name: 'sleep', arguments: { seconds: 30 } }] },
          { text: 'up' },
        ],
      },
      tools: [{ name: 'sleep' }],
      a2a: { enabled: true },
    });
    const client = await clientOf('napper');
    const request = userMessage({ text: 'nap' });
    request.configuration = { acceptedOutputModes: [], taskPushNotificationConfig: undefined, returnImmediately: true };
    const task = asTask(await client.sendMessage(request));
    expect([TaskState.TASK_STATE_SUBMITTED, TaskState.TASK_STATE_WORKING]).toContain(task.status?.state);
    const cancelled = await client.cancelTask({ tenant: '', id: task.id, metadata: undefined });
    expect(cancelled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    expect(await waitForRun(runtime, task.id)).toMatchObject({ status: 'cancelled' });
    await expect(client.cancelTask({ tenant: '', id: task.id, metadata: undefined })).rejects.toMatchObject({
      name: 'TaskNotCancelableError',
    });
  });

  it('asks for input while an approval is pending (input-required), and resumes on the answer', async () => {
    await createAgent('careful', {
      model: {
        provider: 'scripted',
        replies: [
          { text: 'may I?', toolCalls: [{ id: 'pay', name: 'echo', arguments: { amount: 10 } }] },
          { text: 'paid' },
        ],
      },
      tools: [{ name: 'echo', requiresApproval: true }],
      a2a: { enabled: true },
    });
    const client = await clientOf('careful');
    const waiting = asTask(await client.sendMessage(userMessage({ text: 'pay 10' })));
    expect(waiting.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const question = waiting.status?.message?.parts ?? [];
    expect(question.map((part) => part.content?.$case)).toEqual(['text', 'data']);
    expect(question[1]?.content?.value).toMatchObject({ approvals: [{ approvalId: '1-pay', tool: 'echo' }] });

    // An answer that is not one is refused, with the question repeated; the task still waits.
    await expect(client.sendMessage(userMessage({ text: 'maybe later', taskId: waiting.id }))).rejects.toMatchObject({
      name: 'RequestMalformedError',
    });
    const done = asTask(
      await client.sendMessage(userMessage({ data: { decision: 'approve', approvalId: '1-pay' }, taskId: waiting.id })),
    );
    expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(textOf(done)).toBe('paid');
    const events = (await (await runtime.request('GET', `/v1/runs/${waiting.id}/events?limit=100`)).json()) as {
      items: { type: string; data: Record<string, unknown> }[];
    };
    expect(events.items.find((event) => event.type === 'approval.decided')?.data).toMatchObject({
      approvalId: '1-pay',
      decision: 'approve',
    });

    // Streaming the same round trip: the stream ends at input-required; a text answer resumes it.
    const streamed: StreamResponse[] = [];
    for await (const event of client.sendMessageStream(userMessage({ text: 'pay again' }))) streamed.push(event);
    const last = streamed.at(-1)?.payload;
    expect(last?.$case === 'statusUpdate' && last.value.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const taskId = last?.$case === 'statusUpdate' ? last.value.taskId : '';
    const resumed: StreamResponse[] = [];
    for await (const event of client.sendMessageStream(userMessage({ text: 'reject: too much', taskId }))) {
      resumed.push(event);
    }
    const end = resumed.at(-1)?.payload;
    expect(end?.$case === 'statusUpdate' && end.value.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const log = (await (await runtime.request('GET', `/v1/runs/${taskId}/events?limit=100`)).json()) as {
      items: { type: string; data: Record<string, unknown> }[];
    };
    expect(log.items.find((event) => event.type === 'approval.decided')?.data).toMatchObject({
      decision: 'reject',
      comment: 'too much',
    });
  });

  it("hides another tenant's tasks: not found", async () => {
    await createAgent('greeter-hidden', greeterSpec);
    const own = await clientOf('greeter-hidden');
    const task = asTask(await own.sendMessage(userMessage({ text: 'mine' })));
    // The other tenant's greeter, asked for this tenant's task (and its context).
    const other = await clientOf('greeter', otherTenantKey);
    await expect(other.getTask({ tenant: '', id: task.id })).rejects.toMatchObject({ name: 'TaskNotFoundError' });
    await expect(other.cancelTask({ tenant: '', id: task.id, metadata: undefined })).rejects.toMatchObject({
      name: 'TaskNotFoundError',
    });
    await expect(other.sendMessage(userMessage({ text: 'x', contextId: task.contextId }))).rejects.toMatchObject({
      name: 'RequestMalformedError',
    });
  });

  it('answers bad input with JSON-RPC errors, never a 500', async () => {
    await createAgent('strict', greeterSpec);
    const post = async (body: string, headers: Record<string, string> = {}) => {
      const response = await fetch(`${runtime.url}/a2a/strict`, {
        method: 'POST',
        headers: { authorization: `Bearer ${runtime.apiKey}`, 'content-type': 'application/json', ...headers },
        body,
      });
      return { status: response.status, body: (await response.json()) as { id: unknown; error?: { code: number } } };
    };
    const v1 = { 'a2a-version': '1.0' };
    expect(await post('{"jsonrpc":"2.0","id":1,"method":"SendMessage","params":{}}', v1)).toMatchObject({
      status: 200,
      body: { id: 1, error: { code: -32602 } },
    });
    const noParts = { message: { messageId: 'm1', role: 'ROLE_USER', parts: [] } };
    expect(
      await post(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'SendMessage', params: noParts }), v1),
    ).toMatchObject({ status: 200, body: { id: 2, error: { code: -32602 } } });
    expect(await post('{"jsonrpc":"2.0","id":3,"method":"NoSuchMethod","params":{}}', v1)).toMatchObject({
      status: 200,
      body: { error: { code: -32601 } },
    });
    expect(await post('{"jsonrpc":"2.0","id":4,"method":"GetTask","params":{"id":"nope"}}', v1)).toMatchObject({
      status: 200,
      body: { id: 4, error: { code: -32001 } },
    });
    expect(await post('{not json', v1)).toMatchObject({ status: 200, body: { error: { code: -32700 } } });
    expect(
      await post('{"jsonrpc":"2.0","id":5,"method":"SendMessage","params":{}}', { 'a2a-version': '9.9' }),
    ).toMatchObject({
      status: 200,
      body: { error: { code: -32009 } },
    });
  });

  it('speaks A2A 0.3 too (message/send, tasks/get) for clients that send no A2A-Version', async () => {
    await createAgent('legacy', greeterSpec);
    const transport = new LegacyJsonRpcTransport({
      endpoint: `${runtime.url}/a2a/legacy`,
      fetchImpl: fetchWithKey(runtime.apiKey),
    });
    const task = asTask(await transport.sendMessage(userMessage({ text: 'old client' })));
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect((await transport.getTask({ tenant: '', id: task.id })).id).toBe(task.id);
    const raw = await fetch(`${runtime.url}/a2a/legacy`, {
      method: 'POST',
      headers: { authorization: `Bearer ${runtime.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tasks/get', params: { id: task.id } }),
    });
    expect(await raw.json()).toMatchObject({
      id: 7,
      result: { kind: 'task', id: task.id, status: { state: 'completed' } },
    });
  });
});
