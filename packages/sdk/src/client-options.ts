import type { RetryOptions } from './http/retry-policy.ts';

/**
 * Gives the bearer token of the next request: an OIDC access token, fresh enough to use.
 * Called before every request, so cache the token and refresh it only when it is about to
 * expire. `signal` aborts with the request.
 */
export type TokenProvider = (context: { readonly signal?: AbortSignal }) => string | Promise<string>;

/** How to reach the API and who calls it. */
export interface AgentRuntimeClientOptions {
  /** The API's base URL, e.g. `http://127.0.0.1:3000` (a path prefix of a gateway is kept). */
  readonly baseUrl: string;
  /** An API key (`ar_…`). Give this or {@link token}. */
  readonly apiKey?: string;
  /** Where OIDC access tokens come from (e.g. a device-flow login). Give this or {@link apiKey}. */
  readonly token?: TokenProvider;
  /** Retries of 429 and 503 answers and of failed connections. @default 3 retries, 0.5 s doubling, at most 30 s */
  readonly retry?: RetryOptions;
  /** Headers sent with every request (e.g. a CLI's `user-agent`); the client's own win. @default none */
  readonly headers?: Readonly<Record<string, string>>;
  /** The fetch to use (a proxy's, a test's). @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** Options every call takes. */
export interface CallOptions {
  /** Aborts the call: the promise rejects (or the iteration throws) with the signal's reason. */
  readonly signal?: AbortSignal;
}
