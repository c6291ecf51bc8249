import type { HttpToolSpec } from '@agent-runtime/core';
import { redactSecrets } from './redact-secrets.ts';
import { headerTarget, resolveSecretValues, type SecretSource } from './secret-values.ts';
import { ToolError, type Tool } from './tool.ts';

/** Statuses that say "try again later": the attempt throws, so Temporal retries it. */
const retryableStatuses = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Largest response body read from a tool endpoint. */
const maxResponseBytes = 10 * 1024 * 1024;

/** Raised for an answer worth retrying (408/429/5xx); the activity's retry policy retries it. */
export class HttpToolRetryableError extends Error {
  override readonly name = 'HttpToolRetryableError';
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length > maxResponseBytes)
    throw new ToolError('tool_response_too_large', `response over ${maxResponseBytes} bytes`);
  if (!response.headers.get('content-type')?.includes('json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ToolError('tool_response_invalid', 'the tool answered with invalid JSON');
  }
}

/**
 * A tool declared in a spec as an HTTP endpoint; its input has been validated against the
 * declared JSON Schema (`inputSchema`) by then. The call's idempotency key goes out as `Idempotency-Key`, so a
 * retried call is recognisable by any endpoint that honours it. 2xx → output; 408, 429 and
 * 5xx or a network failure → retried; any other 4xx → an error result for the model.
 *
 * Headers declared as `{ secret }` are read from `secrets` for each attempt and exist only
 * in the request: the result and error messages are scrubbed of their values, so an
 * endpoint echoing its credential cannot carry it into events or workflow history.
 */
export function createHttpTool(spec: HttpToolSpec, secrets: SecretSource): Tool {
  return {
    name: spec.name,
    description: spec.description,
    inputSchema: spec.input,
    async invoke(rawInput, context) {
      const resolved = await resolveSecretValues(spec.headers, secrets, headerTarget);
      if ('failed' in resolved) return resolved.failed;
      const { secretValues } = resolved;
      const url = new URL(spec.url);
      const hasBody = spec.method !== 'GET' && spec.method !== 'DELETE';
      if (!hasBody && rawInput && typeof rawInput === 'object') {
        for (const [key, value] of Object.entries(rawInput)) url.searchParams.set(key, String(value));
      }
      let response: Response;
      try {
        response = await fetch(url, {
          method: spec.method,
          headers: {
            ...resolved.values,
            'idempotency-key': context.idempotencyKey,
            ...(hasBody ? { 'content-type': 'application/json' } : {}),
          },
          ...(hasBody ? { body: JSON.stringify(rawInput) } : {}),
          signal: context.signal,
          redirect: 'error',
        });
      } catch (error) {
        if (context.signal.aborted) throw error;
        const message = redactSecrets((error as Error).message, secretValues);
        throw new HttpToolRetryableError(0, `request to ${url.host} failed: ${message}`);
      }
      if (retryableStatuses.has(response.status)) {
        await response.body?.cancel();
        throw new HttpToolRetryableError(response.status, `${url.host} answered ${response.status}`);
      }
      let body: unknown;
      try {
        body = redactSecrets(await readBody(response), secretValues);
      } catch (error) {
        if (error instanceof ToolError) {
          return { ok: false, error: { code: error.code, message: redactSecrets(error.message, secretValues) } };
        }
        throw error;
      }
      if (!response.ok) {
        const detail = typeof body === 'string' ? body.slice(0, 500) : JSON.stringify(body).slice(0, 500);
        return { ok: false, error: { code: `http_${response.status}`, message: detail } };
      }
      return { ok: true, output: body };
    },
  };
}
