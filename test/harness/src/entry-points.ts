import { fileURLToPath } from 'node:url';

// Files of this package that tests start as processes of their own (or hand to the runtime as a
// module path), so their paths are exported instead of being spelled relative to each test.
const fileOf = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/** A worker main with a code agent and an AI SDK agent registered, for kill -9 tests (`AGENTS_TEST_URL`). */
export const agentsWorkerMain = fileOf('./agents-worker.ts');

/** A worker main with one LangGraph graph registered, for kill -9 tests (`LANGGRAPH_TEST_URL`). */
export const langgraphWorkerMain = fileOf('./langgraph-worker.ts');

/** A worker main with one OpenAI Agents SDK agent registered, for kill -9 tests. */
export const openaiAgentsWorkerMain = fileOf('./openai-agents-worker.ts');

/** The MCP test server over stdio: `node <this> [--broken]`; logs calls to `MCP_TEST_CALL_LOG`. */
export const mcpStdioServerMain = fileOf('./mcp-stdio-server.ts');

/** An agents module (`AR_AGENTS_MODULE`): a code agent `multiplier` and a LangGraph graph `greeter`. */
export const agentsModulePath = fileOf('./agents-module.ts');
