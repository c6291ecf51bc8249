import path from 'node:path';

/**
 * Which commands a spec may start as stdio MCP servers (`AR_MCP_STDIO_COMMANDS`): none
 * (empty), any (`*`), or those listed, each matched exactly as the spec writes it (listing
 * `/usr/bin/node` does not allow `node`, whose meaning depends on PATH).
 */
export type StdioCommandPolicy = readonly string[];

/** Why `command` may not be started, or undefined when the policy allows it. */
export function stdioCommandRefusal(policy: StdioCommandPolicy, command: string): string | undefined {
  if (policy.includes('*') || policy.includes(command)) return undefined;
  if (policy.length === 0) {
    return 'stdio MCP servers are disabled on this deployment (AR_MCP_STDIO_COMMANDS is empty)';
  }
  const hint = path.isAbsolute(command) ? '' : ` (allowed: ${policy.join(', ')})`;
  return `command "${command}" is not allowed by AR_MCP_STDIO_COMMANDS${hint}`;
}
