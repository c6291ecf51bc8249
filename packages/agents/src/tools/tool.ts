import type { z } from 'zod';

/** What a tool execution gets from the runtime besides its input. */
export interface ToolContext {
  /** `runId:step:callId`: stable across retries of the same call; pass it to side effects. */
  readonly idempotencyKey: string;
  /** Aborted when the run is cancelled or the activity times out. */
  readonly signal: AbortSignal;
  /** Tells the runtime the tool is alive; long tools call it at least every few seconds. */
  heartbeat(): void;
}

/** A tool's result as the model sees it: its output, or an error it can react to. */
export type ToolOutcome =
  | { readonly ok: true; readonly output: unknown }
  | { readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

/** A tool as written: typed input, validated by `input` before `execute` sees it. */
export interface ToolDefinition<Input> {
  readonly name: string;
  readonly description: string;
  readonly input: z.ZodType<Input>;
  execute(input: Input, context: ToolContext): Promise<unknown>;
}

/** A tool as the runtime calls it, whatever its kind and input type. */
export interface Tool {
  readonly name: string;
  readonly description: string;
  /**
   * Validates the raw input, then executes. Invalid input and {@link ToolError}s become error
   * outcomes for the model; anything else is thrown so the step can be retried.
   */
  invoke(rawInput: unknown, context: ToolContext): Promise<ToolOutcome>;
}

/** A failure of a tool that goes back to the model as the tool's result. */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** Turns a typed definition into a {@link Tool}. */
export function defineTool<Input>(definition: ToolDefinition<Input>): Tool {
  return {
    name: definition.name,
    description: definition.description,
    async invoke(rawInput, context) {
      const parsed = definition.input.safeParse(rawInput);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`);
        return { ok: false, error: { code: 'invalid_tool_input', message: problems.join('; ') } };
      }
      try {
        return { ok: true, output: await definition.execute(parsed.data, context) };
      } catch (error) {
        if (error instanceof ToolError) return { ok: false, error: { code: error.code, message: error.message } };
        throw error;
      }
    },
  };
}
