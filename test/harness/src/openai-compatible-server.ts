import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

/** A tool call the scripted model server answers with. */
export interface ServerToolCall {
  /** @default call_<step>_<index> */
  readonly id?: string;
  readonly name: string;
  readonly arguments: Record<string, unknown>;
}

/** One scripted answer of the model server to one chat-completions request. */
export type ServerAnswer =
  | {
      readonly kind: 'reply';
      readonly text?: string;
      readonly toolCalls?: readonly ServerToolCall[];
      /** @default { prompt: 10, completion: 5 } */
      readonly usage?: { readonly prompt: number; readonly completion: number; readonly cached?: number };
      /** Characters per streamed text delta. @default 4 */
      readonly chunkSize?: number;
      /** Wait before the first byte, in milliseconds. @default 0 */
      readonly delayMs?: number;
      /** Wait between streamed chunks, in milliseconds. @default 0 */
      readonly chunkDelayMs?: number;
    }
  /**
   * A refusal, as OpenAI sends one: `message.refusal` beside `content: null`, or streamed as
   * `delta.refusal` pieces after a first delta with an empty refusal; finishes with `stop`.
   */
  | {
      readonly kind: 'refusal';
      readonly refusal: string;
      /** @default { prompt: 10, completion: 5 } */
      readonly usage?: { readonly prompt: number; readonly completion: number; readonly cached?: number };
      /** Characters per streamed refusal delta. @default 4 */
      readonly chunkSize?: number;
    }
  /** An HTTP error, as a provider sends it: JSON body in the OpenAI error shape. */
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly retryAfter?: string;
      readonly message?: string;
      /** A careless server: the error message repeats the Authorization header it got. */
      readonly echoAuthorization?: boolean;
    }
  /** A 200 whose body (or first stream chunk) is not JSON. */
  | { readonly kind: 'malformed' }
  /** Headers sent, then nothing until the client gives up. */
  | { readonly kind: 'hang' };

/** One request the server received, as it arrived. */
export interface ReceivedModelRequest {
  /** `Date.now()` when the request arrived. */
  readonly receivedAt: number;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed JSON body; undefined when it was not JSON. */
  readonly body: ChatCompletionsBody | undefined;
  /** The answer given, or undefined for a refused request (401, 404, no answer left). */
  readonly answer: ServerAnswer | undefined;
}

/** The parts of a chat-completions request body the server reads. */
export interface ChatCompletionsBody {
  readonly model: string;
  readonly stream?: boolean;
  readonly stream_options?: { readonly include_usage?: boolean };
  readonly messages: readonly { role: string; content?: unknown; tool_calls?: unknown; tool_call_id?: string }[];
  readonly tools?: readonly { type: string; function: { name: string; description?: string; parameters: unknown } }[];
}

/** The parts of an embeddings request body the server reads. */
export interface EmbeddingsBody {
  readonly model: string;
  readonly input: string | readonly string[];
}

/** One embeddings request the server answered. */
export interface ReceivedEmbeddingsRequest {
  readonly model: string;
  readonly authorization: string | undefined;
  /** The texts embedded, in order. */
  readonly inputs: readonly string[];
}

/** Length of the vectors {@link testEmbeddingOf} makes. */
export const testEmbeddingDimensions = 256;

/** FNV-1a of a word: where its count goes in a vector. */
function wordBucket(word: string): number {
  let hash = 0x811c9dc5;
  for (const code of Buffer.from(word, 'utf8')) hash = Math.imul(hash ^ code, 0x01000193) >>> 0;
  return hash % testEmbeddingDimensions;
}

/**
 * The test server's embedding of a text: a bag of words, each lower-cased word (letters and
 * digits) counted in a bucket picked by its hash. Deterministic, and meaningful enough to
 * check nearness: texts that share words point the same way (cosine similarity grows with the
 * words they share), texts that share none are orthogonal (barring hash collisions).
 */
export function testEmbeddingOf(text: string): number[] {
  const vector = new Array<number>(testEmbeddingDimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const bucket = wordBucket(word);
    vector[bucket] = (vector[bucket] ?? 0) + 1;
  }
  return vector;
}

/** A running OpenAI-compatible model server on loopback, answering from a script. */
export interface OpenAiCompatibleServer {
  /** Base URL up to the API version, for a spec's `baseUrl`: `http://127.0.0.1:<port>/v1`. */
  readonly baseUrl: string;
  /** Every chat-completions request received (and every refused request), in order. */
  readonly requests: readonly ReceivedModelRequest[];
  /** Every embeddings request answered (`POST /v1/embeddings`), in order. */
  readonly embeddingRequests: readonly ReceivedEmbeddingsRequest[];
  /** Queues answers; each request takes the next one. */
  enqueue(...answers: ServerAnswer[]): void;
  /** Answers left in the queue. */
  readonly pending: number;
  close(): Promise<void>;
}

