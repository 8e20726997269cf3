// Which hosts fetch_url must not reach without a person's yes: anything that is not the public internet. A local dev
// server is a fair thing for a coding agent to fetch, but so is, to a model steered by a page it read, the cloud
// metadata service (169.254.169.254 hands out credentials) or a router's admin page on the LAN.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** Every address a host name resolves to (all of them: one private address among public ones is enough). */
export type Resolve = (host: string) => Promise<string[]>;

export const resolveAll: Resolve = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** The first address of the URL's host that is private, loopback or link-local; undefined when all are public. */
export async function privateAddressOf(url: URL, resolve: Resolve = resolveAll): Promise<string | undefined> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // No host (file:, data:): nothing on the network to judge, and an empty name is no lookup.
  if (!host) return undefined;
  const addresses = isIP(host) ? [host] : await resolve(host);
  return addresses.find(isPrivateAddress);
}

/** "localhost:3000 is 127.0.0.1, a private network address" (the address once when the host is one). */
export function privateWhat(url: URL, address: string): string {
  return url.hostname.replace(/^\[|\]$/g, '') === address ? `${url.host} is a private network address` : `${url.host} is ${address}, a private network address`;
}

/**
 * IPv4: 0/8 ("this host": 0.0.0.0 reaches local services), 10/8, 127/8, 169.254/16 (link-local, cloud metadata),
 * 172.16/12, 192.168/16. IPv6: :: and ::1, fc00::/7 (unique local), fe80::/10 (link-local), and IPv4 addresses
 * mapped or translated into IPv6, judged as IPv4.
 */
export function isPrivateAddress(address: string): boolean {
  const v4 = isIP(address) === 4 ? address.split('.').map(Number) : ipv4InIpv6(address);
  if (v4) {
    const [a, b] = v4;
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  }
  const groups = ipv6Groups(address);
  if (!groups) return false;
  if (groups.slice(0, 7).every((g) => g === 0) && groups[7] <= 1) return true;
  return (groups[0] & 0xfe00) === 0xfc00 || (groups[0] & 0xffc0) === 0xfe80;
}

/** ::ffff:a.b.c.d (mapped) and 64:ff9b::a.b.c.d (NAT64), in either spelling of the last 32 bits. */
function ipv4InIpv6(address: string): number[] | undefined {
  const groups = ipv6Groups(address);
  if (!groups) return undefined;
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  const nat64 = groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0);
  return mapped || nat64 ? [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff] : undefined;
}

/** The eight 16-bit groups of an IPv6 address (a zone id dropped), or undefined when it is not one. */
function ipv6Groups(address: string): number[] | undefined {
  const plain = address.split('%')[0];
  if (isIP(plain) !== 6) return undefined;
  let text = plain;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const part = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const left = part(head);
  const right = part(tail);
  const groups = tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 ? groups : undefined;
}
