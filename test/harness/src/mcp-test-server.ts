import { appendFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';

/** How a test MCP server behaves. */
export interface McpTestServerOptions {
  /** Also list `broken`, whose input schema is not a valid JSON Schema. @default false */
  readonly brokenSchemaTool?: boolean;
  /** Each call's tool name is appended here as a line (for a server in a child process). */
  readonly callLogFile?: string;
}

const tools: Tool[] = [
  {
    name: 'add',
    description: 'Adds two numbers.',
    inputSchema: {
      type: 'object',
      properties: { a: { type: 'number' }, b: { type: 'number' } },
      required: ['a', 'b'],
      additionalProperties: false,
    },
  },
  {
    name: 'echo',
    description: 'Returns its text.',
    inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  },
  {
    name: 'fail',
    description: 'Always answers with an error result.',
    inputSchema: { type: 'object', properties: {} },
  },
  {
    name: 'slow',
    description: 'Waits the given seconds, then answers.',
    inputSchema: { type: 'object', properties: { seconds: { type: 'number', minimum: 0, maximum: 60 } } },
  },
  {
    name: 'whoami',
    description: 'Returns the Authorization header and the MCP_TEST_TOKEN variable this server received.',
    inputSchema: { type: 'object', properties: {} },
  },
];

const brokenTool: Tool = {
  name: 'broken',
  description: 'Lists an input schema no validator accepts.',
  inputSchema: { type: 'object', properties: { value: { type: 'no-such-type' } } },
};

function text(value: string, isError = false): CallToolResult {
  return { content: [{ type: 'text', text: value }], ...(isError ? { isError: true } : {}) };
}

/**
 * An MCP server built with the SDK's server classes, for tests: tools `add`, `echo`, `fail`
 * (an `isError` result), `slow` (waits, honouring cancellation) and `whoami` (what
 * credentials it received); `calls` counts calls per tool.
 */
export function createMcpTestServer(
  options: McpTestServerOptions = {},
  calls: Map<string, number> = new Map(),
): Server {
  const server = new Server({ name: 'agent-runtime-test', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: options.brokenSchemaTool ? [...tools, brokenTool] : tools,
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const { name } = request.params;
    const input = (request.params.arguments ?? {}) as Record<string, unknown>;
    calls.set(name, (calls.get(name) ?? 0) + 1);
    if (options.callLogFile) appendFileSync(options.callLogFile, `${name}\n`);
    switch (name) {
      case 'add': {
        const sum = Number(input['a']) + Number(input['b']);
        return { ...text(String(sum)), structuredContent: { sum } };
      }
      case 'echo':
        return text(String(input['text']));
      case 'fail':
        return text('the fail tool always fails', true);
      case 'slow':
        await delay(Number(input['seconds'] ?? 1) * 1000, undefined, { signal: extra.signal });
        return text('done');
      case 'whoami': {
        const authorization = extra.requestInfo?.headers['authorization'];
        return {
          ...text('credentials'),
          structuredContent: {
            authorization: authorization ?? null,
            token: process.env['MCP_TEST_TOKEN'] ?? null,
          },
        };
      }
      default:
        throw new Error(`unknown tool ${name}`);
    }
  });
  return server;
}

/** A Streamable HTTP MCP test server listening on loopback. */
export interface McpTestHttpServer {
  /** The MCP endpoint, `http://127.0.0.1:<port>/mcp`. */
  readonly url: string;
  /** Calls per tool name. */
  readonly calls: Map<string, number>;
  /** Requests answered 401 for a missing or wrong Authorization header. */
  readonly refused: () => number;
  /** Stops listening (a restart is `close()` then `start()` on the same port). */
  close(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

/**
 * Serves {@link createMcpTestServer} over Streamable HTTP (stateless: a server per request)
 * on a free loopback port. With `authorization`, requests without exactly that
 * Authorization header answer 401.
 */
export async function startMcpTestHttpServer(
  options: McpTestServerOptions & { authorization?: string } = {},
): Promise<McpTestHttpServer> {
  const calls = new Map<string, number>();
  let refused = 0;
  let port = 0;
  let http: HttpServer | undefined;
  const start = async () => {
    http = createServer((request, response) => {
      if (options.authorization !== undefined && request.headers.authorization !== options.authorization) {
        refused += 1;
        response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
        return;
      }
      const server = createMcpTestServer(options, calls);
      const transport = new StreamableHTTPServerTransport({});
      response.on('close', () => {
        void transport.close();
        void server.close();
      });
      server
        .connect(transport)
        .then(() => transport.handleRequest(request, response))
        .catch(() => response.writeHead(500).end());
    });
    const listening = http;
    await new Promise<void>((resolve) => listening.listen(port, '127.0.0.1', resolve));
    port = (listening.address() as AddressInfo).port;
  };
  await start();
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    calls,
    refused: () => refused,
    start,
    async close() {
      const closing = http;
      http = undefined;
      closing?.closeAllConnections();
      await new Promise((resolve) => closing?.close(resolve) ?? resolve(undefined));
    },
  };
}
