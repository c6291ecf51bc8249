/** fetch against the API as one caller: a path, a JSON body when given, extra headers. */
export type ApiRequest = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Response>;

/**
 * Requests to the API at `baseUrl` with `apiKey` as the bearer credential. A string body is
 * sent as it is (for malformed-JSON tests); anything else as JSON.
 */
export function createApiRequest(baseUrl: string, apiKey: string, options: { timeoutMs?: number } = {}): ApiRequest {
  return (method, path, body, headers = {}) =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      ...(options.timeoutMs === undefined ? {} : { signal: AbortSignal.timeout(options.timeoutMs) }),
    });
}
