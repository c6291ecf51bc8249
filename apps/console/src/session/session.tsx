import { AgentRuntimeClient } from '@agent-runtime/sdk';
import { createContext, useContext } from 'react';
import { saveCredential, type Credential } from './credential.ts';
import { refreshOidcCredential } from './oidc.ts';

/** Who signed in, as `GET /console/session` says. */
export interface Principal {
  readonly tenantId: string;
  readonly subject: string;
  readonly roles: readonly string[];
}

/** The signed-in session: the client every page calls the API with, and what its roles allow. */
export interface Session {
  readonly client: AgentRuntimeClient;
  readonly principal: Principal;
  /** Developers and up: start, cancel, approve, message, fork. */
  readonly canWrite: boolean;
  /** Tenant admins and up: API keys, secrets, the audit log. */
  readonly canAdminister: boolean;
  /** The bearer credential of the next request, for the few calls the SDK does not make. */
  bearer(): Promise<string>;
  signOut(): void;
}

/** Refreshes an OIDC access token this long before it expires. */
const refreshMarginMs = 30_000;

/** A function giving the current bearer credential, refreshing an OIDC token when it is due. */
export function bearerOf(initial: Credential): () => Promise<string> {
  let credential = initial;
  let refreshing: Promise<Credential> | undefined;
  return async () => {
    if (credential.kind === 'api-key') return credential.apiKey;
    if (credential.expiresAt - Date.now() < refreshMarginMs) {
      const current = credential;
      refreshing ??= refreshOidcCredential(current).finally(() => {
        refreshing = undefined;
      });
      credential = await refreshing;
      saveCredential(credential);
    }
    return credential.kind === 'oidc' ? credential.accessToken : credential.apiKey;
  };
}

/** Reads who the credential is; a refused credential throws. */
export async function fetchPrincipal(bearer: string): Promise<Principal> {
  const response = await fetch('/console/session', { headers: { authorization: `Bearer ${bearer}` } });
  if (response.status === 401) throw new Error('the API refused this credential');
  if (!response.ok) throw new Error(`the API answered ${response.status}`);
  return (await response.json()) as Principal;
}

/** Builds the session of a credential the API accepted. */
export function createSession(credential: Credential, principal: Principal, signOut: () => void): Session {
  const bearer = bearerOf(credential);
  const client = new AgentRuntimeClient({
    baseUrl: window.location.origin,
    token: () => bearer(),
  });
  const roles = new Set(principal.roles);
  const canAdminister = roles.has('tenant-admin') || roles.has('platform-admin');
  return {
    client,
    principal,
    canWrite: canAdminister || roles.has('developer'),
    canAdminister,
    bearer,
    signOut,
  };
}

export const SessionContext = createContext<Session | null>(null);

/** The signed-in session; pages render only inside one. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession outside a signed-in console');
  return session;
}
