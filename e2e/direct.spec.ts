/**
 * Direct mining from the browser UI on a local network: the real Subtensor runtime under
 * chopsticks, a validator as a CLI process, and `sota-miner serve` with --network. The person
 * pastes a registered hotkey's recovery phrase, chooses Direct, presses Start; the claim reaches
 * a verdict and the leaderboard names them as the new holder.
 *
 * The node's data folder holds a search saved by an earlier run under other settings (the
 * two-layer NN among its programs), which the node re-scores and seeds the search with: an empty
 * start cannot beat the linear baseline within a test's minutes.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';
import { programDigest } from '../shared/algorithm/canonical';
import { parseProgramOrThrow, printProgram } from '../shared/algorithm/dsl';
import { startLocalnet, type Localnet } from '../src-main/chain/localnet';
import { startDropProxy, type DropProxy } from '../tests/support/tcp-proxy';
import { submit as submitTx } from '../src-main/chain/tx';
import { firstPublicIpv4 } from '../src-main/net/addresses';
import { btcliKeyfileJson } from '../tests/support/btcli-fixture';
import {
  NodeProcess,
  eventually,
  freePort,
  writeTestValidatorConfig,
} from '../tests/network/processes';
import { expect, type NodeHandle, shot, startNode, stopNode, test } from './fixtures';

const ROOT = path.resolve(import.meta.dirname, '..');
const TAO = 1_000_000_000n;

test.describe.configure({ mode: 'serial', timeout: 420_000 });

let net: Localnet;
/** The node reaches the chain through this relay, which the last test cuts and restores. */
let chainLine: DropProxy;
let validator: NodeProcess;
/** The validator's API, which the node's Validator screen shows (--validator-url). */
let validatorUrl: string;
let node: NodeHandle;
let nodeChild: ChildProcess;
let minerMnemonic: string;
let minerAddress: string;
/** A funded coldkey and a fresh hotkey that the person registers from the Wallet screen. */
let coldMnemonic: string;
let hotMnemonic: string;
let hotAddress: string;
let netuidUnderTest: number;

/** A search saved under other settings, holding the NN: the node re-scores it as seeds. */
function writeEarlierSearch(dataDir: string): void {
  const program = printProgram(
    parseProgramOrThrow(readFileSync(path.join(ROOT, 'examples', 'nn.dsl'), 'utf8')),
  );
  const dir = path.join(dataDir, 'direct');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'search-state.json'),
    JSON.stringify({
      format: 'sota-miner/search-state',
      version: 1,
      scope: 'an earlier run with other settings',
      savedAt: new Date().toISOString(),
      individuals: 1,
      islands: [],
      best: [
        {
          program,
          fitness: 0.7,
          digest: programDigest(parseProgramOrThrow(program)),
          foundAt: new Date().toISOString(),
          individuals: 1,
        },
      ],
    }),
  );
}

