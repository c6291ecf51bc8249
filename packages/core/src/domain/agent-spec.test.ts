import { describe, expect, it } from 'vitest';
import { agentSpecSchema, declaredToolsOf, secretReferencesOf } from './agent-spec.ts';

describe('agent specs', () => {
  it('applies defaults', () => {
    const spec = agentSpecSchema.parse({ model: { provider: 'scripted', replies: [{ text: 'hi' }] } });
    expect(spec).toMatchObject({ runtime: 'builtin', tools: [], limits: { maxSteps: 25 } });
  });

  it('rejects a scripted tool call to an undeclared tool, duplicate tools and unknown fields', () => {
    const result = agentSpecSchema.safeParse({
      model: { provider: 'scripted', replies: [{ toolCalls: [{ name: 'sleep' }] }] },
      tools: [{ name: 'echo' }, { name: 'echo' }],
      temperature: 1,
    });
    expect(result.success).toBe(false);
    const messages = result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];
    expect(messages.join('\n')).toMatch(/Unrecognized key.*temperature/);
  });

  it('reports undeclared tools with their path', () => {
    const result = agentSpecSchema.safeParse({
      model: { provider: 'scripted', replies: [{ toolCalls: [{ name: 'sleep' }] }] },
      tools: [{ name: 'echo' }],
    });
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['model', 'replies', 0, 'toolCalls', 0, 'name'] }),
    ]);
  });
});

describe('secret references', () => {
  it('lists the secrets HTTP tool headers name, beside literal headers', () => {
    const spec = agentSpecSchema.parse({
      model: { provider: 'scripted', replies: [{ text: 'hi' }] },
      tools: [
        { name: 'echo' },
        {
          kind: 'http',
          name: 'crm',
          url: 'http://127.0.0.1:9/crm',
          headers: { Authorization: { secret: 'CRM_TOKEN', prefix: 'Bearer ' }, 'x-tenant': 'acme' },
        },
        { kind: 'http', name: 'erp', url: 'http://127.0.0.1:9/erp', headers: { 'x-api-key': { secret: 'ERP_KEY' } } },
      ],
    });
    expect(secretReferencesOf(spec)).toEqual([
      { name: 'CRM_TOKEN', path: ['tools', 1, 'headers', 'Authorization', 'secret'] },
      { name: 'ERP_KEY', path: ['tools', 2, 'headers', 'x-api-key', 'secret'] },
    ]);
    expect(spec.tools[2]).toMatchObject({ headers: { 'x-api-key': { secret: 'ERP_KEY', prefix: '' } } });
  });

  it('rejects a malformed secret name or extra fields in a secret header', () => {
    for (const header of [{ secret: 'has space' }, { secret: 'OK', value: 'inline' }, { prefix: 'Bearer ' }]) {
      const result = agentSpecSchema.safeParse({
        model: { provider: 'scripted', replies: [{ text: 'hi' }] },
        tools: [{ kind: 'http', name: 'crm', url: 'http://127.0.0.1:9/crm', headers: { Authorization: header } }],
      });
      expect(result.success, JSON.stringify(header)).toBe(false);
    }
  });

  it('declares MCP tools from tools and allowTools, and checks their servers', () => {
    const spec = agentSpecSchema.parse({
      model: { provider: 'scripted', replies: [{ toolCalls: [{ name: 'files.read' }, { name: 'crm.find' }] }] },
      tools: [{ kind: 'mcp', name: 'crm.find', requiresApproval: true }],
      mcpServers: [
        {
          name: 'files',
          transport: { type: 'stdio', command: '/usr/bin/mcp-files', env: { TOKEN: { secret: 'FILES' } } },
          allowTools: ['read', 'write'],
        },
        {
          name: 'crm',
          transport: { type: 'streamable-http', url: 'http://crm/mcp', headers: { 'x-key': { secret: 'CRM' } } },
          allowTools: ['find'],
        },
      ],
    });
    expect(declaredToolsOf(spec).map((tool) => [tool.name, tool.requiresApproval])).toEqual([
      ['crm.find', true],
      ['files.read', false],
      ['files.write', false],
    ]);
    expect(secretReferencesOf(spec)).toEqual([
      { name: 'FILES', path: ['mcpServers', 0, 'transport', 'env', 'TOKEN', 'secret'] },
      { name: 'CRM', path: ['mcpServers', 1, 'transport', 'headers', 'x-key', 'secret'] },
    ]);
    const stdio = { type: 'stdio', command: 'x' };
    const invalid = agentSpecSchema.safeParse({
      model: { provider: 'scripted', replies: [{ toolCalls: [{ name: 'a.nope' }] }] },
      tools: [
        { kind: 'mcp', name: 'ghost.tool' },
        { kind: 'mcp', name: 'no-dot' },
      ],
      mcpServers: [
        { name: 'a', transport: stdio },
        { name: 'a', transport: stdio },
      ],
    });
    const messages = invalid.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/^tools\.1\.name: .*<server>\.<tool>/)]));
    const declaredOnly = agentSpecSchema.safeParse({
      model: { provider: 'scripted', replies: [{ toolCalls: [{ name: 'a.nope' }] }] },
      tools: [{ kind: 'mcp', name: 'ghost.tool' }],
      mcpServers: [
        { name: 'a', transport: stdio },
        { name: 'a', transport: stdio },
      ],
    });
    expect(declaredOnly.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual([
      'mcpServers: MCP server names must be unique',
      'tools.0.name: MCP server "ghost" is not declared in mcpServers',
      'model.replies.0.toolCalls.0.name: tool "a.nope" is not declared in tools',
    ]);
  });
});

