/** This machine's network addresses, for what a node announces on chain. */
import { networkInterfaces } from 'node:os';

/** This machine's first non-internal IPv4 address, the default endpoint to announce. */
export function firstPublicIpv4(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}
