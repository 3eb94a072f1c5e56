/** The Electron shell's security settings and the build wiring agree with each other. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import buildConfig from '../electron.vite.config';
import { CONTENT_SECURITY_POLICY } from '../src-main/electron/csp';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe('content security policy', () => {
  const csp = directives(CONTENT_SECURITY_POLICY);

  it('runs only the app’s own scripts', () => {
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)/);
  });

  it('defaults to self and blocks plugins and base-URL tricks', () => {
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
  });
});

describe('electron main process', () => {
  const main = read('src-main/electron/main.ts');

  it('opens the window isolated and sandboxed', () => {
    expect(main).toMatch(/contextIsolation:\s*true/);
    expect(main).toMatch(/sandbox:\s*true/);
    expect(main).toMatch(/nodeIntegration:\s*false/);
  });

  it('denies navigation, new windows and webviews, and holds a single-instance lock', () => {
    expect(main).toMatch(/'will-navigate',\s*\(event\)\s*=>\s*event\.preventDefault\(\)/);
    expect(main).toMatch(/setWindowOpenHandler\(\(\)\s*=>\s*\(\{\s*action:\s*'deny'\s*\}\)\)/);
    expect(main).toMatch(/'will-attach-webview'/);
    expect(main).toMatch(/requestSingleInstanceLock\(\)/);
  });

  it('runs commands, --validator and --pool headless through the CLI dispatch', () => {
    expect(main).toMatch(/if \(isCliInvocation\(userArgs\)\) \{/);
    expect(main).toMatch(/runCli\(process\.argv, \{ from: 'electron' \}\)/);
    expect(main).toMatch(/app\.disableHardwareAcceleration\(\)/);
  });
});

describe('build wiring', () => {
  const config = buildConfig as {
    main: { build: { rolldownOptions: { input: Record<string, string> } } };
    preload: {
      build: { rolldownOptions: { input: Record<string, string>; output: Record<string, string> } };
    };
    renderer: { build: { rolldownOptions: { input: Record<string, string> } } };
  };
  const rel = (path: string | undefined): string => relative(root, path ?? '');

  it('builds the shell from src-main/electron and the UI from src-renderer', () => {
    expect(rel(config.main.build.rolldownOptions.input['main'])).toBe('src-main/electron/main.ts');
    expect(rel(config.preload.build.rolldownOptions.input['preload'])).toBe(
      'src-main/electron/preload.ts',
    );
    expect(rel(config.renderer.build.rolldownOptions.input['index'])).toBe(
      'src-renderer/index.html',
    );
  });

  it('package.json main is the built main process, and its bin the built CLI', () => {
    const pkg = JSON.parse(read('package.json')) as { main: string; bin: Record<string, string> };
    expect(pkg.main).toBe('out/main/main.js');
    expect(pkg.bin).toEqual({ 'sota-miner': 'out/main/cli.js' });
    expect(rel(config.main.build.rolldownOptions.input['cli'])).toBe('src-main/cli/main.ts');
  });

  it('emits the preload as CommonJS where main.ts looks for it (sandboxed preloads are not ESM)', () => {
    expect(config.preload.build.rolldownOptions.output).toMatchObject({
      format: 'cjs',
      entryFileNames: '[name].cjs',
    });
    expect(read('src-main/electron/main.ts')).toContain("'../preload/preload.cjs'");
  });
});
