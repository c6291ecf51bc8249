import type { Config } from '../config.ts';
import { createCallbackTokens, type CallbackTokens } from './callback-token.ts';

/** Path of the endpoint a callback or approval link POSTs to; the token follows it. */
export const callbackPathPrefix = '/v1/callbacks/';

/**
 * How long an approval's links stay valid when the approval itself never expires: a link in a
 * chat or an inbox should not work forever. The API still takes the decision after that.
 */
export const approvalLinkDefaultSeconds = 7 * 86_400;

/** Makes the signed links runs hand out: callback URLs, and an approval's approve/reject links. */
export interface CallbackLinks {
  readonly tokens: CallbackTokens;
  /** The URL of a token: absolute under `AR_PUBLIC_URL`, else the path. */
  urlOf(token: string): string;
}

/** The links of this deployment, or undefined when no master key can sign them. */
export function createCallbackLinks(
  config: Pick<Config, 'AR_MASTER_KEYS' | 'AR_PUBLIC_URL'>,
): CallbackLinks | undefined {
  if (config.AR_MASTER_KEYS.length === 0) return undefined;
  const base = config.AR_PUBLIC_URL ?? '';
  return {
    tokens: createCallbackTokens(config.AR_MASTER_KEYS),
    urlOf: (token) => `${base}${callbackPathPrefix}${token}`,
  };
}
