import type { MiningStatus } from '../../../shared/ipc/contract';
import type { TrackWords } from '../../../shared/protocol/track-words';
import { formatCount, formatDuration, formatPercent, formatScore, formatSpeed } from '../format';

/** A short word for the state, and a sentence under it in plain words. */
export const STATE_LABELS: Record<MiningStatus['state'], { word: string; sentence: string }> = {
  idle: { word: 'Not started', sentence: 'Press Start to begin searching' },
  starting: { word: 'Starting…', sentence: 'Getting the search ready' },
  running: { word: 'Running', sentence: 'Your computer is searching' },
  paused: { word: 'Paused', sentence: 'The search waits where it stopped' },
  stopping: { word: 'Stopping…', sentence: 'Saving where the search got to' },
  stopped: { word: 'Stopped', sentence: 'Press Start to search again' },
  error: { word: 'Error', sentence: 'The search stopped because of an error' },
};

/** Why the node paused the search by itself (the person asked for it in Settings). */
const PAUSED_FOR: Record<NonNullable<MiningStatus['pausedFor']>, string> = {
  battery: 'Paused while your computer runs on battery; it goes on when you plug in',
  active: 'Paused while you use the computer; it goes on a minute after you stop',
};

/** The live numbers of a run, in plain words. */
export function StatsGrid({ status, words }: { status: MiningStatus; words: TrackWords }) {
  const p = status.progress;
  const hasBest = p !== null && p.bestProgram !== null;
  return (
    <dl className="stats" aria-live="off">
      <Stat
        label="Status"
        testId="stat-state"
        state={status.state}
        value={STATE_LABELS[status.state].word}
        help={
          status.state === 'paused' && status.pausedFor
            ? PAUSED_FOR[status.pausedFor]
            : STATE_LABELS[status.state].sentence +
              (p && status.state === 'running'
                ? ` (${formatDuration(p.elapsedSeconds)} so far)`
                : '')
        }
      />
      <Stat
        label="Algorithms tried"
        testId="stat-individuals"
        value={formatCount(p?.individuals)}
      />
      <Stat
        label="Speed"
        testId="stat-speed"
        // A speed is only true of a run that is running: a stopped one shows none.
        value={status.state === 'running' ? formatSpeed(p?.individualsPerSec) : '–'}
        help={status.state === 'running' ? undefined : 'Shown while the search runs'}
      />
      <Stat
        label="CPU use"
        testId="stat-cpu"
        value={
          status.state === 'running' && status.cpuPercent !== null
            ? `${Math.round(status.cpuPercent)}%`
            : '–'
        }
        help={
          status.state === 'running'
            ? `Share of your whole computer, with ${status.threads} search thread${status.threads === 1 ? '' : 's'}`
            : 'Share of your whole computer, shown while the search runs'
        }
      />
      <Stat
        label="Already known"
        testId="stat-fec"
        value={formatPercent(p?.fecHitRate)}
        help="Tries that compute exactly what an earlier try did: scored from memory, not trained again"
      />
      <Stat
        label="Best score so far"
        testId="stat-best"
        value={hasBest ? formatScore(p.bestFitness) : '–'}
        help={`${capitalize(words.scoreName)} on your search tasks (${words.half}, ${words.whole})`}
      />
    </dl>
  );
}

function Stat({
  label,
  value,
  help,
  testId,
  state,
}: {
  label: string;
  value: string;
  help?: string | undefined;
  testId: string;
  state?: string;
}) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd data-testid={testId} data-state={state}>
        {value}
      </dd>
      {help && <dd className="stat-help">{help}</dd>}
    </div>
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
