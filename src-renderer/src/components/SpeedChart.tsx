/**
 * Speed (algorithms per second, left axis) and best score (right axis) over time, drawn by uPlot.
 * Colours come from the page's CSS variables, so the chart follows the light or dark theme.
 */
import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { isFiniteNumber } from '../format';
import type { ChartPoint } from '../store';

const HEIGHT = 240;

const darkQuery = (): MediaQueryList => window.matchMedia('(prefers-color-scheme: dark)');

function subscribeScheme(onChange: () => void): () => void {
  const query = darkQuery();
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

function useColorScheme(): 'dark' | 'light' {
  return useSyncExternalStore(subscribeScheme, () => (darkQuery().matches ? 'dark' : 'light'));
}

/** Whole seconds and up: the chart covers minutes to hours, never fractions of a second. */
const TIME_STEPS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
];

function clockLabel(seconds: number, step: number): string {
  const options: Intl.DateTimeFormatOptions =
    step < 60
      ? { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }
      : { hour: '2-digit', minute: '2-digit', hour12: false };
  return new Date(seconds * 1000).toLocaleTimeString(undefined, options);
}

/** Enough decimals to write the tick step exactly (a step of 0.0025 needs 4). */
function decimalsFor(step: number): number {
  if (!(step > 0)) return 3;
  for (let d = 0; d < 8; d++) {
    if (Math.abs(Number(step.toFixed(d)) - step) < step * 1e-6) return d;
  }
  return 8;
}

function toData(points: readonly ChartPoint[]): uPlot.AlignedData {
  return [points.map((p) => p.t), points.map((p) => p.speed), points.map((p) => p.best)];
}

function chartOptions(width: number, host: HTMLElement): uPlot.Options {
  const css = getComputedStyle(host);
  const color = (name: string, fallback: string): string =>
    css.getPropertyValue(name).trim() || fallback;
  const muted = color('--muted', '#8b98a5');
  const grid = color('--grid', 'rgba(128,128,128,0.15)');
  const axis = (scale: string, side?: 1) => ({
    scale,
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
        value: (_u, v) => (isFiniteNumber(v) ? v.toFixed(4) : '–'),
      },
    ],
    axes: [
      {
        stroke: muted,
        grid: { stroke: grid, width: 1 },
        ticks: { stroke: grid, width: 1 },
        space: 70,
        incrs: TIME_STEPS,
        values: (_u, ticks, _axis, _space, step) => ticks.map((t) => clockLabel(t, step)),
      },
      axis('speed'),
      {
        ...axis('best', 1),
        values: (_u, ticks, _axis, _space, step) => ticks.map((t) => t.toFixed(decimalsFor(step))),
      },
    ],
    cursor: { drag: { x: false, y: false } },
  };
}

export function SpeedChart({ points }: { points: readonly ChartPoint[] }) {
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const dataRef = useRef<uPlot.AlignedData>([[], [], []]);
  const scheme = useColorScheme();
  const data = useMemo(() => toData(points), [points]);

  // Declared first so that on mount the data is in dataRef before the chart is made.
  useEffect(() => {
    dataRef.current = data;
    plotRef.current?.setData(data);
  }, [data]);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const plot = new uPlot(chartOptions(host.clientWidth, host), dataRef.current, host);
    plotRef.current = plot;
    const resize = new ResizeObserver(() => {
      if (host.clientWidth > 0) plot.setSize({ width: host.clientWidth, height: HEIGHT });
    });
    resize.observe(host);
    return () => {
      resize.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
  }, [scheme]);

  return (
    <figure className="chart" data-testid="chart" data-points={points.length}>
      <figcaption className="visually-hidden">
        Speed and best score over time ({points.length} updates)
      </figcaption>
      <div ref={hostRef} className="chart-canvas" aria-hidden="true" />
      {points.length < 2 && (
        <p className="chart-empty">The chart fills in while your computer is searching.</p>
      )}
    </figure>
  );
}
