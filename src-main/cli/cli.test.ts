/**
 * The one dispatch both entries use (cli/main.ts under Node, the Electron shell in the app):
 * which argument lists are headless runs, and a command run to its exit code.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCliInvocation, runCli } from './cli';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('the CLI dispatch', () => {
  it('is what the network and e2e harnesses start: the built entry, never the sources', () => {
    for (const harness of ['tests/network/processes.ts', 'e2e/fixtures.ts']) {
      const text = readFileSync(path.join(ROOT, harness), 'utf8');
      expect(text, harness).not.toMatch(/src-main\/cli\/\w+\.ts/);
      expect(text, harness).toMatch(/builtCli\(\)/);
    }
  });

  it('tells a headless run from the desktop window', () => {
    expect(isCliInvocation(['--validator', '--network', 'finney'])).toBe(true);
    expect(isCliInvocation(['--pool', '--port', '8092'])).toBe(true);
    expect(isCliInvocation(['mine', '--solo'])).toBe(true);
    expect(isCliInvocation(['eval', '--program', 'a.dsl'])).toBe(true);
    expect(isCliInvocation(['judge', '--program', 'a.dsl', '--holder', 'b.dsl'])).toBe(true);
    // The window: no arguments, a login start, or Chromium's own switches.
    expect(isCliInvocation([])).toBe(false);
    expect(isCliInvocation(['--hidden'])).toBe(false);
    expect(isCliInvocation(['--enable-logging', '--no-sandbox'])).toBe(false);
    expect(isCliInvocation(['nonsense'])).toBe(false);
  });

  it('runs a command to its exit code, as either entry lays out argv', async () => {
    const node = ['/usr/bin/node', '/app/cli/main.js'];
    expect(await runCli([...node, 'eval', '--program', '/no/such/file.dsl'])).toBe(1);
    // The packaged app: [executable, ...args] (commander's 'electron' layout outside electron .).
    expect(
      await runCli(['/opt/sota-miner/sota-miner', 'eval', '--program', '/no/such/file.dsl'], {
        from: 'electron',
      }),
    ).toBe(1);
    // A bad flag or value is a usage error (2); --help is 0; never process.exit().
    expect(await runCli([...node, 'eval', '--no-such-option'])).toBe(2);
    expect(await runCli([...node, 'mine', '--solo', '--threads', 'many'])).toBe(2);
    expect(await runCli([...node, 'submit', '--program', 'a.dsl', '--track', 'Not A Track'])).toBe(
      2,
    );
    expect(await runCli([...node, 'serve', '--validator-url', 'ftp://127.0.0.1:8091'])).toBe(2);
    expect(await runCli([...node, '--help'])).toBe(0);
    // One an action finds (an option that needs another) is printed too, not only counted.
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof write;
    try {
      expect(await runCli([...node, 'mine', '--pool', 'http://127.0.0.1:1'])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(written.join('')).toMatch(/sota-miner: .*hotkey/);
  });
});
