import { z } from 'zod';
import { jsonSchemaProblem } from './json-schema.ts';
import { secretNameSchema } from './secret.ts';

/** Names of the tools every worker ships with. */
export const builtinToolNames = ['calculator', 'sleep', 'echo', 'write_artifact'] as const;

/** A JSON object as tool-call arguments. */
const toolArguments = z.record(z.string(), z.unknown());

/** One tool call the scripted model makes in a reply. */
export const scriptedToolCallSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional()
    .describe('Call id; defaults to `call_<index>` within the reply.'),
  name: z.string().min(1).max(64),
  arguments: toolArguments.default({}),
});

/** A failure the scripted model answers an attempt with, as a provider would over HTTP. */
export const scriptedFailureSchema = z.strictObject({
  status: z.number().int().min(400).max(599).describe('HTTP status: 429 and 5xx are retried, other 4xx are not'),
  retryAfterSeconds: z.number().min(0).max(3600).optional().describe('Sent as Retry-After'),
});

/** One reply of the scripted model: text, tool calls, or both. No tool calls means final answer. */
export const scriptedReplySchema = z.strictObject({
  text: z.string().max(100_000).optional(),
  toolCalls: z.array(scriptedToolCallSchema).max(32).optional(),
  failures: z
    .array(scriptedFailureSchema)
    .max(10)
    .optional()
    .describe('Attempt n of this step fails with failures[n-1]; later attempts get the reply'),
});

/**
 * The deterministic model: reply `n` (from 1) answers model step `n`; steps past the end
 * repeat the last reply. Runs work offline with no LLM.
 */
export const scriptedModelSchema = z.strictObject({
  provider: z.literal('scripted'),
  replies: z.array(scriptedReplySchema).min(1).max(10_000),
  stream: z
    .strictObject({
      chunkChars: z.number().int().min(1).max(100_000).default(8).describe('Characters per streamed piece'),
      chunkDelayMs: z.number().int().min(0).max(10_000).default(0).describe('Pause before each piece'),
    })
    .optional()
    .describe('Stream each reply text in pieces (live `model.delta` events); unset: replies come whole'),
});

/** How every tool call is governed, whatever the tool's kind. */
const toolPolicy = {
  requiresApproval: z
    .boolean()
    .default(false)
    .describe('Each call waits for a human decision (POST /v1/runs/{id}/approvals/{approvalId})'),
  onError: z
    .enum(['return', 'fail'])
    .default('return')
    .describe('A failed call goes back to the model as its result (return) or fails the run (fail)'),
  timeoutSeconds: z.number().int().min(1).max(86_400).default(300).describe('Limit of one attempt of one call'),
};

/** A builtin tool enabled for the agent. */
export const builtinToolSpecSchema = z.strictObject({
  kind: z.literal('builtin').default('builtin'),
  name: z.enum(builtinToolNames),
  ...toolPolicy,
});

/**
 * A header value taken from a tenant secret at call time: `prefix` then the secret's value
 * (`{ secret: "CRM_TOKEN", prefix: "Bearer " }`). The spec names the secret; the value is
 * read inside the tool call and never stored with the run.
 */
export const secretHeaderSchema = z.strictObject({
  secret: secretNameSchema.describe('Name of a secret of the tenant (POST /v1/secrets)'),
  prefix: z.string().max(256).default('').describe('Sent before the value, e.g. "Bearer "'),
});

/** A header of an HTTP tool: literal text, or a value from a secret. */
export const httpHeaderValueSchema = z.union([z.string().max(4096), secretHeaderSchema]);

/** The name of a header a spec sets on outgoing requests. */
const headerNameSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);

/**
 * What a model costs, in USD per million tokens, for `usage.costUsd` of steps and runs.
 * Without it, a step's cost is null and adds nothing to the run's.
 */
export const modelPricingSchema = z.strictObject({
  inputPerMillionTokens: z.number().min(0).max(100_000).describe('USD per million input tokens not read from cache'),
  outputPerMillionTokens: z.number().min(0).max(100_000).describe('USD per million output tokens'),
  cachedInputPerMillionTokens: z
    .number()
    .min(0)
    .max(100_000)
    .optional()
    .describe('USD per million input tokens read from the provider cache; unset: the input price'),
});

