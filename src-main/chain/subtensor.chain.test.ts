/**
 * The chain client against the real Subtensor runtime (spec 218) executed by chopsticks on
 * 127.0.0.1. One local network for the whole file; steps build on each other like a real
 * deployment: subnet → registrations → axon → commitment → weights.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLogger } from '../log/logger';
import { SubtensorClient } from './client';
import type { ConnectionStatus } from './connection';
import { ChainError } from './errors';
import { startLocalnet, type Localnet } from './localnet';
import { startDropProxy } from '../../tests/support/tcp-proxy';
import { submit, type TxResult } from './tx';

const logLines: string[] = [];
const log = createLogger({ level: 'debug', format: 'json', write: (l) => logLines.push(l) });

let net: Localnet;
let client: SubtensorClient;
let netuid: number;
const AXON = { ip: '192.0.2.1', port: 8091, version: 1 }; // documentation range: stored, never contacted

beforeAll(async () => {
  const t0 = Date.now();
  net = await startLocalnet({ log });
  client = await SubtensorClient.connect({ network: net.endpoint, log });
  netuid = net.netuid!;
  log.info('localnet up', { ms: Date.now() - t0, netuid });
});

afterAll(async () => {
  await client?.close();
  await net?.close();
});

const tao = (n: number) => BigInt(n) * 1_000_000_000n;

async function expectChainError(p: Promise<unknown>): Promise<ChainError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ChainError);
    return err as ChainError;
  }
  throw new Error('expected a ChainError');
}

describe('Subtensor client on the real runtime', () => {
  it('detects features from metadata instead of assuming them', () => {
    const f = client.features();
    expect(f).toMatchObject({
      specName: 'node-subtensor',
      specVersion: 218,
      burnedRegister: true,
      serveAxon: true,
      commitReveal: true,
      commitments: true,
      neuronInfoRuntimeApi: true,
      // Missing from this runtime (present on today's mainnet): reported, not assumed.
      commitRevealV3: false,
      startCall: false,
      batchSetWeights: false,
    });
    expect(logLines.join('\n')).toContain('has no commit-reveal v3');
  });

  it('quotes the registration cost, then registers a miner and a validator hotkey', async () => {
    const { minerHotkey, minerColdkey, validatorHotkey, validatorColdkey } = net.accounts;
    expect(await client.uidOf(netuid, minerHotkey.address)).toBeNull();
    const quote = await client.quoteRegistration(netuid, minerHotkey.address, minerColdkey.address);
    expect(quote.burnRao).toBeGreaterThan(0n);
    expect(quote.feeRao).toBeGreaterThanOrEqual(0n); // burned_register pays no fee on this runtime
    expect(quote.affordable).toBe(true);
    expect(quote.summary).toMatch(/TAO burned \+ .* TAO fee/);

    // Paying less than the current burn is refused before anything is sent.
    const refused = await expectChainError(
      client.burnedRegister(netuid, minerHotkey.address, minerColdkey, quote.burnRao - 1n),
    );
    expect(refused.code).toBe('REFUSED');

    const before = await client.balance(minerColdkey.address);
    const miner = await client.burnedRegister(
      netuid,
      minerHotkey.address,
      minerColdkey,
      quote.burnRao,
    );
    const validator = await client.burnedRegister(
      netuid,
      validatorHotkey.address,
      validatorColdkey,
      tao(1000),
    );
    expect(await client.uidOf(netuid, minerHotkey.address)).toBe(miner.uid);
    expect(await client.uidOf(netuid, validatorHotkey.address)).toBe(validator.uid);
    expect(before - (await client.balance(minerColdkey.address))).toBeGreaterThanOrEqual(
      quote.burnRao,
    );
  });

  it("reads a registered hotkey's owner, stake and pay, and nothing for an unregistered one", async () => {
    const { minerHotkey, minerColdkey, spareHotkey } = net.accounts;
    const pool = await client.alphaPool(netuid);
    const earnings = await client.earnings(netuid, minerHotkey.address, pool);
    expect(earnings).toMatchObject({
      uid: await client.uidOf(netuid, minerHotkey.address),
      coldkey: minerColdkey.address,
    });
    expect(earnings!.incentive).toBeGreaterThanOrEqual(0);
    expect(earnings!.incentive).toBeLessThanOrEqual(1);
    expect(earnings!.emissionAlphaRao).toBeGreaterThanOrEqual(0n);
    // With a pool the stake has a TAO value (zero stake: zero TAO); without one, none.
    expect(earnings!.stakeTaoRao === null).toBe(pool === null);
    expect(await client.earnings(netuid, spareHotkey.address, pool)).toBeNull();
  });

  it('surfaces a rejected extrinsic as its module error', async () => {
    const { minerHotkey, minerColdkey } = net.accounts;
    // Straight to the chain, past the client's own "already registered" check.
    const call = client.api.tx['subtensorModule']!['burnedRegister']!(netuid, minerHotkey.address);
    const err = await expectChainError(submit(client, call, minerColdkey));
    expect(err.code).toBe('MODULE');
    expect(err.key).toBe('subtensorModule.HotKeyAlreadyRegisteredInSubNet');
    expect(err.message).toContain('already registered');
  });

  it('serves an axon and reads it back in the metagraph', async () => {
    const { validatorHotkey, minerHotkey } = net.accounts;
    await expect(
      client.serveAxon(netuid, validatorHotkey, { ...AXON, ip: '127.0.0.1' }),
    ).rejects.toMatchObject({
      code: 'REFUSED',
    });
    await client.serveAxon(netuid, validatorHotkey, AXON);
    const mg = await client.metagraph(netuid);
    const v = mg.neurons.find((n) => n.hotkey === validatorHotkey.address);
    expect(v?.axon).toMatchObject({ ip: '192.0.2.1', port: 8091, ipType: 4, protocol: 4 });
    expect(v?.coldkey).toBe(net.accounts.validatorColdkey.address);
    expect(mg.neurons.find((n) => n.hotkey === minerHotkey.address)?.axon).toBeNull();
    expect(mg.neurons.map((n) => n.uid)).toEqual([...mg.neurons.keys()]);
  });

  it('publishes a commitment and reads it back with its block', async () => {
    const { minerHotkey } = net.accounts;
    const digest = new Uint8Array(32).map((_, i) => i * 7);
    const tx = await client.setCommitment(netuid, minerHotkey, digest);
    const got = await client.readCommitment(netuid, minerHotkey.address);
    expect(got?.block).toBe(tx.blockNumber);
    expect(got?.data).toEqual(digest);
    expect(await client.readCommitment(netuid, net.accounts.spareHotkey.address)).toBeNull();
  });

  it('sets weights and reads them back from storage', async () => {
    const { validatorHotkey, validatorColdkey, minerHotkey } = net.accounts;
    // Stake and one epoch give the validator its permit.
    await submit(
      client,
      client.api.tx['subtensorModule']!['addStake']!(validatorHotkey.address, netuid, tao(100)),
      validatorColdkey,
    );
    const { tempo } = await client.subnet(netuid);
    await net.newBlock(tempo + 2);
    const mg = await client.metagraph(netuid);
    const v = mg.neurons.find((n) => n.hotkey === validatorHotkey.address)!;
    const m = mg.neurons.find((n) => n.hotkey === minerHotkey.address)!;
    expect(v.validatorPermit).toBe(true);
    // Spec 218 seeds a new subnet's pool with 1 RAO each side, so 100 TAO buys almost no alpha:
    // the stake read back is whatever the pool gave, not the TAO paid.
    expect(typeof v.stake).toBe('bigint');

    const res = await client.setWeights(netuid, validatorHotkey, [m.uid, v.uid], [0.75, 0.25]);
    expect(res.mode).toBe('direct');
    expect(await client.readWeights(netuid, v.uid)).toEqual(
      [
        [m.uid, 65535],
        [v.uid, 21845],
      ].sort((a, b) => a[0]! - b[0]!),
    );
    const after = await client.metagraph(netuid);
    expect(after.neurons.find((n) => n.uid === v.uid)!.lastUpdate).toBe(res.tx.blockNumber);
  });

  it('commits and reveals weights when the subnet requires commit-reveal', async () => {
    const { validatorHotkey, minerHotkey } = net.accounts;
    await net.sudo([
      client.api.tx['adminUtils']!['sudoSetCommitRevealWeightsEnabled']!(netuid, true),
    ]);
    const vUid = (await client.uidOf(netuid, validatorHotkey.address))!;
    const mUid = (await client.uidOf(netuid, minerHotkey.address))!;
    const res = await client.setWeights(netuid, validatorHotkey, [mUid], [1]);
    expect(res.mode).toBe('committed');
    if (res.mode !== 'committed') return;
    const p = res.pending;
    expect(p.firstRevealBlock).toBeGreaterThan(p.commitBlock);
    // Too early: the chain says so, and the client says it plainly.
    const early = await expectChainError(client.revealWeights(validatorHotkey, p));
    expect(early.key).toBe('subtensorModule.RevealTooEarly');
    const head = await net.headNumber();
    await net.newBlock(Math.max(1, p.firstRevealBlock - head - 1));
    const reveal = await client.revealWeights(validatorHotkey, p);
    expect(reveal.blockNumber).toBeGreaterThanOrEqual(p.firstRevealBlock);
    expect(reveal.blockNumber).toBeLessThanOrEqual(p.lastRevealBlock);
    expect(await client.readWeights(netuid, vUid)).toEqual([[mUid, 65535]]);
    await net.sudo([
      client.api.tx['adminUtils']!['sudoSetCommitRevealWeightsEnabled']!(netuid, false),
    ]);
  });

  it('hands out distinct nonces so several transactions land in one block', async () => {
    const { spareColdkey } = net.accounts;
    await net.setBuildMode('Manual');
    try {
      const remark = (i: number) => client.api.tx['system']!['remark']!(`sota ${i}`);
      const pool = () =>
        client.connection.send<unknown[]>('author_pendingExtrinsics', []).then((x) => x.length);
      // Each is sent before the one before it is in a block (the nonces come from the local
      // count, not the chain), but only once the one before it is in the pool: chopsticks
      // validates submissions concurrently and applies its pool in arrival order, so nonce n+1
      // arriving before n fails as "future" (a real node orders its pool by nonce). CI once
      // failed on exactly that race.
      const pending: Promise<TxResult>[] = [];
      for (const i of [0, 1, 2]) {
        const sent = submit(client, remark(i), spareColdkey);
        sent.catch(() => {}); // a failure is reported by Promise.all below, not as unhandled
        pending.push(sent);
        await expect.poll(pool, { timeout: 20_000, interval: 100 }).toBe(i + 1);
      }
      await net.newBlock();
      const results = await Promise.all(pending);
      expect(new Set(results.map((r) => r.blockNumber)).size).toBe(1);
    } finally {
      await net.setBuildMode('Instant');
    }
  });

  it('reconnects with backoff when the endpoint drops, and block subscriptions resume', async () => {
    const proxy = await startDropProxy(net.endpoint);
    const c = await SubtensorClient.connect({
      network: proxy.url,
      backoff: { initialMs: 200, maxMs: 1000, jitter: 0 },
      log,
    });
    try {
      const states: ConnectionStatus[] = [];
      c.onState((s) => states.push(s.status));
      const heads: number[] = [];
      const unsub = await c.subscribeBlocks((h) => heads.push(h.number));

      proxy.cut();
      await expect.poll(() => c.state.status, { timeout: 10_000 }).toBe('reconnecting');
      await new Promise((r) => setTimeout(r, 1200)); // a few refused retries
      expect(c.state.attempt).toBeGreaterThan(1);
      proxy.restore();
      await c.connection.waitConnected(15_000);

      const target = await net.newBlock();
      await expect.poll(() => heads.includes(target), { timeout: 10_000 }).toBe(true);
      expect(await c.uidOf(netuid, net.accounts.minerHotkey.address)).not.toBeNull();
      expect(states).toContain('reconnecting');
      expect(states.at(-1)).toBe('connected');
      unsub();
    } finally {
      await c.close();
      await proxy.close();
    }
    expect(logLines.join('\n')).toContain('connection lost; reconnecting');
  });

  it('tries the next endpoint of the list when one is down', async () => {
    const dead = await startDropProxy(net.endpoint);
    dead.cut();
    const c = await SubtensorClient.connect({
      network: [dead.url, net.endpoint],
      backoff: { initialMs: 100, jitter: 0 },
    });
    try {
      expect(c.state).toMatchObject({ status: 'connected', endpoint: net.endpoint });
    } finally {
      await c.close();
      await dead.close();
    }
  });

  it('gives a clear error when no endpoint answers', async () => {
    const dead = await startDropProxy(net.endpoint);
    dead.cut();
    const err = await expectChainError(
      SubtensorClient.connect({
        network: dead.url,
        connectTimeoutMs: 1500,
        backoff: { initialMs: 100 },
      }),
    );
    expect(err.code).toBe('TIMEOUT');
    expect(err.message).toContain(dead.url);
    await dead.close();
  });

  it('logged nothing secret', () => {
    const all = logLines.join('\n');
    expect(all.length).toBeGreaterThan(0);
    // The dev keys' URIs are public, but a client must never log a signer's secret in any form.
    for (const pair of Object.values(net.accounts)) {
      const json = JSON.stringify(pair.toJson());
      expect(all).not.toContain(json.slice(0, 40));
    }
    expect(all).not.toMatch(/secretKey|"mnemonic":"[a-z]/);
  });
});
