import {
  toolInputJsonSchema,
  type Artifact,
  type MemoryStore,
  type NamespaceTemplateScope,
  type RunErrorCode,
} from '@agent-runtime/core';
import type { z } from 'zod';

/** An artifact a tool saves for its run. */
export interface ArtifactToSave {
  /** File name: no path separators or control characters, at most 255 characters. */
  readonly name: string;
  /** Media type, e.g. `text/csv` or `image/png`. */
  readonly contentType: string;
  /**
   * The bytes: whole, a string (as UTF-8), or a stream of chunks (a Node `Readable` is
   * one), which goes to the blob store without being held in memory.
   */
  readonly content: Uint8Array | string | AsyncIterable<Uint8Array | string>;
  /**
   * `agent` when the content is the agent's own output passed through (`write_artifact`),
   * `tool` when the tool produced it.
   * @default tool
   */
  readonly source?: 'tool' | 'agent';
}

/** The run a tool call belongs to, as the memory tools see it. */
export interface ToolRunScope extends NamespaceTemplateScope {
  /** The run's tenant: every memory read and write is scoped to it. */
  readonly tenantId: string;
}

/** What the memory tools (`memory_put`, `memory_search`) reach for one call. */
export interface ToolMemoryAccess {
  /** The memory store; every call names the run's tenant. */
  readonly store: MemoryStore;
  /** The namespace template the tool's declaration names, e.g. `["users", "{metadata.userId}"]`. */
  readonly namespace: readonly string[] | undefined;
  /** The run the call belongs to (its tenant, thread and metadata), read on first use. */
  run(): Promise<ToolRunScope>;
}

/** What a tool execution gets from the runtime besides its input. */
export interface ToolContext {
  /** `runId:step:callId`: stable across retries of the same call; pass it to side effects. */
  readonly idempotencyKey: string;
  /** Aborted when the run is cancelled or the activity times out. */
  readonly signal: AbortSignal;
  /** Tells the runtime the tool is alive; long tools call it at least every few seconds. */
  heartbeat(): void;
  /**
   * Stores an artifact of the run, listed and downloadable over the API, and records an
   * `artifact.created` event. Idempotent per call and name: when a retried attempt of the
   * same call saves the same name again, the artifact of the first attempt is answered.
   * @throws ToolError `invalid_artifact` (bad name or content type) or `artifact_too_large`
   *   (over `AR_ARTIFACT_MAX_BYTES`), which go back to the model.
   */
  saveArtifact(artifact: ArtifactToSave): Promise<Artifact>;
  /**
   * The tenant's long-term memory, for the memory tools; undefined where the worker has no
   * memory store (they answer `memory_unavailable` then).
   */
  readonly memory?: ToolMemoryAccess | undefined;
}

declare const toolOwnCode: unique symbol;

/** A code a tool's own {@link ToolError} chose: any text, which stays in the tool result. */
export type ToolOwnErrorCode = string & { readonly [toolOwnCode]: true };

/**
 * The code of a failed tool result: one of the run error catalog (what the runtime's own
 * tools and checks answer, checked when compiled), or a tool's own {@link ToolOwnErrorCode}.
 */
export type ToolErrorCode = RunErrorCode | ToolOwnErrorCode;

/** A tool's result as the model sees it: its output, or an error it can react to. */
export type ToolOutcome =
  | { readonly ok: true; readonly output: unknown }
  | { readonly ok: false; readonly error: { readonly code: ToolErrorCode; readonly message: string } };

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
   * JSON Schema (2020-12) of the input. The runtime validates every call's input against it
   * before `invoke` (see `invokeTool`), and lists it with the version's tools.
   */
  readonly inputSchema: Readonly<Record<string, unknown>>;
  /**
   * Executes with input that matched `inputSchema`. Invalid input and {@link ToolError}s become error
   * outcomes for the model; anything else is thrown so the step can be retried.
   */
  invoke(rawInput: unknown, context: ToolContext): Promise<ToolOutcome>;
}

/** A failure of a tool that goes back to the model as the tool's result. */
export class ToolError extends Error {
  override readonly name = 'ToolError';
  readonly code: ToolErrorCode;

  /** @param code snake_case, e.g. `closed`; a catalogued code where one fits (`invalid_tool_input`). */
  constructor(code: string, message: string) {
    super(message);
    this.code = code as ToolErrorCode;
  }
}

/** Turns a typed definition into a {@link Tool}. */
export function defineTool<Input>(definition: ToolDefinition<Input>): Tool {
  return {
    name: definition.name,
    description: definition.description,
    inputSchema: toolInputJsonSchema(definition.input),
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