/** Settings every provider that calls a real model shares. */
const providerModelFields = {
  model: z.string().min(1).max(256).describe("The provider's model id, e.g. llama3.2 or gpt-4o-mini"),
  temperature: z.number().min(0).max(2).optional(),
  maxOutputTokens: z.number().int().min(1).max(1_000_000).optional(),
  pricing: modelPricingSchema.optional(),
  maxAttempts: z
    .number()
    .int()
    .min(1)
    .max(10)
    .default(10)
    .describe('Attempts of one model step before its failure fails the run (429, 5xx, network, malformed answers)'),
};

/** Base URL of an HTTP API: http or https, no credentials in it (they belong in secrets). */
const baseUrlSchema = z
  .url({ protocol: /^https?$/, error: 'an http(s) URL' })
  .refine((url) => !/^[a-z]+:\/\/[^/]*@/i.test(url), 'credentials do not belong in the URL: use apiKeySecret');

/**
 * Any server speaking the OpenAI chat-completions protocol: Ollama, vLLM, llama.cpp server,
 * LM Studio, or a hosted gateway. How the runtime works offline, with a local model.
 */
export const openAiCompatibleModelSchema = z.strictObject({
  provider: z.literal('openai-compatible'),
  baseUrl: baseUrlSchema.describe('Up to the API version, e.g. http://127.0.0.1:11434/v1 for Ollama'),
  apiKeySecret: secretNameSchema.optional().describe('Secret sent as `Authorization: Bearer <value>`; unset: none'),
  headers: z
    .record(headerNameSchema, httpHeaderValueSchema)
    .default({})
    .describe('More request headers: literal values, or `{ secret, prefix? }` read from a tenant secret per call'),
  ...providerModelFields,
});

/** OpenAI's API (chat completions), or a proxy of it at `baseUrl`. */
export const openAiModelSchema = z.strictObject({
  provider: z.literal('openai'),
  apiKeySecret: secretNameSchema.describe('Secret holding the API key'),
  baseUrl: baseUrlSchema.optional().describe("Unset: OpenAI's public API"),
  ...providerModelFields,
});

/** Anthropic's Messages API, or a proxy of it at `baseUrl`. */
export const anthropicModelSchema = z.strictObject({
  provider: z.literal('anthropic'),
  apiKeySecret: secretNameSchema.describe('Secret holding the API key'),
  baseUrl: baseUrlSchema.optional().describe("Unset: Anthropic's public API"),
  ...providerModelFields,
});

/** Which model answers the agent's model steps. */
export const modelSpecSchema = z.discriminatedUnion('provider', [
  scriptedModelSchema,
  openAiCompatibleModelSchema,
  openAiModelSchema,
  anthropicModelSchema,
]);

/**
 * A tool that is an HTTP endpoint: the call's input is sent as the JSON body (or query for
 * GET) with the call's idempotency key in `Idempotency-Key`; a 2xx JSON answer is the output.
 */
export const httpToolSpecSchema = z.strictObject({
  kind: z.literal('http'),
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'a letter, then letters, digits, "_" or "-"'),
  description: z.string().max(2000).default(''),
  url: z.url({ protocol: /^https?$/ }),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
  input: z
    .record(z.string(), z.unknown())
    .default({ type: 'object' })
    .describe('JSON Schema the call input is validated against before the request'),
  headers: z
    .record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/), httpHeaderValueSchema)
    .default({})
    .describe('Literal values, or `{ secret, prefix? }` for a value read from a tenant secret at call time'),
  ...toolPolicy,
});

/** Name of an MCP server in a spec: the part of its tools' names before the dot. */
const mcpServerNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/, 'a letter, then letters, digits, "_" or "-"; at most 32 characters');

/** Name of a tool on an MCP server, as the server lists it. */
const mcpToolNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, "_", "-" or "."; at most 64 characters');

/**
 * A tool of an MCP server declared in `mcpServers`, named `<server>.<tool>`, with the usual
 * policies. Its description and input schema come from the server, listed when the version
 * is created.
 */
