/**
 * A validator's status from a real SQLite store: its own verdicts, newest first; its peers'
 * agreement counted on the submissions both judged; bounded lists; and a shape the dashboard's
 * schema accepts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Receipt } from '../../shared/protocol/receipt';
import { STATUS_LIMITS, ValidatorStatusSchema } from '../../shared/protocol/validator-status';
import type { Neuron } from '../chain/metagraph';
import { signReceipt } from './receipts';
import { validatorStatus } from './status';
import { ValidatorStore } from './store';

describe('validatorStatus', () => {
  let dir: string;
  let store: ValidatorStore;
  let self: KeyringPair;
  let peer: KeyringPair;
  let quiet: KeyringPair;
  const holder = 'f'.repeat(64);
  const digestOf = (i: number) => i.toString(16).padStart(64, '0');

  beforeAll(async () => {
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519' });
    [self, peer, quiet] = ['//Alice', '//Bob', '//Charlie'].map((u) => keyring.addFromUri(u)) as [
      KeyringPair,
      KeyringPair,
      KeyringPair,
    ];
    dir = mkdtempSync(path.join(tmpdir(), 'sota-status-'));
    store = ValidatorStore.open(path.join(dir, 'v.db'));
  });

  afterAll(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const receipt = (by: KeyringPair, i: number, verdict: 'accept' | 'reject'): Receipt => ({
    v: 1,
    track: 'cifar10-binary',
    trackDigest: 'e'.repeat(64),
    validator: by.address,
    round: 3,
    taskSeedCommitment: 'c'.repeat(64),
    digest: digestOf(i),
    miner: quiet.address,
    commitmentBlock: 5,
    holderDigest: holder,
    challengerScore: 0.71,
    holderScore: 0.69,
    margin: 0.01,
    verdict,
    reason: verdict === 'accept' ? 'beats the holder by 0.0200 (margin 0.01)' : 'below the margin',
    issuedAt: 1_000 + i,
  });

  const neuron = (pair: KeyringPair, stakeTao: number): Neuron => ({
    uid: 1,
    hotkey: pair.address,
    coldkey: pair.address,
    active: true,
    stake: BigInt(stakeTao) * 1_000_000_000n,
    validatorPermit: true,
    lastUpdate: 0,
    axon: null,
  });

  it('shows its own verdicts newest first and how each peer agrees with them', () => {
    // 30 verdicts of its own (more than a status carries); the peer judged the first four:
    // three the same way, one the other.
    const own = (i: number) => (i % 2 ? 'accept' : 'reject') as 'accept' | 'reject';
    const other = (i: number) => (own(i) === 'accept' ? 'reject' : 'accept') as 'accept' | 'reject';
    for (let i = 0; i < 30; i++) store.addReceipt(signReceipt(self, receipt(self, i, own(i))));
    for (let i = 0; i < 4; i++)
      store.addReceipt(signReceipt(peer, receipt(peer, i, i < 3 ? own(i) : other(i))));
    store.addSubmission({
      digest: digestOf(99),
      miner: quiet.address,
      track: 'cifar10-binary',
      program: 'def setup():\n',
      commitmentBlock: 9,
      fingerprint: null,
      receivedAt: 2_000,
      round: 3,
    });
    store.recordWeights({
      block: 40,
      uids: [0, 2],
      weights: [0.9, 0.1],
      mode: 'direct',
      at: 3_000,
    });

    const status = validatorStatus({
      hotkey: self.address,
      track: 'cifar10-binary',
      round: 3,
      chain: { connected: true, block: 50, blockSeenAt: 9_000 },
      waiting: 1,
      peers: [neuron(peer, 1000), neuron(quiet, 10)],
      store,
      now: 21_400,
    });
    expect(ValidatorStatusSchema.parse(status)).toEqual(status);
    expect(status.chain).toEqual({ connected: true, block: 50, blockAgeSeconds: 12 });
    expect(status.queue).toEqual({
      depth: 1,
      waiting: [{ digest: digestOf(99), miner: quiet.address, receivedAt: 2_000 }],
    });
    expect(status.verdicts).toHaveLength(STATUS_LIMITS.verdicts);
    expect(status.verdicts[0]).toMatchObject({ digest: digestOf(29), verdict: 'accept' });
    expect(status.weights).toEqual([
      { block: 40, at: 3_000, mode: 'direct', uids: [0, 2], weights: [0.9, 0.1] },
    ]);
    expect(status.peers).toEqual([
      {
        hotkey: peer.address,
        stakeAlpha: 1000,
        reachable: false,
        agreed: 3,
        disagreed: 1,
        auditsOk: 0,
        auditsFailed: 0,
      },
      {
        hotkey: quiet.address,
        stakeAlpha: 10,
        reachable: false,
        agreed: 0,
        disagreed: 0,
        auditsOk: 0,
        auditsFailed: 0,
      },
    ]);
  });
});
