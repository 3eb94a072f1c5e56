import { useCallback, useEffect, useState } from 'react';
import { CIFAR10_BINARY, builtInTrack } from '../../../shared/protocol/track';
import { trackWords } from '../../../shared/protocol/track-words';
import type { ValidatorStatus } from '../../../shared/protocol/validator-status';
import { Address, Digest, ScoreVersus } from '../components/Names';
import { ScreenHeader } from '../components/ScreenHeader';
import { EmptyNote, ErrorNote, Loading } from '../components/StatusNotes';
import { errorMessage, formatDateTime, formatDuration, formatPercent } from '../format';
import { useBridge } from '../store';

/** How often the screen asks the validator again while it is open. */
const REFRESH_MS = 10_000;

type View =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ok'; readonly status: ValidatorStatus | null; readonly error: string | null }
  | { readonly kind: 'error'; readonly message: string };

function useValidatorStatus(): { view: View; refresh: () => void } {
  const bridge = useBridge();
  const [view, setView] = useState<View>({ kind: 'loading' });
  const refresh = useCallback(() => {
    bridge.call('validator.status').then(
      (status) => setView({ kind: 'ok', status, error: null }),
      (e: unknown) =>
        // Keep what was shown, and say that it could not be refreshed.
        setView((v) =>
          v.kind === 'ok'
            ? { ...v, error: errorMessage(e) }
            : { kind: 'error', message: errorMessage(e) },
        ),
    );
  }, [bridge]);
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [refresh]);
  return { view, refresh };
}

/** The dashboard of a validator: what it judges, what it decided, what it set on chain. */
export function ValidatorScreen() {
  const { view, refresh } = useValidatorStatus();
  return (
    <section className="screen">
      <ScreenHeader
        title="Validator"
        actions={
          <button type="button" className="button" onClick={refresh}>
            Refresh
          </button>
        }
      >
        What your validator does: the claims it judges on its hidden tasks, its verdicts, the
        weights it sets on chain, and how the other validators’ verdicts compare with yours.
      </ScreenHeader>
      {view.kind === 'loading' && <Loading label="Asking your validator…" />}
      {view.kind === 'error' && (
        <ErrorNote title="Your validator did not answer" message={view.message} onRetry={refresh} />
      )}
      {view.kind === 'ok' && view.status === null && (
        <EmptyNote title="No validator here">
          This node does not run a validator. Start one with <code>--validator</code>; its own
          dashboard shows this screen.
        </EmptyNote>
      )}
      {view.kind === 'ok' && view.status && (
        <>
          {view.error && <ErrorNote title="Could not refresh" message={view.error} />}
          <Overview status={view.status} />
          <Verdicts status={view.status} />
          <Weights status={view.status} />
          <Peers status={view.status} />
        </>
      )}
    </section>
  );
}

function Overview({ status }: { status: ValidatorStatus }) {
  const { chain, queue } = status;
  return (
    <section
      className="panel"
      aria-labelledby="validator-overview"
      data-testid="validator-overview"
    >
      <div className="panel-header">
        <h3 id="validator-overview">Your validator</h3>
        <Address address={status.hotkey} />
      </div>
      <dl className="facts">
        <div>
          <dt>Chain</dt>
          <dd data-testid="validator-chain">
            {chain.connected ? (
              <>
                Connected · block {chain.block.toLocaleString()}
                {chain.blockAgeSeconds !== null && (
                  <span className="muted">
                    {' '}
                    · last block {formatDuration(chain.blockAgeSeconds)} ago
                  </span>
                )}
              </>
            ) : (
              <strong>
                Not connected: your validator cannot check commitments or set weights until the
                chain answers again
              </strong>
            )}
          </dd>
        </div>
        <div>
          <dt>Round</dt>
          <dd>{status.round.toLocaleString()} (its hidden tasks change every round)</dd>
        </div>
        <div>
          <dt>Waiting to be judged</dt>
          <dd data-testid="validator-queue">
            {queue.depth === 0
              ? 'Nothing: every claim received has a verdict'
              : `${queue.depth} ${queue.depth === 1 ? 'claim' : 'claims'}`}
          </dd>
        </div>
      </dl>
    </section>
  );
}

