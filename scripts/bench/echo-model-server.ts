import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The peers' model: an OpenAI-compatible chat-completions server that needs no script, so any
 * number of runs can call it at once. Its answer depends only on the request: while the
 * conversation holds fewer tool results than the model name asks for (`echo-<steps>`), it asks
 * for one `echo` call; then it answers `done`. The first user message names the run
 * (`run <key>`), so the server knows when each run's first model call arrived.
 */
export interface EchoModelServer {
  /** `http://127.0.0.1:<port>/v1`. */
  readonly baseUrl: string;
  /** When the first model call of the run named `key` arrived (`performance.now()`). */
  firstCallAt(key: string): number | undefined;
  /** Model calls answered so far. */
  readonly calls: number;
  close(): Promise<void>;
}

interface ChatMessage {
  readonly role: string;
  readonly content?: unknown;
}

/** The run key of the first user message: `run <key>`. */
function runKeyOf(messages: readonly ChatMessage[]): string | undefined {
  const first = messages.find((message) => message.role === 'user');
  const text =
    typeof first?.content === 'string'
      ? first.content
      : Array.isArray(first?.content)
        ? (first.content as { text?: string }[]).map((part) => part.text ?? '').join('')
        : '';
  return /run (\S+)/.exec(text)?.[1];
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

let counter = 0;

function answer(response: ServerResponse, body: Record<string, unknown>): void {
  const messages = (body.messages ?? []) as ChatMessage[];
  const model = String(body.model ?? 'echo-1');
  const steps = Number(/echo-(\d+)/.exec(model)?.[1] ?? 1);
  const toolResults = messages.filter((message) => message.role === 'tool').length;
  counter += 1;
  const id = `chatcmpl-${counter}`;
  const created = Math.floor(Date.now() / 1000);
  const toolCalls =
    toolResults < steps
      ? [
          {
            index: 0,
            id: `call_${toolResults + 1}`,
            type: 'function',
            function: { name: 'echo', arguments: JSON.stringify({ text: `step ${toolResults + 1}` }) },
          },
        ]
      : undefined;
  const content = toolCalls ? null : 'done';
  const finish = toolCalls ? 'tool_calls' : 'stop';
  const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
  if (body.stream === true) {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const chunk = (delta: unknown, finishReason: string | null, extra: object = {}) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra })}\n\n`;
    let text = chunk({ role: 'assistant', content: content ?? '' }, null);
    if (toolCalls) text += chunk({ tool_calls: toolCalls }, null);
    text += chunk({}, finish, { usage });
    response.end(`${text}data: [DONE]\n\n`);
    return;
  }
  const message = {
    role: 'assistant',
    content,
    ...(toolCalls
      ? { tool_calls: toolCalls.map((call) => ({ id: call.id, type: call.type, function: call.function })) }
      : {}),
  };
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message, finish_reason: finish }],
      usage,
    }),
  );
}

/** Starts the server on a free loopback port. */
export async function startEchoModelServer(): Promise<EchoModelServer> {
  const firstCalls = new Map<string, number>();
  let calls = 0;
  const server = createServer((request, response) => {
    const at = performance.now();
    if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
      response.writeHead(404).end();
      return;
    }
    readJson(request).then(
      (body) => {
        calls += 1;
        const key = runKeyOf((body.messages ?? []) as ChatMessage[]);
        if (key !== undefined && !firstCalls.has(key)) firstCalls.set(key, at);
        answer(response, body);
      },
      () => response.writeHead(400).end(),
    );
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    firstCallAt: (key) => firstCalls.get(key),
    get calls() {
      return calls;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
