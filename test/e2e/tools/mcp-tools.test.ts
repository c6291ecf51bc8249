import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  mcpStdioServerMain,
  startMcpTestHttpServer,
  startTestRuntime,
  waitForRun,
  type McpTestHttpServer,
  type TestRuntime,
} from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const token = 'mcp-e2e-token-5f1d2c3b4a';

interface ToolEvent {
  type: string;
  data: { callId: string; tool: string; ok: boolean; output?: unknown; error?: { code: string; message: string } };
}

describe('MCP tools', () => {
  let runtime: TestRuntime;
  let http: McpTestHttpServer;
  let logDir: string;

  beforeAll(async () => {
    http = await startMcpTestHttpServer({ authorization: `Bearer ${token}` });
    logDir = await mkdtemp(path.join(tmpdir(), 'mcp-calls-'));
    runtime = await startTestRuntime({ env: { AR_MCP_STDIO_COMMANDS: process.execPath } });
    const secret = await runtime.request('POST', '/v1/secrets', { name: 'MCP_TOKEN', value: token });
    expect(secret.status).toBe(201);
  });

  afterAll(async () => {
    await runtime.stop();
    await http.close();
    await rm(logDir, { recursive: true, force: true });
  });

  const remote = () => ({
    name: 'remote',
    transport: {
      type: 'streamable-http',
      url: http.url,
      headers: { Authorization: { secret: 'MCP_TOKEN', prefix: 'Bearer ' } },
    },
    allowTools: ['add', 'fail', 'whoami'],
  });
  const local = (args: string[] = []) => ({
    name: 'local',
    transport: {
      type: 'stdio',
      command: process.execPath,
      args: [mcpStdioServerMain, ...args],
      env: { MCP_TEST_CALL_LOG: path.join(logDir, 'calls.log') },
    },
  });

  async function createAgent(name: string): Promise<string> {
    const response = await runtime.request('POST', '/v1/agents', { name });
    return ((await response.json()) as { id: string }).id;
  }

  async function createVersion(agentId: string, spec: unknown): Promise<Response> {
    return runtime.request('POST', `/v1/agents/${agentId}/versions`, { spec });
  }

  it('runs MCP tools over stdio and Streamable HTTP; invalid input and tool errors go back to the model', async () => {
    const agentId = await createAgent('mcp-user');
    const spec = {
      model: {
        provider: 'scripted',
        replies: [
          {
            toolCalls: [
              { id: 'sum', name: 'remote.add', arguments: { a: 2, b: 40 } },
              { id: 'echo', name: 'local.echo', arguments: { text: 'over stdio' } },
              { id: 'bad', name: 'remote.add', arguments: { a: 'two' } },
              { id: 'badecho', name: 'local.echo', arguments: {} },
              { id: 'err', name: 'remote.fail' },
              { id: 'who', name: 'remote.whoami' },
              { id: 'calc', name: 'calculator', arguments: { expression: 7 } },
            ],
          },
          { text: 'done' },
        ],
      },
      tools: [
        { kind: 'builtin', name: 'calculator' },
        { kind: 'mcp', name: 'local.echo', timeoutSeconds: 30 },
      ],
      mcpServers: [remote(), local()],
    };
    const created = await createVersion(agentId, spec);
    expect(created.status).toBe(201);

    const listing = await runtime.request('GET', `/v1/agents/${agentId}/versions/1/tools`);
    expect(listing.status).toBe(200);
    const { items, nextCursor } = (await listing.json()) as {
      items: { name: string; kind: string; inputSchema: Record<string, unknown>; timeoutSeconds: number }[];
      nextCursor: string | null;
    };
    expect(nextCursor).toBeNull();
    expect(items.map((tool) => [tool.name, tool.kind])).toEqual([
      ['calculator', 'builtin'],
      ['local.echo', 'mcp'],
      ['remote.add', 'mcp'],
      ['remote.fail', 'mcp'],
      ['remote.whoami', 'mcp'],
    ]);
    expect(items[0]?.inputSchema).toMatchObject({ properties: { expression: { type: 'string' } } });
    expect(items[1]).toMatchObject({ timeoutSeconds: 30, inputSchema: { required: ['text'] } });
    const page = (await (await runtime.request('GET', `/v1/agents/${agentId}/versions/1/tools?limit=2`)).json()) as {
      items: { name: string }[];
      nextCursor: string;
    };
    const next = (await (
      await runtime.request('GET', `/v1/agents/${agentId}/versions/1/tools?limit=2&cursor=${page.nextCursor}`)
    ).json()) as { items: { name: string }[] };
    expect([...page.items, ...next.items].map((tool) => tool.name)).toEqual(items.slice(0, 4).map((tool) => tool.name));

    const callsBefore = http.calls.get('add') ?? 0;
    const run = (await (await runtime.request('POST', '/v1/runs', { agentId, input: 'go' })).json()) as { id: string };
    expect(await waitForRun(runtime, run.id)).toMatchObject({ status: 'succeeded', output: { text: 'done' } });

    const events = (await (await runtime.request('GET', `/v1/runs/${run.id}/events?limit=100`)).json()) as {
      items: ToolEvent[];
    };
    const results = Object.fromEntries(
      events.items.filter((event) => event.type === 'tool.completed').map((event) => [event.data.callId, event.data]),
    );
    expect(results['sum']).toMatchObject({ ok: true, output: { sum: 42 } });
    expect(results['echo']).toMatchObject({ ok: true, output: 'over stdio' });
    expect(results['bad']).toMatchObject({ ok: false, error: { code: 'invalid_tool_input' } });
    expect(results['bad']?.error?.message).toMatch(/"remote\.add".*(required property 'b'|must be number)/);
    expect(results['badecho']).toMatchObject({ ok: false, error: { code: 'invalid_tool_input' } });
    expect(results['err']).toMatchObject({
      ok: false,
      error: { code: 'mcp_tool_error', message: expect.stringContaining('always fails') },
    });
    // The server saw the secret; the run's record of the answer did not keep it.
    expect(results['who']).toMatchObject({ ok: true, output: { authorization: 'Bearer [redacted]' } });
    expect(results['calc']).toMatchObject({ ok: false, error: { code: 'invalid_tool_input' } });
    expect(JSON.stringify(events)).not.toContain(token);
    // Invalid input never reached a server: one add call, one echo call.
    expect((http.calls.get('add') ?? 0) - callsBefore).toBe(1);
    expect((await readFile(path.join(logDir, 'calls.log'), 'utf8')).trim().split('\n')).toEqual(['echo']);
  });

  it('rejects versions whose MCP servers are unreachable, lack a tool or list an invalid schema, with 422', async () => {
    const agentId = await createAgent('mcp-bad');
    const model = { provider: 'scripted', replies: [{ text: 'hi' }] };
    const started = Date.now();
    const unreachable = await createVersion(agentId, {
      model,
      mcpServers: [
        { name: 'gone', transport: { type: 'streamable-http', url: 'http://127.0.0.1:9/mcp', timeoutSeconds: 3 } },
      ],
    });
    expect(unreachable.status).toBe(422);
    expect(await unreachable.json()).toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'body.spec.mcpServers.0', message: expect.stringContaining('could not be reached') }],
    });
    const hanging = await createVersion(agentId, {
      model,
      mcpServers: [
        {
          name: 'silent',
          transport: {
            type: 'stdio',
            command: process.execPath,
            args: ['-e', 'setInterval(() => {}, 1000)'],
            timeoutSeconds: 1,
          },
        },
      ],
    });
    expect(hanging.status).toBe(422);
    expect(await hanging.json()).toMatchObject({
      errors: [{ path: 'body.spec.mcpServers.0', message: expect.stringContaining('no answer within 1s') }],
    });
    expect(Date.now() - started).toBeLessThan(15_000);

    const unknownTool = await createVersion(agentId, {
      model,
      tools: [{ kind: 'mcp', name: 'local.nope' }],
      mcpServers: [local()],
    });
    expect(unknownTool.status).toBe(422);
    expect(await unknownTool.json()).toMatchObject({
      errors: [{ path: 'body.spec.tools.0.name', message: expect.stringContaining('has no tool "nope"') }],
    });

    const invalidSchema = await createVersion(agentId, {
      model,
      mcpServers: [{ ...local(['--broken']), allowTools: ['broken'] }],
    });
    expect(invalidSchema.status).toBe(422);
    expect(await invalidSchema.json()).toMatchObject({
      errors: [
        { path: 'body.spec.mcpServers.0.allowTools.0', message: expect.stringContaining('not a valid JSON Schema') },
      ],
    });

    const notAllowed = await createVersion(agentId, {
      model,
      mcpServers: [{ name: 'sh', transport: { type: 'stdio', command: '/bin/sh' }, allowTools: ['x'] }],
    });
    expect(notAllowed.status).toBe(422);
    expect(await notAllowed.json()).toMatchObject({
      errors: [
        { path: 'body.spec.mcpServers.0', message: expect.stringContaining('not allowed by AR_MCP_STDIO_COMMANDS') },
      ],
    });

    const undeclared = await createVersion(agentId, { model, tools: [{ kind: 'mcp', name: 'ghost.tool' }] });
    expect(undeclared.status).toBe(422);
    const missingSecret = await createVersion(agentId, {
      model,
      mcpServers: [
        { ...remote(), transport: { ...remote().transport, headers: { Authorization: { secret: 'NOPE' } } } },
      ],
    });
    expect(missingSecret.status).toBe(422);
    expect(await missingSecret.json()).toMatchObject({ missingSecrets: ['NOPE'] });

    expect((await runtime.request('GET', `/v1/agents/${agentId}/versions`)).status).toBe(200);
    const versions = (await (await runtime.request('GET', `/v1/agents/${agentId}/versions`)).json()) as {
      items: unknown[];
    };
    expect(versions.items).toEqual([]);
  });

  it('answers 404 for the tools of a version that does not exist', async () => {
    const agentId = await createAgent('mcp-none');
    expect((await runtime.request('GET', `/v1/agents/${agentId}/versions/3/tools`)).status).toBe(404);
  });
});
