import { z } from 'zod';
import type { builtinToolNames } from './tool-spec.ts';

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
} as const satisfies Record<(typeof builtinToolNames)[number], ToolInterface>;

/** A tool's input schema as JSON Schema, as models and readers of a version's tools see it. */
export function toolInputJsonSchema(input: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