test.beforeAll(async () => {
  await cryptoWaitReady();
  const ip = firstPublicIpv4();
  if (!ip) throw new Error('direct mode e2e needs a non-loopback IPv4 address on this machine');
  const work = mkdtempSync(path.join(tmpdir(), 'sota-e2e-direct-'));
  net = await startLocalnet({ blockTimeMs: 1000 });
  const c = net.client;
  const netuid = await net.createSubnet({ tempo: 10 });
  await net.deepenPool(netuid, 1_000_000n * TAO);
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });

  const validatorMnemonic = mnemonicGenerate();
  const validatorPair = keyring.addFromMnemonic(validatorMnemonic);
  const keyFile = path.join(work, 'validator.json');
  writeFileSync(keyFile, JSON.stringify(await btcliKeyfileJson(validatorMnemonic)));
  minerMnemonic = mnemonicGenerate();
  minerAddress = keyring.addFromMnemonic(minerMnemonic).address;
  const { validatorColdkey, minerColdkey, spareColdkey } = net.accounts;
  netuidUnderTest = netuid;
  coldMnemonic = mnemonicGenerate();
  hotMnemonic = mnemonicGenerate();
  hotAddress = keyring.addFromMnemonic(hotMnemonic).address;
  await submitTx(
    c,
    c.api.tx['balances']!['transferKeepAlive']!(
      keyring.addFromMnemonic(coldMnemonic).address,
      100n * TAO,
    ),
    spareColdkey,
  );
  await c.burnedRegister(netuid, validatorPair.address, validatorColdkey, 10n * TAO);
  await c.burnedRegister(netuid, minerAddress, minerColdkey, 10n * TAO);
  await submitTx(
    c,
    c.api.tx['subtensorModule']!['addStake']!(validatorPair.address, netuid, 1000n * TAO),
    validatorColdkey,
  );

  const configFile = path.join(work, 'validator-config.json');
  writeTestValidatorConfig(configFile);
  const port = await freePort();
  validatorUrl = `http://127.0.0.1:${port}`;
  validator = new NodeProcess('validator', [
    '--validator',
    ...['--network', net.endpoint, '--netuid', String(netuid)],
    ...['--port', String(port), '--external-ip', ip],
    ...['--data-dir', path.join(work, 'validator'), '--hotkey-file', keyFile],
    ...['--config', configFile],
  ]).start();
  await validator.waitForLine(/validator ready/, 180_000);
  await eventually(
    'the validator with its endpoint in the metagraph',
    async () => {
      const mg = await c.metagraph(netuid);
      return mg.neurons.some((n) => n.hotkey === validatorPair.address && n.axon)
        ? true
        : undefined;
    },
    60_000,
  );
  chainLine = await startDropProxy(net.endpoint);
  ({ node, child: nodeChild } = await startNode(
    ['--network', chainLine.url, '--netuid', String(netuid), '--validator-url', validatorUrl],
    writeEarlierSearch,
  ));
});

test.afterAll(async () => {
  if (nodeChild) await stopNode(nodeChild);
  await validator?.stop();
  await chainLine?.close();
  await net?.close();
});

test('direct mining: paste a key, press Start, reach a verdict, lead the leaderboard', async ({
  page,
}) => {
  await page.goto(node.url);
  await page.getByTestId('secret-input').fill(minerMnemonic);
  await expect(page.getByTestId('address-preview')).toContainText(minerAddress);
  await page.getByTestId('save-key').click();
  await expect(page).toHaveURL(/#\/?mining/);

  // The header tells the node and the chain apart.
  await expect(page.getByTestId('chain-state')).toHaveAttribute('data-state', 'connected');
  await expect(page.getByTestId('chain-state')).toContainText(/Chain: block [\d,]+, \d+ s ago/);

  await page.getByTestId('mode-direct').click();
  await page.getByTestId('threads').fill('1');
  await page.getByTestId('start').click();
  // The holder to beat (the linear baseline) comes from the validator.
  await expect(page.getByTestId('target')).toBeVisible({ timeout: 120_000 });
  // The track comes from the validator too (its GET /v1/tracks), with how many run it.
  await expect(page.getByTestId('track')).toContainText(
    /Claims go to the track cifar10-binary-v1 \(Image classification, version .+\), run by 1 of the 1 validators asked/,
  );
  // And the search stands on it, with the NN of the earlier search (the miner's own best).
  await expect(page.getByTestId('evolving-from')).toContainText(
    /Evolving from the current record \(linear model, 0\.\d{3} on your tasks\) and your best so far/,
  );
  const submissions = page.getByTestId('submissions');
  await expect(submissions).toContainText('Accepted', { timeout: 240_000 });
  // The claim is the record now: the Mining screen says so, in the person's words.
  await expect(page.getByTestId('target')).toContainText('You hold the record', {
    timeout: 60_000,
  });
  await shot(page, '08-direct-accepted');
  await page.getByTestId('stop').click();

  await page.getByTestId('nav-leaderboard').click();
  const holder = page.getByTestId('leaderboard-holder');
  // The person's own key is "you", the record has a number and its score on hidden tasks.
  await expect(holder.getByTitle(minerAddress)).toContainText('you (', { timeout: 30_000 });
  await expect(holder).toContainText('Record #1');
  // Which problem the record is on, as the validator announces it.
  await expect(page.getByTestId('leaderboard-track')).toContainText(
    'The record on Image classification (cifar10-binary-v1)',
  );
  await expect(page.getByTestId('leaderboard-holder-score')).toContainText(/0\.\d{4} vs 0\.\d{4}/);
  await expect(page.getByTestId('leaderboard-history')).toBeVisible();
  await expect(page.getByTestId('record-chart')).toHaveAttribute('data-points', '1');
  // Ratings (the validator recomputes them at most every 30 s): the person's row is marked, and
  // a claim that cleared the margin rates them above the 1500 everyone starts at.
  const ownRating = page.getByTestId('ratings-miners').locator('tr.own-row');
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(ownRating).toContainText('you (', { timeout: 2000 });
  }).toPass({ timeout: 90_000 });
  await expect(ownRating).toContainText(/1[5-9]\d\d ± \d+/);
  await expect(page.getByTestId('ratings-validators')).toBeVisible();
  await shot(page, '09-leaderboard-new-holder');

  // The wallet shows the key's registration on the subnet, read from the chain, and that the
  // person holds the record.
  await page.getByTestId('nav-wallet').click();
  await expect(page.getByTestId('wallet-registration')).toContainText(/Registered as uid \d+/);
  await expect(page.getByTestId('wallet-record')).toContainText('You hold the record');
  await expect(page.getByTestId('wallet-stake')).toContainText('α');
});

