/**
 * What would break in an installed app: after `npm run e2e` built out/, pack it into an asar
 * archive the way electron-builder does (electron-builder.yml's `files` and `asarUnpack` globs,
 * with @electron/asar) and check that every worker bundle the node starts by path, and every
 * module those bundles import, is on disk in the unpacked tree, and that none imports a package
 * (node_modules stays inside the archive). electron-builder itself needs the
 * Electron binary, which cannot be downloaded here.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPackageWithOptions, listPackage } from '@electron/asar';
import { expect, test } from '@playwright/test';
import { parse } from 'yaml';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Module specifiers an ES module bundle imports (static and dynamic), as written by rolldown. */
function imports(file: string): string[] {
  // Comment lines aside: bundled libraries' doc comments show example imports.
  const code = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(\*|\/\*|\/\/)/.test(line))
    .join('\n');
  const statements =
    /^(?:import|export)\b[^;]*?from\s*["']([^"']+)["']|^import\s*["']([^"']+)["']/gm;
  const dynamic = /\bimport\(\s*["']([^"']+)["']\s*\)/g;
  return [...code.matchAll(statements), ...code.matchAll(dynamic)].map((m) => (m[1] ?? m[2])!);
}

test('workers and what they import stay on disk outside the asar archive', async () => {
  const config = parse(readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as {
    asarUnpack: string[];
  };
  // The app folder electron-builder packs: out/ and package.json (node_modules aside).
  const app = mkdtempSync(path.join(tmpdir(), 'sota-asar-app-'));
  cpSync(path.join(ROOT, 'out'), path.join(app, 'out'), { recursive: true });
  cpSync(path.join(ROOT, 'package.json'), path.join(app, 'package.json'));
  const archive = path.join(mkdtempSync(path.join(tmpdir(), 'sota-asar-')), 'app.asar');
  // electron-builder reads the globs relative to the app folder; asar matches absolute paths.
  const globs = config.asarUnpack.map((g) => (g.startsWith('**') ? g : `${app}/${g}`));
  await createPackageWithOptions(app, archive, { unpack: `{${globs.join(',')}}` });
  const unpacked = `${archive}.unpacked`;
  expect(listPackage(archive, { isPack: false })).toContain('/out/main/main.js');

  // Every worker the node starts by path (workers.ts: out/main/<name>.js), and its imports.
  const workers = readdirSync(path.join(ROOT, 'out', 'main')).filter((f) =>
    /worker.*\.js$/.test(f),
  );
  expect(workers.sort()).toEqual(['island.worker.js', 'unit.worker.js', 'verify.worker.js']);
  const seen = new Set<string>();
  const visit = (rel: string) => {
    if (seen.has(rel)) return;
    seen.add(rel);
    const onDisk = path.join(unpacked, rel);
    expect(existsSync(onDisk), `${rel} is inside the archive, not on disk`).toBe(true);
    for (const spec of imports(onDisk)) {
      if (spec.startsWith('node:')) continue;
      // A package would be looked for in node_modules beside the unpacked tree: it is not there.
      expect(spec.startsWith('.'), `${rel} imports the package ${spec}`).toBe(true);
      visit(path.relative(unpacked, path.resolve(path.dirname(onDisk), spec)));
    }
  };
  for (const w of workers) visit(path.join('out', 'main', w));
  // The imports were followed: the workers share chunks with the main process.
  expect(seen.size).toBeGreaterThan(workers.length);
  // Native modules (better-sqlite3) are unpacked by the same rule wherever they are.
  expect(config.asarUnpack).toContain('**/*.node');
});
