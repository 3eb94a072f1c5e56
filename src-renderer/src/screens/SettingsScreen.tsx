import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import type { Commands, DatasetStatus, Settings } from '../../../shared/ipc/contract';
import { ScreenHeader } from '../components/ScreenHeader';
import { ErrorNote, Loading } from '../components/StatusNotes';
import { errorMessage, formatBytes } from '../format';
import { useBridge, useStore } from '../store';

export function SettingsScreen() {
  const info = useStore((s) => s.nodeInfo);
  const load = useStore((s) => s.loadNodeInfo);

  return (
    <section className="screen">
      <ScreenHeader title="Settings">
        How this node is set up: the network it mines on, the dataset and start at login. The data
        folder is chosen when the node starts (see the README).
      </ScreenHeader>
      {info.data === null ? (
        info.error ? (
          <ErrorNote message={info.error} onRetry={() => void load()} />
        ) : (
          <Loading />
        )
      ) : (
        <>
          <div className="panel">
            <dl className="facts facts-rows" data-testid="node-info">
              <Fact label="Data folder">
                <code>{info.data.dataDir}</code>
              </Fact>
              <Fact label="CPU cores">
                {info.data.cores} (uses {info.data.defaultThreads} by default)
              </Fact>
              <Fact label="Version">
                {info.data.version} (
                {info.data.shell === 'desktop' ? 'desktop app' : 'headless node'})
              </Fact>
            </dl>
          </div>
          <NetworkPanel />
          <DatasetPanel />
          <StartAtLoginPanel />
          <PowerPanel />
        </>
      )}
    </section>
  );
}