test("the Validator screen shows the validator's verdict, its weights and its chain", async ({
  page,
}) => {
  await page.goto(node.url);
  await page.getByTestId('nav-validator').click();
  await expect(page).toHaveURL(/#\/?validator/);
  await expect(page.getByTestId('validator-chain')).toContainText(/Connected · block \d+/);
  await expect(page.getByTestId('validator-queue')).toContainText('Nothing');
  // The claim of the test before: accepted, with both scores and the reason.
  const verdicts = page.getByTestId('validator-verdicts');
  await expect(verdicts).toContainText('Accepted');
  await expect(verdicts).toContainText(/beats the holder by 0\.\d{4}/);
  await expect(verdicts.locator(`code[title="${minerAddress}"]`)).toBeVisible();
  // Weights follow once per tempo (10 blocks of 1 s here): 10% to the winner, the rest burned.
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(page.getByTestId('validator-weights')).toContainText(/uid \d+: 10%/, {
      timeout: 2_000,
    });
  }).toPass({ timeout: 90_000 });
  // On a subnet this small every neuron holds a validator permit: the miner is listed too.
  const peers = page.getByTestId('validator-peers');
  await expect(peers.locator(`code[title="${minerAddress}"]`)).toBeVisible();
  await expect(peers).toContainText('No claim judged by both yet');
  await shot(page, '11-validator-dashboard');

  // What the key earns, in the Wallet. This runtime under chopsticks pays no miner incentive
  // (measured: Incentive stays 0 with weights set; see src-main/pool/rewards.chain.test.ts), so
  // the holder earns here through stake of its own, staked now: the next payout shows it.
  await submitTx(
    net.client,
    net.client.api.tx['subtensorModule']!['addStake']!(minerAddress, netuidUnderTest, 1000n * TAO),
    net.accounts.minerColdkey,
  );
  await page.getByTestId('nav-wallet').click();
  await expect(async () => {
    await page.getByTestId('wallet-refresh').click();
    await expect(page.getByTestId('wallet-emission')).not.toContainText(/^0\.0000 α per payout/, {
      timeout: 3_000,
    });
  }).toPass({ timeout: 90_000 });
  await expect(page.getByTestId('wallet-emission')).toContainText(
    /\d\.\d{4} α per payout \(every 11 blocks\); about [\d,]+\.\d{4} α a day \([\d,]+\.\d{4} TAO at today's price\)/,
  );
  await expect(page.getByTestId('wallet-stake')).toContainText(
    /[\d,]+\.\d{4} α \(worth [\d,]+\.\d{4} TAO now\)/,
  );
  await expect(page.getByTestId('wallet-incentive')).toContainText("% of the miners' pay");
  await shot(page, '15-wallet-earnings');
});