export const mcpToolSpecSchema = z.strictObject({
  kind: z.literal('mcp'),
  name: z
    .string()
    .max(97)
    .regex(/^[A-Za-z][A-Za-z0-9_-]{0,31}\.[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/, '`<server>.<tool>`'),
  ...toolPolicy,
});

/** How long connecting to an MCP server and listing its tools may take. */
const mcpConnectTimeout = z
  .number()
  .int()
  .min(1)
  .max(120)
  .default(10)
  .describe("Limit of connecting and listing tools, in seconds (a call is limited by its tool's timeoutSeconds)");

/**
 * An MCP server the worker starts as a child process and speaks to over stdin/stdout. Only
 * commands on the deployment's allow-list (`AR_MCP_STDIO_COMMANDS`) may be named.
 */
export const mcpStdioTransportSchema = z.strictObject({
  type: z.literal('stdio'),
  command: z.string().min(1).max(1024).describe('Executable; must be allowed by AR_MCP_STDIO_COMMANDS'),
  args: z.array(z.string().max(4096)).max(64).default([]),
  env: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/), httpHeaderValueSchema)
    .default({})
    .describe('Variables besides a minimal PATH/HOME; literal, or `{ secret, prefix? }` read at start'),
  cwd: z.string().min(1).max(1024).optional(),
  timeoutSeconds: mcpConnectTimeout,
});

/** An MCP server reached over Streamable HTTP. */
export const mcpStreamableHttpTransportSchema = z.strictObject({
  type: z.literal('streamable-http'),
  url: z.url({ protocol: /^https?$/ }),
  headers: z
    .record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/), httpHeaderValueSchema)
    .default({})
    .describe('Literal values, or `{ secret, prefix? }` for a value read from a tenant secret'),
  timeoutSeconds: mcpConnectTimeout,
});

/** An MCP server whose tools the agent may call. */
export const mcpServerSpecSchema = z.strictObject({
  name: mcpServerNameSchema,
  transport: z.discriminatedUnion('type', [mcpStdioTransportSchema, mcpStreamableHttpTransportSchema]),
  allowTools: z
    .array(mcpToolNameSchema)
    .max(128)
    .default([])
    .describe('Tools of the server enabled with default policies, besides those declared in tools'),
});

/** A tool the agent may call. */
export const toolSpecSchema = z.union([builtinToolSpecSchema, httpToolSpecSchema, mcpToolSpecSchema]);

/** What happens to calls that need approval. */
export const approvalPolicySchema = z.strictObject({
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(30 * 86_400)
    .optional()
    .describe('Unset: wait forever'),
  onTimeout: z
    .enum(['reject', 'fail'])
    .default('reject')
    .describe('An expired approval rejects the call (the model sees why) or fails the run'),
});

/** Bounds on one run of the agent. */
export const runLimitsSchema = z.strictObject({
  maxSteps: z.number().int().min(1).max(10_000).default(25).describe('Model steps before the run fails.'),
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(30 * 24 * 3600)
    .optional()
    .describe('Run deadline; unset means no deadline.'),
  modelStepTimeoutSeconds: z.number().int().min(1).max(3600).default(300).describe('Limit of one model call attempt'),
});

/** Name of a code agent: the key it is registered under in the worker (`createWorker({ agents })`). */
export const codeAgentNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'a letter, then letters, digits, "_", "." or "-"; at most 64 characters');

/** Today's loop: the runtime calls `model` each step and runs the tool calls it asks for. */
export const builtinAgentSchema = z.strictObject({ kind: z.literal('builtin') });

/**
 * A TypeScript function registered in the worker by name decides each step. The API cannot
 * know a worker's registrations: a name no worker registered fails the run at its first step
 * (`agent_not_registered`).
 */
export const codeAgentSchema = z.strictObject({
  kind: z.literal('code'),
  name: codeAgentNameSchema,
});

/**
 * An agent in any language behind an HTTP endpoint speaking `agent-runtime.step/v1`
 * (docs/agent-protocol.md): each step is one `POST {url}/step`.
 */
