import { AppError, isUuid, roles as knownRoles, type Config, type OidcAlgorithm, type Role } from '@agent-runtime/core';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

/** Options of {@link createOidcVerifier}. */
export interface OidcVerifierOptions {
  /** Expected `iss`, exactly. */
  readonly issuer: string;
  /** The `aud` a token must carry. */
  readonly audience: string;
  /** Accepted signature algorithms (asymmetric only; see `oidcAlgorithms` in core). */
  readonly algorithms: readonly OidcAlgorithm[];
  /** The issuer's JWKS; unset: discovered from `<issuer>/.well-known/openid-configuration`. */
  readonly jwksUrl?: string | undefined;
  /** Claim (or dotted path) of the tenant id. */
  readonly tenantClaim: string;
  /** Claim (or dotted path) of the roles array. */
  readonly rolesClaim: string;
  /** Leeway for `exp` and `nbf` against clock skew, in seconds. @default 30 */
  readonly clockToleranceSeconds?: number;
  /**
   * Least time between two JWKS fetches: a token with an unknown `kid` refetches the set (how
   * a rotated key is picked up) only once this long has passed since the last fetch, so a
   * stream of forged kids cannot hammer the issuer. @default 30000
   */
  readonly jwksCooldownMs?: number;
  /** How long a fetched JWKS is used before it is fetched again. @default 600000 */
  readonly jwksMaxAgeMs?: number;
  /** Timeout of each discovery and JWKS request. @default 5000 */
  readonly fetchTimeoutMs?: number;
}

/** Who a verified token speaks for, before the tenant is checked against the database. */
export interface OidcIdentity {
  /** `oidc:<sub>` */
  readonly subject: string;
  readonly tenantId: string;
  /** The known roles of the token; unknown ones are dropped. */
  readonly roles: readonly Role[];
}

/** Verifies bearer JWTs against one issuer's keys. */
export interface OidcVerifier {
  /**
   * The identity of a valid token. Throws `unauthenticated` for a token that is not valid
   * (signature, `iss`, `aud`, `exp`, `nbf`, algorithm, claims) and `dependency_unavailable`
   * when the issuer's discovery document or keys cannot be fetched.
   */
  verify(token: string): Promise<OidcIdentity>;
}

/** The issuer's keys or discovery document could not be fetched: the issuer's fault, not the caller's. */
class IssuerUnavailable extends Error {
  override readonly name = 'IssuerUnavailable';
}

/** JWKS errors that are about the token (its `kid` or key type), not about fetching the set. */
const tokenKeyErrors = new Set([
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JOSE_NOT_SUPPORTED',
]);

/** The verifier options the `AR_OIDC_*` variables describe, or undefined when OIDC is off. */
export function oidcOptionsFromConfig(config: Config): OidcVerifierOptions | undefined {
  if (config.AR_OIDC_ISSUER === undefined) return undefined;
  return {
    issuer: config.AR_OIDC_ISSUER,
    audience: config.AR_OIDC_AUDIENCE,
    algorithms: config.AR_OIDC_ALGORITHMS,
    jwksUrl: config.AR_OIDC_JWKS_URL,
    tenantClaim: config.AR_OIDC_TENANT_CLAIM,
    rolesClaim: config.AR_OIDC_ROLES_CLAIM,
  };
}

/** A claim by exact name first (names may contain dots), else by dotted path. */
export function claimAt(payload: JWTPayload, name: string): unknown {
  if (Object.hasOwn(payload, name)) return payload[name];
  let value: unknown = payload;
  for (const segment of name.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

async function discoverJwksUrl(issuer: string, timeoutMs: number): Promise<URL> {
  const discoveryUrl = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let document: unknown;
  try {
    const response = await fetch(discoveryUrl, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    document = await response.json();
  } catch (error) {
    throw new IssuerUnavailable(`the OIDC discovery document could not be fetched (${(error as Error).message})`);
  }
  const { issuer: advertised, jwks_uri: jwksUri } = (document ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
  // OpenID Connect Discovery §4.3: the document must name exactly the issuer it was fetched for.
  if (advertised !== issuer || typeof jwksUri !== 'string' || !URL.canParse(jwksUri)) {
    throw new IssuerUnavailable('the OIDC discovery document does not match AR_OIDC_ISSUER or has no jwks_uri');
  }
  return new URL(jwksUri);
}

/**
 * A verifier over the issuer's remote JWKS (jose): keys are cached for `jwksMaxAgeMs`, and a
 * token signed with a key the cache does not hold refetches the set once the cooldown has
 * passed, which is how key rotation reaches the API without a restart.
 */
export function createOidcVerifier(options: OidcVerifierOptions): OidcVerifier {
  const fetchTimeoutMs = options.fetchTimeoutMs ?? 5_000;
  let keySet: Promise<JWTVerifyGetKey> | undefined;

  function remoteKeys(): Promise<JWTVerifyGetKey> {
    if (keySet) return keySet;
    const created = (async () => {
      const url = options.jwksUrl ? new URL(options.jwksUrl) : await discoverJwksUrl(options.issuer, fetchTimeoutMs);
      return createRemoteJWKSet(url, {
        timeoutDuration: fetchTimeoutMs,
        cooldownDuration: options.jwksCooldownMs ?? 30_000,
        cacheMaxAge: options.jwksMaxAgeMs ?? 600_000,
      });
    })();
    // A failed discovery is retried by the next request rather than remembered.
    created.catch(() => {
      if (keySet === created) keySet = undefined;
    });
    keySet = created;
    return created;
  }

  const getKey: JWTVerifyGetKey = async (header, token) => {
    const keys = await remoteKeys();
    try {
      return await keys(header, token);
    } catch (error) {
      if (error instanceof joseErrors.JOSEError && tokenKeyErrors.has(error.code)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new IssuerUnavailable(`the issuer's signing keys could not be fetched (${reason})`);
    }
  };

  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, getKey, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: [...options.algorithms],
          clockTolerance: options.clockToleranceSeconds ?? 30,
          requiredClaims: ['exp', 'sub'],
        }));
      } catch (error) {
        if (error instanceof IssuerUnavailable) {
          throw new AppError('dependency_unavailable', `${error.message}; try again later`);
        }
        if (error instanceof joseErrors.JOSEError) {
          // jose's messages name the failed check (e.g. `unexpected "aud" claim value`), never the token.
          throw new AppError('unauthenticated', `the bearer token is not valid: ${error.message}`);
        }
        throw error;
      }
      return identityOf(payload, options);
    },
  };
}

function identityOf(payload: JWTPayload, options: OidcVerifierOptions): OidcIdentity {
  const tenantId = claimAt(payload, options.tenantClaim);
  if (typeof tenantId !== 'string' || !isUuid(tenantId)) {
    throw new AppError('unauthenticated', `the token's "${options.tenantClaim}" claim must be a tenant id (a uuid)`);
  }
  const claimed = claimAt(payload, options.rolesClaim);
  const claimedRoles = Array.isArray(claimed) ? claimed : typeof claimed === 'string' ? [claimed] : [];
  const roles = knownRoles.filter((role) => claimedRoles.includes(role));
  return { subject: `oidc:${payload.sub ?? ''}`, tenantId: tenantId.toLowerCase(), roles };
}
