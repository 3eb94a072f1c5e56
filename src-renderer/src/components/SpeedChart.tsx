/**
 * Speed (algorithms per second, left axis) and best score (right axis) over time, drawn by uPlot,
 * with the score of guessing (0.50) and, in direct mode, the score a claim needs as flat lines.
 */
import { useCallback, useMemo } from 'react';
import type uPlot from 'uplot';
import type { TrackWords } from '../../../shared/protocol/track-words';
import { isFiniteNumber } from '../format';
import type { ChartPoint } from '../store';
import {
  clockLabel,
  cssColor,
  decimalsFor,
  level,
  useUPlot,
  GUESSING,
  scoreValue,
  timeAxis,
} from './chart-support';

const HEIGHT = 240;

function toData(points: readonly ChartPoint[], target: number | null): uPlot.AlignedData {
  const t = points.map((p) => p.t);
  const speed = points.map((p) => p.speed);
  const best = points.map((p) => p.best);
  const guessing = level(t, GUESSING);
  return target === null
    ? [t, speed, best, guessing]
    : [t, speed, best, guessing, level(t, target)];
}

/** The chart's options; with a target, a fifth series draws it (and names it in the legend). */
function chartOptions(
  width: number,
  host: HTMLElement,
  withTarget: boolean,
  words: Pick<TrackWords, 'scoreName' | 'halfName'>,
): uPlot.Options {
  const color = (name: string, fallback: string): string => cssColor(host, name, fallback);
  const muted = color('--muted', '#8b98a5');
  const grid = color('--grid', 'rgba(128,128,128,0.15)');
  const axis = (scale: string, label: string, side?: 1) => ({
    scale,
    label,
    stroke: muted,
    grid: { show: side === undefined, stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
    ...(side === undefined ? {} : { side }),
  });
  return {
    width,
    height: HEIGHT,
    scales: {
      x: { time: true },
      speed: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
    },
    series: [
      { label: 'Time', value: (_u, v) => (isFiniteNumber(v) ? clockLabel(v, 1) : '–') },
      {
        label: 'Algorithms per second',
        scale: 'speed',
        stroke: color('--accent', '#3fb68b'),
        width: 2,
        value: (_u, v) => (isFiniteNumber(v) ? Math.round(v).toLocaleString() : '–'),
      },
      {
        label: 'Best score',
        scale: 'best',
        stroke: color('--accent-2', '#6ea8fe'),
        width: 2,
        spanGaps: true,
        value: scoreValue,
      },
      {
        label: words.halfName,
        scale: 'best',
        stroke: muted,
        width: 1,
        dash: [4, 4],
        value: scoreValue,
      },
      ...(withTarget
        ? [
            {
              label: 'Needed to win',
              scale: 'best',
              stroke: color('--text', '#e6edf3'),
              width: 1.5,
              dash: [8, 4],
              value: scoreValue,
            },
          ]
        : []),
    ],
    axes: [
      timeAxis(muted, grid, 70),
      axis('speed', 'Algorithms per second'),
      {
        ...axis('best', `Score (${words.scoreName})`, 1),
        values: (_u, ticks, _axis, _space, step) => ticks.map((t) => t.toFixed(decimalsFor(step))),
      },
    ],
    cursor: { drag: { x: false, y: false } },
  };
}

export function SpeedChart({
  points,
  target = null,
  words,
}: {
  points: readonly ChartPoint[];
  /** The score a claim needs (direct mode), drawn as a line; null when there is none. */
  target?: number | null;
  /** What the track's scores mean (axis label, caption). */
  words: TrackWords;
}) {
  const data = useMemo(() => toData(points, target), [points, target]);
  // A chart with or without the target's series: made again when a target comes or goes.
  const withTarget = target !== null;
  const makeOptions = useCallback(
    (width: number, host: HTMLElement) =>
      chartOptions(width, host, withTarget, {
        scoreName: words.scoreName,
        halfName: words.halfName,
      }),
    [withTarget, words.scoreName, words.halfName],
  );
  const host = useUPlot(makeOptions, data, HEIGHT);

  return (
    <figure className="chart" data-testid="chart" data-points={points.length}>
      <figcaption className="visually-hidden">
        Speed and best score over time ({points.length} updates); {words.half}
        {target !== null && `; a claim needs ${target.toFixed(4)}`}
      </figcaption>
      <div ref={host} className="chart-canvas" aria-hidden="true" />
      {points.length < 2 && (
        <p className="chart-empty">The chart fills in while your computer is searching.</p>
      )}
    </figure>
  );
}
