import type { AgentSpec } from '@agent-runtime/core';
import type { SecretSource } from '../tools/secret-values.ts';
import type { Tool } from '../tools/tool.ts';

/** What one model call gets from the runtime besides the conversation. */
export interface ModelCallContext {
  /** The model step, from 1. */
  readonly step: number;
  /** Attempt of this step, from 1 (Temporal's activity attempt). */
  readonly attempt: number;
  /** Aborted when the run is cancelled or the step's attempt times out. */
  readonly signal: AbortSignal;
  /** Limit of this attempt (`limits.modelStepTimeoutSeconds`), in milliseconds. */
  readonly timeoutMs: number;
  /** Reads the tenant's secrets the model spec names (API key, headers), at call time. */
  readonly secrets: SecretSource;
  /**
   * Receives the reply's text as it streams, one delta at a time, for live display. The
   * deltas of an attempt that later fails are not retracted; the step's recorded text is
   * the reply of the attempt that succeeded. Must not throw.
   */
  readonly onTextDelta?: ((text: string) => void) | undefined;
}

/** A tool as a model is told about it: name, description and JSON Schema of the input. */
export interface ModelToolDefinition {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Record<string, unknown>;
}

/** Any JSON object: the input schema of a tool that declares none. */
const anyObject: Record<string, unknown> = { type: 'object' };

/**
 * The tools of a spec as the model sees them. Builtins describe themselves (from the worker's
 * registry); HTTP tools by their declaration. A declared builtin the worker lacks is left out.
 */
export function modelToolsOf(spec: AgentSpec, builtins: Readonly<Record<string, Tool>>): ModelToolDefinition[] {
  return spec.tools.flatMap((declaration): ModelToolDefinition[] => {
    if (declaration.kind === 'http') {
      return [{ name: declaration.name, description: declaration.description, inputSchema: declaration.input }];
    }
    const tool = builtins[declaration.name];
    if (!tool) return [];
    return [{ name: tool.name, description: tool.description, inputSchema: tool.inputSchema ?? anyObject }];
  });
}