export const httpAgentSchema = z.strictObject({
  kind: z.literal('http'),
  url: baseUrlSchema.describe('Base URL of the agent; the runtime POSTs to `{url}/step`'),
  headers: z
    .record(headerNameSchema, httpHeaderValueSchema)
    .default({})
    .describe('Literal values, or `{ secret, prefix? }` for a value read from a tenant secret per call'),
  timeoutSeconds: z.number().int().min(1).max(3600).default(120).describe('Limit of one `/step` request'),
  maxAttempts: z
    .number()
    .int()
    .min(1)
    .max(10)
    .default(10)
    .describe('Attempts of one step before its failure fails the run (429, 5xx, network failures)'),
});

/** Who decides each step of a run: the builtin loop, a code agent or an HTTP agent. */
export const agentAdapterSchema = z.discriminatedUnion('kind', [builtinAgentSchema, codeAgentSchema, httpAgentSchema]);

/** The immutable definition of an agent version: how its runs execute. */
export const agentSpecSchema = z
  .strictObject({
    runtime: z.literal('builtin').default('builtin'),
    agent: agentAdapterSchema.default({ kind: 'builtin' }).describe('Who decides each step (docs/agents.md)'),
    model: modelSpecSchema.optional().describe('Required by the builtin agent; code and HTTP agents call their own'),
    instructions: z.string().max(100_000).optional(),
    tools: z.array(toolSpecSchema).max(128).default([]),
    mcpServers: z.array(mcpServerSpecSchema).max(16).default([]),
    approvals: approvalPolicySchema.default({ onTimeout: 'reject' }),
    limits: runLimitsSchema.default({ maxSteps: 25, modelStepTimeoutSeconds: 300 }),
  })
  .superRefine((spec, ctx) => {
    if (spec.agent.kind === 'builtin' && spec.model === undefined) {
      ctx.addIssue({ code: 'custom', path: ['model'], message: 'the builtin agent needs a model' });
    }
    const declared = new Set<string>(declaredToolsOf(spec).map((tool) => tool.name));
    if (new Set(spec.tools.map((tool) => tool.name)).size !== spec.tools.length) {
      ctx.addIssue({ code: 'custom', path: ['tools'], message: 'tool names must be unique' });
    }
    const servers = new Set(spec.mcpServers.map((server) => server.name));
    if (servers.size !== spec.mcpServers.length) {
      ctx.addIssue({ code: 'custom', path: ['mcpServers'], message: 'MCP server names must be unique' });
    }
    spec.tools.forEach((tool, index) => {
      if (tool.kind === 'mcp' && !servers.has(mcpToolServer(tool.name))) {
        ctx.addIssue({
          code: 'custom',
          path: ['tools', index, 'name'],
          message: `MCP server "${mcpToolServer(tool.name)}" is not declared in mcpServers`,
        });
      }
    });
    spec.tools.forEach((tool, index) => {
      const problem = tool.kind === 'http' ? jsonSchemaProblem(tool.input) : undefined;
      if (problem) ctx.addIssue({ code: 'custom', path: ['tools', index, 'input'], message: problem });
    });
    if (spec.model?.provider !== 'scripted') return;
    spec.model.replies.forEach((reply, replyIndex) => {
      reply.toolCalls?.forEach((call, callIndex) => {
        if (!declared.has(call.name)) {
          ctx.addIssue({
            code: 'custom',
            path: ['model', 'replies', replyIndex, 'toolCalls', callIndex, 'name'],
            message: `tool "${call.name}" is not declared in tools`,
          });
        }
      });
    });
  });

/** The server part of an MCP tool's name `<server>.<tool>`. */
export function mcpToolServer(name: string): string {
  return name.slice(0, name.indexOf('.'));
}

/** The tool part of an MCP tool's name `<server>.<tool>`: the name the server lists. */
export function mcpToolOnServer(name: string): string {
  return name.slice(name.indexOf('.') + 1);
}

/**
 * Every tool the agent may call: those declared in `tools`, then the `allowTools` of each MCP
 * server not declared there, with default policies.
 */
