/**
 * The MCP test server over stdio: run as `node test/harness/src/mcp-stdio-server.ts [--broken]`.
 * Appends each call's tool name to `MCP_TEST_CALL_LOG` when set.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMcpTestServer } from './mcp-test-server.ts';

const callLogFile = process.env['MCP_TEST_CALL_LOG'];
const server = createMcpTestServer({
  brokenSchemaTool: process.argv.includes('--broken'),
  ...(callLogFile ? { callLogFile } : {}),
});
await server.connect(new StdioServerTransport());
