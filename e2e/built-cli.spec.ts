/**
 * What ships runs: the built node entry (out/main/cli.js, package.json "bin"), started by plain
 * Node after `npm run e2e` built it, mines with its worker bundles found beside it. No browser.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';

const ROOT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(ROOT, 'out', 'main', 'cli.js');

test('the built CLI mines on worker threads under plain Node', () => {
  const bin = (
    JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    }
  ).bin;
  expect(path.resolve(ROOT, bin['sota-miner']!)).toBe(CLI);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sota-built-cli-'));
  const run = spawnSync(
    process.execPath,
    [CLI, 'mine', '--solo', '--fresh', '--seconds', '5', '--threads', '2', '--data-dir', dataDir],
    { cwd: tmpdir(), encoding: 'utf8', timeout: 300_000 },
  );
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout + run.stderr).toMatch(/stopped\s+2 threads\s+[\d,]+ individuals/);
  expect(run.stdout + run.stderr).toMatch(/best fitness 0\.\d{4}/);
});