describe('model providers', () => {
  it('accepts OpenAI-compatible, OpenAI and Anthropic models and lists their secrets', () => {
    const spec = agentSpecSchema.parse({
      model: {
        provider: 'openai-compatible',
        baseUrl: 'http://127.0.0.1:11434/v1',
        model: 'llama3.2',
        apiKeySecret: 'OLLAMA_KEY',
        headers: { 'x-org': 'acme', 'x-gateway-token': { secret: 'GATEWAY_TOKEN' } },
        pricing: { inputPerMillionTokens: 0.1, outputPerMillionTokens: 0.4 },
      },
    });
    expect(spec.model).toMatchObject({ maxAttempts: 10 });
    expect(secretReferencesOf(spec)).toEqual([
      { name: 'OLLAMA_KEY', path: ['model', 'apiKeySecret'] },
      { name: 'GATEWAY_TOKEN', path: ['model', 'headers', 'x-gateway-token', 'secret'] },
    ]);
    for (const provider of ['openai', 'anthropic']) {
      const parsed = agentSpecSchema.parse({ model: { provider, model: 'm', apiKeySecret: 'KEY' } });
      expect(secretReferencesOf(parsed)).toEqual([{ name: 'KEY', path: ['model', 'apiKeySecret'] }]);
    }
  });

  it('rejects a bad base URL, credentials in it, a missing key secret and negative prices', () => {
    const cases: [unknown, string][] = [
      [{ provider: 'openai-compatible', baseUrl: 'ftp://host/v1', model: 'm' }, 'model.baseUrl'],
      [{ provider: 'openai-compatible', baseUrl: 'not a url', model: 'm' }, 'model.baseUrl'],
      [{ provider: 'openai-compatible', baseUrl: 'http://user:pw@host/v1', model: 'm' }, 'model.baseUrl'],
      [{ provider: 'openai', model: 'gpt-4o-mini' }, 'model.apiKeySecret'],
      [{ provider: 'anthropic', model: 'claude', apiKeySecret: 'bad name' }, 'model.apiKeySecret'],
      [
        {
          provider: 'openai',
          model: 'm',
          apiKeySecret: 'K',
          pricing: { inputPerMillionTokens: -1, outputPerMillionTokens: 1 },
        },
        'model.pricing.inputPerMillionTokens',
      ],
      [{ provider: 'llamas', model: 'm' }, 'model.provider'],
    ];
    for (const [model, path] of cases) {
      const result = agentSpecSchema.safeParse({ model });
      expect(
        result.error?.issues.map((issue) => issue.path.join('.')),
        JSON.stringify(model),
      ).toContain(path);
    }
  });

  it('defaults the agent adapter to builtin and validates code and HTTP agents', () => {
    const model = { provider: 'scripted', replies: [{ text: 'hi' }] };
    expect(agentSpecSchema.parse({ model }).agent).toEqual({ kind: 'builtin' });
    expect(agentSpecSchema.parse({ model, agent: { kind: 'code', name: 'doubler' } }).agent).toEqual({
      kind: 'code',
      name: 'doubler',
    });
    const http = agentSpecSchema.parse({
      model,
      agent: { kind: 'http', url: 'http://127.0.0.1:8700', headers: { Authorization: { secret: 'AGENT_TOKEN' } } },
    });
    expect(http.agent).toEqual({
      kind: 'http',
      url: 'http://127.0.0.1:8700',
      headers: { Authorization: { secret: 'AGENT_TOKEN', prefix: '' } },
      timeoutSeconds: 120,
      maxAttempts: 10,
    });
    expect(secretReferencesOf(http)).toEqual([
      { name: 'AGENT_TOKEN', path: ['agent', 'headers', 'Authorization', 'secret'] },
    ]);
    expect(agentSpecSchema.parse({ agent: { kind: 'code', name: 'doubler' } }).model).toBeUndefined();
    const modelless = agentSpecSchema.safeParse({ tools: [] });
    expect(modelless.error?.issues).toEqual([
      expect.objectContaining({ path: ['model'], message: 'the builtin agent needs a model' }),
    ]);
    for (const agent of [
      { kind: 'code', name: '1bad name' },
      { kind: 'code' },
      { kind: 'http', url: 'ftp://example.test' },
      { kind: 'http', url: 'http://user:pw@example.test' },
      { kind: 'http', url: 'http://example.test', timeoutSeconds: 0 },
      { kind: 'python', name: 'x' },
    ]) {
      expect(agentSpecSchema.safeParse({ model, agent }).success, JSON.stringify(agent)).toBe(false);
    }
  });
});
