/**
 * serve_axon: publishing a validator's (or miner's) endpoint on chain. IPs travel as u128 with an
 * ip_type of 4 or 6. Loopback and unspecified addresses are refused here with a clear message
 * (the chain refuses them too, less clearly); private ranges are allowed for LAN set-ups.
 */
import { isIPv4, isIPv6 } from 'node:net';

import type { KeyringPair } from '@polkadot/keyring/types';

import type { ChainContext } from './context';
import { ChainError } from './errors';
import { submit, type TxResult } from './tx';

export interface AxonEndpoint {
  readonly ip: string;
  readonly port: number;
  /** Bittensor's protocol field: 4 = TCP (what bittensor writes). */
  readonly protocol?: number;
  /** The client's version, an integer (e.g. 1_000_000 * major + …). */
  readonly version?: number;
  /** What the endpoint serves; 'pool' marks a pool node (see AXON_ROLES). Default: a node. */
  readonly role?: AxonRole;
}

/**
 * What an endpoint serves, announced in serve_axon's first placeholder field (which Subtensor
 * stores and never reads): 0 for a validator or miner node, 1 for a pool. Pools hold permits
 * like anyone registered, but are not validators: miners and validators leave them out, and
 * miners find pools by it.
 */
export const AXON_ROLES = { node: 0, pool: 1 } as const;
export type AxonRole = keyof typeof AXON_ROLES;

export function axonRole(placeholder1: number): AxonRole {
  return placeholder1 === AXON_ROLES.pool ? 'pool' : 'node';
}

function ipv6Groups(ip: string): number[] {
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t]
    : h;
  return groups.map((g) => parseInt(g, 16));
}

/** An IP address as Subtensor stores it: [u128, ip_type]. */
export function encodeIp(ip: string): { value: bigint; type: 4 | 6 } {
  if (isIPv4(ip)) {
    const value = ip.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
    return { value, type: 4 };
  }
  if (isIPv6(ip) && !ip.includes('.')) {
    return { value: ipv6Groups(ip).reduce((acc, g) => (acc << 16n) | BigInt(g), 0n), type: 6 };
  }
  throw new ChainError('REFUSED', `"${ip}" is not an IPv4 or IPv6 address.`);
}

export function decodeIp(value: bigint, type: number): string {
  if (type === 4) return [24n, 16n, 8n, 0n].map((s) => Number((value >> s) & 255n)).join('.');
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((value >> s) & 0xffffn).toString(16));
  return groups.join(':');
}

export function checkServableIp(ip: string): void {
  const { value, type } = encodeIp(ip);
  const loopback = type === 4 ? value >> 24n === 127n : value === 1n;
  if (value === 0n || loopback)
    throw new ChainError(
      'REFUSED',
      `${ip} is ${value === 0n ? 'unspecified' : 'a loopback address'}: validators could not reach it. Use the machine’s public IP.`,
    );
}

export async function serveAxon(
  ctx: ChainContext,
  netuid: number,
  hotkey: KeyringPair,
  axon: AxonEndpoint,
): Promise<TxResult> {
  checkServableIp(axon.ip);
  if (!Number.isInteger(axon.port) || axon.port < 1 || axon.port > 65535)
    throw new ChainError('REFUSED', `Port ${axon.port} is not between 1 and 65535.`);
  const { value, type } = encodeIp(axon.ip);
  const call = ctx.api.tx['subtensorModule']!['serveAxon']!(
    netuid,
    axon.version ?? 0,
    value,
    axon.port,
    type,
    axon.protocol ?? 4,
    AXON_ROLES[axon.role ?? 'node'],
    0,
  );
  return submit(ctx, call, hotkey, { label: 'serve_axon' });
}
