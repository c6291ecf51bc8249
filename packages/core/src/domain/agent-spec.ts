import { z } from 'zod';
import { baseUrlSchema, headerNameSchema, httpHeaderValueSchema } from './outgoing-http.ts';
import { jsonSchemaProblem } from './json-schema.ts';
import { modelSpecSchema, stepAttemptsSchema } from './model-spec.ts';
import {
  mcpServerSpecSchema,
  mcpToolServer,
  mcpToolSpecSchema,
  toolPolicySchema,
  toolSpecSchema,
  type McpServerSpec,
  type ToolSpec,
} from './tool-spec.ts';
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
  maxTokens: z
    .number()
    .int()
    .min(1)
    .max(1_000_000_000)
    .optional()
    .describe(
      'Tokens (input and output) the run may use; it fails `budget_exceeded` at the step that crosses it, and never starts a model call whose worst case does not fit (docs/usage.md). Unset: no cap',
    ),
  maxCostUsd: z
    .number()
    .min(0)
    .max(1_000_000)
    .optional()
    .describe(
      "USD the run may spend by the model's `pricing`; it fails `budget_exceeded` at the step that crosses it, and never starts a model call whose worst case does not fit (docs/usage.md). Unset: no cap",
    ),
});

/**
 * How much of a thread's earlier turns a run's steps see (docs/threads.md). The turn's own
 * messages are always seen whole; a window that would begin inside a turn's tool calls
 * begins at the next user message instead.
 */
