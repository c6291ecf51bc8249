import { describe, expect, it } from 'vitest';
import { parseMasterKeys, generateMasterKeyEntry, type MasterKey } from '../secrets/master-keys.ts';
import { createCallbackTokens } from './callback-token.ts';

function keys(...ids: string[]): MasterKey[] {
  const parsed = parseMasterKeys(ids.map((id) => generateMasterKeyEntry(id)).join(','));
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed.keys;
}

const inAnHour = () => new Date(Date.now() + 3_600_000);

describe('callback tokens', () => {
  it('carries its claims, signed, and refuses any change to them', () => {
    const tokens = createCallbackTokens(keys('k1'));
    const expiresAt = inAnHour();
    const token = tokens.sign({ kind: 'callback', waitpointId: 'wp-1', expiresAt });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(tokens.verify(token)).toEqual({
      kind: 'callback',
      waitpointId: 'wp-1',
      expiresAt: new Date(Math.floor(expiresAt.getTime() / 1000) * 1000),
    });

    const [body = '', signature = ''] = token.split('.');
    const otherBody = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), w: 'wp-2' }),
    ).toString('base64url');
    expect(tokens.verify(`${otherBody}.${signature}`)).toEqual({ refused: 'invalid' });
    expect(tokens.verify(`${body}.${signature.slice(0, -2)}`)).toEqual({ refused: 'invalid' });
    expect(tokens.verify(`${body}.${signature}.x`)).toEqual({ refused: 'invalid' });
    expect(tokens.verify('')).toEqual({ refused: 'invalid' });
    expect(tokens.verify('x'.repeat(2000))).toEqual({ refused: 'invalid' });
  });

  it('says expired only of a genuine token past its time', () => {
    const tokens = createCallbackTokens(keys('k1'));
    const token = tokens.sign({ kind: 'callback', waitpointId: 'wp-1', expiresAt: new Date(Date.now() - 1000) });
    expect(tokens.verify(token)).toEqual({ refused: 'expired' });
    const forged = createCallbackTokens(keys('k9')).verify(token);
    expect(forged).toEqual({ refused: 'invalid' });
  });

  it('keeps tokens valid across a master key rotation, until the old key is removed', () => {
    const [oldKey, newKey] = keys('old', 'new') as [MasterKey, MasterKey];
    const claims = {
      kind: 'approval' as const,
      tenantId: 't',
      runId: 'r',
      approvalId: '1-call',
      decision: 'reject' as const,
      expiresAt: inAnHour(),
    };
    const token = createCallbackTokens([oldKey]).sign(claims);
    expect(createCallbackTokens([newKey, oldKey]).verify(token)).toMatchObject({
      kind: 'approval',
      decision: 'reject',
    });
    expect(createCallbackTokens([newKey]).verify(token)).toEqual({ refused: 'invalid' });
  });

  it('cannot sign without a master key', () => {
    expect(() => createCallbackTokens([]).sign({ kind: 'callback', waitpointId: 'w', expiresAt: inAnHour() })).toThrow(
      /AR_MASTER_KEYS/,
    );
  });
});
