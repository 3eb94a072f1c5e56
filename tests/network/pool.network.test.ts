/**
 * Pool mining on a local network (`npm run test:pool`): the real Subtensor runtime under
 * chopsticks, two validators, a pool and three miners, all talking HTTP over this machine's own
 * address. What the pool issue asks to see:
 * - the dishonest miner (it raises every fitness it returns) earns no shares, even with a second
 *   hotkey of its own coldkey returning the same altered results (a unit never goes to two
 *   hotkeys of one owner, so they cannot agree with each other);
 * - the pool's best program is claimed under the pool's hotkey and accepted by the validators;
 * - the reward window is paid on chain, each miner's coldkey receiving exactly its recorded split
 *   of the TAO the pool unstaked, to the RAO.
 *
 * The honest miners run as CLI processes (one finds the pool on chain, the other is given its
 * URL); the dishonest one runs in this process, as a PoolClient with a tamper hook, so that
 * nothing in the product carries a switch for cheating.
 *
 * This runtime under chopsticks pays no miner incentive (measured: Rank and Incentive stay 0 with
 * weights set; emission follows stake), so the pool's hotkey earns through stake of its own, as
 * in src-main/pool/rewards.chain.test.ts. The pool books whatever alpha arrives the same way.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KeyringPair } from '@polkadot/keyring/types';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MinerStatementSchema, RewardWindowSchema, splitHolds } from '../../shared/pool/statement';
import type { WorkResult } from '../../shared/pool/units';
import { startLocalnet, type Localnet } from '../../src-main/chain/localnet';
import { stakeRemoved } from '../../src-main/chain/stake';
import { findIncluded, submit as submitTx } from '../../src-main/chain/tx';
import { realCifar10Dir } from '../support/cifar-tasks';
import { silentLogger } from '../../src-main/log/logger';
import { firstPublicIpv4 } from '../../src-main/net/addresses';
import { getOkJson } from '../../src-main/net/http-client';
import { discoverPools } from '../../src-main/pool/discover';
import { PoolClient } from '../../src-main/pool/pool-client';
import {
  NodeProcess,
  eventually,
  freePort,
  newKeyFile,
  paidAndReceived,
  validatorArgs,
  writeTestValidatorConfig,
} from './processes';

const TAO = 1_000_000_000n;
const ROOT = path.resolve(import.meta.dirname, '../..');

/** The dishonest miner: every fitness it reports is raised, to make its work look better. */
const inflate = (r: WorkResult): WorkResult =>
  r.kind === 'evolve'
    ? { ...r, children: r.children.map((c) => ({ ...c, fitness: Math.min(1, c.fitness + 0.05) })) }
    : { ...r, fitnesses: r.fitnesses.map((row) => row.map((f) => Math.min(1, f + 0.05))) };

interface Miner {
  name: string;
  hotkey: { pair: KeyringPair; keyFile: string };
  coldkey: { pair: KeyringPair; keyFile: string };
}

