import type { Credential } from './credential.ts';

/** The console's settings (`/console/settings.json`): OIDC sign-in when the API accepts its tokens. */
export interface ConsoleSettings {
  readonly oidc: { readonly issuer: string; readonly clientId: string } | null;
}

interface Endpoints {
  readonly authorization: string;
  readonly token: string;
}

interface PendingSignIn {
  readonly state: string;
  readonly verifier: string;
  readonly tokenEndpoint: string;
  readonly clientId: string;
  readonly redirectUri: string;
}

const pendingKey = 'agent-runtime.console.oidc-pending';

/** Reads the console's settings from the API that serves it. */
export async function fetchSettings(): Promise<ConsoleSettings> {
  const response = await fetch('/console/settings.json');
  if (!response.ok) return { oidc: null };
  return (await response.json()) as ConsoleSettings;
}

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The issuer's endpoints from its discovery document (Keycloak's own paths if it cannot be read). */
async function endpointsOf(issuer: string): Promise<Endpoints> {
  try {
    const response = await fetch(`${issuer}/.well-known/openid-configuration`);
    if (response.ok) {
      const document = (await response.json()) as { authorization_endpoint: string; token_endpoint: string };
      return { authorization: document.authorization_endpoint, token: document.token_endpoint };
    }
  } catch {
    // Falls back to Keycloak's paths below.
  }
  return { authorization: `${issuer}/protocol/openid-connect/auth`, token: `${issuer}/protocol/openid-connect/token` };
}

/** Where the issuer sends the browser back: a page of the console that finishes the sign-in. */
function redirectUri(): string {
  return `${window.location.origin}/console/callback`;
}

/**
 * Starts the authorization code flow with PKCE (S256): keeps a fresh verifier and state for
 * this tab and sends the browser to the issuer's sign-in page.
 */
export async function startOidcSignIn(oidc: NonNullable<ConsoleSettings['oidc']>): Promise<void> {
  const endpoints = await endpointsOf(oidc.issuer);
  const verifier = randomString();
  const state = randomString();
  const challenge = base64Url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))),
  );
  const pending: PendingSignIn = {
    state,
    verifier,
    tokenEndpoint: endpoints.token,
    clientId: oidc.clientId,
    redirectUri: redirectUri(),
  };
  sessionStorage.setItem(pendingKey, JSON.stringify(pending));
  const url = new URL(endpoints.authorization);
  url.search = new URLSearchParams({
    client_id: oidc.clientId,
    response_type: 'code',
    scope: 'openid',
    redirect_uri: pending.redirectUri,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  window.location.assign(url.toString());
}

interface TokenAnswer {
  readonly access_token: string;
  readonly refresh_token?: string;
  readonly expires_in: number;
}

async function requestToken(tokenEndpoint: string, form: Record<string, string>): Promise<TokenAnswer> {
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  if (!response.ok) throw new Error(`the issuer refused the token request (${response.status})`);
  return (await response.json()) as TokenAnswer;
}

function credentialOf(answer: TokenAnswer, tokenEndpoint: string, clientId: string): Credential {
  return {
    kind: 'oidc',
    accessToken: answer.access_token,
    refreshToken: answer.refresh_token ?? null,
    expiresAt: Date.now() + answer.expires_in * 1000,
    tokenEndpoint,
    clientId,
  };
}

/** Finishes the sign-in on the callback page: checks the state, trades the code and verifier for tokens. */
export async function finishOidcSignIn(search: URLSearchParams): Promise<Credential> {
  const stored = sessionStorage.getItem(pendingKey);
  sessionStorage.removeItem(pendingKey);
  if (stored === null) throw new Error('no sign-in was started in this tab');
  const pending = JSON.parse(stored) as PendingSignIn;
  const error = search.get('error');
  if (error !== null) throw new Error(`the issuer refused the sign-in: ${search.get('error_description') ?? error}`);
  const code = search.get('code');
  if (code === null || search.get('state') !== pending.state) throw new Error('the sign-in answer does not match');
  const answer = await requestToken(pending.tokenEndpoint, {
    grant_type: 'authorization_code',
    client_id: pending.clientId,
    code,
    redirect_uri: pending.redirectUri,
    code_verifier: pending.verifier,
  });
  return credentialOf(answer, pending.tokenEndpoint, pending.clientId);
}

/** A fresh credential from the refresh token, when the access token is about to expire. */
export async function refreshOidcCredential(credential: Extract<Credential, { kind: 'oidc' }>): Promise<Credential> {
  if (credential.refreshToken === null) throw new Error('the session has expired: sign in again');
  const answer = await requestToken(credential.tokenEndpoint, {
    grant_type: 'refresh_token',
    client_id: credential.clientId,
    refresh_token: credential.refreshToken,
  });
  return credentialOf(answer, credential.tokenEndpoint, credential.clientId);
}