export function declaredToolsOf(spec: {
  readonly tools: readonly ToolSpec[];
  readonly mcpServers: readonly McpServerSpec[];
}): ToolSpec[] {
  const tools: ToolSpec[] = [...spec.tools];
  const names = new Set(tools.map((tool) => tool.name));
  for (const server of spec.mcpServers) {
    for (const tool of server.allowTools) {
      const name = `${server.name}.${tool}`;
      if (names.has(name)) continue;
      names.add(name);
      tools.push(mcpToolSpecSchema.parse({ kind: 'mcp', name }));
    }
  }
  return tools;
}

/** Where a spec names a secret: the secret, and the path of the reference in the spec. */
export interface SecretReference {
  readonly name: string;
  readonly path: readonly (string | number)[];
}

/** Every secret a spec names, in spec order (a name appears once per place that names it). */
export function secretReferencesOf(spec: AgentSpec): SecretReference[] {
  const references: SecretReference[] = [];
  const { model } = spec;
  if (model !== undefined && model.provider !== 'scripted' && model.apiKeySecret !== undefined) {
    references.push({ name: model.apiKeySecret, path: ['model', 'apiKeySecret'] });
  }
  if (model?.provider === 'openai-compatible') {
    for (const [header, value] of Object.entries(model.headers)) {
      if (typeof value !== 'string')
        references.push({ name: value.secret, path: ['model', 'headers', header, 'secret'] });
    }
  }
  if (spec.agent.kind === 'http') {
    for (const [header, value] of Object.entries(spec.agent.headers)) {
      if (typeof value !== 'string')
        references.push({ name: value.secret, path: ['agent', 'headers', header, 'secret'] });
    }
  }
  spec.tools.forEach((tool, index) => {
    if (tool.kind !== 'http') return;
    for (const [header, value] of Object.entries(tool.headers)) {
      if (typeof value !== 'string') {
        references.push({ name: value.secret, path: ['tools', index, 'headers', header, 'secret'] });
      }
    }
  });
  spec.mcpServers.forEach((server, index) => {
    const values = server.transport.type === 'stdio' ? server.transport.env : server.transport.headers;
    const field = server.transport.type === 'stdio' ? 'env' : 'headers';
    for (const [key, value] of Object.entries(values)) {
      if (typeof value !== 'string') {
        references.push({ name: value.secret, path: ['mcpServers', index, 'transport', field, key, 'secret'] });
      }
    }
  });
  return references;
}

/** Who decides each step of a run, defaults applied. */
export type AgentAdapterSpec = z.output<typeof agentAdapterSchema>;
/** An HTTP agent declared in a spec, defaults applied. */
export type HttpAgentSpec = z.output<typeof httpAgentSchema>;
/** A validated agent spec, defaults applied. */
export type AgentSpec = z.output<typeof agentSpecSchema>;
/** A model that a provider serves (every provider but `scripted`), defaults applied. */
export type ProviderModelSpec = Exclude<ModelSpec, { provider: 'scripted' }>;
/** Which model answers a builtin agent's steps, defaults applied. */
export type ModelSpec = z.output<typeof modelSpecSchema>;
/** What a model costs per million tokens. */
export type ModelPricing = z.output<typeof modelPricingSchema>;
/** One reply of the scripted model. */
export type ScriptedReply = z.output<typeof scriptedReplySchema>;
/** A tool declared in a spec, defaults applied. */
export type ToolSpec = z.output<typeof toolSpecSchema>;
/** An HTTP tool declared in a spec. */
export type HttpToolSpec = z.output<typeof httpToolSpecSchema>;
/** A header of an HTTP tool whose value comes from a secret. */
export type SecretHeader = z.output<typeof secretHeaderSchema>;
/** An MCP tool declared in a spec. */
export type McpToolSpec = z.output<typeof mcpToolSpecSchema>;
/** An MCP server declared in a spec, defaults applied. */
export type McpServerSpec = z.output<typeof mcpServerSpecSchema>;
/** Bounds on one run, defaults applied. */
export type RunLimits = z.output<typeof runLimitsSchema>;
