import type { AgentRuntimeClientOptions } from '../client-options.ts';
import { apiErrorOf, ConnectionError, isProblem, UnexpectedResponseError, type AgentRuntimeError } from '../errors.ts';
import {
  parseRetryAfter,
  retryableStatuses,
  retryDelayMs,
  retryPolicyOf,
  sleep,
  type RetryPolicy,
} from './retry-policy.ts';

/** A request body as fetch takes it. */
export type RequestBody = NonNullable<RequestInit['body']>;

/** A query value; undefined leaves the parameter out, an array repeats it (`metadata=a=1&metadata=b=2`). */
export type QueryValue = string | number | boolean | undefined | readonly (string | number | boolean)[];

/** One HTTP request of the client. */
export interface HttpRequest {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path with its parameters already encoded ({@link apiPath}). */
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** A JSON body. */
  readonly json?: unknown;
  /** A body sent as it is, with its media type (an artifact's bytes). */
  readonly raw?: { readonly body: RequestBody; readonly contentType: string };
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal | undefined;
  /**
   * Whether sending it twice does no harm, so that a connection that failed is retried too.
   * @default true for GET and HEAD
   */
  readonly idempotent?: boolean;
}

/** Builds a path from a template, encoding each interpolated value as one path segment. */
export function apiPath(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  return strings.reduce((path, part, index) => {
    const value = values[index - 1];
    return path + (value === undefined ? '' : encodeURIComponent(String(value))) + part;
  });
}

/**
 * The one place requests are sent: credentials, retries of 429 and 503 (honouring
 * `Retry-After`) and of failed connections of idempotent requests, and the typed error of
 * every refusal. Uses only what Node 24 and browsers both have (fetch, AbortSignal).
 */
export class Transport {
  readonly #baseUrl: string;
  readonly #options: AgentRuntimeClientOptions;
  readonly #policy: RetryPolicy;
  readonly #fetch: typeof fetch;

  constructor(options: AgentRuntimeClientOptions) {
    if (options.apiKey === undefined && options.token === undefined) {
      throw new TypeError('give an apiKey or a token provider');
    }
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#options = options;
    this.#policy = retryPolicyOf(options.retry);
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** The URL of `path` with `query`. */
  url(path: string, query: Readonly<Record<string, QueryValue>> = {}): string {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined) continue;
      for (const each of Array.isArray(value) ? value : [value]) search.append(name, String(each));
    }
    const text = search.toString();
    return `${this.#baseUrl}${path}${text ? `?${text}` : ''}`;
  }

  /** Sends the request, retrying as the policy allows; answers a 2xx or 304 response, else throws. */
  async send(request: HttpRequest): Promise<Response> {
    const idempotent = request.idempotent ?? (request.method === 'GET' || request.method === 'HEAD');
    // A stream body can be read once: such a request is never sent again.
    const resendable = !(request.raw?.body instanceof ReadableStream);
    for (let retry = 0; ; retry += 1) {
      request.signal?.throwIfAborted();
      let response: Response;
      try {
        response = await this.#fetch(this.url(request.path, request.query), await this.#init(request));
      } catch (error) {
        request.signal?.throwIfAborted();
        const delay = idempotent && resendable ? retryDelayMs(this.#policy, retry, undefined) : undefined;
        if (delay === undefined) throw new ConnectionError(`could not reach ${this.#baseUrl}`, { cause: error });
        await sleep(delay, request.signal);
        continue;
      }
      if (response.ok || response.status === 304) return response;
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
      const delay =
        retryableStatuses.has(response.status) && resendable
          ? retryDelayMs(this.#policy, retry, retryAfter)
          : undefined;
      if (delay === undefined) throw await errorOf(response, retryAfter);
      await response.body?.cancel();
      await sleep(delay, request.signal);
    }
  }

  /** Sends the request and parses its JSON answer. */
  async json<T>(request: HttpRequest): Promise<T> {
    const response = await this.send({ ...request, headers: { accept: 'application/json', ...request.headers } });
    try {
      return (await response.json()) as T;
    } catch (error) {
      request.signal?.throwIfAborted();
      throw new ConnectionError(`the answer of ${request.method} ${request.path} broke off or is no JSON`, {
        cause: error,
      });
    }
  }

  /** Sends the request and drops its (empty) answer. */
  async empty(request: HttpRequest): Promise<void> {
    const response = await this.send(request);
    await response.body?.cancel();
  }

  async #init(request: HttpRequest): Promise<RequestInit> {
    const token =
      this.#options.apiKey ?? (await this.#options.token?.({ ...(request.signal ? { signal: request.signal } : {}) }));
    const headers: Record<string, string> = {
      ...this.#options.headers,
      ...request.headers,
      authorization: `Bearer ${token}`,
    };
    let body: RequestBody | undefined;
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.raw) {
      headers['content-type'] = request.raw.contentType;
      body = request.raw.body;
    }
    return {
      method: request.method,
      headers,
      ...(body === undefined ? {} : { body }),
      // Streams go out as they are read (Node needs this said; browsers that stream uploads too).
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    } as RequestInit;
  }
}

/** The typed error of a refused request: its problem document, or what else came. */
export async function errorOf(response: Response, retryAfterSeconds?: number): Promise<AgentRuntimeError> {
  const text = await response.text().catch(() => '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return isProblem(parsed) ? apiErrorOf(parsed, retryAfterSeconds) : new UnexpectedResponseError(response.status, text);
}