test('register a new hotkey from the Wallet, paid by a coldkey the person added', async ({
  page,
}) => {
  await page.goto(node.url);
  const addKey = async (name: string, mnemonic: string) => {
    await page.getByTestId('nav-wallet').click();
    await page.getByTestId('add-key').click();
    await page.getByTestId('secret-input').fill(mnemonic);
    await page.getByTestId('key-name').fill(name);
    await page.getByTestId('save-key').click();
    await expect(page).toHaveURL(/#\/?mining/);
  };
  await addKey('cold', coldMnemonic);
  await addKey('new-hotkey', hotMnemonic);
  await page.getByTestId('nav-wallet').click();
  const row = page.getByTestId('wallet-list').locator('li', { hasText: hotAddress });
  await expect(row.getByTestId('wallet-registration')).toContainText(
    /Not registered: validators refuse claims from this key\. Registering costs \d+\.\d{4} TAO \(burned\)/,
  );
  const coldRow = page
    .getByTestId('wallet-list')
    .locator('li')
    .filter({ has: page.locator('.key-name', { hasText: /^cold$/ }) });
  const before = await coldRow.getByTestId('wallet-balance').innerText();
  expect(before).toMatch(/^100\.0000 TAO$/);

  await row.getByTestId('wallet-register').click();
  // The richest key pays by default: the funded coldkey.
  await expect(row.getByTestId('register-payer')).toHaveValue('cold');
  await expect(row.getByTestId('register-cost')).toContainText(
    /Registering costs \d+\.\d{4} TAO, burned .* plus a fee of [\d.]+ TAO\. cold has 100\.0000 TAO\./,
  );
  await shot(page, '16-wallet-register');
  await row.getByTestId('register-confirm').click();
  await expect(row.getByTestId('wallet-registration')).toContainText(/Registered as uid \d+/, {
    timeout: 60_000,
  });
  // The burn left the coldkey, which now owns the hotkey.
  const uid = await net.client.uidOf(netuidUnderTest, hotAddress);
  expect(uid).not.toBeNull();
  const after = await coldRow.getByTestId('wallet-balance').innerText();
  expect(Number(after.replace(/[^\d.]/g, ''))).toBeLessThan(Number(before.replace(/[^\d.]/g, '')));
  await expect(row).toContainText('you (cold)');
});

test('the chain drops while Wallet and Leaderboard are open, and comes back', async ({ page }) => {
  await page.goto(node.url);
  await page.getByTestId('nav-wallet').click();
  await expect(page.getByTestId('wallet-balance').first()).toBeVisible({ timeout: 30_000 });
  chainLine.cut();
  try {
    // The header says so, apart from the node (still connected)...
    await expect(page.getByTestId('chain-state')).toHaveAttribute('data-state', 'down', {
      timeout: 30_000,
    });
    await expect(page.getByTestId('connection-state')).toHaveAttribute('data-state', 'connected');
    // ... and a question to the chain fails within 15 s, in a sentence.
    const asked = Date.now();
    await page.getByTestId('wallet-refresh').click();
    await expect(page.getByTestId('wallet-chain-note')).toContainText(
      /did not answer within 12 s\. Check your connection/,
      { timeout: 20_000 },
    );
    expect(Date.now() - asked).toBeLessThan(16_000);
    await page.getByTestId('nav-leaderboard').click();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(page.getByRole('alert')).toContainText(/did not answer within 12 s/, {
      timeout: 20_000,
    });
    await shot(page, '17-chain-down');
  } finally {
    chainLine.restore();
  }
  await expect(page.getByTestId('chain-state')).toHaveAttribute('data-state', 'connected', {
    timeout: 90_000,
  });
  await page.getByTestId('nav-wallet').click();
  await page.getByTestId('wallet-refresh').click();
  await expect(page.getByTestId('wallet-balance').first()).toBeVisible({ timeout: 30_000 });
});
