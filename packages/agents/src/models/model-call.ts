import { declaredToolsOf, type AgentSpec, type ListedMcpTool } from '@agent-runtime/core';
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

/** Where the model step learns what the spec's tools look like. */
export interface ModelToolSources {
  /** Builtin tools by name: the worker's registry. */
  readonly builtins: Readonly<Record<string, Tool>>;
  /** The version's MCP tools as listed when it was created (`agent_versions.mcp_tools`). */
  readonly mcpTools: readonly ListedMcpTool[];
}

/**
 * Every tool the spec declares (`declaredToolsOf`: `tools`, then MCP servers' `allowTools`),
 * as the model is told about it, under its declared name. Builtins describe themselves (from
 * the worker's registry), HTTP tools by their declaration, MCP tools by what their server
 * listed at version creation. A builtin the worker lacks, or an MCP tool the listing lacks,
 * is left out: calling it could only fail.
 */
export function modelToolsOf(spec: AgentSpec, sources: ModelToolSources): ModelToolDefinition[] {
  return declaredToolsOf(spec).flatMap((declaration): ModelToolDefinition[] => {
    switch (declaration.kind) {
      case 'http':
      case 'callback':
        return [{ name: declaration.name, description: declaration.description, inputSchema: declaration.input }];
      case 'builtin': {
        const tool = sources.builtins[declaration.name];
        if (!tool) return [];
        return [{ name: tool.name, description: tool.description, inputSchema: tool.inputSchema ?? anyObject }];
      }
      case 'mcp': {
        const listed = sources.mcpTools.find((candidate) => candidate.name === declaration.name);
        if (!listed) return [];
        return [{ name: listed.name, description: listed.description, inputSchema: listed.inputSchema }];
      }
    }
  });
}
