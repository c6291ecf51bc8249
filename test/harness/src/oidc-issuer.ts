import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

/** One signing key of the test issuer. */
export interface IssuerKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** The public key as PEM (SPKI), for the HS256-with-the-public-key attack. */
  readonly publicPem: string;
}

/**
 * An OIDC issuer over real HTTP on loopback, for the tokens Keycloak cannot produce quickly
 * (expired, future `nbf`, forged algorithms, rotated keys): it serves a discovery document and
 * a JWKS, and signs whatever claims a test asks for.
 */
export interface TestIssuer {
  /** `http://127.0.0.1:<port>`, also the `iss` of its tokens. */
  readonly issuer: string;
  readonly jwksUrl: string;
  /** The key the JWKS serves and {@link TestIssuer.sign} uses. */
  readonly currentKey: IssuerKey;
  /** How many times the JWKS has been fetched. */
  readonly jwksFetches: number;
  /** Signs `claims` (over defaults: iss, aud, sub, iat, exp in 5 minutes) with a key (the current one by default). */
  sign(claims?: JWTPayload, options?: { key?: IssuerKey; header?: Record<string, unknown> }): Promise<string>;
  /** A new key that the JWKS does not serve. */
  newKey(): Promise<IssuerKey>;
  /** Replaces the served key by a new one, as an issuer rotating its keys does. */
  rotate(): Promise<IssuerKey>;
  /** While false, the JWKS answers 503 (an issuer outage). */
  setJwksAvailable(available: boolean): void;
  stop(): Promise<void>;
}

async function createKey(): Promise<IssuerKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid: randomBytes(8).toString('hex'), privateKey, publicKey, publicPem: await exportSPKI(publicKey) };
}

/** Starts a {@link TestIssuer} whose tokens are for `audience`. */
export async function startTestIssuer(audience: string): Promise<TestIssuer> {
  let key = await createKey();
  let jwks: { keys: JWK[] } = { keys: [] };
  let jwksAvailable = true;
  let jwksFetches = 0;
  const publish = async () => {
    jwks = { keys: [{ ...(await exportJWK(key.publicKey)), kid: key.kid, alg: 'RS256', use: 'sig' }] };
  };
  await publish();

  let issuer = '';
  const server: Server = createServer((request, response) => {
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (request.url === '/.well-known/openid-configuration') {
      json(200, { issuer, jwks_uri: `${issuer}/jwks`, id_token_signing_alg_values_supported: ['RS256'] });
    } else if (request.url === '/jwks') {
      jwksFetches += 1;
      if (jwksAvailable) json(200, jwks);
      else json(503, { error: 'unavailable' });
    } else {
      json(404, { error: 'not found' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  issuer = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    get currentKey() {
      return key;
    },
    get jwksFetches() {
      return jwksFetches;
    },
    async sign(claims = {}, options = {}) {
      const signingKey = options.key ?? key;
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: issuer, aud: audience, sub: 'user-1', iat: now, exp: now + 300, ...claims })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: signingKey.kid, ...options.header })
        .sign(signingKey.privateKey);
    },
    newKey: createKey,
    async rotate() {
      key = await createKey();
      await publish();
      return key;
    },
    setJwksAvailable(available) {
      jwksAvailable = available;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
