/**
 * Pool mining from the browser UI: a pool node and two miners from the command line (real
 * processes, signed HTTP on loopback), and the person's node started from the UI with the pool's
 * address. Units need three agreeing miners, so the UI's miner earns shares once its results
 * match the others'. Small search settings keep units short.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';
import { btcliKeyfileJson } from '../tests/support/btcli-fixture';
import { NodeProcess, freePort } from '../tests/network/processes';
import { DEV_MNEMONIC, expect, shot, test } from './fixtures';

test.describe.configure({ mode: 'serial', timeout: 240_000 });

const processes: NodeProcess[] = [];
let poolUrl: string;

test.beforeAll(async () => {
  await cryptoWaitReady();
  const work = mkdtempSync(path.join(tmpdir(), 'sota-e2e-pool-'));
  const key = async (name: string) => {
    const file = path.join(work, `${name}.json`);
    writeFileSync(file, JSON.stringify(await btcliKeyfileJson(mnemonicGenerate())));
    return file;
  };
  const config = path.join(work, 'pool-settings.json');
  writeFileSync(
    config,
    JSON.stringify({
      search: {
        populationSize: 20,
        tournamentSize: 4,
        tasks: { count: 2, firstSeed: 0, features: 16, train: 200, valid: 100 },
      },
    }),
  );
  const port = await freePort();
  poolUrl = `http://127.0.0.1:${port}`;
  const pool = new NodeProcess('pool', [
    '--pool',
    ...['--hotkey-file', await key('pool'), '--data-dir', path.join(work, 'pool')],
    ...['--host', '127.0.0.1', '--port', String(port), '--config', config],
    ...['--unit-individuals', '300'],
  ]).start();
  processes.push(pool);
  await pool.waitForLine(/pool ready/, 60_000);
  for (const name of ['miner-1', 'miner-2']) {
    const miner = new NodeProcess(name, [
      'mine',
      ...['--pool', poolUrl, '--hotkey-file', await key(name), '--threads', '1'],
    ]).start();
    processes.push(miner);
    await miner.waitForLine(/pool joined/, 60_000);
  }
});

test.afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
});

test('pool mining: enter the pool address, start, and earn shares', async ({ page, node }) => {
  await page.goto(node.url);
  await page.getByTestId('secret-input').fill(DEV_MNEMONIC);
  await page.getByTestId('save-key').click();
  await expect(page).toHaveURL(/#\/?mining/);
  await page.getByTestId('mode-pool').click();
  await page.getByTestId('pool-url').fill(poolUrl);
  await page.getByTestId('threads').fill('1');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('pool-panel')).toBeVisible({ timeout: 60_000 });
  const number = async (id: string) =>
    Number((await page.getByTestId(id).innerText()).replace(/[^0-9]/g, '') || '0');
  await expect.poll(() => number('pool-units'), { timeout: 120_000 }).toBeGreaterThan(0);
  await expect.poll(() => number('pool-shares'), { timeout: 120_000 }).toBeGreaterThan(0);
  await shot(page, '12-pool-mining');
  await page.getByTestId('stop').click();
  // Stopped: Start is offered again.
  await expect(page.getByTestId('start')).toBeEnabled({ timeout: 60_000 });
});

test('pool mining: a malformed pool address gets a clear error', async ({ page, node }) => {
  await page.goto(node.url);
  await page.getByTestId('nav-mining').click();
  await page.getByTestId('mode-pool').click();
  await page.getByTestId('pool-url').fill('ftp://nowhere');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('mining-command-error')).toContainText(/http:\/\/ or https:\/\//);
});
