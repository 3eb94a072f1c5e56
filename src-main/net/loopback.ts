/**
 * Loopback names and addresses, for servers that must only answer pages of this machine (the
 * dashboard's bridge): a strict Host and Origin parser, and the key a request's source is counted
 * under for rate limits.
 *
 * Why Host matters: in a DNS-rebinding attack a web page at `http://attacker.example:7878` makes
 * its name resolve to 127.0.0.1, so the browser sends it to the node with the attacker's name in
 * Host and Origin (which then agree with each other). Only a Host that is a loopback name or an
 * IP literal cannot be rebound.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface HostPort {
  /** Lower case; an IPv6 address without brackets, in its short form (`::1`). */
  readonly hostname: string;
  /** Undefined when the header names no port. */
  readonly port: number | undefined;
}

/** Longest Host we bother to read: a name is at most 253 characters, plus a port. */
const MAX_HOST_CHARS = 300;

/**
 * A Host header (`name`, `1.2.3.4`, `[::1]`, each with an optional `:port`), or null when it is
 * anything else: empty, with a path, user info, spaces, a bad port, a malformed IPv6 address.
 */
export function parseHostHeader(value: string | undefined): HostPort | null {
  if (!value || value.length > MAX_HOST_CHARS) return null;
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(value);
  if (!m) return null;
  let hostname = m[1]!.toLowerCase();
  if (hostname.startsWith('[')) {
    const inner = hostname.slice(1, -1);
    if (!isIPv6(inner)) return null;
    hostname = new URL(`http://[${inner}]`).hostname.slice(1, -1);
  }
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && (port < 1 || port > 65535)) return null;
  return { hostname, port };
}

/** `localhost`, an address of 127.0.0.0/8, or `::1` (as parseHostHeader returns them). */
export function isLoopbackHostname(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '::1') return true;
  return isIPv4(hostname) && hostname.split('.')[0] === '127';
}

/** Whether a listening address takes connections on every interface (0.0.0.0, ::). */
export function isWildcardAddress(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '';
}

/**
 * An Origin header of a plain-HTTP page, as its host and port (`http://127.0.0.1:7878` →
 * 127.0.0.1, 7878; no port → 80), or null for anything else (`null`, https, a path).
 */
export function parseHttpOrigin(value: string): { hostname: string; port: number } | null {
  if (!value.startsWith('http://')) return null;
  const hp = parseHostHeader(value.slice('http://'.length));
  return hp && { hostname: hp.hostname, port: hp.port ?? 80 };
}

/** The first four groups of an IPv6 address (its /64 network), e.g. `2001:db8:0:1::/64`. */
function ipv6Network64(address: string): string {
  const [head = '', tail] = address.split('::');
  const groups = (s: string) =>
    s === '' ? [] : s.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g]));
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  const all =
    tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return `${all
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * The key a connection's source address is counted under: the IPv4 address itself (also when it
 * arrives IPv4-mapped, `::ffff:1.2.3.4`), and for IPv6 its /64 network (one host usually holds a
 * whole /64, so counting single addresses would be no limit at all). Loopback `::1` stays itself.
 */
export function sourceKey(remoteAddress: string | undefined): string {
  if (!remoteAddress) return 'unknown';
  const address = remoteAddress.replace(/%.*$/, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) return mapped[1]!;
  if (address === '::1' || !isIPv6(address)) return address;
  return ipv6Network64(address);
}
