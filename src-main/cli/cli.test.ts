/**
 * The one dispatch both entries use (cli/main.ts under Node, the Electron shell in the app):
 * which argument lists are headless runs, and a command run to its exit code.
 */
import { describe, expect, it } from 'vitest';
import { isCliInvocation, runCli } from './cli';

describe('the CLI dispatch', () => {
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
    // A bad option or --help ends with commander's exit code, never process.exit().
    expect(await runCli([...node, 'eval', '--no-such-option'])).toBe(1);
    expect(await runCli([...node, '--help'])).toBe(0);
  });
});
