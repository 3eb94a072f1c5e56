import icon from '../../../assets/icon.svg';
import { ChainBadge, ConnectionBadge } from './ConnectionBadge';

/** Where the UI runs: inside the desktop app or in a browser tab. */
function shellLabel(): string {
  const api = window.api;
  return api ? `Desktop app ${api.version}` : 'Browser';
}

export function AppHeader() {
  return (
    <header className="app-header">
      <img className="app-logo" src={icon} alt="" width={32} height={32} />
      <div className="app-heading">
        <h1 className="app-title">sota-miner</h1>
        <p className="app-tagline">Searching for better machine-learning algorithms</p>
      </div>
      <div className="app-header-end">
        <ConnectionBadge />
        <ChainBadge />
        <span className="app-shell">{shellLabel()}</span>
      </div>
    </header>
  );
}
