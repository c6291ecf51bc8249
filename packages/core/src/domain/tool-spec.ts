import { z } from 'zod';
import { memoryLimits } from '../memory/memory-limits.ts';
import { namespaceTemplateLabelSchema } from '../memory/namespace-template.ts';
import { httpHeaderValueSchema } from './outgoing-http.ts';

/** Names of the tools every worker ships with. */
export const builtinToolNames = [
  'calculator',
  'sleep',
  'echo',
  'write_artifact',
  'memory_put',
  'memory_search',
] as const;

/** The builtin tools over the tenant's memory store; their declarations name a `namespace`. */
export const memoryToolNames: readonly (typeof builtinToolNames)[number][] = ['memory_put', 'memory_search'];

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

/** A tool's policies alone, e.g. for the tools an AI SDK agent brings (`agent.tools`). */
export const toolPolicySchema = z.strictObject(toolPolicy);

/** A builtin tool enabled for the agent. */
export const builtinToolSpecSchema = z
  .strictObject({
    kind: z.literal('builtin').default('builtin'),
    name: z.enum(builtinToolNames),
    namespace: z
      .array(namespaceTemplateLabelSchema)
      .min(1)
      .max(memoryLimits.namespaceDepth)
      .optional()
      .describe(
        'Memory tools only, and required there: the namespace they read and write (the model can only go below ' +
          'it), a template filled per call from the run: {runId}, {threadId}, {metadata.<key>}, e.g. ' +
          '["users", "{metadata.userId}", "memories"]',
      ),
    ...toolPolicy,
  })
  .superRefine((tool, context) => {
    const memoryTool = memoryToolNames.includes(tool.name);
    if (memoryTool && tool.namespace === undefined) {
      context.addIssue({ code: 'custom', path: ['namespace'], message: `${tool.name} needs a namespace` });
    } else if (!memoryTool && tool.namespace !== undefined) {
      context.addIssue({ code: 'custom', path: ['namespace'], message: 'only memory tools take a namespace' });
    }
  });

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

/**
 * A tool that waits for an outside system (docs/callbacks.md): a call gives the run a
 * single-use callback URL that expires after `timeoutSeconds` (`callback.waiting` event) and
 * the run waits; the JSON POSTed to the URL is the call's output. Unanswered, the call
 * expires as approvals do: rejected (the model gets `callback_expired`) or the run fails.
 */
export const callbackToolSpecSchema = z.strictObject({
  kind: z.literal('callback'),
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'a letter, then letters, digits, "_" or "-"'),
  description: z.string().max(2000).default(''),
  input: z
    .record(z.string(), z.unknown())
    .default({ type: 'object' })
    .describe("JSON Schema of the call's input, as the model is told; the input is shown in `callback.waiting`"),
  requiresApproval: toolPolicy.requiresApproval,
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(30 * 86_400)
    .default(86_400)
    .describe('How long the callback URL stays valid; then the call expires'),
  onTimeout: z
    .enum(['reject', 'fail'])
    .default('reject')
    .describe('An expired call goes back to the model as `callback_expired` (reject) or fails the run (fail)'),
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
export const toolSpecSchema = z.union([
  builtinToolSpecSchema,
  httpToolSpecSchema,
  mcpToolSpecSchema,
  callbackToolSpecSchema,
]);

/** The server part of an MCP tool's name `<server>.<tool>`. */
export function mcpToolServer(name: string): string {
  return name.slice(0, name.indexOf('.'));
}

/** The tool part of an MCP tool's name `<server>.<tool>`: the name the server lists. */
export function mcpToolOnServer(name: string): string {
  return name.slice(name.indexOf('.') + 1);
}

/** A tool declared in a spec, defaults applied. */
export type ToolSpec = z.output<typeof toolSpecSchema>;
/** An HTTP tool declared in a spec. */
export type HttpToolSpec = z.output<typeof httpToolSpecSchema>;
/** A callback tool declared in a spec, defaults applied. */
export type CallbackToolSpec = z.output<typeof callbackToolSpecSchema>;
/** An MCP tool declared in a spec. */
export type McpToolSpec = z.output<typeof mcpToolSpecSchema>;
/** An MCP server declared in a spec, defaults applied. */
export type McpServerSpec = z.output<typeof mcpServerSpecSchema>;
