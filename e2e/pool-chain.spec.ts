/**
 * Pool mining from the browser UI on a local network: the real Subtensor runtime under
 * chopsticks, a validator, a pool with its coldkey and two miners as CLI processes, and
 * `sota-miner serve` with --network. The person pastes a registered hotkey's phrase, chooses
 * Pool, finds the pool on the subnet, presses Start, and sees the pool's payouts to their coldkey
 * arrive with the split checked.
 *
 * As in tests/network/pool.network.test.ts, the pool's hotkey earns through stake of its own
 * (this runtime under chopsticks pays no miner incentive) and starts from the two-layer NN.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';
import { startLocalnet, type Localnet } from '../src-main/chain/localnet';
import { submit as submitTx } from '../src-main/chain/tx';
import { firstPublicIpv4 } from '../src-main/net/addresses';
import {
  NodeProcess,
  eventually,
  freePort,
  newKeyFile,
  paidAndReceived,
  validatorArgs,
  writeTestValidatorConfig,
} from '../tests/network/processes';
import { expect, type NodeHandle, shot, startNode, stopNode, test } from './fixtures';

const ROOT = path.resolve(import.meta.dirname, '..');
const TAO = 1_000_000_000n;

test.describe.configure({ mode: 'serial', timeout: 420_000 });

let net: Localnet;
const processes: NodeProcess[] = [];
let node: NodeHandle;
let nodeChild: ChildProcess;
let poolUrl: string;
let minerMnemonic: string;
let minerAddress: string;
let minerColdkey: string;
let balanceBefore: bigint;

test.beforeAll(async () => {
  await cryptoWaitReady();
  const ip = firstPublicIpv4();
  if (!ip) throw new Error('the pool e2e needs a non-loopback IPv4 address on this machine');
  const work = mkdtempSync(path.join(tmpdir(), 'sota-e2e-pool-chain-'));
  net = await startLocalnet({ blockTimeMs: 1000 });
  const c = net.client;
  const netuid = await net.createSubnet({ tempo: 10 });
  await net.deepenPool(netuid, 1_000_000n * TAO);
  const { validatorColdkey, spareColdkey } = net.accounts;
  const fund = (to: string) =>
    submitTx(c, c.api.tx['balances']!['transferKeepAlive']!(to, 100n * TAO), spareColdkey);
  const stake = (hotkey: string, tao: bigint, from: Parameters<typeof submitTx>[2]) =>
    submitTx(c, c.api.tx['subtensorModule']!['addStake']!(hotkey, netuid, tao * TAO), from);

  const validator = await newKeyFile(work, 'validator');
  await c.burnedRegister(netuid, validator.pair.address, validatorColdkey, 10n * TAO);
  await stake(validator.pair.address, 1000n, validatorColdkey);
  const poolHot = await newKeyFile(work, 'pool-hotkey');
  const poolCold = await newKeyFile(work, 'pool-coldkey');
  await fund(poolCold.pair.address);
  await c.burnedRegister(netuid, poolHot.pair.address, poolCold.pair, 10n * TAO);
  await stake(poolHot.pair.address, 50n, poolCold.pair);
  // Every miner's hotkey is registered, owned by a coldkey of its own (the pool pays coldkeys).
  const register = async (hotkey: string) => {
    const cold = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromMnemonic(
      mnemonicGenerate(),
    );
    await fund(cold.address);
    await c.burnedRegister(netuid, hotkey, cold, 10n * TAO);
    return cold.address;
  };
  const cliMiners = [await newKeyFile(work, 'miner-1'), await newKeyFile(work, 'miner-2')];
  for (const m of cliMiners) await register(m.pair.address);
  minerMnemonic = mnemonicGenerate();
  minerAddress = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromMnemonic(
    minerMnemonic,
  ).address;
  minerColdkey = await register(minerAddress);
  balanceBefore = await c.balance(minerColdkey);

  const validatorPort = await freePort();
  const v = new NodeProcess(
    'validator',
    validatorArgs({
      endpoint: net.endpoint,
      netuid,
      ip,
      port: validatorPort,
      dataDir: path.join(work, 'validator-data'),
      keyFile: validator.keyFile,
      configFile: writeTestValidatorConfig(path.join(work, 'validator-config.json')),
    }),
  ).start();
  processes.push(v);
  await v.waitForLine(/validator ready/, 180_000);

  const poolPort = await freePort();
  poolUrl = `http://${ip}:${poolPort}`;
  const pool = new NodeProcess('pool', [
    '--pool',
    ...['--network', net.endpoint, '--netuid', String(netuid)],
    ...['--hotkey-file', poolHot.keyFile, '--coldkey-file', poolCold.keyFile],
    ...['--port', String(poolPort), '--external-ip', ip, '--data-dir', path.join(work, 'pool')],
    ...['--from', path.join(ROOT, 'examples', 'nn.dsl'), '--unit-individuals', '50'],
    ...['--window-blocks', '15', '--min-payout-rao', '1'],
  ]).start();
  processes.push(pool);
  await pool.waitForLine(/endpoint announced/, 120_000);
  for (const [i, m] of cliMiners.entries()) {
    const miner = new NodeProcess(`miner-${i + 1}`, [
      'mine',
      ...['--pool', poolUrl, '--hotkey-file', m.keyFile, '--threads', '1'],
    ]).start();
    processes.push(miner);
  }
  ({ node, child: nodeChild } = await startNode([
    '--network',
    net.endpoint,
    '--netuid',
    String(netuid),
  ]));
});

test.afterAll(async () => {
  if (nodeChild) await stopNode(nodeChild);
  await Promise.all(processes.map((p) => p.stop()));
  await net?.close();
});

test('pool mining on chain: find the pool, start, and see the payouts arrive', async ({ page }) => {
  await page.goto(node.url);
  await page.getByTestId('secret-input').fill(minerMnemonic);
  await page.getByTestId('save-key').click();
  await expect(page).toHaveURL(/#\/?mining/);
  await page.getByTestId('mode-pool').click();
  await page.getByTestId('pool-find').click();
  const list = page.getByTestId('pool-list');
  await expect(list).toContainText('fee 5.00%', { timeout: 30_000 });
  await list.getByRole('button', { name: 'Use' }).click();
  await expect(page.getByTestId('pool-url')).toHaveValue(poolUrl);
  await shot(page, '13-pool-found-on-chain');

  await page.getByTestId('threads').fill('1');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('pool-earnings')).toBeVisible({ timeout: 60_000 });
  // The pool wins, closes a window with this miner's shares in it, and pays its coldkey.
  await expect(page.getByTestId('pool-payouts')).toBeVisible({ timeout: 300_000 });
  await expect(page.getByTestId('pool-paid')).not.toHaveText('0 TAO', { timeout: 60_000 });
  await expect(page.getByTestId('pool-split-check')).toContainText(
    /recomputed: (it matches|they match) the share table/,
  );
  await shot(page, '14-pool-payouts');

  // What the pool booked as paid is what reached the coldkey on chain (read between payouts:
  // the pool goes on paying every window).
  const statement = await eventually('a statement between two payouts', () =>
    paidAndReceived(net.client, poolUrl, minerAddress, minerColdkey, balanceBefore),
  );
  expect(BigInt(statement.paidRao)).toBeGreaterThan(0n);
  expect(statement.payouts.every((p) => p.txHash === null || p.payee === minerColdkey)).toBe(true);
  await page.getByTestId('stop').click();
  await expect(page.getByTestId('start')).toBeEnabled({ timeout: 60_000 });
});
