import { describe, expect, it } from 'vitest';
import type { MiningStatus } from '../../shared/ipc/contract';
import type { SearchProgress } from '../../shared/search/progress';
import { HISTORY_LIMIT, nextHistory } from './store';
import type { ChartPoint } from './store';

function status(individuals: number, extra: Partial<SearchProgress> = {}): MiningStatus {
  return {
    state: 'running',
    mode: 'solo',
    threads: 1,
    threadsMax: 1,
    target: null,
    track: null,
    evolvingFrom: null,
    claimNote: null,
    pool: null,
    pausedFor: null,
    cpuPercent: null,
    error: null,
    progress: {
      state: 'running',
      elapsedSeconds: 1,
      threads: 1,
      individuals,
      individualsPerSec: 100,
      fecHitRate: 0,
      refused: 0,
      bestFitness: 0.5,
      bestProgram: 'def predict():',
      bestDigest: 'ab',
      islands: [],
      ...extra,
    },
  };
}

describe('chart history', () => {
  it('adds a point per update and ignores updates without progress', () => {
    let h: readonly ChartPoint[] = [];
    h = nextHistory(h, status(10), 1000);
    h = nextHistory(h, { ...status(0), progress: null }, 2000);
    h = nextHistory(h, status(20), 3000);
    expect(h.map((p) => [p.t, p.individuals])).toEqual([
      [1, 10],
      [3, 20],
    ]);
  });

  it('starts over when a new run begins, and has no best score before the first program', () => {
    let h = nextHistory([], status(500), 1000);
    // bestFitness of -Infinity arrives as null over JSON.
    h = nextHistory(
      h,
      status(0, { bestFitness: null as unknown as number, bestProgram: null }),
      2000,
    );
    expect(h).toEqual([{ t: 2, individuals: 0, speed: 100, best: null }]);
  });

  it('keeps the last HISTORY_LIMIT points', () => {
    let h: readonly ChartPoint[] = [];
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) h = nextHistory(h, status(i), i * 1000);
    expect(h).toHaveLength(HISTORY_LIMIT);
    expect(h[0]?.individuals).toBe(5);
  });
});
