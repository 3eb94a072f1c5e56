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
import { submit as submitTx } from '../src-main/chain/tx';
import { firstPublicIpv4 } from '../src-main/net/addresses';
import { btcliKeyfileJson } from '../src-main/wallet/btcli-fixture';
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
let validator: NodeProcess;
/** The validator's API, which the node's Validator screen shows (--validator-url). */
let validatorUrl: string;
let node: NodeHandle;
let nodeChild: ChildProcess;
let minerMnemonic: string;
let minerAddress: string;

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
  const { validatorColdkey, minerColdkey } = net.accounts;
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
  ({ node, child: nodeChild } = await startNode(
    ['--network', net.endpoint, '--netuid', String(netuid), '--validator-url', validatorUrl],
    writeEarlierSearch,
  ));
});

test.afterAll(async () => {
  if (nodeChild) await stopNode(nodeChild);
  await validator?.stop();
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

  await page.getByTestId('mode-direct').click();
  await page.getByTestId('threads').fill('1');
  await page.getByTestId('start').click();
  // The holder to beat (the linear baseline) comes from the validator.
  await expect(page.getByTestId('target')).toBeVisible({ timeout: 120_000 });
  // And the search stands on it, with the NN of the earlier search (the miner's own best).
  await expect(page.getByTestId('evolving-from')).toContainText(
    /Evolving from the current record \(linear model, 0\.\d{3} on your tasks\) and your best so far/,
  );
  const submissions = page.getByTestId('submissions');
  await expect(submissions).toContainText('Accepted', { timeout: 240_000 });
  await shot(page, '08-direct-accepted');
  await page.getByTestId('stop').click();

  await page.getByTestId('nav-leaderboard').click();
  const holder = page.getByTestId('leaderboard-holder');
  await expect(holder.locator(`code[title="${minerAddress}"]`)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('leaderboard-history')).toBeVisible();
  await shot(page, '09-leaderboard-new-holder');

  // The wallet shows the key's registration on the subnet, read from the chain.
  await page.getByTestId('nav-wallet').click();
  await expect(page.getByTestId('wallet-chain')).toContainText(
    /registered on subnet \d+ as uid \d+/,
  );
  await shot(page, '11-wallet-on-chain');
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
  await shot(page, '12-validator-dashboard');
});
