import { useState } from 'react';
import { errorMessage } from '../format';
import { useBridge, useStore } from '../store';

/**
 * A new version of the desktop app: downloading, ready to restart, or waiting for a submission's
 * verdict before it restarts (the node never restarts in the middle of a submission). Shows
 * nothing in a headless node, which has no update feed.
 */
export function UpdateBanner() {
  const bridge = useBridge();
  const update = useStore((s) => s.update.data);
  const [error, setError] = useState<string | null>(null);
  if (!update) return null;

  async function install() {
    setError(null);
    try {
      const next = await bridge.call('update.install');
      useStore.setState({ update: { data: next, loading: false, error: null } });
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  switch (update.state) {
    case 'available':
      return (
        <div className="banner banner-info" role="status" data-testid="update-banner">
          Downloading sota-miner {update.version} in the background…
        </div>
      );
    case 'ready':
      return (
        <div className="banner banner-info banner-action" role="status" data-testid="update-banner">
          <span>
            sota-miner {update.version} is ready. Mining stops for the restart; start it again
            afterwards.
          </span>
          <button type="button" className="button button-primary" onClick={() => void install()}>
            Restart to update
          </button>
          {error && <span className="inline-error">{error}</span>}
        </div>
      );
    case 'waiting':
      return (
        <div className="banner banner-info" role="status" data-testid="update-banner">
          Restarting into sota-miner {update.version} after{' '}
          {update.waitingFor ?? 'the current submission'}.
        </div>
      );
    default:
      return null;
  }
}
