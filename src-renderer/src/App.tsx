import icon from '../../assets/icon.svg';

/** Where the UI runs: inside the desktop app (preload bridge present) or in a browser tab. */
function shellLabel(): string {
  const api = window.api;
  return api ? `Desktop app ${api.version} · ${api.platform}` : 'Browser';
}

export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <img className="app-logo" src={icon} alt="" width={32} height={32} />
        <div>
          <h1 className="app-title">sota-miner</h1>
          <p className="app-tagline">AutoML-Zero search for verified research breakthroughs</p>
        </div>
        <span className="app-shell">{shellLabel()}</span>
      </header>

      <main className="app-main">
        <section className="empty-state" aria-live="polite">
          <div className="empty-state-dot" aria-hidden="true" />
          <h2>Not connected to a node yet</h2>
          <p>
            The miner, validator and pool run in the sota-miner node. Once this window is connected
            to one, its generations, the best algorithm so far, the current state of the art and the
            leaderboard appear here.
          </p>
        </section>
      </main>
    </div>
  );
}
