/**
 * The record over time: each new record's score on the validators' hidden tasks, held until the
 * next one (a step line to now), with guessing (0.50) drawn for scale. Drawn by uPlot.
 */
import { useCallback, useMemo } from 'react';
import uPlot from 'uplot';
import type { LeaderboardEntry } from '../../../shared/ipc/contract';
import type { TrackWords } from '../../../shared/protocol/track-words';
import { isFiniteNumber } from '../format';
import {
  cssColor,
  decimalsFor,
  level,
  useUPlot,
  GUESSING,
  scoreValue,
  timeAxis,
} from './chart-support';

const HEIGHT = 200;

function toData(entries: readonly LeaderboardEntry[], nowSeconds: number): uPlot.AlignedData {
  const rows = [...entries].sort((a, b) => a.becameAt - b.becameAt);
  const t = rows.map((e) => e.becameAt / 1000);
  const score = rows.map((e) => e.challengerScore);
  // The last record still stands: carry it to now.
  if (rows.length > 0 && nowSeconds > t[t.length - 1]!) {
    t.push(nowSeconds);
    score.push(score[score.length - 1]!);
  }
  return [t, score, level(t, GUESSING)];
}

function chartOptions(
  width: number,
  host: HTMLElement,
  words: Pick<TrackWords, 'scoreName' | 'halfName'>,
): uPlot.Options {
  const muted = cssColor(host, '--muted', '#8b98a5');
  const grid = cssColor(host, '--grid', 'rgba(128,128,128,0.15)');
  return {
    width,
    height: HEIGHT,
    scales: { x: { time: true } },
    series: [
      {
        label: 'Date',
        value: (_u, v) => (isFiniteNumber(v) ? new Date(v * 1000).toLocaleString() : '–'),
      },
      {
        label: 'Record (hidden tasks)',
        stroke: cssColor(host, '--accent', '#3fb68b'),
        width: 2,
        paths: uPlot.paths.stepped!({ align: 1 }),
        points: { show: true, size: 6 },
        value: scoreValue,
      },
      { label: words.halfName, stroke: muted, width: 1, dash: [4, 4], value: scoreValue },
    ],
    axes: [
      timeAxis(muted, grid, 80),
      {
        label: `Score (${words.scoreName})`,
        stroke: muted,
        grid: { stroke: grid, width: 1 },
        ticks: { stroke: grid, width: 1 },
        values: (_u, ticks, _axis, _space, step) => ticks.map((t) => t.toFixed(decimalsFor(step))),
      },
    ],
    cursor: { drag: { x: false, y: false } },
  };
}

export function RecordChart({
  entries,
  words,
}: {
  entries: readonly LeaderboardEntry[];
  /** What the track's scores mean (axis label, legend, caption). */
  words: TrackWords;
}) {
  const data = useMemo(() => toData(entries, Date.now() / 1000), [entries]);
  const makeOptions = useCallback(
    (width: number, host: HTMLElement) =>
      chartOptions(width, host, { scoreName: words.scoreName, halfName: words.halfName }),
    [words.scoreName, words.halfName],
  );
  const host = useUPlot(makeOptions, data, HEIGHT);
  const latest = [...entries].sort((a, b) => b.becameAt - a.becameAt)[0];
  return (
    <figure className="chart chart-small" data-testid="record-chart" data-points={entries.length}>
      <figcaption className="visually-hidden">
        The record over time: {entries.length} records
        {latest && `, the newest scoring ${latest.challengerScore.toFixed(4)}`}; {words.half}
      </figcaption>
      <div ref={host} className="chart-canvas" aria-hidden="true" />
    </figure>
  );
}
