/**
 * Pool payouts on the real Subtensor runtime under chopsticks: a reward window split by the
 * ledger's shares is paid by balance transfers from the pool's coldkey, and the balances on chain
 * match the recorded credits to the RAO; a second run pays nothing twice.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalnet, type Localnet } from '../chain/localnet';
import { silentLogger } from '../log/logger';
import { bookUnit } from '../../tests/support/ledger-fixture';
import { payMiners } from './payouts';
import { WorkLedger } from './work-ledger';

const TAO = 1_000_000_000n;
describe('pool payouts on chain', () => {
  let net: Localnet;
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });

  beforeAll(async () => {
    await cryptoWaitReady();
    net = await startLocalnet({ subnet: false });
  });
  afterAll(async () => {
    await net?.close();
  });

  it('pays each miner its split of a window, exactly, once', async () => {
    const ledger = WorkLedger.open(path.join(mkdtempSync(path.join(tmpdir(), 'payout-')), 'p.db'));
    const [alice, bob, carol, mallory] = Array.from(
      { length: 4 },
      () => keyring.addFromMnemonic(mnemonicGenerate()).address,
    );
    // alice agrees on 3 units, bob on 2, carol on 1; mallory alters every answer.
    const plan: Array<[number, string[]]> = [
      [1, [alice!, bob!, mallory!]],
      [2, [alice!, bob!, mallory!]],
      [3, [alice!, carol!, mallory!]],
    ];
    for (const [n, miners] of plan) bookUnit(ledger, n, miners, new Set([mallory!]));
    expect(ledger.account(mallory!).shares).toBe(0n);

    const total = 10n * TAO + 7n;
    const { fee, amounts } = ledger.closeWindow(total, 500, Date.now());
    expect([...amounts.values()].reduce((a, b) => a + b, fee)).toBe(total);
    expect(ledger.shares().size).toBe(0); // the next window starts from zero

    const before = new Map(
      await Promise.all(
        [alice!, bob!, carol!].map(async (m) => [m, await net.client.balance(m)] as const),
      ),
    );
    const from = net.accounts.spareColdkey; // the pool operator's coldkey
    const report = await payMiners({
      client: net.client,
      ledger,
      from,
      minimum: TAO,
      log: silentLogger,
    });
    // carol's 1/6 of 9.5 TAO is above the 1 TAO minimum too: everyone with credit is paid.
    expect(new Set(report.paid.keys())).toEqual(new Set([alice, bob, carol]));
    for (const [m, { amount }] of report.paid) {
      expect(amount).toBe(amounts.get(m));
      expect((await net.client.balance(m)) - before.get(m)!).toBe(amount);
    }
    expect(ledger.unpaid().size).toBe(0);
    expect(ledger.payouts(alice!)[0]!.txHash).toMatch(/^0x[0-9a-f]{64}$/);

    const again = await payMiners({
      client: net.client,
      ledger,
      from,
      minimum: TAO,
      log: silentLogger,
    });
    expect(again.paid.size).toBe(0);
    ledger.close();
  });
});
