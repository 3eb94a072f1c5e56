/** Network addresses: this machine's, for what a node announces on chain, and peers' scopes. */
import { BlockList, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

/** This machine's first non-internal IPv4 address, the default endpoint to announce. */
export function firstPublicIpv4(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

/**
 * Where an address points. 'unusable': nowhere a peer can be (unspecified, multicast,
 * broadcast); 'private': this machine or a local network (loopback, RFC 1918, carrier-grade NAT,
 * link-local, IPv6 unique-local), fine on a local test network, but on a public one an endpoint
 * announced there makes every node that follows it probe its own machine or LAN.
 */
export function addressScope(ip: string): 'public' | 'private' | 'unusable' {
  const family = isIP(ip);
  if (family === 0) return 'unusable';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (UNUSABLE.check(ip, type)) return 'unusable';
  if (PRIVATE.check(ip, type)) return 'private';
  // An IPv4-mapped IPv6 address is as private as the IPv4 address it carries.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return mapped ? addressScope(mapped[1]!) : 'public';
}

const UNUSABLE = new BlockList();
UNUSABLE.addSubnet('0.0.0.0', 8, 'ipv4');
UNUSABLE.addSubnet('224.0.0.0', 4, 'ipv4');
UNUSABLE.addAddress('255.255.255.255', 'ipv4');
UNUSABLE.addAddress('::', 'ipv6');
UNUSABLE.addSubnet('ff00::', 8, 'ipv6');

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['127.0.0.0', 8],
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv4');
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('fe80::', 10, 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');

/**
 * Whether a chain reached at these endpoints is a local network (every endpoint on this machine
 * or a private address): there, nodes announce private addresses and peers must reach them.
 */
export function isLocalChain(endpoints: readonly string[]): boolean {
  return endpoints.every((e) => {
    const host = new URL(e).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || addressScope(host) === 'private';
  });
}
