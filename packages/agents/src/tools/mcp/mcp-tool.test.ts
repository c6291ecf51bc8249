import { agentSpecSchema, SecretUnavailableError, type AgentSpec } from '@agent-runtime/core';
import { mcpStdioServerMain, startMcpTestHttpServer, type McpTestHttpServer } from '@agent-runtime/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeTool } from '../invoke-tool.ts';
import { resolveTool } from '../resolve-tool.ts';
import type { SecretSource } from '../secret-values.ts';
import type { ToolContext } from '../tool.ts';
import { listMcpTools } from './list-mcp-tools.ts';
import { McpConnectionPool } from './mcp-connection-pool.ts';

const token = 'mcp-token-0123456789';
const secrets: SecretSource = async (name) => {
  if (name === 'MCP_TOKEN') return token;
  throw new SecretUnavailableError('not_found', name, `secret "${name}" does not exist`);
};
const context: ToolContext = {
  idempotencyKey: 'run:1:call',
  signal: new AbortController().signal,
  heartbeat() {},
  saveArtifact: () => Promise.reject(new Error('no artifacts')),
};

function specWith(mcpServers: unknown[], tools: unknown[] = []): AgentSpec {
  return agentSpecSchema.parse({ model: { provider: 'scripted', replies: [{ text: 'hi' }] }, tools, mcpServers });
}

describe('MCP tools', () => {
  let http: McpTestHttpServer;
  const pool = new McpConnectionPool({ idleMs: 5000 });

  beforeAll(async () => {
    http = await startMcpTestHttpServer({ authorization: `Bearer ${token}` });
  });

  afterAll(async () => {
    await pool.close();
    await http.close();
  });

  function httpServer(
    allowTools: string[],
    headers: unknown = { Authorization: { secret: 'MCP_TOKEN', prefix: 'Bearer ' } },
  ) {
    return { name: 'remote', transport: { type: 'streamable-http', url: http.url, headers }, allowTools };
  }
  const stdioServer = (allowTools: string[], args: string[] = []) => ({
    name: 'local',
    transport: {
      type: 'stdio',
      command: process.execPath,
      args: [mcpStdioServerMain, ...args],
      env: { MCP_TEST_TOKEN: { secret: 'MCP_TOKEN' } },
    },
    allowTools,
  });
  const options = { secrets, stdioCommands: [process.execPath] };

  it('lists the enabled tools of both transports with their schemas', async () => {
    const spec = specWith([httpServer(['add']), stdioServer(['echo'])], [{ kind: 'mcp', name: 'remote.fail' }]);
    const { tools, problems } = await listMcpTools(spec, options);
    expect(problems).toEqual([]);
    expect(tools.map((tool) => tool.name).sort()).toEqual(['local.echo', 'remote.add', 'remote.fail']);
    expect(tools.find((tool) => tool.name === 'remote.add')?.inputSchema).toMatchObject({ required: ['a', 'b'] });
  });

  it('reports unreachable servers, refused commands, unknown tools and invalid schemas at their paths', async () => {
    const spec = specWith([
      { name: 'gone', transport: { type: 'streamable-http', url: 'http://127.0.0.1:9/mcp', timeoutSeconds: 2 } },
      stdioServer(['nope', 'broken'], ['--broken']),
      { name: 'shell', transport: { type: 'stdio', command: 'sh', args: ['-c', 'id'] } },
      httpServer(['add'], {}),
    ]);
    const { problems } = await listMcpTools(spec, options);
    expect(problems).toEqual([
      { path: ['mcpServers', 0], message: expect.stringMatching(/"gone" .*could not be reached/) },
      { path: ['mcpServers', 1, 'allowTools', 0], message: expect.stringContaining('has no tool "nope"') },
      { path: ['mcpServers', 1, 'allowTools', 1], message: expect.stringContaining('not a valid JSON Schema') },
      { path: ['mcpServers', 2], message: expect.stringContaining('"sh" is not allowed by AR_MCP_STDIO_COMMANDS') },
      {
        path: ['mcpServers', 3],
        message: expect.stringMatching(/"remote" .*refused the credentials sent \(HTTP 401\)/),
      },
    ]);
  });

  it('calls tools over both transports, validates input, maps errors, scrubs secrets', async () => {
    const spec = specWith([httpServer(['add', 'fail', 'whoami']), stdioServer(['echo', 'whoami'])]);
    const { tools } = await listMcpTools(spec, options);
    const sources = {
      builtins: {},
      secrets,
      mcp: { tools, runtime: { pool, stdioCommands: [process.execPath], tenantId: 't1' } },
    };
    const call = (name: string, input: unknown) => invokeTool(resolveTool(spec, name, sources)!.tool, input, context);

    expect(await call('remote.add', { a: 2, b: 3 })).toEqual({ ok: true, output: { sum: 5 } });
    expect(await call('local.echo', { text: 'hello' })).toEqual({ ok: true, output: 'hello' });
    const invalid = await call('remote.add', { a: 'two' });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_tool_input' } });
    expect((invalid as { error: { message: string } }).error.message).toMatch(/required property 'b'|must be number/);
    expect(await call('remote.fail', {})).toEqual({
      ok: false,
      error: { code: 'mcp_tool_error', message: '"the fail tool always fails"' },
    });
    expect(await call('remote.whoami', {})).toEqual({
      ok: true,
      output: { authorization: 'Bearer [redacted]', token: null },
    });
    expect(await call('local.whoami', {})).toEqual({ ok: true, output: { authorization: null, token: '[redacted]' } });
    expect(http.calls.get('add')).toBe(1);
    // One connection per server and tenant, reused.
    expect(pool.size).toBe(2);
  });

  it('survives a restart of the server between calls', async () => {
    const spec = specWith([httpServer(['add'])]);
    const { tools } = await listMcpTools(spec, options);
    const sources = { builtins: {}, secrets, mcp: { tools, runtime: { pool, stdioCommands: [], tenantId: 't2' } } };
    const tool = resolveTool(spec, 'remote.add', sources)!.tool;
    expect(await invokeTool(tool, { a: 1, b: 1 }, context)).toMatchObject({ ok: true });
    await http.close();
    await http.start();
    expect(await invokeTool(tool, { a: 2, b: 2 }, context)).toEqual({ ok: true, output: { sum: 4 } });
  });
});