function Verdicts({ status }: { status: ValidatorStatus }) {
  // The validator names its track by id; a variant of a built-in track reads as the built-in one.
  const words = trackWords((builtInTrack(status.track) ?? CIFAR10_BINARY).task);
  return (
    <section className="panel" aria-labelledby="validator-verdicts">
      <div className="panel-header">
        <h3 id="validator-verdicts">Latest verdicts</h3>
        <span className="muted">
          scores: {words.scoreName} on this round’s hidden tasks ({words.half})
        </span>
      </div>
      {status.verdicts.length === 0 ? (
        <EmptyNote title="No verdicts yet">Your validator has not judged a claim so far.</EmptyNote>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="validator-verdicts">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Algorithm</th>
                <th scope="col">Miner</th>
                <th scope="col">Verdict</th>
                <th scope="col">Claim vs record</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {status.verdicts.map((v) => (
                <tr key={`${v.digest}-${v.issuedAt}`}>
                  <td>{formatDateTime(v.issuedAt)}</td>
                  <td>
                    <Digest digest={v.digest} />
                  </td>
                  <td>
                    <Address address={v.miner} />
                  </td>
                  <td>{v.verdict === 'accept' ? 'Accepted' : 'Rejected'}</td>
                  <td className="num">
                    <ScoreVersus challenger={v.challengerScore} holder={v.holderScore} />
                  </td>
                  <td>{v.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Weights({ status }: { status: ValidatorStatus }) {
  return (
    <section className="panel" aria-labelledby="validator-weights">
      <div className="panel-header">
        <h3 id="validator-weights">Weights set on chain</h3>
        <span className="muted">how your validator splits the subnet’s emission</span>
      </div>
      {status.weights.length === 0 ? (
        <EmptyNote title="No weights set yet">
          Your validator sets them once per tempo, when it holds a validator permit.
        </EmptyNote>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="validator-weights">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Block</th>
                <th scope="col">Share of your vote</th>
                <th scope="col">How</th>
              </tr>
            </thead>
            <tbody>
              {status.weights.map((w) => {
                const total = w.weights.reduce((a, b) => a + b, 0);
                return (
                  <tr key={`${w.block}-${w.at}`}>
                    <td>{formatDateTime(w.at)}</td>
                    <td className="num">{w.block.toLocaleString()}</td>
                    <td>
                      {w.uids
                        .map(
                          (uid, i) =>
                            `uid ${uid}: ${formatPercent((w.weights[i] ?? 0) / (total || 1))}`,
                        )
                        .join(', ')}
                    </td>
                    <td>{w.mode === 'committed' ? 'committed, revealed later' : 'set directly'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Peers({ status }: { status: ValidatorStatus }) {
  return (
    <section className="panel" aria-labelledby="validator-peers">
      <div className="panel-header">
        <h3 id="validator-peers">Other validators</h3>
        <span className="muted">
          every neuron with a validator permit; agreement: the claims both judged, with the same
          verdict
        </span>
      </div>
      {status.peers.length === 0 ? (
        <EmptyNote title="No other validators">
          Your validator is the only one on this subnet so far.
        </EmptyNote>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="validator-peers">
            <thead>
              <tr>
                <th scope="col">Validator</th>
                <th scope="col">Stake on this subnet</th>
                <th scope="col">Reachable</th>
                <th scope="col">Agrees with you</th>
                <th scope="col">Round audits</th>
              </tr>
            </thead>
            <tbody>
              {status.peers.map((p) => {
                const both = p.agreed + p.disagreed;
                return (
                  <tr key={p.hotkey}>
                    <td>
                      <Address address={p.hotkey} />
                    </td>
                    <td className="num">
                      {p.stakeAlpha.toLocaleString(undefined, { maximumFractionDigits: 2 })} α
                    </td>
                    <td>{p.reachable ? 'Yes' : 'No endpoint it can reach'}</td>
                    <td>
                      {both === 0
                        ? 'No claim judged by both yet'
                        : `${p.agreed} of ${both} (${formatPercent(p.agreed / both)})`}
                    </td>
                    <td>
                      {p.auditsOk + p.auditsFailed === 0
                        ? 'None finished yet'
                        : `${p.auditsOk} matched${p.auditsFailed ? `, ${p.auditsFailed} did not` : ''}`}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
