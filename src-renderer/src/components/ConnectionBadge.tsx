import { useEffect, useState, type ReactNode } from 'react';
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

/** A small pill with a coloured dot: the state of one line (to the node, to the chain). */
function Pill({
  className,
  testId,
  state,
  title,
  children,
}: {
  className: string;
  testId: string;
  state: string;
  title?: string | undefined;
  children: ReactNode;
}) {
  return (
    <span
      className={`connection ${className}`}
      data-testid={testId}
      data-state={state}
      role="status"
      title={title}
    >
      <span className="connection-dot" aria-hidden="true" />
      {children}
    </span>
  );
}

/** The state of the line to the node. */
export function ConnectionBadge() {
  const bridge = useStore((s) => s.bridge);
  const state = useStore((s) => s.connection);
  const reconnecting = useStore((s) => s.reconnecting);
  if (!bridge) return null;
  return (
    <Pill className={`connection-${state}`} testId="connection-state" state={state}>
      {state === 'connecting' && reconnecting ? 'Node: reconnecting…' : CONNECTION_LABELS[state]}
    </Pill>
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
    <Pill
      className={`chain-${state}`}
      testId="chain-state"
      state={state}
      title={chain.error ?? chain.network ?? undefined}
    >
      {chainLabel(chain, age)}
      {stale && ' (stalled?)'}
    </Pill>
  );
}
