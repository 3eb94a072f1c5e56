import { useEffect, useState } from 'react';
import type { MiningMode, MiningStatus, NodeInfo, PoolView } from '../../../shared/ipc/contract';
import { BestProgram } from '../components/BestProgram';
import { EvolvingFromNote } from '../components/EvolvingFromNote';
import { MiningControls } from '../components/MiningControls';
import type { MiningAction } from '../components/MiningControls';
import { ModePicker } from '../components/ModePicker';
import { PoolFinder } from '../components/PoolFinder';
import { PoolPayoutsTable } from '../components/PoolPayoutsTable';
import { ScreenHeader } from '../components/ScreenHeader';
import { SpeedChart } from '../components/SpeedChart';
import { StatsGrid } from '../components/StatsGrid';
import { EmptyNote, ErrorNote, Loading } from '../components/StatusNotes';
import { SubmissionsTable } from '../components/SubmissionsTable';
import { TargetNote } from '../components/TargetNote';
import { TrackNote } from '../components/TrackNote';
import { TrackPicker } from '../components/TrackPicker';
import { BUILT_IN_TRACKS, CIFAR10_BINARY } from '../../../shared/protocol/track';
import { trackWords, type TrackWords } from '../../../shared/protocol/track-words';
import { clampThreads, ThreadsField } from '../components/ThreadsField';
import { errorMessage, formatCount, formatTaoExact, isFiniteNumber } from '../format';
import { routeHref } from '../router';
import { useBridge, useStore } from '../store';

const SUBMISSIONS_REFRESH_MS = 5000;

export function MiningScreen() {
  const mining = useStore((s) => s.mining);
  const nodeInfo = useStore((s) => s.nodeInfo);
  const loadMiningStatus = useStore((s) => s.loadMiningStatus);
  const loadNodeInfo = useStore((s) => s.loadNodeInfo);

  const header = (
    <ScreenHeader title="Mining">
      Your computer tries new machine-learning algorithms and keeps the best one.
    </ScreenHeader>
  );

  const error = mining.error ?? nodeInfo.error;
  if ((!mining.data || !nodeInfo.data) && error) {
    return (
      <section className="screen">
        {header}
        <ErrorNote
          title="Could not reach the miner"
          message={error}
          onRetry={() => {
            void loadNodeInfo();
            void loadMiningStatus();
          }}
        />
      </section>
    );
  }
  if (!mining.data || !nodeInfo.data) {
    return (
      <section className="screen">
        {header}
        <Loading label="Asking your node how mining is going…" />
      </section>
    );
  }
  return (
    <section className="screen">
      {header}
      <MiningPanel status={mining.data} info={nodeInfo.data} />
      {mining.data.evolvingFrom && <EvolvingFromNote text={mining.data.evolvingFrom} />}
      {mining.data.mode === 'pool' && mining.data.pool ? (
        <PoolPanel pool={mining.data.pool} />
      ) : (
        <>
          <LiveView status={mining.data} />
          {/* Solo sends nothing anywhere: claims exist only in direct mode. */}
          {mining.data.mode === 'direct' && (
            <SubmissionsPanel words={trackWords(mining.data.track?.task ?? CIFAR10_BINARY.task)} />
          )}
        </>
      )}
    </section>
  );
}

