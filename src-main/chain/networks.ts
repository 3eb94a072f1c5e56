/**
 * Named Subtensor networks and custom endpoint lists. Several endpoints for one network are tried
 * in turn on (re)connection, so one provider going down does not stop the node.
 */
export type NetworkName = 'finney' | 'test' | 'local';

export const NETWORKS: Readonly<Record<NetworkName, readonly string[]>> = {
  // Opentensor Foundation's public entry points (the ones btcli uses by default).
  finney: ['wss://entrypoint-finney.opentensor.ai:443'],
  test: ['wss://test.finney.opentensor.ai:443'],
  // A local subtensor node or `npm run localnet`.
  local: ['ws://127.0.0.1:9944'],
};

export function isNetworkName(value: string): value is NetworkName {
  return Object.prototype.hasOwnProperty.call(NETWORKS, value);
}

/**
 * Endpoints for a network name, a single ws(s):// URL or a comma-separated list of them.
 * Throws on anything else, so a typo fails at start-up rather than as a connection timeout.
 */
export function resolveEndpoints(spec: string | readonly string[]): string[] {
  const parts = typeof spec === 'string' ? spec.split(',') : [...spec];
  const out: string[] = [];
  for (const raw of parts.map((p) => p.trim()).filter(Boolean)) {
    if (isNetworkName(raw)) {
      out.push(...NETWORKS[raw]);
      continue;
    }
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new Error(
        `"${raw}" is neither a network (finney, test, local) nor a ws:// or wss:// URL.`,
      );
    }
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
      throw new Error(`Endpoint ${raw} must use ws:// or wss://.`);
    out.push(raw);
  }
  if (out.length === 0) throw new Error('No chain endpoint given.');
  return [...new Set(out)];
}
