import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { createApiKey, createTenant } from '@agent-runtime/core';
import { startTestRuntime, waitForRun, waitUntil, type TestRuntime } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('MCP server: the tenant’s agents as tools, driven by the MCP SDK client', () => {
  let runtime: TestRuntime;
  let client: Client;

  async function connect(key: string): Promise<Client> {
    const connected = new Client({ name: 'mcp-server-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${runtime.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
    });
    await connected.connect(transport);
    return connected;
  }

  async function createAgent(name: string, spec: unknown, description?: string): Promise<string> {
    const agent = (await (await runtime.request('POST', '/v1/agents', { name, description })).json()) as { id: string };
    const version = await runtime.request('POST', `/v1/agents/${agent.id}/versions`, { spec });
    expect(version.status).toBe(201);
    return agent.id;
  }

  beforeAll(async () => {
    runtime = await startTestRuntime();
    await createAgent(
      'echoer',
      {
        model: {
          provider: 'scripted',
          replies: [
            { text: 'echoing', toolCalls: [{ id: 'e', name: 'echo', arguments: { x: 1 } }] },
            { text: 'echoed' },
          ],
        },
        tools: [{ name: 'echo' }],
      },
      'Echoes, durably',
    );
    await createAgent('orderer', {
      model: { provider: 'scripted', replies: [{ text: 'ordered' }] },
      inputSchema: {
        type: 'object',
        properties: { item: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } },
        required: ['item', 'quantity'],
        additionalProperties: false,
      },
    });
    await createAgent('sleeper', {
      model: {
        provider: 'scripted',
        replies: [
          { text: 'napping', toolCalls: [{ id: 'nap', name: 'sleep', arguments: { seconds: 30 } }] },
          { text: 'up' },
        ],
      },
      tools: [{ name: 'sleep' }],
    });
    const other = await createTenant(runtime.database.db, 'mcp-other');
    const otherKey = await createApiKey(runtime.database.db, { tenantId: other.id, name: 'mcp', roles: ['developer'] });
    const asOther = await connect(otherKey.key);
    expect((await asOther.listTools()).tools).toEqual([]);
    await asOther.close();
    client = await connect(runtime.apiKey);
  });
  afterAll(async () => {
    await client.close();
    await runtime.stop();
  });

  it('lists the agents as tools, with their declared input schema or { input: string }', async () => {
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    expect(byName.get('echoer')).toMatchObject({
      description: 'Echoes, durably',
      inputSchema: { type: 'object', properties: { input: { type: 'string' } }, required: ['input'] },
    });
    expect(byName.get('orderer')?.inputSchema).toMatchObject({ required: ['item', 'quantity'] });
    expect(byName.has('sleeper')).toBe(true);
  });

  it('calls a tool: a durable run that succeeds, with progress notifications from its events', async () => {
    const progress: Progress[] = [];
    const result = await client.callTool({ name: 'echoer', arguments: { input: 'hello' } }, undefined, {
      onprogress: (update) => progress.push(update),
    });
    expect(result).toMatchObject({ isError: false, content: [{ type: 'text', text: 'echoed' }] });
    const runId = String(result._meta?.['agent-runtime/runId']);
    expect(await waitForRun(runtime, runId)).toMatchObject({ status: 'succeeded', output: { text: 'echoed' } });
    const run = (await (await runtime.request('GET', `/v1/runs/${runId}`)).json()) as Record<string, unknown>;
    expect(run).toMatchObject({ input: 'hello', metadata: { protocol: 'mcp' } });
    expect(progress.map((update) => update.message)).toEqual([
      `run ${runId} started`,
      'echoing',
      'calling echo',
      'echoed',
    ]);
    expect(progress.map((update) => update.progress)).toEqual([1, 2, 3, 4]);

    const ordered = await client.callTool({ name: 'orderer', arguments: { item: 'tea', quantity: 2 } });
    expect(ordered).toMatchObject({ isError: false, content: [{ text: 'ordered' }] });
    const orderRun = String(ordered._meta?.['agent-runtime/runId']);
    expect(await (await runtime.request('GET', `/v1/runs/${orderRun}`)).json()).toMatchObject({
      input: { item: 'tea', quantity: 2 },
    });
  });

  it('cancels the run when the client cancels the call', async () => {
    const abort = new AbortController();
    let runId: string | undefined;
    const call = client.callTool({ name: 'sleeper', arguments: { input: 'nap' } }, undefined, {
      signal: abort.signal,
      onprogress: (update) => {
        runId ??= /^run (\S+) started$/.exec(update.message ?? '')?.[1];
      },
    });
    await waitUntil('the run to start', () => runId !== undefined, 20_000);
    abort.abort('no longer needed');
    await expect(call).rejects.toThrow();
    expect(await waitForRun(runtime, runId ?? '')).toMatchObject({ status: 'cancelled' });
  });

  it('answers bad arguments and unknown tools with MCP errors', async () => {
    const refusal = (call: Promise<unknown>) =>
      call.then(
        () => undefined,
        (error: unknown) => (error instanceof McpError ? { code: error.code, message: error.message } : error),
      );
    expect(await refusal(client.callTool({ name: 'echoer', arguments: { input: 42 } }))).toMatchObject({
      code: ErrorCode.InvalidParams,
      message: expect.stringContaining('/input'),
    });
    expect(await refusal(client.callTool({ name: 'orderer', arguments: { item: 'tea', quantity: 0 } }))).toMatchObject({
      code: ErrorCode.InvalidParams,
    });
    expect(await refusal(client.callTool({ name: 'no-such-agent', arguments: { input: 'x' } }))).toMatchObject({
      code: ErrorCode.InvalidParams,
      message: expect.stringContaining('unknown tool'),
    });
  });

  it('rejects a bad credential with 401', async () => {
    await expect(connect(`ar_AAAAAAAA_${'B'.repeat(40)}`)).rejects.toThrow(/401/);
    const response = await fetch(`${runtime.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('answers a malformed body with a JSON-RPC parse error, not a 500', async () => {
    const response = await fetch(`${runtime.url}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${runtime.apiKey}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ jsonrpc: '2.0', error: { code: ErrorCode.ParseError } });
  });
});