describe('pool mining on a local network', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'sota-pool-network-'));
  let net: Localnet;
  let netuid: number;
  let ip: string;
  let cifarDir: string;
  let validators: Array<{ url: string; process: NodeProcess }> = [];
  let poolProcess: NodeProcess | null = null;
  let poolUrl: string;
  let poolHotkey: KeyringPair;
  let poolColdkey: KeyringPair;
  const miners: NodeProcess[] = [];
  let honest: Miner[];
  let mallory: Miner;
  /** Mallory's second hotkey, owned by the same coldkey. */
  let mallorySybil: { pair: KeyringPair; keyFile: string };
  let balancesBefore: Map<string, bigint>;

  beforeAll(async () => {
    await cryptoWaitReady();
    cifarDir = await realCifar10Dir();
    const found = firstPublicIpv4();
    if (!found) throw new Error('the pool test needs a non-loopback IPv4 address on this machine');
    ip = found;
    net = await startLocalnet({ blockTimeMs: 1000 });
    const c = net.client;
    netuid = await net.createSubnet({ tempo: 10 });
    await net.deepenPool(netuid, 1_000_000n * TAO);
    const { validatorColdkey, spareColdkey } = net.accounts;
    const fund = (to: string, amount: bigint) =>
      submitTx(c, c.api.tx['balances']!['transferKeepAlive']!(to, amount), spareColdkey);

    // Two validators: A holds two thirds of the stake, so the quorum needs both.
    const validatorKeys = await Promise.all(['A', 'B'].map((n) => newKeyFile(work, `v${n}`)));
    for (const [i, k] of validatorKeys.entries()) {
      await c.burnedRegister(netuid, k.pair.address, validatorColdkey, 10n * TAO);
      await submitTx(
        c,
        c.api.tx['subtensorModule']!['addStake']!(k.pair.address, netuid, [2000n, 1000n][i]! * TAO),
        validatorColdkey,
      );
    }
    // The pool: its hotkey, owned by its own coldkey, with stake to earn on (see the header).
    const poolKeys = await newKeyFile(work, 'pool-hotkey');
    const poolCold = await newKeyFile(work, 'pool-coldkey');
    poolHotkey = poolKeys.pair;
    poolColdkey = poolCold.pair;
    await fund(poolColdkey.address, 1000n * TAO);
    await c.burnedRegister(netuid, poolHotkey.address, poolColdkey, 10n * TAO);
    await submitTx(
      c,
      c.api.tx['subtensorModule']!['addStake']!(poolHotkey.address, netuid, 100n * TAO),
      poolColdkey,
    );
    // Three miners, each hotkey owned by a coldkey of its own: the pool pays the coldkeys.
    const newMiner = async (name: string): Promise<Miner> => {
      const m = {
        name,
        hotkey: await newKeyFile(work, `${name}-hotkey`),
        coldkey: await newKeyFile(work, `${name}-coldkey`),
      };
      await fund(m.coldkey.pair.address, 100n * TAO);
      await c.burnedRegister(netuid, m.hotkey.pair.address, m.coldkey.pair, 10n * TAO);
      return m;
    };
    honest = [await newMiner('alice'), await newMiner('bob')];
    mallory = await newMiner('mallory');
    mallorySybil = await newKeyFile(work, 'mallory-2-hotkey');
    await c.burnedRegister(netuid, mallorySybil.pair.address, mallory.coldkey.pair, 10n * TAO);
    balancesBefore = new Map(
      await Promise.all(
        [...honest, mallory].map(
          async (m) => [m.coldkey.pair.address, await c.balance(m.coldkey.pair.address)] as const,
        ),
      ),
    );

    const configFile = writeTestValidatorConfig(path.join(work, 'validator.json'));
    validators = await Promise.all(
      validatorKeys.map(async (k, i) => {
        const port = await freePort();
        const name = `validator-${'AB'[i]}`;
        const args = validatorArgs({
          endpoint: net.endpoint,
          netuid,
          ip,
          port,
          dataDir: path.join(work, name),
          keyFile: k.keyFile,
          cifarDir,
          configFile,
        });
        return { url: `http://${ip}:${port}`, process: new NodeProcess(name, args).start() };
      }),
    );
    await Promise.all(validators.map((v) => v.process.waitForLine(/validator ready/, 120_000)));
  }, 300_000);

  afterAll(async () => {
    await Promise.all(miners.map((m) => m.stop()));
    await poolProcess?.stop();
    await Promise.all(validators.map((v) => v.process.stop()));
    await net?.close();
  });

  it('runs a pool whose best program wins, and pays its honest miners exactly', async () => {
    const port = await freePort();
    poolUrl = `http://${ip}:${port}`;
    poolProcess = new NodeProcess('pool', [
      '--pool',
      ...['--network', net.endpoint, '--netuid', String(netuid)],
      ...['--hotkey-file', path.join(work, 'pool-hotkey.json')],
      ...['--coldkey-file', path.join(work, 'pool-coldkey.json')],
      ...['--port', String(port), '--external-ip', ip, '--data-dir', path.join(work, 'pool')],
      ...['--cifar-dir', cifarDir, '--from', path.join(ROOT, 'examples', 'nn.dsl')],
      // Small units (the starting population outlives them: the seed stays among the children),
      // short windows, every credit paid.
      ...['--unit-individuals', '50', '--window-blocks', '15', '--min-payout-rao', '1'],
      ...['--fee-bps', '500'],
    ]).start();
    await poolProcess.waitForLine(/endpoint announced/, 120_000);

    // A miner finds the pool on chain by its announcement.
    const listed = await discoverPools(net.client, netuid, silentLogger);
    expect(listed.map((p) => [p.url, p.hotkey])).toEqual([[poolUrl, poolHotkey.address]]);

    const [alice, bob] = honest as [Miner, Miner];
    const minerArgs = (m: Miner, pool: string[]) => [
      'mine',
      ...pool,
      ...['--hotkey-file', m.hotkey.keyFile, '--threads', '1', '--cifar-dir', cifarDir],
    ];
    miners.push(
      new NodeProcess('alice', minerArgs(alice, ['--pool', poolUrl])).start(),
      new NodeProcess(
        'bob',
        minerArgs(bob, ['--pool', 'chain', '--network', net.endpoint, '--netuid', String(netuid)]),
      ).start(),
    );
    const cheat = new PoolClient({
      url: poolUrl,
      pair: mallory.hotkey.pair,
      threads: 1,
      cifarDir,
      log: silentLogger,
      tamper: inflate,
    });
    const sybil = new PoolClient({
      url: poolUrl,
      pair: mallorySybil.pair,
      threads: 1,
      cifarDir,
      log: silentLogger,
      tamper: inflate,
    });
    await cheat.connect();
    await sybil.connect();
    const stopCheat = new AbortController();
    const cheating = Promise.all([cheat.work(stopCheat.signal), sybil.work(stopCheat.signal)]);

    try {
      // The pool's best program becomes the state of the art under the pool's hotkey.
      await eventually(
        'the validators to name the pool as the holder',
        async () => {
          const holders = await Promise.all(
            validators.map(
              async (v) =>
                ((await getOkJson(`${v.url}/v1/sota`)) as { holder: { miner: string | null } })
                  .holder.miner,
            ),
          );
          return holders.every((h) => h === poolHotkey.address) ? true : undefined;
        },
        240_000,
      );
      await poolProcess.waitForLine(/the pool holds the state of the art/, 60_000);
      // What it claimed is the holder now, and it claimed by the score on tasks its search never
      // saw (an evaluate unit, agreed): the claim's score is a checked program's.
      const fields = (line: string) =>
        JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>;
      const claim = fields(await poolProcess.waitForLine(/direct: claim/));
      const holder = (await getOkJson(`${validators[0]!.url}/v1/sota`)) as {
        holder: { digest: string };
      };
      expect(holder.holder.digest).toBe(claim['digest']);
      const checkedScores = poolProcess.lines
        .filter((l) => /new best checked program/.test(l))
        .map((l) => fields(l)['fitness']);
      expect(checkedScores).toContain(claim['fitness']);

      // A window closes and is paid.
      const windows = await eventually(
        'a paid reward window',
        async () => {
          const { windows: list } = (await getOkJson(`${poolUrl}/v1/pool/windows`)) as {
            windows: unknown;
          };
          const parsed = RewardWindowSchema.array().parse(list);
          return parsed.length > 0 && poolProcess!.has(/payouts sent/) ? parsed : undefined;
        },
        180_000,
      );
      const w = windows.at(-1)!;
      expect(splitHolds(w)).toBe(true);
      expect(Object.keys(w.shares).sort()).toEqual(honest.map((m) => m.hotkey.pair.address).sort());
      expect(w.amounts[mallory.hotkey.pair.address]).toBeUndefined();

      // The window's total is what the unstake moved on chain, to the RAO.
      const unstake = await findIncluded(net.client, w.unstakeTx!, w.block!, w.block!);
      expect(unstake?.ok).toBe(true);
      const event = unstake!.events.find((e) => stakeRemoved(e) !== null)!;
      const moved = stakeRemoved(event)!;
      expect(moved.tao.toString()).toBe(w.totalRao);
      expect(moved.alpha.toString()).toBe(w.earnedAlpha);
      expect(event.data[0]).toBe(poolColdkey.address); // out of the pool hotkey, into its coldkey
      expect(event.data[1]).toBe(poolHotkey.address);

      // Each honest miner's coldkey received exactly what the pool booked for its hotkey.
      for (const m of honest) {
        const coldkey = m.coldkey.pair.address;
        const statement = await eventually('a statement between two payouts', () =>
          paidAndReceived(
            net.client,
            poolUrl,
            m.hotkey.pair.address,
            coldkey,
            balancesBefore.get(coldkey)!,
          ),
        );
        const paid = statement.payouts
          .filter((p) => p.txHash !== null)
          .reduce((a, p) => a + BigInt(p.amountRao), 0n);
        expect(paid).toBeGreaterThan(0n);
        expect(statement.paidRao).toBe(paid.toString());
        for (const p of statement.payouts) if (p.txHash) expect(p.payee).toBe(coldkey);
      }

      // The dishonest miner did the work and earned nothing for it.
      const cheater = MinerStatementSchema.parse(
        await getOkJson(`${poolUrl}/v1/pool/miners/${mallory.hotkey.pair.address}`),
      );
      expect(cheat.stats.units).toBeGreaterThan(0);
      expect(cheat.stats.accepted).toBe(0);
      expect(cheater).toMatchObject({ shares: '0', pendingRao: '0', paidRao: '0', agreed: 0 });
      expect(cheater.reputation).toBeLessThan(0);
      // Nor did its second hotkey: it never shared a unit with the first.
      expect(sybil.stats.accepted).toBe(0);
      expect(
        MinerStatementSchema.parse(
          await getOkJson(`${poolUrl}/v1/pool/miners/${mallorySybil.pair.address}`),
        ),
      ).toMatchObject({ shares: '0', pendingRao: '0', paidRao: '0', agreed: 0 });
      expect(
        (await net.client.balance(mallory.coldkey.pair.address)) -
          balancesBefore.get(mallory.coldkey.pair.address)!,
      ).toBe(0n);
      // The honest miners' own reports checked the split too.
      for (const m of miners) await m.waitForLine(/splits checked [1-9]/, 30_000);
    } finally {
      stopCheat.abort();
      await cheating;
      await Promise.all([cheat.close(), sybil.close()]);
    }
  }, 600_000);
});
