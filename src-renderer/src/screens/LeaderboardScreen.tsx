import { useEffect } from 'react';
import type { Leaderboard, LeaderboardEntry, RatingView } from '../../../shared/ipc/contract';
import { Digest, KeyName, ScoreVersus } from '../components/Names';
import { RecordChart } from '../components/RecordChart';
import { ScreenHeader } from '../components/ScreenHeader';
import { EmptyNote, ErrorNote, Loading } from '../components/StatusNotes';
import { CIFAR10_BINARY } from '../../../shared/protocol/track';
import { trackWords } from '../../../shared/protocol/track-words';
import { formatDateTime, formatPercent } from '../format';
import { useStore } from '../store';

export function LeaderboardScreen() {
  const leaderboard = useStore((s) => s.leaderboard);
  const load = useStore((s) => s.loadLeaderboard);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="screen">
      <ScreenHeader
        title="Leaderboard"
        actions={
          <button
            type="button"
            className="button"
            onClick={() => void load()}
            disabled={leaderboard.loading}
          >
            {leaderboard.loading ? 'Refreshing…' : 'Refresh'}
          </button>
        }
      >
        The best algorithm known to the subnet (the state of the art), and everyone who beat the
        record before.
      </ScreenHeader>
      <LeaderboardBody leaderboard={leaderboard.data} error={leaderboard.error} retry={load} />
    </section>
  );
}

function LeaderboardBody({
  leaderboard,
  error,
  retry,
}: {
  leaderboard: Leaderboard | null;
  error: string | null;
  retry: () => Promise<void>;
}) {
  if (!leaderboard) {
    return error ? (
      <ErrorNote
        title="Could not load the leaderboard"
        message={error}
        onRetry={() => void retry()}
      />
    ) : (
      <Loading label="Asking the validators…" />
    );
  }
  if (leaderboard.source === null) {
    return (
      <EmptyNote title="No validator reachable">
        The leaderboard comes from the subnet’s validators, and none answered just now. Mining still
        works; try again in a minute.
      </EmptyNote>
    );
  }
  // A validator that announces no track is taken to run the default one.
  const words = trackWords(leaderboard.track?.task ?? CIFAR10_BINARY.task);
  return (
    <>
      {error && <ErrorNote title="Could not refresh" message={error} />}
      <p className="muted" data-testid="leaderboard-track">
        The record on <strong>{words.title}</strong> ({leaderboard.track?.id ?? CIFAR10_BINARY.id}):{' '}
        {words.summary}
      </p>
      <CurrentHolder holder={leaderboard.holder} history={leaderboard.history} />
      <section className="panel" aria-labelledby="history-title">
        <div className="panel-header">
          <h3 id="history-title">Record history</h3>
          <span className="muted">from {leaderboard.source}</span>
        </div>
        {leaderboard.history.length === 0 ? (
          <EmptyNote title="No records yet">
            Nobody has beaten the starting algorithm so far.
          </EmptyNote>
        ) : (
          <>
            <p className="muted">
              Scores are {words.scoreName} on the validators&apos; hidden {words.tasks} (
              {words.half}); a new record must beat the one before it there by the subnet&apos;s
              margin.
            </p>
            <RecordChart entries={leaderboard.history} words={words} />
            <HistoryTable entries={leaderboard.history} />
          </>
        )}
      </section>
      {leaderboard.ratings && <RatingsPanel ratings={leaderboard.ratings} />}
    </>
  );
}

/** Miners' and validators' ratings, with the person's own rows marked. */
function RatingsPanel({ ratings }: { ratings: NonNullable<Leaderboard['ratings']> }) {
  return (
    <section className="panel" aria-labelledby="ratings-title" data-testid="leaderboard-ratings">
      <div className="panel-header">
        <h3 id="ratings-title">Ratings</h3>
      </div>
      <p className="muted">
        Every verdict is a match, rated as in chess (Glicko-2): everyone starts at 1500, and 200
        points ahead wins about 3 matches in 4; ± is how sure the rating is (95%). A miner plays the
        holder of the record its claim was judged against; a validator plays the quorum and wins
        when its verdict agrees. Anyone can recompute them from the signed receipts.
      </p>
      <RatingsTable
        title="Miners"
        rows={ratings.miners}
        matches="Claims judged"
        wins="Cleared everywhere"
        testId="ratings-miners"
      />
      <RatingsTable
        title="Validators"
        rows={ratings.validators}
        matches="Verdicts compared"
        wins="Agreed with the quorum"
        testId="ratings-validators"
      />
    </section>
  );
}

