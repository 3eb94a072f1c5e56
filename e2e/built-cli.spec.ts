/**
 * What ships runs: the built node entry (out/main/cli.js, package.json "bin"), started by plain
 * Node after `npm run e2e` built it, mines with its worker bundles found beside it. No browser.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
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

test('the built bundles import only production dependencies and Node built-ins', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const allowed = new Set([...Object.keys(pkg.dependencies), ...builtinModules]);
  const dir = path.join(ROOT, 'out', 'main');
  // ES module bundles: static imports and re-exports, side-effect imports, dynamic imports.
  const patterns = [
    /^(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']/gm,
    /^import\s*["']([^"']+)["']/gm,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  const missing: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    for (const [, spec] of patterns.flatMap((p) => [...text.matchAll(p)])) {
      if (spec!.startsWith('.') || spec!.startsWith('/')) continue;
      const name = spec!.startsWith('node:')
        ? spec!.slice(5)
        : spec!
            .split('/')
            .slice(0, spec!.startsWith('@') ? 2 : 1)
            .join('/');
      // Electron's own module exists only inside the app, and only its shell (main.js) takes it.
      if (name === 'electron' && file === 'main.js') continue;
      if (!allowed.has(name)) missing.push(`${file}: ${spec}`);
    }
  }
  // After `npm prune --omit=dev` these would be gone, and the command with them.
  expect(missing).toEqual([]);
});
