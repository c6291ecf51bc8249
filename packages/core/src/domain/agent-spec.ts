import { z } from 'zod';

/** Names of the tools every worker ships with. */
export const builtinToolNames = ['calculator', 'sleep', 'echo'] as const;

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

/** One reply of the scripted model: text, tool calls, or both. No tool calls means final answer. */
export const scriptedReplySchema = z.strictObject({
  text: z.string().max(100_000).optional(),
  toolCalls: z.array(scriptedToolCallSchema).max(32).optional(),
});

/**
 * The deterministic model: reply `n` (from 1) answers model step `n`; steps past the end
 * repeat the last reply. Runs work offline with no LLM.
 */
export const scriptedModelSchema = z.strictObject({
  provider: z.literal('scripted'),
  replies: z.array(scriptedReplySchema).min(1).max(10_000),
});

/** Which model answers the agent's model steps. More providers join this union. */
export const modelSpecSchema = z.discriminatedUnion('provider', [scriptedModelSchema]);

/** A builtin tool enabled for the agent. */
export const builtinToolSpecSchema = z.strictObject({
  kind: z.literal('builtin').default('builtin'),
  name: z.enum(builtinToolNames),
});

/** A tool the agent may call. More tool kinds join this union. */
export const toolSpecSchema = builtinToolSpecSchema;

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
});

/** The immutable definition of an agent version: how its runs execute. */
export const agentSpecSchema = z
  .strictObject({
    runtime: z.literal('builtin').default('builtin'),
    model: modelSpecSchema,
    instructions: z.string().max(100_000).optional(),
    tools: z.array(toolSpecSchema).max(128).default([]),
    limits: runLimitsSchema.default({ maxSteps: 25 }),
  })
  .superRefine((spec, ctx) => {
    const declared = new Set(spec.tools.map((tool) => tool.name));
    if (declared.size !== spec.tools.length) {
      ctx.addIssue({ code: 'custom', path: ['tools'], message: 'tool names must be unique' });
    }
    spec.model.replies.forEach((reply, replyIndex) => {
      reply.toolCalls?.forEach((call, callIndex) => {
        if (!declared.has(call.name as (typeof builtinToolNames)[number])) {
          ctx.addIssue({
            code: 'custom',
            path: ['model', 'replies', replyIndex, 'toolCalls', callIndex, 'name'],
            message: `tool "${call.name}" is not declared in tools`,
          });
        }
      });
    });
  });

/** A validated agent spec, defaults applied. */
export type AgentSpec = z.output<typeof agentSpecSchema>;
/** A tool call as the model emits it and the runtime executes it. */
export type ScriptedReply = z.output<typeof scriptedReplySchema>;
/** Bounds on one run, defaults applied. */
export type RunLimits = z.output<typeof runLimitsSchema>;
