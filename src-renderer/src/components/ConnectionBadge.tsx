import type { ConnectionState } from '../bridge';
import { useStore } from '../store';

export const CONNECTION_LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  disconnected: 'Reconnecting…',
  unauthorized: 'Access refused',
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
      {state === 'connecting' && reconnecting ? 'Reconnecting…' : CONNECTION_LABELS[state]}
    </span>
  );
}
