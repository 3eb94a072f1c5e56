/**
 * What the uPlot charts share: the page's colours (so a chart follows the light or dark theme),
 * the time axis in whole seconds and up, tick labels with just enough decimals, and a legend that
 * shows the newest values when the pointer is not over the chart (uPlot shows dashes then).
 */
import { useEffect, useRef, useSyncExternalStore, type RefObject } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const darkQuery = (): MediaQueryList => window.matchMedia('(prefers-color-scheme: dark)');

function subscribeScheme(onChange: () => void): () => void {
  const query = darkQuery();
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

/** The colour scheme; a chart is made again when it changes (its colours are read once). */
export function useColorScheme(): 'dark' | 'light' {
  return useSyncExternalStore(subscribeScheme, () => (darkQuery().matches ? 'dark' : 'light'));
}

/** A CSS variable of the page, or the fallback. */
export function cssColor(host: HTMLElement, name: string, fallback: string): string {
  return getComputedStyle(host).getPropertyValue(name).trim() || fallback;
}

/** Accuracy of a program that guesses: the charts draw it, so a score has something to stand on. */
export const GUESSING = 0.5;

/** A score in a legend: four decimals, a dash where there is none. */
export const scoreValue = (_u: uPlot, v: number | null): string =>
  v !== null && Number.isFinite(v) ? v.toFixed(4) : '–';

/** The time axis along the bottom, in the page's colours. */
export function timeAxis(muted: string, grid: string, space: number): uPlot.Axis {
  return {
    stroke: muted,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
    space,
    incrs: TIME_STEPS,
    values: (_u, ticks, _axis, _space, step) => ticks.map((t) => clockLabel(t, step)),
  };
}

/** Whole seconds and up: the charts cover minutes to weeks, never fractions of a second. */
export const TIME_STEPS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800,
  604800,
];

export function clockLabel(seconds: number, step: number): string {
  const date = new Date(seconds * 1000);
  if (step >= 86400) return date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  const options: Intl.DateTimeFormatOptions =
    step < 60
      ? { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }
      : { hour: '2-digit', minute: '2-digit', hour12: false };
  return date.toLocaleTimeString(undefined, options);
}

/** Enough decimals to write the tick step exactly (a step of 0.0025 needs 4). */
export function decimalsFor(step: number): number {
  if (!(step > 0)) return 3;
  for (let d = 0; d < 8; d++) {
    if (Math.abs(Number(step.toFixed(d)) - step) < step * 1e-6) return d;
  }
  return 8;
}

/** Shows the newest point's values in the legend while the pointer is elsewhere. */
export function showNewest(plot: uPlot): void {
  const n = plot.data[0]?.length ?? 0;
  if (n > 0 && plot.cursor.idx == null) plot.setLegend({ idx: n - 1 });
}

/** A flat line at `value` across the chart, e.g. 0.50 (guessing) or the target. */
export function level(times: readonly number[], value: number | null): Array<number | null> {
  return times.map(() => value);
}

/**
 * A uPlot chart in the element of the returned `host` ref: made with `makeOptions` (a function
 * of the module, not a closure that changes each render), made again when the colour scheme
 * changes, sized to its element, fed `data` as it changes.
 */
export function useUPlot(
  makeOptions: (width: number, host: HTMLElement) => uPlot.Options,
  data: uPlot.AlignedData,
  height: number,
): RefObject<HTMLDivElement | null> {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(data);
  const scheme = useColorScheme();

  // Declared first so that on mount the data is in `latest` before the chart is made.
  useEffect(() => {
    latest.current = data;
    if (plot.current) {
      plot.current.setData(data);
      showNewest(plot.current);
    }
  }, [data]);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const chart = new uPlot(makeOptions(el.clientWidth, el), latest.current, el);
    plot.current = chart;
    showNewest(chart);
    const resize = new ResizeObserver(() => {
      if (el.clientWidth > 0) chart.setSize({ width: el.clientWidth, height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [scheme, makeOptions, height]);

  return host;
}
