import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { MasterKey } from '../secrets/master-keys.ts';

/** What a callback token lets its holder do, until `expiresAt`. */
export type CallbackTokenClaims =
  /** Complete a run's waitpoint with a JSON body. */
  | { readonly kind: 'callback'; readonly waitpointId: string; readonly expiresAt: Date }
  /** Decide one pending approval of a run one way (an approve or a reject link). */
  | {
      readonly kind: 'approval';
      readonly tenantId: string;
      readonly runId: string;
      readonly approvalId: string;
      readonly decision: 'approve' | 'reject';
      readonly expiresAt: Date;
    };

/** Why a token was refused before anything was looked up. */
export type CallbackTokenRefusal = 'invalid' | 'expired';

/** Signs and checks callback tokens; built once per process over the master keys. */
export interface CallbackTokens {
  /** A URL-safe token carrying the claims, signed with the current master key's token key. */
  sign(claims: CallbackTokenClaims): string;
  /**
   * The token's claims when a master key's token key signed it and it has not expired;
   * otherwise why not. An expired token is only called `expired` once its signature checks,
   * so a forged one never learns more than `invalid`.
   */
  verify(token: string, now?: Date): CallbackTokenClaims | { readonly refused: CallbackTokenRefusal };
}

/** The HKDF `info` of the token key: a master key wraps secrets; this key only signs tokens. */
const tokenKeyInfo = 'agent-runtime callback tokens v1';
/**
 * Tokens longer than this are refused unread. A path segment: the router reads 1000 UTF-16
 * units of one, so that any string one longer than this (even of characters that take two
 * units) fails validation rather than the router. A callback token is about 140 characters,
 * an approval link's about 250 plus its approval id.
 */
export const maxCallbackTokenLength = 490;

/**
 * Callback tokens over the master keys (`AR_MASTER_KEYS`): each signs with an HMAC-SHA256
 * key derived from the current master key (HKDF), and any configured master key's derived
 * key verifies, so a rotation leaves tokens already sent valid until they expire. A token is
 * `<base64url JSON claims>.<base64url signature>`: readable, not secret beyond its signature.
 */
export function createCallbackTokens(masterKeys: readonly MasterKey[]): CallbackTokens {
  const keys = masterKeys.map((masterKey) =>
    Buffer.from(hkdfSync('sha256', masterKey.key.export(), Buffer.alloc(0), tokenKeyInfo, 32)),
  );
  const signatureOf = (key: Buffer, body: string) => createHmac('sha256', key).update(body).digest();
  return {
    sign(claims) {
      const key = keys[0];
      if (key === undefined) throw new Error('no master key is configured to sign callback tokens (AR_MASTER_KEYS)');
      const body = Buffer.from(JSON.stringify(encodeClaims(claims))).toString('base64url');
      return `${body}.${signatureOf(key, body).toString('base64url')}`;
    },
    verify(token, now = new Date()) {
      const invalid = { refused: 'invalid' } as const;
      if (token.length > maxCallbackTokenLength) return invalid;
      const [body, signature, ...rest] = token.split('.');
      if (body === undefined || signature === undefined || rest.length > 0) return invalid;
      const given = Buffer.from(signature, 'base64url');
      const signed = keys.some((key) => {
        const expected = signatureOf(key, body);
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
      if (!signed) return invalid;
      const claims = decodeClaims(body);
      if (claims === undefined) return invalid;
      if (claims.expiresAt.getTime() <= now.getTime()) return { refused: 'expired' };
      return claims;
    },
  };
}

function encodeClaims(claims: CallbackTokenClaims): Record<string, string | number> {
  const e = Math.floor(claims.expiresAt.getTime() / 1000);
  if (claims.kind === 'callback') return { v: 1, k: 'c', w: claims.waitpointId, e };
  return { v: 1, k: 'a', t: claims.tenantId, r: claims.runId, a: claims.approvalId, d: claims.decision, e };
}

function decodeClaims(body: string): CallbackTokenClaims | undefined {
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { v, k, e } = fields;
  if (v !== 1 || typeof e !== 'number' || !Number.isSafeInteger(e)) return undefined;
  const expiresAt = new Date(e * 1000);
  const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);
  if (k === 'c') {
    const waitpointId = text(fields['w']);
    return waitpointId === undefined ? undefined : { kind: 'callback', waitpointId, expiresAt };
  }
  const tenantId = text(fields['t']);
  const runId = text(fields['r']);
  const approvalId = text(fields['a']);
  const decision = fields['d'];
  if (k !== 'a' || !tenantId || !runId || !approvalId || (decision !== 'approve' && decision !== 'reject')) {
    return undefined;
  }
  return { kind: 'approval', tenantId, runId, approvalId, decision, expiresAt };
}
