import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Why an address is not public: what the refusal names. */
export type AddressKind = 'public' | 'loopback' | 'private' | 'link_local' | 'reserved';

type Family = 'ipv4' | 'ipv6';

/** Ranges that are not the public internet, by kind (IANA special-purpose registries). */
const nonPublicRanges: Readonly<Record<Exclude<AddressKind, 'public'>, readonly [string, number, Family][]>> = {
  loopback: [
    ['127.0.0.0', 8, 'ipv4'],
    ['::1', 128, 'ipv6'],
  ],
  private: [
    ['10.0.0.0', 8, 'ipv4'],
    ['172.16.0.0', 12, 'ipv4'],
    ['192.168.0.0', 16, 'ipv4'],
    ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
    ['fc00::', 7, 'ipv6'], // unique local
  ],
  link_local: [
    ['169.254.0.0', 16, 'ipv4'], // includes cloud metadata endpoints (169.254.169.254)
    ['fe80::', 10, 'ipv6'],
  ],
  reserved: [
    ['0.0.0.0', 8, 'ipv4'],
    ['192.0.0.0', 24, 'ipv4'],
    ['192.0.2.0', 24, 'ipv4'],
    ['198.18.0.0', 15, 'ipv4'],
    ['198.51.100.0', 24, 'ipv4'],
    ['203.0.113.0', 24, 'ipv4'],
    ['224.0.0.0', 4, 'ipv4'], // multicast
    ['240.0.0.0', 4, 'ipv4'], // reserved, broadcast
    ['::', 128, 'ipv6'],
    ['64:ff9b::', 96, 'ipv6'], // NAT64: reaches IPv4 addresses, private ones too
    ['64:ff9b:1::', 48, 'ipv6'],
    ['100::', 64, 'ipv6'], // discard
    ['2001::', 23, 'ipv6'], // IETF protocol assignments (Teredo, …)
    ['2001:db8::', 32, 'ipv6'], // documentation
    ['2002::', 16, 'ipv6'], // 6to4: embeds any IPv4 address
    ['ff00::', 8, 'ipv6'], // multicast
  ],
};

const nonPublicLists = Object.entries(nonPublicRanges).map(([kind, ranges]) => {
  const list = new BlockList();
  for (const [network, prefix, family] of ranges) list.addSubnet(network, prefix, family);
  return [kind as AddressKind, list] as const;
});

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) stands for; else the address. */
function unmapped(address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match?.[1] ?? address;
}

function familyOf(address: string): Family {
  return isIP(address) === 4 ? 'ipv4' : 'ipv6';
}

/** What kind of address an IP address is: public, or which non-public range it is in. */
export function addressKind(ip: string): AddressKind {
  const address = unmapped(ip);
  const family = familyOf(address);
  for (const [kind, list] of nonPublicLists) if (list.check(address, family)) return kind;
  return 'public';
}

/**
 * Where outgoing webhook requests may go: public addresses, and the networks of the
 * allow-list (`AR_WEBHOOK_ALLOWED_NETWORKS`, CIDRs or single addresses) even when they are
 * not public.
 */
export class OutgoingAddressPolicy {
  readonly #allowed = new BlockList();

  /** @param allowedNetworks CIDRs (`127.0.0.0/8`, `::1/128`) or single addresses. */
  constructor(allowedNetworks: readonly string[] = []) {
    for (const entry of allowedNetworks) {
      const [network = '', prefix] = entry.split('/');
      const family = familyOf(network);
      if (isIP(network) === 0) throw new Error(`not an IP network: ${entry}`);
      if (prefix === undefined) this.#allowed.addAddress(network, family);
      else this.#allowed.addSubnet(network, Number(prefix), family);
    }
  }

  /** Why a request to this IP address is refused, or undefined when it may go. */
  refusalOf(ip: string): Exclude<AddressKind, 'public'> | undefined {
    const address = unmapped(ip);
    if (this.#allowed.check(address, familyOf(address))) return undefined;
    const kind = addressKind(address);
    return kind === 'public' ? undefined : kind;
  }
}

/** A host resolved and checked: the address to connect to (never resolved again). */
export interface CheckedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** The URL's host names an address the policy refuses (or does not resolve). */
export class RefusedAddressError extends Error {
  override readonly name = 'RefusedAddressError';
  readonly host: string;
  readonly reason: Exclude<AddressKind, 'public'> | 'unresolvable';

  constructor(host: string, reason: RefusedAddressError['reason'], address?: string) {
    super(
      reason === 'unresolvable'
        ? `${host} does not resolve`
        : `${host}${address && address !== host ? ` (${address})` : ''} is a ${reason.replace('_', '-')} address, which webhooks may not reach`,
    );
    this.host = host;
    this.reason = reason;
  }
}

/**
 * Resolves the URL's host and checks every address it resolves to: all must be allowed (a
 * host with one private address among public ones is refused, whichever a connect would
 * pick). Answers the first, which the caller connects to, so a second resolution (DNS
 * rebinding) cannot swap in another.
 * @throws RefusedAddressError
 */
export async function resolveAllowedAddress(url: URL, policy: OutgoingAddressPolicy): Promise<CheckedAddress> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: { address: string; family: number }[];
  try {
    addresses = isIP(host)
      ? [{ address: host, family: isIP(host) }]
      : await lookup(host, { all: true, verbatim: true });
  } catch {
    throw new RefusedAddressError(host, 'unresolvable');
  }
  if (addresses.length === 0) throw new RefusedAddressError(host, 'unresolvable');
  for (const { address } of addresses) {
    const refusal = policy.refusalOf(address);
    if (refusal) throw new RefusedAddressError(host, refusal, address);
  }
  const [first] = addresses as [{ address: string; family: number }];
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