export const historyPolicySchema = z.strictObject({
  lastMessages: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .optional()
    .describe("Only the last this many messages of the thread's earlier turns"),
  maxTokens: z
    .number()
    .int()
    .min(1)
    .max(10_000_000)
    .optional()
    .describe('Only as many of the newest earlier messages as fit in about this many tokens (4 characters each)'),
  summarize: z
    .boolean()
    .default(false)
    .describe(
      "Give the model a summary of the earlier messages the window leaves out, made by the spec's model and kept with the thread",
    ),
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
 * A LangGraph.js graph registered in the worker by name (`createWorker({ graphs })`): each
 * step runs one super-step of it, its checkpoints kept in the runtime's database. A graph that
 * reaches its end finishes the run with its state, or with the state's `output` key.
 */
export const langgraphAgentSchema = z.strictObject({
  kind: z.literal('langgraph'),
  graph: codeAgentNameSchema.describe('Name the graph is registered under in the worker'),
  output: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe("Key of the graph's final state that becomes the run's output; the whole state without it"),
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
  maxAttempts: stepAttemptsSchema.describe(
    'Attempts of one step before its failure fails the run (429, 5xx, network failures)',
  ),
});

/**
 * The fields of an agent framework's agent registered in the worker by name, whose model the
 * runtime calls once per step and whose own tools run as durable tool steps: its name, the
 * attempts of one model step, and its tools' policies (`toolsDescription` says which tools).
 */
function frameworkAgentFields(toolsDescription: string) {
  return {
    name: codeAgentNameSchema,
    maxAttempts: stepAttemptsSchema.describe(
      'Attempts of one model step before a retryable failure (429, 5xx, network) fails the run',
    ),
    tools: z
      .record(z.string().min(1).max(128), toolPolicySchema)
      .refine((tools) => Object.keys(tools).length <= 128, 'at most 128 tools')
      .default({})
      .describe(toolsDescription),
  };
}

/**
 * A Vercel AI SDK agent registered in the worker by name (`createWorker({ aiSdkAgents })`):
 * its model answers each step (one durable model step per call) and each of its tools'
 * `execute` runs as a durable tool step under the policy `tools` gives it by name. The API
 * cannot know a worker's registrations: unregistered names fail the run at its first step.
 */
export const aiSdkAgentSchema = z.strictObject({
  kind: z.literal('ai-sdk'),
  ...frameworkAgentFields(
    "Policies of the agent's own tools by name (approvals, onError, timeout); unlisted: the defaults",
  ),
});

/**
 * An OpenAI Agents SDK `Agent` registered in the worker by name
 * (`createWorker({ openaiAgents })`): each step is one call of the current agent's model, each
 * function tool and handoff call a durable tool step under the policy `tools` gives it by name;
 * a handoff switches the current agent for the next step. The API cannot know a worker's
 * registrations: unregistered names fail the run at its first step.
 */
export const openAiAgentsSchema = z.strictObject({
  kind: z.literal('openai-agents'),
  ...frameworkAgentFields(
    "Policies of the agents' own function tools and handoffs (`transfer_to_…`) by name; unlisted: the defaults",
  ),
});

/**
 * Who decides each step of a run: the builtin loop, a code agent, an HTTP agent, an AI SDK
 * agent, an OpenAI Agents SDK agent or a LangGraph graph.
 */
export const agentAdapterSchema = z.discriminatedUnion('kind', [
  builtinAgentSchema,
  codeAgentSchema,
  httpAgentSchema,
  aiSdkAgentSchema,
  openAiAgentsSchema,
  langgraphAgentSchema,
]);

/**
 * Whether the agent is an A2A server for its tenant's clients (`/a2a/{agentName}`): an opt-in,
 * since an agent card tells every caller of the tenant what the agent can do.
 */
export const a2aExposureSchema = z.strictObject({
  enabled: z.boolean().describe('Serve the agent card and the JSON-RPC endpoint of the agent'),
});

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
    history: historyPolicySchema
      .optional()
      .describe("For runs on a thread: how much of the thread's earlier turns each step sees; unset: all of it"),
    inputSchema: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        "JSON Schema of the agent's input, as clients that call it as a tool see it (the MCP server, docs/protocols.md); unset: a string",
      ),
    a2a: a2aExposureSchema
      .optional()
      .describe('Whether clients may call the agent over A2A (docs/protocols.md); unset: not exposed'),
  })
  .superRefine((spec, ctx) => {
    if (spec.agent.kind === 'builtin' && spec.model === undefined) {
      ctx.addIssue({ code: 'custom', path: ['model'], message: 'the builtin agent needs a model' });
    }
    if (spec.history?.summarize === true) {
      if (spec.model === undefined || spec.model.provider === 'scripted') {
        ctx.addIssue({
          code: 'custom',
          path: ['history', 'summarize'],
          message: "summaries are made by the spec's model: it needs a provider model",
        });
      }
      if (spec.history.lastMessages === undefined && spec.history.maxTokens === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['history', 'summarize'],
          message: 'a summary replaces what lastMessages or maxTokens leave out: set one of them',
        });
      }
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
    const inputProblem = spec.inputSchema === undefined ? undefined : jsonSchemaProblem(spec.inputSchema);
    if (inputProblem) ctx.addIssue({ code: 'custom', path: ['inputSchema'], message: inputProblem });
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
      // The spec's refinements call this on input whose strings may have failed their own
      // checks (a tool name too long): that name is already reported, and is no tool.
      const parsed = mcpToolSpecSchema.safeParse({ kind: 'mcp', name });
      if (!parsed.success) continue;
      names.add(name);
      tools.push(parsed.data);
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
/** An AI SDK agent declared in a spec, defaults applied. */
export type AiSdkAgentSpec = z.output<typeof aiSdkAgentSchema>;
/** An OpenAI Agents SDK agent declared in a spec, defaults applied. */
export type OpenAiAgentsSpec = z.output<typeof openAiAgentsSchema>;
/** A LangGraph agent declared in a spec. */
export type LanggraphAgentSpec = z.output<typeof langgraphAgentSchema>;
/** A validated agent spec, defaults applied. */
export type AgentSpec = z.output<typeof agentSpecSchema>;
/** Bounds on one run, defaults applied. */
export type RunLimits = z.output<typeof runLimitsSchema>;
