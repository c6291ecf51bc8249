import { z } from 'zod';
import {
  memoryFilterFieldSchema,
  memoryIndexSchema,
  memoryKeySchema,
  namespaceLabelSchema,
} from '../memory/memory-item.ts';
import { memoryLimits } from '../memory/memory-limits.ts';
import type { builtinToolNames } from './tool-spec.ts';

/** Labels a memory tool's call may add below the namespace its declaration names. */
const subNamespace = z
  .array(namespaceLabelSchema)
  .max(3)
  .default([])
  .describe('Labels below the namespace this tool is configured with, e.g. ["preferences"]; [] for that namespace');

/** What a model (and a reader of a version's tools) is told of a tool: what it does, what it takes. */
export interface ToolInterface<Input extends z.ZodType = z.ZodType> {
  readonly description: string;
  readonly input: Input;
}

/**
 * The interface of every builtin tool. Their code runs in the worker (the agents package's
 * `builtinTools`); the interfaces live here so the API can list a version's tools without
 * depending on that code.
 */
export const builtinToolInterfaces = {
  calculator: {
    description: 'Evaluates an arithmetic expression (+ - * / % ^ and parentheses).',
    input: z.strictObject({ expression: z.string().min(1).max(1000) }),
  },
  sleep: {
    description: 'Waits the given number of seconds, then returns. For tests and demos.',
    input: z.strictObject({ seconds: z.number().min(0).max(3600) }),
  },
  echo: {
    description: 'Returns its input unchanged.',
    input: z.record(z.string(), z.unknown()),
  },
  write_artifact: {
    description:
      'Saves a file as an artifact of the run, which users can download. Returns its id, size and sha256. ' +
      'Writing the same name again in one call answers the first file.',
    input: z.strictObject({
      name: z.string().min(1).max(255).describe('File name, e.g. report.md; no "/" or "\\"'),
      content: z.string().describe('The file content: text, or base64 with encoding "base64"'),
      contentType: z.string().min(1).max(255).default('text/plain; charset=utf-8').describe('Media type'),
      encoding: z.enum(['utf8', 'base64']).default('utf8'),
    }),
  },
  memory_put: {
    description:
      'Saves a memory that later runs can find with memory_search: a JSON object under a key. Putting the same ' +
      'key again replaces it. Its fields are embedded so that memory_search finds it by meaning.',
    input: z.strictObject({
      key: memoryKeySchema.describe('Names the memory, e.g. "favourite-drink"'),
      value: z
        .record(z.string(), z.unknown())
        .describe('The memory, a JSON object, e.g. {"text": "The user prefers green tea"}'),
      namespace: subNamespace,
      index: memoryIndexSchema
        .optional()
        .describe('Value fields to embed, e.g. ["text"]; unset: the whole value ("$")'),
      ttlSeconds: z
        .number()
        .int()
        .min(1)
        .max(memoryLimits.ttlSeconds)
        .optional()
        .describe('Seconds until the memory is forgotten; unset: kept until deleted'),
    }),
  },
  memory_search: {
    description:
      'Finds saved memories: by meaning with `query` (best matches first, with a similarity score), and by ' +
      'equality on value fields with `filter`.',
    input: z.strictObject({
      query: z.string().min(1).max(memoryLimits.queryLength).optional().describe('What to look for, in words'),
      filter: z
        .record(memoryFilterFieldSchema, z.unknown())
        .optional()
        .describe('Value fields that must be equal, e.g. {"kind": "preference"}; dotted paths reach nested fields'),
      namespace: subNamespace,
      limit: z.number().int().min(1).max(20).default(5),
    }),
  },
} as const satisfies Record<(typeof builtinToolNames)[number], ToolInterface>;

/** A tool's input schema as JSON Schema, as models and readers of a version's tools see it. */
export function toolInputJsonSchema(input: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
