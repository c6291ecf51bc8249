import { setTimeout as delay } from 'node:timers/promises';
import type { OidcCredential } from '../config/profile-store.ts';
import { discoverOidcEndpoints, requestToken } from './oidc-endpoints.ts';

/** What the user must do: open the page and confirm the code (RFC 8628 §3.2). */
export interface DeviceAuthorization {
  readonly userCode: string;
  readonly verificationUri: string;
  /** The page with the code filled in, where the issuer gives one. */
  readonly verificationUriComplete: string | undefined;
  readonly expiresInSeconds: number;
}

/** Options of {@link deviceFlowLogin}. */
export interface DeviceFlowOptions {
  readonly issuer: string;
  /** @default agent-runtime-cli */
  readonly clientId?: string;
  /** Told what to show the user, once the issuer has handed out a code. */
  readonly onAuthorization: (authorization: DeviceAuthorization) => void;
  readonly signal?: AbortSignal;
}

const deviceCodeGrant = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * Signs in with the OAuth 2.0 device authorization grant (RFC 8628): asks the issuer for a
 * code, has the user confirm it in a browser, and polls the token endpoint at the interval the
 * issuer asks for (slower after `slow_down`) until the user approved, denied, or the code expired.
 * @throws with the issuer's error when the user denied or the code expired
 */
export async function deviceFlowLogin(options: DeviceFlowOptions): Promise<OidcCredential> {
  const clientId = options.clientId ?? 'agent-runtime-cli';
  const endpoints = await discoverOidcEndpoints(options.issuer, options.signal);
  if (!endpoints.deviceAuthorizationEndpoint) {
    throw new Error(`the issuer ${options.issuer} offers no device authorization endpoint`);
  }
  const response = await fetch(endpoints.deviceAuthorizationEndpoint, {
    method: 'POST',
    body: new URLSearchParams({ client_id: clientId, scope: 'openid' }),
    signal: options.signal ?? AbortSignal.timeout(30_000),
  });
  const grant = (await response.json()) as Record<string, unknown>;
  if (!response.ok || typeof grant['device_code'] !== 'string' || typeof grant['user_code'] !== 'string') {
    throw new Error(`the issuer refused the device authorization: ${JSON.stringify(grant)}`);
  }
  const expiresInSeconds = typeof grant['expires_in'] === 'number' ? grant['expires_in'] : 600;
  options.onAuthorization({
    userCode: grant['user_code'],
    verificationUri: String(grant['verification_uri']),
    verificationUriComplete:
      typeof grant['verification_uri_complete'] === 'string' ? grant['verification_uri_complete'] : undefined,
    expiresInSeconds,
  });
  let intervalSeconds = typeof grant['interval'] === 'number' ? grant['interval'] : 5;
  const deadline = Date.now() + expiresInSeconds * 1000;
  while (Date.now() < deadline) {
    await delay(intervalSeconds * 1000, undefined, { signal: options.signal });
    const token = await requestToken(
      endpoints.tokenEndpoint,
      { grant_type: deviceCodeGrant, client_id: clientId, device_code: grant['device_code'] },
      options.signal,
    );
    if (token.access_token) {
      return {
        kind: 'oidc',
        issuer: options.issuer,
        clientId,
        accessToken: token.access_token,
        refreshToken: token.refresh_token,
        expiresAt: Date.now() + (token.expires_in ?? 300) * 1000,
      };
    }
    if (token.error === 'authorization_pending') continue;
    if (token.error === 'slow_down') {
      intervalSeconds += 5;
      continue;
    }
    throw new Error(
      `login failed: ${token.error ?? 'no token'}${token.error_description ? ` (${token.error_description})` : ''}`,
    );
  }
  throw new Error('login failed: the code expired before it was confirmed; run login again');
}
