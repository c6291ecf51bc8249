/** The endpoints of an OIDC issuer the CLI uses, from its discovery document. */
export interface OidcEndpoints {
  readonly issuer: string;
  readonly tokenEndpoint: string;
  /** RFC 8628's device authorization endpoint; undefined when the issuer has none. */
  readonly deviceAuthorizationEndpoint: string | undefined;
}

/**
 * Reads `<issuer>/.well-known/openid-configuration`.
 * @throws when it cannot be read or names another issuer (OpenID Connect Discovery §4.3)
 */
export async function discoverOidcEndpoints(issuer: string, signal?: AbortSignal): Promise<OidcEndpoints> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: signal ?? AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`the issuer's discovery document (${url}) answered ${response.status}`);
  const document = (await response.json()) as Record<string, unknown>;
  if (document['issuer'] !== issuer || typeof document['token_endpoint'] !== 'string') {
    throw new Error(`${url} does not describe the issuer ${issuer}`);
  }
  const device = document['device_authorization_endpoint'];
  return {
    issuer,
    tokenEndpoint: document['token_endpoint'],
    deviceAuthorizationEndpoint: typeof device === 'string' ? device : undefined,
  };
}

/** A token endpoint's answer (RFC 6749 §5.1), or its error (§5.2). */
export interface TokenResponse {
  readonly access_token?: string;
  readonly refresh_token?: string;
  readonly expires_in?: number;
  readonly error?: string;
  readonly error_description?: string;
}

/** POSTs a form to the token endpoint and answers its JSON, whatever the status (errors are in the body). */
export async function requestToken(
  tokenEndpoint: string,
  form: Readonly<Record<string, string>>,
  signal?: AbortSignal,
): Promise<TokenResponse> {
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    body: new URLSearchParams(form),
    signal: signal ?? AbortSignal.timeout(30_000),
  });
  return (await response.json()) as TokenResponse;
}
