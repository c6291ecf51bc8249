/**
 * What the console signs in with, kept in `sessionStorage`: gone when the tab closes, never
 * sent anywhere but this origin's API.
 */
export type Credential =
  | { readonly kind: 'api-key'; readonly apiKey: string }
  | {
      readonly kind: 'oidc';
      readonly accessToken: string;
      readonly refreshToken: string | null;
      /** Epoch milliseconds at which the access token expires. */
      readonly expiresAt: number;
      readonly tokenEndpoint: string;
      readonly clientId: string;
    };

const storageKey = 'agent-runtime.console.credential';

/** The stored credential, if any. */
export function loadCredential(): Credential | null {
  const stored = sessionStorage.getItem(storageKey);
  if (stored === null) return null;
  try {
    return JSON.parse(stored) as Credential;
  } catch {
    return null;
  }
}

/** Stores the credential for this tab (null: signs out). */
export function saveCredential(credential: Credential | null): void {
  if (credential === null) sessionStorage.removeItem(storageKey);
  else sessionStorage.setItem(storageKey, JSON.stringify(credential));
}
