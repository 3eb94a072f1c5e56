/**
 * What a running search reports, throttled: typed here so the CLI, the desktop UI and the
 * WebSocket bridge all read the same events.
 */

export type SearchState = 'starting' | 'running' | 'paused' | 'stopping' | 'stopped';

export interface IslandProgress {
  readonly id: number;
  /** Individuals this island has scored, over its whole life (resumed runs included). */
  readonly individuals: number;
  readonly bestFitness: number;
}

export interface SearchProgress {
  readonly state: SearchState;
  readonly elapsedSeconds: number;
  readonly threads: number;
  /** Individuals scored since this run started. */
  readonly individuals: number;
  /** Individuals per second over the last few seconds. */
  readonly individualsPerSec: number;
  /** Share of this run's individuals scored from the functional-equivalence cache. */
  readonly fecHitRate: number;
  /** Individuals refused by the training-cost budget in this run. */
  readonly refused: number;
  readonly bestFitness: number;
  /** The best program so far (DSL) and its digest; null before the first individual. */
  readonly bestProgram: string | null;
  readonly bestDigest: string | null;
  readonly islands: readonly IslandProgress[];
}

/** One line for a terminal or a log: time, speed, cache hits, best fitness. */
export function formatProgressLine(p: SearchProgress): string {
  const s = Math.floor(p.elapsedSeconds);
  const clock = `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  const best = p.bestDigest ? `${p.bestFitness.toFixed(4)} (${p.bestDigest.slice(0, 8)})` : '–';
  return (
    `${clock}  ${p.state}  ${p.threads} thread${p.threads === 1 ? '' : 's'}  ` +
    `${p.individuals.toLocaleString('en-US')} individuals (${Math.round(p.individualsPerSec)}/s)  ` +
    `FEC ${Math.round(100 * p.fecHitRate)}%  best ${best}`
  );
}
