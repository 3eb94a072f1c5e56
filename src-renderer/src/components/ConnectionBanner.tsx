import { useStore } from '../store';

/** Says so when the node is not reachable; the bridge keeps trying on its own. */
export function ConnectionBanner() {
  const state = useStore((s) => s.connection);
  const reconnecting = useStore((s) => s.reconnecting);
  if (state === 'connected' || state === 'unauthorized') return null;
  return (
    <div className="banner banner-warn" role="status">
      {state === 'connecting' && !reconnecting
        ? 'Connecting to your node…'
        : 'Lost the connection to your node. Trying again…'}
    </div>
  );
}
