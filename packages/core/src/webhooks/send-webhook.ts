import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { resolveAllowedAddress, type OutgoingAddressPolicy } from './address-policy.ts';

/** How outgoing webhook requests behave (`AR_WEBHOOK_*`). */
export interface WebhookRequestOptions {
  readonly policy: OutgoingAddressPolicy;
  /** Whole request, connect to last byte read. @default 15000 */
  readonly timeoutMs: number;
  /** Response bytes read at most; the rest is dropped (the connection is closed). @default 65536 */
  readonly maxResponseBytes: number;
}

/** What one POST answered: a status and the start of the body, or why there was none. */
export type WebhookResponse =
  | { readonly kind: 'answered'; readonly statusCode: number; readonly body: string }
  | { readonly kind: 'failed'; readonly error: string };

/** Body characters kept for the delivery log. */
const loggedBodyChars = 1024;

/**
 * POSTs one delivery: resolves the URL's host, checks every address against the policy, and
 * connects to the checked address itself (the hostname still names the TLS server and the
 * `Host` header), so DNS cannot answer differently between the check and the connect.
 * Redirects are not followed (a 3xx is an answer like any other); the request ends after
 * `timeoutMs`; at most `maxResponseBytes` of the answer are read. Never throws.
 */
export async function sendWebhook(
  url: string,
  headers: Readonly<Record<string, string>>,
  body: string,
  options: WebhookRequestOptions,
): Promise<WebhookResponse> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { kind: 'failed', error: 'the URL is not valid' };
  }
  let checked;
  try {
    checked = await resolveAllowedAddress(target, options.policy);
  } catch (error) {
    return { kind: 'failed', error: error instanceof Error ? error.message : String(error) };
  }
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [{ address: checked.address, family: checked.family }]);
    else callback(null, checked.address, checked.family);
  };
  const client = target.protocol === 'https:' ? https : http;
  return new Promise<WebhookResponse>((resolve) => {
    const request = client.request(
      target,
      {
        method: 'POST',
        lookup: pinned,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        signal: AbortSignal.timeout(options.timeoutMs),
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => {
          const text = Buffer.concat(chunks).toString('utf8').slice(0, loggedBodyChars);
          resolve({ kind: 'answered', statusCode: response.statusCode ?? 0, body: text });
        };
        response.on('data', (chunk: Buffer) => {
          const room = options.maxResponseBytes - size;
          if (room > 0) chunks.push(chunk.subarray(0, room));
          size += chunk.byteLength;
          if (size >= options.maxResponseBytes) {
            finish();
            response.destroy();
          }
        });
        response.on('end', finish);
        response.on('error', finish);
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      const timedOut = error.name === 'AbortError' || error.name === 'TimeoutError';
      resolve({
        kind: 'failed',
        error: timedOut ? `no answer within ${options.timeoutMs} ms` : `${error.code ?? error.name}: ${error.message}`,
      });
    });
    request.end(body);
  });
}
