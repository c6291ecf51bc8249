import { describe, expect, it } from 'vitest';
import { addressKind, OutgoingAddressPolicy, RefusedAddressError, resolveAllowedAddress } from './address-policy.ts';

describe('the outgoing address policy', () => {
  it('tells public addresses from loopback, private, link-local and reserved ones', () => {
    expect(addressKind('93.184.216.34')).toBe('public');
    expect(addressKind('2606:4700::1111')).toBe('public');
    expect(addressKind('127.0.0.1')).toBe('loopback');
    expect(addressKind('::1')).toBe('loopback');
    expect(addressKind('::ffff:127.0.0.1')).toBe('loopback');
    expect(addressKind('10.1.2.3')).toBe('private');
    expect(addressKind('172.31.255.255')).toBe('private');
    expect(addressKind('172.32.0.1')).toBe('public');
    expect(addressKind('192.168.0.1')).toBe('private');
    expect(addressKind('fd00::1')).toBe('private');
    expect(addressKind('169.254.169.254')).toBe('link_local');
    expect(addressKind('fe80::1')).toBe('link_local');
    expect(addressKind('0.0.0.0')).toBe('reserved');
    expect(addressKind('::')).toBe('reserved');
    expect(addressKind('224.0.0.1')).toBe('reserved');
    expect(addressKind('64:ff9b::a00:1')).toBe('reserved');
  });

  it('refuses non-public addresses unless the allow-list names their network', () => {
    const strict = new OutgoingAddressPolicy();
    expect(strict.refusalOf('127.0.0.1')).toBe('loopback');
    expect(strict.refusalOf('8.8.8.8')).toBeUndefined();
    const loopbackAllowed = new OutgoingAddressPolicy(['127.0.0.0/8', '::1']);
    expect(loopbackAllowed.refusalOf('127.0.0.1')).toBeUndefined();
    expect(loopbackAllowed.refusalOf('::1')).toBeUndefined();
    expect(loopbackAllowed.refusalOf('::ffff:127.0.0.1')).toBeUndefined();
    expect(loopbackAllowed.refusalOf('10.0.0.1')).toBe('private');
    expect(() => new OutgoingAddressPolicy(['not-a-network'])).toThrow(/not an IP network/);
  });

  it('checks every address a host resolves to and answers the one to connect to', async () => {
    const strict = new OutgoingAddressPolicy();
    await expect(resolveAllowedAddress(new URL('http://127.0.0.1:9/'), strict)).rejects.toBeInstanceOf(
      RefusedAddressError,
    );
    await expect(resolveAllowedAddress(new URL('http://[::1]:9/'), strict)).rejects.toMatchObject({
      reason: 'loopback',
    });
    await expect(resolveAllowedAddress(new URL('http://localhost:9/'), strict)).rejects.toMatchObject({
      reason: 'loopback',
    });
    await expect(resolveAllowedAddress(new URL('http://nothing.invalid/'), strict)).rejects.toMatchObject({
      reason: 'unresolvable',
    });
    const allowed = new OutgoingAddressPolicy(['127.0.0.0/8']);
    await expect(resolveAllowedAddress(new URL('http://127.0.0.1:9/'), allowed)).resolves.toEqual({
      address: '127.0.0.1',
      family: 4,
    });
  });
});
