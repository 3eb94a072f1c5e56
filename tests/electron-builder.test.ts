/** electron-builder cannot run here (it downloads Electron); check its config is sound instead. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<
  string,
  unknown
>;

/** The target names of a platform section, whether written as strings or as { target } objects. */
function targets(platform: string): string[] {
  const section = config[platform] as { target?: unknown } | undefined;
  const list = Array.isArray(section?.target) ? section.target : [section?.target];
  return list.map((t) => (typeof t === 'string' ? t : (t as { target: string }).target));
}

describe('electron-builder.yml', () => {
  it('names the app', () => {
    expect(config['appId']).toBe('io.sotaminer.app');
    expect(config['productName']).toBe('sota-miner');
  });

  it('packages the electron-vite output into release/', () => {
    expect(config['directories']).toMatchObject({ output: 'release' });
    expect(config['files']).toContain('out/**');
  });

  it('keeps worker bundles, and the chunks they import, outside the asar archive', () => {
    // e2e/packaging.spec.ts packs the built out/ with these globs and follows the imports.
    expect(config['asarUnpack'] as string[]).toContain('out/main/*.js');
  });

  it('builds a one-click NSIS installer on Windows', () => {
    expect(targets('win')).toEqual(['nsis']);
    expect(config['nsis']).toMatchObject({ oneClick: true });
  });

  it('builds a hardened dmg + zip on macOS', () => {
    expect(targets('mac').sort()).toEqual(['dmg', 'zip']);
    expect(config['mac']).toMatchObject({ hardenedRuntime: true });
  });

  it('builds AppImage + deb on Linux, in the Science category', () => {
    expect(targets('linux').sort()).toEqual(['AppImage', 'deb']);
    expect(config['linux']).toMatchObject({ category: 'Science' });
  });

  it('points at an icon that exists', () => {
    const icon = config['icon'] as string;
    expect(existsSync(join(root, icon))).toBe(true);
    const png = readFileSync(join(root, icon));
    // PNG signature, then the IHDR chunk's width and height (big-endian) at bytes 16..23.
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
  });

  it('has a release workflow that packages on Windows, macOS and Linux runners', () => {
    const workflow = parse(
      readFileSync(join(root, '.github', 'workflows', 'release.yml'), 'utf8'),
    ) as {
      on: { push: { tags: string[] } };
      jobs: Record<string, { strategy: unknown; steps: Array<{ run?: string }> }>;
    };
    expect(workflow.on.push.tags).toEqual(['v*']);
    const job = workflow.jobs['package']!;
    const oses = (
      job.strategy as { matrix: { include: Array<{ os: string }> } }
    ).matrix.include.map((i) => i.os);
    expect(oses.sort()).toEqual(['macos-latest', 'ubuntu-latest', 'windows-latest']);
    const runs = job.steps.map((s) => s.run ?? '');
    expect(runs).toContain('npm ci');
    // Lint, types and the unit tests pass on each OS before anything is packaged.
    const packaging = runs.findIndex((r) => r.startsWith('npx electron-builder'));
    expect(packaging).toBeGreaterThan(0);
    for (const check of ['npm run lint', 'npm run typecheck', 'npx vitest run'])
      expect(runs.indexOf(check), check).toBeGreaterThan(0);
    expect(
      Math.max(...['npm run lint', 'npx vitest run'].map((c) => runs.indexOf(c))),
    ).toBeLessThan(packaging);
    // The packager is the exact version in package.json, not whatever npx finds that day.
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    expect(pkg.devDependencies['electron-builder']).toMatch(/^\d+\.\d+\.\d+$/);
    // Each OS's signing secrets go to its own job only.
    const text = readFileSync(join(root, '.github', 'workflows', 'release.yml'), 'utf8');
    for (const line of text.split('\n').filter((l) => /secrets\.(MAC|APPLE|WINDOWS)/.test(l)))
      expect(line).toMatch(/matrix\.os == '(macos|windows)-latest' && secrets\./);
  });
});