/** The network and subnet for direct mining, the wallet's balances and the leaderboard. */
function NetworkPanel() {
  const bridge = useBridge();
  const settings = useStore((s) => s.settings);
  const loadNodeInfo = useStore((s) => s.loadNodeInfo);
  const [network, setNetwork] = useState<string | null>(null);
  const [netuid, setNetuid] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const data = settings.data;
  if (data === null) return settings.error ? <ErrorNote message={settings.error} /> : <Loading />;
  const shownNetwork = network ?? data.network ?? '';
  const shownNetuid = netuid ?? (data.netuid === null ? '' : String(data.netuid));

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      const next = await bridge.call('settings.set', {
        network: shownNetwork.trim() || null,
        netuid: shownNetuid.trim() === '' ? null : Number(shownNetuid),
      });
      useStore.setState({ settings: { data: next, loading: false, error: null } });
      setNetwork(null);
      setNetuid(null);
      setSaved(true);
      void loadNodeInfo();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  return (
    <form className="panel form" onSubmit={(e) => void save(e)} noValidate>
      <div className="panel-header">
        <h3>Network</h3>
      </div>
      <div className="field">
        <label htmlFor="network">Network</label>
        <input
          id="network"
          type="text"
          list="networks"
          placeholder="finney"
          value={shownNetwork}
          onChange={(e) => setNetwork(e.target.value)}
          spellCheck={false}
          data-testid="network"
        />
        <datalist id="networks">
          <option value="finney" />
          <option value="test" />
          <option value="local" />
        </datalist>
        <p className="field-help">
          finney (main), test, local, or your node’s ws:// or wss:// address.
        </p>
      </div>
      <div className="field">
        <label htmlFor="netuid">Subnet (netuid)</label>
        <input
          id="netuid"
          type="number"
          min={1}
          max={65535}
          value={shownNetuid}
          onChange={(e) => setNetuid(e.target.value)}
          data-testid="netuid"
        />
      </div>
      {error && (
        <p className="inline-error" role="alert" data-testid="network-error">
          {error}
        </p>
      )}
      {saved && (
        <p className="muted" role="status" data-testid="network-saved">
          Saved. Direct mining, the wallet and the leaderboard use it from now on.
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button button-primary" data-testid="network-save">
          Save
        </button>
      </div>
    </form>
  );
}

/** CIFAR-10: where it is, or a download with its progress. */
function DatasetPanel() {
  const bridge = useBridge();
  const dataset = useStore((s) => s.dataset);
  const [startError, setStartError] = useState<string | null>(null);
  const status = dataset.data;

  async function download() {
    setStartError(null);
    try {
      useStore.setState({
        dataset: { data: await bridge.call('dataset.download'), loading: false, error: null },
      });
    } catch (error) {
      setStartError(errorMessage(error));
    }
  }

  return (
    <div className="panel" data-testid="dataset-panel">
      <div className="panel-header">
        <h3>Dataset (CIFAR-10)</h3>
      </div>
      {status === null ? (
        dataset.error ? (
          <ErrorNote message={dataset.error} />
        ) : (
          <Loading />
        )
      ) : (
        <>
          <p data-testid="dataset-state">{datasetSentence(status)}</p>
          {status.state === 'downloading' && <DownloadProgress status={status} />}
          {(status.state === 'missing' || status.state === 'error') && (
            <button
              type="button"
              className="button button-primary"
              onClick={() => void download()}
              data-testid="dataset-download"
            >
              {status.state === 'error' ? 'Try the download again' : 'Download now (170 MB)'}
            </button>
          )}
          {startError && (
            <p className="inline-error" role="alert">
              {startError}
            </p>
          )}
        </>
      )}
    </div>
  );
}

function datasetSentence(s: DatasetStatus): ReactNode {
  switch (s.state) {
    case 'ready':
      return (
        <>
          Ready, in <code>{s.dir}</code>.
        </>
      );
    case 'missing':
      return 'Not on this computer yet. Mining downloads it on first start, or download it now.';
    case 'downloading':
      return (
        <>
          Downloading into <code>{s.dir}</code>…
        </>
      );
    case 'error':
      return <span className="inline-error">The dataset is not usable: {s.error}</span>;
  }
}

const PHASES: Record<NonNullable<DatasetStatus['phase']>, string> = {
  download: 'Downloading',
  extract: 'Unpacking',
  verify: 'Checking',
};

function DownloadProgress({ status }: { status: DatasetStatus }) {
  const phase = PHASES[status.phase ?? 'download'];
  const total = status.totalBytes;
  const share = total ? Math.min(1, status.receivedBytes / total) : null;
  return (
    <div className="download-progress">
      <progress
        max={1}
        value={share ?? undefined}
        aria-label={`${phase} the dataset`}
        data-testid="dataset-progress"
      />
      <span className="muted">
        {phase}: {formatBytes(status.receivedBytes)}
        {total ? ` of ${formatBytes(total)} (${Math.round(share! * 100)}%)` : ''}
      </span>
    </div>
  );
}

/** Saves a change of the settings and keeps the store's copy in step; the error, if any. */
function useSaveSettings(): [(patch: SettingsPatch) => Promise<void>, string | null] {
  const bridge = useBridge();
  const [error, setError] = useState<string | null>(null);
  const save = async (patch: SettingsPatch) => {
    setError(null);
    try {
      const next = await bridge.call('settings.set', patch);
      useStore.setState({ settings: { data: next, loading: false, error: null } });
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return [save, error];
}

type SettingsPatch = Commands['settings.set']['args'];

/** Pause on battery, pause while the person is active: the desktop app only. */
function PowerPanel() {
  const settings = useStore((s) => s.settings);
  const [save, error] = useSaveSettings();
  const data: Settings | null = settings.data;
  if (data === null) return null;
  return (
    <div className="panel" data-testid="power-settings">
      <div className="panel-header">
        <h3>When to rest</h3>
      </div>
      <Toggle
        checked={data.pauseOnBattery}
        disabled={!data.powerSupported}
        onChange={(on) => void save({ pauseOnBattery: on })}
        testId="pause-on-battery"
      >
        Pause the search while my computer runs on battery
      </Toggle>
      <Toggle
        checked={data.pauseWhenActive}
        disabled={!data.powerSupported}
        onChange={(on) => void save({ pauseWhenActive: on })}
        testId="pause-when-active"
      >
        Pause the search while I use the computer (it goes on a minute after I stop)
      </Toggle>
      {!data.powerSupported && (
        <p className="muted" data-testid="power-note">
          Only the desktop app can see your battery and when you use the computer. A headless node
          searches whenever it runs; choose its threads to leave room for other work.
        </p>
      )}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function StartAtLoginPanel() {
  const settings = useStore((s) => s.settings);
  const [save, error] = useSaveSettings();
  const data: Settings | null = settings.data;
  const toggle = (on: boolean) => save({ startAtLogin: on });

  return (
    <div className="panel">
      <div className="panel-header">
        <h3>Start at login</h3>
      </div>
      {data === null ? (
        settings.error ? (
          <ErrorNote message={settings.error} />
        ) : (
          <Loading />
        )
      ) : (
        <>
          <Toggle
            checked={data.startAtLogin}
            disabled={!data.startAtLoginSupported}
            onChange={(on) => void toggle(on)}
            testId="start-at-login"
          >
            Start sota-miner when I log in (in the tray, without a window)
          </Toggle>
          {!data.startAtLoginSupported && (
            <p className="muted" data-testid="start-at-login-note">
              Only the desktop app starts at login. A headless node is started by your service
              manager (systemd, launchd) instead.
            </p>
          )}
          {error && (
            <p className="inline-error" role="alert">
              {error}
            </p>
          )}
        </>
      )}
    </div>
  );
}

/** A setting that is on or off, saved as soon as it changes. */
function Toggle({
  checked,
  disabled,
  onChange,
  testId,
  children,
}: {
  checked: boolean;
  disabled: boolean;
  onChange: (on: boolean) => void;
  testId: string;
  children: ReactNode;
}) {
  return (
    <label className="checkbox">
      <input
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
        data-testid={testId}
      />
      {children}
    </label>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
