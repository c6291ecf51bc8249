import { jsonSchemaErrors } from '@agent-runtime/core';
import type { Tool, ToolContext, ToolOutcome } from './tool.ts';

/** Most schema problems listed in one `invalid_tool_input` message. */
const maxListedProblems = 20;

/**
 * Why an input does not match a tool's JSON Schema, as the error outcome the model gets
 * back (`invalid_tool_input`, each problem as `path: message`); undefined when it matches.
 */
export function invalidToolInput(tool: Pick<Tool, 'name' | 'inputSchema'>, input: unknown): ToolOutcome | undefined {
  const problems = jsonSchemaErrors(tool.inputSchema, input);
  if (problems.length === 0) return undefined;
  const listed = problems.slice(0, maxListedProblems).join('; ');
  const more = problems.length > maxListedProblems ? `; and ${problems.length - maxListedProblems} more` : '';
  return {
    ok: false,
    error: {
      code: 'invalid_tool_input',
      message: `input does not match the schema of tool "${tool.name}": ${listed}${more}`,
    },
  };
}

/**
 * Calls a tool of any kind the way the runtime does: the model's input is validated against
 * the tool's JSON Schema first, and a mismatch goes back to the model as an error result
 * without the tool ever running.
 */
export async function invokeTool(tool: Tool, input: unknown, context: ToolContext): Promise<ToolOutcome> {
  return invalidToolInput(tool, input) ?? tool.invoke(input, context);
}
