/**
 * The UI's figures for BENCHMARKS.md (printed as one JSON line): bridge events per second while
 * mining on every core, input latency meanwhile, time to first paint, and the renderer's size.
 */
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { expect, test } from './fixtures';

const RENDERER = path.resolve(import.meta.dirname, '../out/renderer');

function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (n, e) =>
      n +
      (e.isDirectory()
        ? folderBytes(path.join(dir, e.name))
        : statSync(path.join(dir, e.name)).size),
    0,
  );
}

test('UI figures while mining on all cores', async ({ page, node }) => {
  // Count the bridge's frames as the page receives them.
  await page.addInitScript(() => {
    const w = window as unknown as { __frames: number };
    w.__frames = 0;
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener('message', () => w.__frames++);
      }
    };
  });
  await page.goto(node.url);
  await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected');
  const paint = await page.evaluate(
    () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
  );

  const threads = availableParallelism();
  await page.getByTestId('nav-mining').click();
  await page.getByTestId('mode-solo').click();
  await page.getByTestId('threads').fill(String(threads));
  await page.getByTestId('start').click();
  await expect(page.getByTestId('stat-state')).toContainText(/running/i, { timeout: 60_000 });

  const before = await page.evaluate(() => (window as unknown as { __frames: number }).__frames);
  const t0 = Date.now();
  // Input latency: key press to the next frame after the input event, while the search runs.
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.id = 'latency-probe';
    document.body.append(input);
    const w = window as unknown as { __latency: number[] };
    w.__latency = [];
    input.addEventListener('input', (e) => {
      const start = e.timeStamp;
      requestAnimationFrame(() => w.__latency.push(performance.now() - start));
    });
  });
  await page.locator('#latency-probe').focus();
  for (let i = 0; i < 40; i++) {
    await page.keyboard.type('x');
    await page.waitForTimeout(200);
  }
  const latency = await page.evaluate(
    () => (window as unknown as { __latency: number[] }).__latency,
  );
  const after = await page.evaluate(() => (window as unknown as { __frames: number }).__frames);
  const seconds = (Date.now() - t0) / 1000;
  await page.getByTestId('stop').click();

  latency.sort((a, b) => a - b);
  const figures = {
    threads,
    eventsPerSecond: +((after - before) / seconds).toFixed(2),
    inputLatencyMs: {
      median: +latency[Math.floor(latency.length / 2)]!.toFixed(1),
      p95: +latency[Math.floor(latency.length * 0.95)]!.toFixed(1),
      max: +latency[latency.length - 1]!.toFixed(1),
    },
    firstContentfulPaintMs: paint === null ? null : +paint.toFixed(0),
    rendererBytes: folderBytes(RENDERER),
  };
  process.stdout.write(`ui figures: ${JSON.stringify(figures)}\n`);
  expect(figures.inputLatencyMs.p95).toBeLessThan(100);
});
