import type { AgentSpec } from '@agent-runtime/core';
import { createHttpTool, type SecretSource } from './http-tool.ts';
import type { Tool } from './tool.ts';

/**
 * The tool a call names, as the version's spec declares it: a builtin from the registry, or
 * an HTTP tool built from its declaration (reading the secrets its headers name from
 * `secrets`). Undefined when the spec declares no such tool.
 */
export function resolveTool(
  spec: AgentSpec,
  name: string,
  builtins: Readonly<Record<string, Tool>>,
  secrets: SecretSource,
): { tool: Tool; declaration: AgentSpec['tools'][number] } | undefined {
  const declaration = spec.tools.find((tool) => tool.name === name);
  if (!declaration) return undefined;
  const tool = declaration.kind === 'http' ? createHttpTool(declaration, secrets) : builtins[declaration.name];
  return tool && { tool, declaration };
}
