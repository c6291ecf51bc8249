import type { OidcCredential } from '../config/profile-store.ts';
import { discoverOidcEndpoints, requestToken } from './oidc-endpoints.ts';

/** Refresh this long before the access token expires, so that no request carries a dying token. */
const refreshMarginMs = 30_000;

/**
 * A token provider for the SDK over a stored OIDC login: the stored access token while it is
 * fresh, else a new one from the refresh token (saved through `save`, so the next command
 * starts with it). One refresh at a time, shared by concurrent requests.
 */
export function oidcTokenSource(
  initial: OidcCredential,
  save: (credential: OidcCredential) => Promise<void>,
): (context: { readonly signal?: AbortSignal }) => Promise<string> {
  let credential = initial;
  let refreshing: Promise<OidcCredential> | undefined;
  const refresh = async (signal?: AbortSignal): Promise<OidcCredential> => {
    if (!credential.refreshToken) {
      throw new Error('the login has expired: run `agent-runtime login --oidc` again');
    }
    const endpoints = await discoverOidcEndpoints(credential.issuer, signal);
    const token = await requestToken(
      endpoints.tokenEndpoint,
      { grant_type: 'refresh_token', client_id: credential.clientId, refresh_token: credential.refreshToken },
      signal,
    );
    if (!token.access_token) {
      throw new Error(`the login has expired (${token.error ?? 'no token'}): run \`agent-runtime login --oidc\` again`);
    }
    const refreshed: OidcCredential = {
      ...credential,
      accessToken: token.access_token,
      refreshToken: token.refresh_token ?? credential.refreshToken,
      expiresAt: Date.now() + (token.expires_in ?? 300) * 1000,
    };
    await save(refreshed);
    return refreshed;
  };
  return async ({ signal }) => {
    if (credential.expiresAt - refreshMarginMs > Date.now()) return credential.accessToken;
    refreshing ??= refresh(signal).finally(() => {
      refreshing = undefined;
    });
    credential = await refreshing;
    return credential.accessToken;
  };
}