/** Options of {@link startOpenAiCompatibleServer}. */
export interface OpenAiCompatibleServerOptions {
  /** Requests without `Authorization: Bearer <apiKey>` get 401. Unset: no check. */
  readonly apiKey?: string;
  /** Answer when the queue is empty. Unset: 500 "no scripted answer left". */
  readonly fallback?: ServerAnswer;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function errorBody(message: string, type: string): unknown {
  return { error: { message, type, code: null } };
}

let completionCounter = 0;

/** The answers that complete a chat: a reply or a refusal. */
type CompletionAnswer = Extract<ServerAnswer, { kind: 'reply' | 'refusal' }>;

function toolCallsOf(answer: CompletionAnswer, index: number) {
  if (answer.kind === 'refusal') return [];
  return (answer.toolCalls ?? []).map((call, callIndex) => ({
    id: call.id ?? `call_${index}_${callIndex}`,
    type: 'function' as const,
    function: { name: call.name, arguments: JSON.stringify(call.arguments) },
  }));
}

function usageOf(answer: CompletionAnswer) {
  const usage = answer.usage ?? { prompt: 10, completion: 5 };
  return {
    prompt_tokens: usage.prompt,
    completion_tokens: usage.completion,
    total_tokens: usage.prompt + usage.completion,
    ...(usage.cached === undefined ? {} : { prompt_tokens_details: { cached_tokens: usage.cached } }),
  };
}

/** Splits text into pieces of `size` characters (at least one piece, possibly empty). */
function pieces(text: string, size: number): string[] {
  const result: string[] = [];
  for (let at = 0; at < text.length; at += size) result.push(text.slice(at, at + size));
  return result;
}

/** The assistant message's text fields, and how they stream: `content`, or `refusal` for a refusal. */
function contentOf(answer: CompletionAnswer) {
  return answer.kind === 'refusal'
    ? { message: { content: null, refusal: answer.refusal }, key: 'refusal', text: answer.refusal }
    : { message: { content: answer.text ?? null }, key: 'content', text: answer.text ?? '' };
}

async function answerCompletion(
  response: ServerResponse,
  body: ChatCompletionsBody,
  answer: CompletionAnswer,
  signal: AbortSignal,
): Promise<void> {
  completionCounter += 1;
  const id = `chatcmpl-${completionCounter}`;
  const created = Math.floor(Date.now() / 1000);
  const toolCalls = toolCallsOf(answer, completionCounter);
  const finishReason = toolCalls.length > 0 ? 'tool_calls' : 'stop';
  const content = contentOf(answer);
  const delayMs = answer.kind === 'reply' ? answer.delayMs : undefined;
  const chunkDelayMs = answer.kind === 'reply' ? answer.chunkDelayMs : undefined;
  if (delayMs) await delay(delayMs, undefined, { signal });
  if (!body.stream) {
    sendJson(response, 200, {
      id,
      object: 'chat.completion',
      created,
      model: body.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            ...content.message,
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
          },
          finish_reason: finishReason,
        },
      ],
      usage: usageOf(answer),
    });
    return;
  }
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = async (chunk: unknown) => {
    response.write(`data: ${JSON.stringify(chunk)}\n\n`);
    if (chunkDelayMs) await delay(chunkDelayMs, undefined, { signal });
  };
  const frame = (delta: unknown, finish: string | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model: body.model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  await send(
    frame({ role: 'assistant', ...(answer.kind === 'refusal' ? { content: null, refusal: '' } : { content: '' }) }),
  );
  for (const piece of pieces(content.text, answer.chunkSize ?? 4)) await send(frame({ [content.key]: piece }));
  for (const [index, call] of toolCalls.entries()) {
    // As OpenAI streams them: id and name first, then the arguments in pieces.
    await send(
      frame({
        tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }],
      }),
    );
    for (const piece of pieces(call.function.arguments, 8)) {
      await send(frame({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  }
  await send(frame({}, finishReason));
  if (body.stream_options?.include_usage) {
    await send({
      id,
      object: 'chat.completion.chunk',
      created,
      model: body.model,
      choices: [],
      usage: usageOf(answer),
    });
  }
  response.end('data: [DONE]\n\n');
}

/**
 * Starts a model server on 127.0.0.1 speaking OpenAI's chat-completions protocol
 * (`POST /v1/chat/completions`, JSON or SSE streaming with text or refusal deltas, tool-call
 * deltas and a final usage chunk), answering each request with the next scripted answer, and
 * its embeddings protocol (`POST /v1/embeddings`, deterministic vectors). Real HTTP,
 * so the provider code under test runs exactly as against Ollama, vLLM or OpenAI.
 */
export async function startOpenAiCompatibleServer(
  options: OpenAiCompatibleServerOptions = {},
): Promise<OpenAiCompatibleServer> {
  const queue: ServerAnswer[] = [];
  const requests: ReceivedModelRequest[] = [];
  const open = new Set<ServerResponse>();

  const embeddingRequests: ReceivedEmbeddingsRequest[] = [];

  /** Embeddings, as OpenAI answers them: {@link testEmbeddingOf} of each input, never scripted. */
  function answerEmbeddings(response: ServerResponse, raw: string, authorization: string | undefined): void {
    if (options.apiKey !== undefined && authorization !== `Bearer ${options.apiKey}`) {
      sendJson(response, 401, errorBody('Incorrect API key provided', 'invalid_request_error'));
      return;
    }
    let body: EmbeddingsBody;
    try {
      body = JSON.parse(raw) as EmbeddingsBody;
    } catch {
      sendJson(response, 400, errorBody('request body is not JSON', 'invalid_request_error'));
      return;
    }
    const inputs = typeof body.input === 'string' ? [body.input] : [...body.input];
    embeddingRequests.push({ model: body.model, authorization, inputs });
    const tokens = inputs.reduce((sum, input) => sum + input.split(/\s+/).length, 0);
    sendJson(response, 200, {
      object: 'list',
      data: inputs.map((input, index) => ({ object: 'embedding', index, embedding: testEmbeddingOf(input) })),
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const raw = await readBody(request);
    let body: ChatCompletionsBody | undefined;
    try {
      body = JSON.parse(raw) as ChatCompletionsBody;
    } catch {
      body = undefined;
    }
    const path = request.url ?? '/';
    const authorization = request.headers.authorization;
    const record = (answer: ServerAnswer | undefined) =>
      requests.push({ receivedAt, path, authorization, headers: request.headers, body, answer });
    if (request.method === 'POST' && path === '/v1/embeddings') {
      answerEmbeddings(response, raw, authorization);
      return;
    }
    if (request.method !== 'POST' || path !== '/v1/chat/completions') {
      record(undefined);
      sendJson(response, 404, errorBody(`no route ${request.method} ${path}`, 'invalid_request_error'));
      return;
    }
    if (options.apiKey !== undefined && authorization !== `Bearer ${options.apiKey}`) {
      record(undefined);
      sendJson(response, 401, errorBody('Incorrect API key provided', 'invalid_request_error'));
      return;
    }
    if (!body) {
      record(undefined);
      sendJson(response, 400, errorBody('request body is not JSON', 'invalid_request_error'));
      return;
    }
    const answer = queue.shift() ?? options.fallback;
    record(answer);
    if (!answer) {
      sendJson(response, 500, errorBody('no scripted answer left', 'server_error'));
      return;
    }
    const closed = new AbortController();
    response.on('close', () => closed.abort());
    switch (answer.kind) {
      case 'status':
        sendJson(
          response,
          answer.status,
          errorBody(
            `${answer.message ?? `scripted ${answer.status}`}${answer.echoAuthorization ? ` (you sent ${authorization})` : ''}`,
            answer.status === 429 ? 'rate_limit_error' : 'error',
          ),
          answer.retryAfter === undefined ? {} : { 'retry-after': answer.retryAfter },
        );
        return;
      case 'malformed':
        if (body.stream) {
          response.writeHead(200, { 'content-type': 'text/event-stream' });
          response.end('data: {"id":"chatcmpl-x","choices":[{"delta":{"content":"trunc\n\ndata: [DONE]\n\n');
        } else {
          response.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"chatcmpl-x","choices":[');
        }
        return;
      case 'hang':
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.flushHeaders();
        return;
      case 'reply':
      case 'refusal':
        await answerCompletion(response, body, answer, closed.signal).catch((error: unknown) => {
          if (!closed.signal.aborted) throw error;
        });
    }
  }

  const server: Server = createServer((request, response) => {
    open.add(response);
    response.on('close', () => open.delete(response));
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, errorBody(String(error), 'server_error'));
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    embeddingRequests,
    enqueue: (...answers) => void queue.push(...answers),
    get pending() {
      return queue.length;
    },
    async close() {
      for (const response of open) response.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