/** Mode, threads and the buttons; the choices lock while a run is going. */
function MiningPanel({ status, info }: { status: MiningStatus; info: NodeInfo }) {
  const bridge = useBridge();
  const applyMiningStatus = useStore((s) => s.applyMiningStatus);
  const hasWallet = useStore((s) => (s.wallets.data?.length ?? 0) > 0);
  const online = useStore((s) => s.connection === 'connected');
  const [mode, setMode] = useState<MiningMode | null>(null);
  const [threads, setThreads] = useState<number | null>(null);
  const [poolUrl, setPoolUrl] = useState('');
  const [fresh, setFresh] = useState(false);
  const [trackId, setTrackId] = useState<string>(CIFAR10_BINARY.id);
  const [busy, setBusy] = useState<MiningAction | null>(null);
  const [commandError, setCommandError] = useState<string | null>(null);

  const active = status.state !== 'idle' && status.state !== 'stopped' && status.state !== 'error';
  const shownMode = (active ? status.mode : null) ?? mode ?? status.mode ?? 'solo';
  const shownTrack = (active ? status.track?.id : null) ?? trackId;
  const shownThreads = clampThreads(
    (active ? status.threads : null) ?? threads ?? info.defaultThreads,
    info.cores,
  );

  // Solo and direct searches change threads while running; a pool run does not.
  const liveThreads =
    (status.state === 'running' || status.state === 'paused') && status.mode !== 'pool';

  async function changeThreads(n: number) {
    setCommandError(null);
    try {
      applyMiningStatus(await bridge.call('mining.threads', { threads: n }));
    } catch (error) {
      setCommandError(errorMessage(error));
    }
  }

  async function run(action: MiningAction) {
    setBusy(action);
    setCommandError(null);
    try {
      const next =
        action === 'start'
          ? await bridge.call('mining.start', {
              mode: shownMode,
              threads: shownThreads,
              ...(shownMode === 'pool' ? { poolUrl } : { fresh, track: shownTrack }),
            })
          : action === 'pause'
            ? await bridge.call('mining.pause')
            : action === 'resume'
              ? await bridge.call('mining.resume')
              : await bridge.call('mining.stop');
      applyMiningStatus(next);
    } catch (error) {
      setCommandError(errorMessage(error));
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="panel mining-panel">
      <div className="mining-setup">
        <ModePicker value={shownMode} onChange={setMode} disabled={active || busy !== null} />
        <div>
          {shownMode !== 'pool' && (
            <TrackPicker
              value={shownTrack}
              onChange={setTrackId}
              disabled={active || busy !== null}
            />
          )}
          <ThreadsField
            value={shownThreads}
            // While a search runs, its threads can go down and back up to what it started with.
            max={liveThreads ? status.threadsMax : info.cores}
            cores={info.cores}
            onChange={liveThreads ? (n) => void changeThreads(n) : setThreads}
            disabled={(active && !liveThreads) || busy !== null}
          />
          {liveThreads && status.threadsMax < info.cores && (
            <p className="field-help">
              This run started with {status.threadsMax} of {info.cores}: stop and start again to use
              more.
            </p>
          )}
          {shownMode === 'pool' && (
            <div className="field">
              <label htmlFor="pool-url">Pool address</label>
              <input
                id="pool-url"
                type="url"
                placeholder="http://pool.example:8092"
                value={active && status.pool ? status.pool.url : poolUrl}
                onChange={(e) => setPoolUrl(e.target.value)}
                disabled={active || busy !== null}
                spellCheck={false}
                data-testid="pool-url"
              />
              {!active && (
                <PoolFinder
                  networkSet={info.netuid !== null}
                  onPick={(url) => setPoolUrl(url)}
                  disabled={busy !== null}
                />
              )}
            </div>
          )}
          {shownMode !== 'solo' && !hasWallet && (
            <p className="field-help">
              {shownMode === 'direct' ? 'Direct' : 'Pool'} mining sends results under your key.{' '}
              <a href={routeHref('wallet')}>Add a key</a> first.
            </p>
          )}
          {shownMode !== 'pool' && !active && (
            <label className="checkbox">
              <input
                type="checkbox"
                checked={fresh}
                onChange={(e) => setFresh(e.target.checked)}
                disabled={busy !== null}
                data-testid="start-fresh"
              />
              Start fresh: do not continue the search saved on this computer (it is replaced)
            </label>
          )}
          {/* Pools and image tracks need CIFAR-10; teacher tracks make their own tasks. */}
          {!info.datasetReady && (shownMode === 'pool' || !isTeacherTrack(shownTrack)) && (
            <p className="field-help">
              The first start downloads the CIFAR-10 image dataset (about 160 MB), which can take a
              few minutes.
            </p>
          )}
        </div>
      </div>
      <MiningControls
        state={status.state}
        busy={busy}
        disabled={!online}
        canPause={shownMode !== 'pool'}
        onAction={(a) => void run(a)}
      />
      {commandError && (
        <p className="inline-error" role="alert" data-testid="mining-command-error">
          {commandError}
        </p>
      )}
      {status.state === 'error' && (
        <ErrorNote
          title="Mining stopped because of an error"
          message={status.error ?? 'The node did not say why.'}
        />
      )}
    </div>
  );
}

/** Live numbers, the chart, the target and the best algorithm. */
function LiveView({ status }: { status: MiningStatus }) {
  const history = useStore((s) => s.history);
  const p = status.progress;
  // Until a start says which track the search works on, the default one's words.
  const words = trackWords(status.track?.task ?? CIFAR10_BINARY.task);
  return (
    <>
      <StatsGrid status={status} words={words} />
      {status.track && <TrackNote track={status.track} mode={status.mode ?? 'solo'} />}
      {status.target && <TargetNote target={status.target} words={words} />}
      {status.claimNote && (
        <p className="claim-note" data-testid="claim-note">
          {status.claimNote}
        </p>
      )}
      <section className="panel" aria-labelledby="chart-title">
        <div className="panel-header">
          <h3 id="chart-title">Speed and best score</h3>
        </div>
        <SpeedChart points={history} target={status.target?.needed ?? null} words={words} />
      </section>
      <BestProgram
        program={p?.bestProgram ?? null}
        digest={p?.bestDigest ?? null}
        fitness={p && isFiniteNumber(p.bestFitness) ? p.bestFitness : null}
      />
    </>
  );
}

/** Pool mode: the work done for the pool, what it has booked for this miner and paid it. */
function PoolPanel({ pool }: { pool: PoolView }) {
  return (
    <>
      <PoolWorkPanel pool={pool} />
      <PoolEarningsPanel pool={pool} />
    </>
  );
}

function PoolWorkPanel({ pool }: { pool: PoolView }) {
  return (
    <section className="panel" aria-labelledby="pool-title" data-testid="pool-panel">
      <div className="panel-header">
        <h3 id="pool-title">Working for {pool.url}</h3>
        <span className="muted">pool fee {(pool.feeBps / 100).toFixed(2)}%</span>
      </div>
      <dl className="facts">
        <div>
          <dt>Work units sent</dt>
          <dd data-testid="pool-units">{formatCount(pool.units)}</dd>
        </div>
        <div>
          <dt>Confirmed by other miners</dt>
          <dd data-testid="pool-accepted">{formatCount(pool.accepted)}</dd>
        </div>
        <div>
          <dt>Not confirmed</dt>
          <dd>{formatCount(pool.rejected)}</dd>
        </div>
        <div>
          <dt>Your shares this window</dt>
          <dd data-testid="pool-shares">{pool.shares ?? '–'}</dd>
        </div>
        <div>
          <dt>Reputation</dt>
          <dd>{pool.reputation ?? '–'}</dd>
        </div>
      </dl>
      <p className="muted">
        Each unit is also given to other miners; it counts when two results agree exactly. When the
        pool’s best algorithm wins, its reward is split by shares and paid to your key.
      </p>
    </section>
  );
}

/** What the pool owes and has paid, and whether its published splits add up. */
function PoolEarningsPanel({ pool }: { pool: PoolView }) {
  const check =
    pool.splitsFailed > 0
      ? {
          tone: 'tag-rejected',
          text: `${pool.splitsFailed} of ${pool.splitsChecked} splits do not match the pool’s share table`,
        }
      : pool.splitsChecked > 0
        ? {
            tone: 'tag-accepted',
            text: `${pool.splitsChecked} ${pool.splitsChecked === 1 ? 'split' : 'splits'} recomputed: ${pool.splitsChecked === 1 ? 'it matches' : 'they match'} the share table`,
          }
        : null;
  return (
    <section className="panel" aria-labelledby="earnings-title" data-testid="pool-earnings">
      <div className="panel-header">
        <h3 id="earnings-title">Earnings</h3>
        {check && (
          <span className={`tag ${check.tone}`} data-testid="pool-split-check">
            {check.text}
          </span>
        )}
      </div>
      {pool.windowBlocks === null ? (
        <p className="muted" data-testid="pool-pays-nothing">
          This pool does not pay out: it runs without a chain connection or without the key that
          pays. Work done for it earns shares only.
        </p>
      ) : (
        <dl className="facts">
          <div>
            <dt>Waiting to be paid</dt>
            <dd data-testid="pool-pending">{formatTaoExact(pool.pendingRao ?? '')}</dd>
          </div>
          <div>
            <dt>Paid so far</dt>
            <dd data-testid="pool-paid">{formatTaoExact(pool.paidRao ?? '')}</dd>
          </div>
          <div>
            <dt>Smallest payout</dt>
            <dd>{formatTaoExact(pool.minimumPayoutRao)}</dd>
          </div>
        </dl>
      )}
      {pool.payouts.length > 0 ? (
        <PoolPayoutsTable payouts={pool.payouts} />
      ) : (
        pool.windowBlocks !== null && (
          <EmptyNote title="No payouts yet">
            When the pool’s algorithm holds the record, its reward is split by shares at the end of
            the window (at least {formatCount(pool.windowBlocks)} blocks) and sent to the coldkey
            that owns your key.
          </EmptyNote>
        )
      )}
    </section>
  );
}

/** The node's submissions, refreshed every few seconds while this screen is open. */
function SubmissionsPanel({ words }: { words: TrackWords }) {
  const submissions = useStore((s) => s.submissions);
  const loadSubmissions = useStore((s) => s.loadSubmissions);

  useEffect(() => {
    void loadSubmissions();
    const timer = setInterval(() => void loadSubmissions(), SUBMISSIONS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [loadSubmissions]);

  return (
    <section className="panel" aria-labelledby="submissions-title">
      <div className="panel-header">
        <h3 id="submissions-title">Sent to validators</h3>
      </div>
      {submissions.data === null ? (
        submissions.error ? (
          <ErrorNote message={submissions.error} onRetry={() => void loadSubmissions()} />
        ) : (
          <Loading />
        )
      ) : submissions.data.length === 0 ? (
        <EmptyNote title="Nothing sent yet">
          In direct mode, an algorithm that beats the current record is sent to the validators
          automatically and appears here.
        </EmptyNote>
      ) : (
        <SubmissionsTable submissions={submissions.data} words={words} />
      )}
    </section>
  );
}

function isTeacherTrack(id: string): boolean {
  return BUILT_IN_TRACKS.find((t) => t.id === id)?.task.family === 'teacher';
}