function RatingsTable({
  title,
  rows,
  matches,
  wins,
  testId,
}: {
  title: string;
  rows: readonly RatingView[];
  matches: string;
  wins: string;
  testId: string;
}) {
  const own = useStore((s) => s.wallets.data);
  if (rows.length === 0)
    return (
      <EmptyNote title={`No ${title.toLowerCase()} rated yet`}>
        Ratings start with the first verdict.
      </EmptyNote>
    );
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Rank</th>
            <th scope="col">Who</th>
            <th scope="col">Rating</th>
            <th scope="col">{matches}</th>
            <th scope="col">{wins}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => {
            const yours = own?.some((w) => w.address === r.player) ?? false;
            return (
              <tr key={r.player} className={yours ? 'own-row' : undefined}>
                <td className="num">{i + 1}</td>
                <td>
                  {r.player === 'genesis' ? 'The subnet (genesis)' : <KeyName address={r.player} />}
                </td>
                <td className="num">
                  {Math.round(r.rating)} <span className="muted">± {Math.round(2 * r.rd)}</span>
                </td>
                <td className="num">{r.matches}</td>
                <td className="num">{r.wins}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Records by their order: #1 is the first to beat the starting algorithm. */
function recordNumbers(history: readonly LeaderboardEntry[]): Map<LeaderboardEntry, number> {
  const oldestFirst = [...history].sort((a, b) => a.becameAt - b.becameAt);
  return new Map(oldestFirst.map((e, i) => [e, i + 1]));
}

function CurrentHolder({
  holder,
  history,
}: {
  holder: Leaderboard['holder'];
  history: readonly LeaderboardEntry[];
}) {
  const numbers = recordNumbers(history);
  const entry = holder
    ? [...history]
        .filter((e) => e.digest === holder.digest)
        .sort((a, b) => b.becameAt - a.becameAt)[0]
    : undefined;
  return (
    <section
      className="panel holder"
      aria-labelledby="holder-title"
      data-testid="leaderboard-holder"
    >
      <div className="panel-header">
        <h3 id="holder-title">Current record</h3>
      </div>
      {holder ? (
        <>
          <dl className="facts">
            <div>
              <dt>Algorithm</dt>
              <dd>
                {entry ? `Record #${numbers.get(entry)}` : 'The starting algorithm'}{' '}
                <span className="muted">
                  (<Digest digest={holder.digest} />)
                </span>
              </dd>
            </div>
            <div>
              <dt>Found by</dt>
              <dd>{holder.miner ? <KeyName address={holder.miner} /> : 'The subnet (genesis)'}</dd>
            </div>
            <div>
              <dt>Score on hidden tasks</dt>
              <dd data-testid="leaderboard-holder-score">
                {entry ? (
                  <ScoreVersus challenger={entry.challengerScore} holder={entry.holderScore} />
                ) : (
                  <span className="muted">not judged: it is where the subnet started</span>
                )}
              </dd>
            </div>
            <div>
              <dt>Since</dt>
              <dd>{formatDateTime(holder.since)}</dd>
            </div>
          </dl>
          {holder.program && (
            <details className="holder-program">
              <summary>Show the algorithm</summary>
              <pre className="program">{holder.program}</pre>
            </details>
          )}
        </>
      ) : (
        <p className="muted">Nobody holds the record yet.</p>
      )}
    </section>
  );
}

function HistoryTable({ entries }: { entries: readonly LeaderboardEntry[] }) {
  const numbers = recordNumbers(entries);
  const rows = [...entries].sort((a, b) => b.becameAt - a.becameAt);
  return (
    <div className="table-wrap">
      <table className="table" data-testid="leaderboard-history">
        <thead>
          <tr>
            <th scope="col">Record</th>
            <th scope="col">Date</th>
            <th scope="col">Found by</th>
            <th scope="col">Score vs the record before</th>
            <th scope="col">Validator stake that agreed</th>
            <th scope="col">Validators</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={`${e.digest}-${e.becameAt}`}>
              <td>
                #{numbers.get(e)}{' '}
                <span className="muted">
                  (<Digest digest={e.digest} />)
                </span>
              </td>
              <td>{formatDateTime(e.becameAt)}</td>
              <td>
                <KeyName address={e.miner} />
              </td>
              <td className="num">
                <ScoreVersus challenger={e.challengerScore} holder={e.holderScore} />
              </td>
              <td className="num">{formatPercent(e.share)}</td>
              <td className="num">{e.validators}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
