import { useEffect, useState } from 'react';
import type { ChainStatus } from '../../../shared/ipc/contract';
import type { ConnectionState } from '../bridge';
import { formatDuration } from '../format';
import { useStore } from '../store';

export const CONNECTION_LABELS: Record<ConnectionState, string> = {
  connecting: 'Node: connecting…',
  connected: 'Node: connected',
  disconnected: 'Node: reconnecting…',
  unauthorized: 'Node: access refused',
};

/** A small pill with the state of the line to the node. */
export function ConnectionBadge() {
  const bridge = useStore((s) => s.bridge);
  const state = useStore((s) => s.connection);
  const reconnecting = useStore((s) => s.reconnecting);
  if (!bridge) return null;
  return (
    <span
      className={`connection connection-${state}`}
      data-testid="connection-state"
      data-state={state}
      role="status"
    >
      <span className="connection-dot" aria-hidden="true" />
      {state === 'connecting' && reconnecting ? 'Node: reconnecting…' : CONNECTION_LABELS[state]}
    </span>
  );
}

/** Seconds since `at`, counted on screen once a second. */
function useAge(at: number | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [at]);
  return at === null ? null : Math.max(0, (now - at) / 1000);
}

function chainLabel(chain: ChainStatus, age: number | null): string {
  switch (chain.state) {
    case 'none':
      return 'Chain: none (solo only)';
    case 'connecting':
      return 'Chain: connecting…';
    case 'down':
      return 'Chain: not reachable';
    case 'connected':
      return chain.block === null
        ? 'Chain: connected'
        : `Chain: block ${chain.block.toLocaleString()}, ${formatDuration(age ?? 0)} ago`;
  }
}

/**
 * The node's line to the chain, apart from the line to the node: a node can be up while the chain
 * is down (balances, claims and the leaderboard then wait), and the reverse.
 */
export function ChainBadge() {
  const chain = useStore((s) => s.chain.data);
  const connection = useStore((s) => s.connection);
  const age = useAge(chain?.blockAt ?? null);
  if (!chain || connection !== 'connected') return null;
  // A block older than a minute (five on a 12-second chain) means the chain has stalled for us.
  const stale = chain.state === 'connected' && age !== null && age > 60;
  const state = stale ? 'stale' : chain.state;
  return (
    <span
      className={`connection chain-${state}`}
      data-testid="chain-state"
      data-state={state}
      role="status"
      title={chain.error ?? chain.network ?? undefined}
    >
      <span className="connection-dot" aria-hidden="true" />
      {chainLabel(chain, age)}
      {stale && ' (stalled?)'}
    </span>
  );
}
