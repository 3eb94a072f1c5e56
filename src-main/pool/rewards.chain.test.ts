/**
 * Reward windows on the real Subtensor runtime under chopsticks: the pool's hotkey earns alpha,
 * the window closes only once the pool holds the state of the art, the earned alpha is unstaked
 * and the TAO that came out is split and paid exactly; an unstake sent before a crash is found in
 * its block and booked once.
 *
 * This runtime under chopsticks pays no miner incentive (measured: Rank and Incentive stay 0 with
 * weights set; emission follows stake), so the pool's hotkey earns here through stake of its own.
 * What arrives on the hotkey is real emission either way, and the pool books it the same way.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalnet, type Localnet } from '../chain/localnet';
import { submit } from '../chain/tx';
import { silentLogger } from '../log/logger';
import { bookUnit } from '../../tests/support/ledger-fixture';
import { POOL_TX_MORTAL_BLOCKS } from './payouts';
import { RewardWindows, type RewardOptions } from './rewards';
import { WorkLedger } from './work-ledger';

const TAO = 1_000_000_000n;
describe('pool reward windows on chain', () => {
  let net: Localnet;
  let netuid: number;
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const newAddress = () => keyring.addFromMnemonic(mnemonicGenerate()).address;

  beforeAll(async () => {
    await cryptoWaitReady();
    net = await startLocalnet({});
    netuid = net.netuid!;
    await net.deepenPool(netuid, 1_000_000n * TAO);
    const { spareColdkey, spareHotkey } = net.accounts;
    await net.client.burnedRegister(netuid, spareHotkey.address, spareColdkey, 10n * TAO);
    const addStake = (from: typeof spareColdkey, tao: bigint) =>
      submit(
        net.client,
        net.client.api.tx['subtensorModule']!['addStake']!(spareHotkey.address, netuid, tao * TAO),
        from,
      );
    await addStake(spareColdkey, 100n);
    // A nominator's stake on the pool hotkey is the nominator's: never the pool's earnings.
    await addStake(net.accounts.minerColdkey, 50n);
    nominatorAlpha = await nominator();
  });
  let nominatorAlpha: bigint;
  const nominator = () =>
    net.client.coldkeyAlpha(
      netuid,
      net.accounts.spareHotkey.address,
      net.accounts.minerColdkey.address,
    );
  afterAll(async () => {
    await net?.close();
  });

  /** The pool's reward windows on `ledger`: 10% fee, every credit paid, paid to the hotkeys. */
  const windows = (ledger: WorkLedger, o: Partial<RewardOptions>) =>
    new RewardWindows({
      client: net.client,
      ledger,
      netuid,
      hotkey: net.accounts.spareHotkey.address,
      coldkey: net.accounts.spareColdkey,
      feeBps: 1000,
      minimumPayoutRao: 1n,
      windowBlocks: 1000,
      holdsSota: async () => false,
      payee: (m) => m,
      log: silentLogger,
      ...o,
    });

  function setUp(windowBlocks: number, txTimeoutMs?: number) {
    const ledger = WorkLedger.open(path.join(mkdtempSync(path.join(tmpdir(), 'rewards-')), 'p.db'));
    const [alice, bob, x, y, z] = Array.from({ length: 5 }, newAddress) as [
      string,
      string,
      string,
      string,
      string,
    ];
    // alice agrees on two units, bob on one; x, y and z share them.
    bookUnit(ledger, 1, [alice, bob, x]);
    bookUnit(ledger, 2, [alice, y, z]);
    const held = { now: false };
    const rewards = windows(ledger, { holdsSota: async () => held.now, windowBlocks, txTimeoutMs });
    return { ledger, rewards, held, alice, bob, miners: [alice, bob, x, y, z] };
  }

  /**
   * Waits until the chain has built the blocks of what was sent (the pool is empty and the head
   * stays put for a second): a transaction whose answer a pool gave up on still lands, and
   * chopsticks must not build another block meanwhile.
   */
  const quiet = async () => {
    for (let stable = 0, last = -1; stable < 3;) {
      await new Promise((r) => setTimeout(r, 400));
      const pending = (await net.client.connection.send(
        'author_pendingExtrinsics',
        [],
      )) as unknown[];
      const head = await net.headNumber();
      stable = pending.length === 0 && head === last ? stable + 1 : 0;
      last = head;
    }
  };

  const step = async (rewards: RewardWindows) => {
    const block = await net.newBlock();
    await rewards.onBlock(block);
    return block;
  };

  it('closes a window only once the pool has won, and pays the unstaked TAO exactly', async () => {
    const { ledger, rewards, held, alice, bob, miners } = setUp(12);
    const opened = await step(rewards);
    expect(ledger.rewardState()).toMatchObject({ openedBlock: opened, heldBlock: null });
    // Blocks pass and alpha arrives, but the pool has not won: nothing closes.
    for (let i = 0; i < 15; i++) await step(rewards);
    expect(ledger.windows()).toEqual([]);
    const alphaBefore = await net.client.coldkeyAlpha(
      netuid,
      net.accounts.spareHotkey.address,
      net.accounts.spareColdkey.address,
    );
    expect(alphaBefore).toBeGreaterThan(ledger.rewardState()!.baselineAlpha);

    held.now = true;
    const balances = async () => Promise.all(miners.map((m) => net.client.balance(m)));
    const before = await balances();
    for (let i = 0; i < 8 && ledger.windows().length === 0; i++) await step(rewards);
    const [w] = ledger.windows();
    expect(w).toBeDefined();
    expect(w!.unstakeTx).toMatch(/^0x[0-9a-f]{64}$/);
    expect(w!.earnedAlpha!).toBeGreaterThan(0n);
    expect(w!.total).toBeGreaterThan(0n);
    expect([...w!.amounts.values()].reduce((a, b) => a + b, w!.fee)).toBe(w!.total);
    expect(w!.fee).toBe((w!.total * 1000n) / 10_000n);

    // Paid in the same step, each payee by exactly its credit.
    const after = await balances();
    const credited = miners.map((m) => w!.amounts.get(m) ?? 0n);
    expect(after.map((b, i) => b - before[i]!)).toEqual(credited);
    expect(ledger.unpaid().size).toBe(0);
    // alice agreed on two units, bob on one: her credit is twice his, to the rounding RAO.
    const a = w!.amounts.get(alice)!;
    const b = w!.amounts.get(bob)!;
    expect(a - 2n * b).toBeLessThanOrEqual(2n);
    expect(a - 2n * b).toBeGreaterThanOrEqual(-2n);
    // The next window starts at the unstake, and needs a new win.
    expect(ledger.rewardState()).toMatchObject({ openedBlock: w!.block, heldBlock: null });
    // The nominator's stake was not taken for the pool's earnings.
    expect(await nominator()).toBeGreaterThanOrEqual(nominatorAlpha);
    await rewards.stop();
    ledger.close();
  }, 180_000);

  it('books an unstake sent before a crash once it finds it in its block', async () => {
    const { ledger, rewards, alice } = setUp(1000);
    await step(rewards); // opens the window
    await net.newBlock(12);
    const hotkey = net.accounts.spareHotkey.address;
    const earned =
      (await net.client.coldkeyAlpha(netuid, hotkey, net.accounts.spareColdkey.address)) -
      ledger.rewardState()!.baselineAlpha;
    expect(earned).toBeGreaterThan(0n);
    // The pool sends the unstake, booking its hash first, then dies before booking the window.
    const sent = await net.client.removeStake(netuid, hotkey, net.accounts.spareColdkey, earned, {
      mortalBlocks: POOL_TX_MORTAL_BLOCKS,
      onSigned: (txHash, birth) => ledger.beginUnstake({ alpha: earned, block: birth!, txHash }),
    });
    await rewards.stop();

    const restarted = windows(ledger, {});
    await step(restarted);
    const [w] = ledger.windows();
    expect(w).toMatchObject({
      unstakeTx: sent.tx.txHash,
      total: sent.tao,
      earnedAlpha: sent.alpha,
    });
    expect(ledger.rewardState()!.unstaking).toBeNull();
    await step(restarted); // nothing is booked twice
    expect(ledger.windows()).toHaveLength(1);
    expect(ledger.payouts(alice)[0]!.txHash).toMatch(/^0x/); // and the credit was paid
    await restarted.stop();
    ledger.close();
  }, 180_000);

  it('settles an unstake and transfers whose answers were lost, each exactly once', async () => {
    // Every answer is lost (a 1 ms time-out), though each transaction reaches a block.
    const { ledger, rewards, held, miners } = setUp(1, 1);
    held.now = true;
    const before = await Promise.all(miners.map((m) => net.client.balance(m)));
    for (let i = 0; i < 10 && !ledger.rewardState()?.unstaking; i++) await step(rewards);
    expect(ledger.rewardState()!.unstaking).not.toBeNull();
    expect(ledger.windows()).toEqual([]);
    // Found in its block and booked; the transfers time out in turn and stay pending.
    await quiet();
    await step(rewards);
    await quiet();
    const [w] = ledger.windows();
    expect(w).toBeDefined();
    expect(ledger.rewardState()!.unstaking).toBeNull();
    expect(ledger.pendingPayouts().length).toBeGreaterThan(0);
    await rewards.stop();

    // A pool that hears back in time finds the transfers instead of sending them again.
    const again = windows(ledger, { windowBlocks: 1 }); // pays (and settles) at every block
    await quiet();
    await step(again);
    // Transfers whose answers were lost and which never landed (a time-out gives their nonce up,
    // so the next one sent with it is refused) are paid again once their era has passed.
    await net.newBlock(POOL_TX_MORTAL_BLOCKS + 1);
    for (let i = 0; i < 3; i++) {
      await step(again);
      await quiet();
    }
    expect(ledger.pendingPayouts()).toEqual([]);
    expect(ledger.unpaid().size).toBe(0);
    const after = await Promise.all(miners.map((m) => net.client.balance(m)));
    expect(after.map((b, i) => b - before[i]!)).toEqual(miners.map((m) => w!.amounts.get(m) ?? 0n));
    expect(ledger.windows()).toHaveLength(1);
    await again.stop();
    ledger.close();
  }, 180_000);
});
