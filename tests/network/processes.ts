/**
 * Test support for the network tests: nodes run as real child processes of the built CLI
 * (out/main/cli.js, the package's bin: what ships is what is tested), their log lines kept for
 * assertions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { mnemonicGenerate } from '@polkadot/util-crypto';
import { MinerStatementSchema, type MinerStatement } from '../../shared/pool/statement';
import type { SubtensorClient } from '../../src-main/chain/client';
import { btcliKeyfileJson } from '../support/btcli-fixture';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The built node entry; `npm run test:network` and `npm run e2e` build it first. */
export function builtCli(): string {
  const cli = path.join(ROOT, 'out', 'main', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  return cli;
}

export class NodeProcess {
  readonly lines: string[] = [];
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);
  private exitCode: number | null | undefined;

  constructor(
    readonly name: string,
    private readonly args: readonly string[],
    private readonly env: Record<string, string> = {},
  ) {}

  start(): this {
    const child = spawn(process.execPath, [builtCli(), ...this.args], {
      cwd: ROOT,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) {
          this.lines.push(line);
          if (process.env['SOTA_TEST_VERBOSE']) process.stderr.write(`[${this.name}] ${line}\n`);
        }
      });
    }
    this.exitCode = undefined;
    this.exited = new Promise((resolve) =>
      child.on('exit', (code) => {
        this.exitCode = code;
        resolve(code);
      }),
    );
    return this;
  }

  /** Resolves with the first line (seen so far or later) that matches. */
  async waitForLine(pattern: RegExp, timeoutMs = 60_000, from = 0): Promise<string> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.lines.slice(from).find((l) => pattern.test(l));
      if (hit) return hit;
      if (this.exitCode !== undefined || Date.now() > until)
        throw new Error(
          `${this.name}: no line matching ${pattern} ${this.exitCode !== undefined ? `(exited with ${this.exitCode})` : `within ${timeoutMs} ms`}; last lines:\n` +
            this.lines.slice(-15).join('\n'),
        );
      await sleep(100);
    }
  }

  has(pattern: RegExp): boolean {
    return this.lines.some((l) => pattern.test(l));
  }

  /** SIGKILL: no chance to clean up, as in a crash or a power cut. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM; SIGKILL if the process has not exited within 20 s (a hung stop fails no test). */
  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child || this.exitCode !== undefined) return this.exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      process.stderr.write(
        `[${this.name}] did not stop within 20 s: SIGKILL; last lines:\n${this.lines.slice(-8).join('\n')}\n`,
      );
      child.kill('SIGKILL');
    }, 20_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `probe` until it returns a value other than undefined. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(500);
  }
}

/**
 * Waits until every validator has started and is seen on chain with a permit and an endpoint
 * (what a miner and the peers need to reach it).
 */
export async function validatorsServed(
  client: SubtensorClient,
  netuid: number,
  validators: ReadonlyArray<{ pair: KeyringPair; process: NodeProcess }>,
): Promise<void> {
  await Promise.all(validators.map((v) => v.process.waitForLine(/validator ready/, 120_000)));
  await eventually(`${validators.length} validators with endpoints in the metagraph`, async () => {
    const mg = await client.metagraph(netuid);
    const served = validators.filter((v) =>
      mg.neurons.some((n) => n.hotkey === v.pair.address && n.validatorPermit && n.axon),
    );
    return served.length === validators.length ? true : undefined;
  });
}

/** A node's JSON answer to a GET, or an error naming the URL and status. */
export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '0.0.0.0', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The track fields the test validators override: rounds of a minute at 1-second blocks. */
export const TEST_TRACK_OVERRIDES = { roundBlocks: 60 } as const;

/**
 * Writes a validator config for tests that last minutes (short rounds, frequent metagraph reads
 * and weights, no dashboard) and returns its path.
 */
export function writeTestValidatorConfig(file: string): string {
  writeFileSync(
    file,
    JSON.stringify({
      metagraphEveryBlocks: 3,
      weightsEveryBlocks: 5,
      uiPort: 0,
      track: TEST_TRACK_OVERRIDES,
    }),
  );
  return file;
}

const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });

/** A fresh key, written as a btcli key file in `dir` (what a node's --hotkey-file reads). */
export async function newKeyFile(
  dir: string,
  name: string,
): Promise<{ pair: KeyringPair; keyFile: string }> {
  const mnemonic = mnemonicGenerate();
  const keyFile = path.join(dir, `${name}.json`);
  writeFileSync(keyFile, JSON.stringify(await btcliKeyfileJson(mnemonic)));
  return { pair: keyring.addFromMnemonic(mnemonic), keyFile };
}

/** The command line of a validator on a local network, reachable on `ip`. */
export function validatorArgs(v: {
  endpoint: string;
  netuid: number;
  ip: string;
  port: number;
  dataDir: string;
  keyFile: string;
  /** Default: found where the node looks (../shared, $SOTA_CIFAR10_DIR, the cache). */
  cifarDir?: string;
  configFile: string;
}): string[] {
  return [
    '--validator',
    ...['--network', v.endpoint, '--netuid', String(v.netuid)],
    ...['--port', String(v.port), '--external-ip', v.ip],
    ...['--data-dir', v.dataDir, '--hotkey-file', v.keyFile],
    ...(v.cifarDir ? ['--cifar-dir', v.cifarDir] : []),
    ...['--config', v.configFile],
  ];
}

/**
 * A pool miner's statement when the chain agrees with it: the coldkey's balance, read before and
 * after the statement, grew since `before` by exactly what the pool says it paid. Undefined while
 * a payout falls between the two reads (a pool goes on paying every window): ask again.
 */
export async function paidAndReceived(
  client: Pick<SubtensorClient, 'balance'>,
  poolUrl: string,
  hotkey: string,
  coldkey: string,
  before: bigint,
): Promise<MinerStatement | undefined> {
  const b1 = await client.balance(coldkey);
  const res = await fetch(`${poolUrl}/v1/pool/miners/${hotkey}`);
  const statement = MinerStatementSchema.parse(await res.json());
  const b2 = await client.balance(coldkey);
  return b1 === b2 && b1 - before === BigInt(statement.paidRao) ? statement : undefined;
}
