import { z } from 'zod';

/** A JSON Schema, as an object. */
const jsonSchemaObject = z.record(z.string(), z.unknown());

/**
 * A tool of an MCP server as the server listed it when the version was created: stored with
 * the version, so its runs validate input against the schema the version was checked with.
 */
export const listedMcpToolSchema = z.object({
  name: z.string().describe('`<server>.<tool>`'),
  description: z.string(),
  inputSchema: jsonSchemaObject,
});

/** A tool an agent version may call, whatever its kind, as `GET …/versions/{version}/tools` lists it. */
export const agentToolSchema = z
  .object({
    name: z.string().describe('The name the model calls it by; `<server>.<tool>` for MCP tools'),
    kind: z.enum(['builtin', 'http', 'mcp', 'callback']),
    description: z.string(),
    inputSchema: jsonSchemaObject.describe('JSON Schema every call input is validated against before the call'),
    requiresApproval: z.boolean(),
    onError: z.enum(['return', 'fail']),
    timeoutSeconds: z.number().int(),
  })
  .meta({ id: 'AgentTool' });

/** An MCP tool as listed at version creation. */
export type ListedMcpTool = z.infer<typeof listedMcpToolSchema>;
/** A tool of an agent version, as listed over the API. */
export type AgentTool = z.infer<typeof agentToolSchema>;
