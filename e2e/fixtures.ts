/**
 * A real headless node per test: `sota-miner serve` as a child process with its own data folder,
 * its UI address (with the access token) read from the file its output names (the output is not
 * a terminal, so it never holds the token itself).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test as base, type Page } from '@playwright/test';
import { builtCli } from '../tests/network/processes';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Substrate's public development mnemonic and its address: they hold nothing. */
/** Screenshots of every e2e test, to look at: .cache/e2e-screenshots/<name>.png. */
export const SHOTS = path.join(ROOT, '.cache/e2e-screenshots');

export function shot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

export const DEV_MNEMONIC = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';
export const DEV_ADDRESS = '5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV';

/** A btcli wallet folder as btcli lays it out: wallet "miner", hotkey "default" (plain JSON). */
function writeBtcliWallets(root: string): void {
  const hotkeys = path.join(root, 'miner', 'hotkeys');
  mkdirSync(hotkeys, { recursive: true });
  writeFileSync(
    path.join(hotkeys, 'default'),
    JSON.stringify({ secretPhrase: DEV_MNEMONIC, ss58Address: DEV_ADDRESS }),
  );
}

export interface NodeHandle {
  readonly url: string;
  readonly dataDir: string;
  readonly output: string[];
}

/**
 * Starts `sota-miner serve` with `extraArgs`; `prepare` may fill its data folder first (e.g. a
 * search saved by an earlier run).
 */
export async function startNode(
  extraArgs: string[] = [],
  prepare?: (dataDir: string) => void,
  /** The keystore passphrase the node is started with; null: none (the UI asks for one). */
  passphrase: string | null = 'e2e-passphrase-not-secret',
  /** Start again on this node's folders (a restart). */
  reuse?: NodeHandle,
): Promise<{ node: NodeHandle; child: ChildProcess }> {
  const home = reuse ? path.dirname(reuse.dataDir) : mkdtempSync(path.join(tmpdir(), 'sota-e2e-'));
  const dataDir = path.join(home, 'data');
  const wallets = path.join(home, 'wallets');
  if (!reuse) {
    writeBtcliWallets(wallets);
    mkdirSync(dataDir, { recursive: true });
  }
  prepare?.(dataDir);
  const env: NodeJS.ProcessEnv = { ...process.env, SOTA_KEYSTORE_PASSPHRASE: passphrase ?? '' };
  if (passphrase === null) delete env['SOTA_KEYSTORE_PASSPHRASE'];
  const child = spawn(
    process.execPath,
    [
      builtCli(),
      'serve',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--wallet-path',
      wallets,
      ...extraArgs,
    ],
    {
      cwd: ROOT,
      // A passphrase for the headless keystore (the desktop app uses the OS keychain instead).
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`node did not start:\n${output.join('\n')}`)),
      60_000,
    );
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        output.push(line);
        const m = /^dashboard: open the URL in (.+) \(readable only by you\)$/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(readFileSync(m[1]!, 'utf8').trim());
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`node exited with ${code}:\n${output.join('\n')}`)),
    );
  });
  return { node: { url, dataDir, output }, child };
}

/** SIGTERM, as a service manager would; SIGKILL if the node has not exited within 20 s. */
export async function stopNode(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

export const test = base.extend<{ node: NodeHandle }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  node: async ({}, use) => {
    const { node, child } = await startNode();
    await use(node);
    await stopNode(child);
  },
});

export { expect } from '@playwright/test';
