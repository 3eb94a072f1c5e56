/**
 * DirectClient's rules one at a time, against an in-memory chain and in-memory validators (its
 * ports: MinerChain, ValidatorLinks): which neurons count as validators, a commitment published
 * once per program, a submission that reaches every validator it can, and a tally of checked
 * receipts that a peer cannot skew by relaying forged or stale ones. The holder survey has its own
 * tests over real HTTP (seed-programs.test.ts), and tests/network/direct.network.test.ts runs the
 * whole claim on the real runtime.
 */
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { programDigest } from '../../shared/algorithm/canonical';
import { parseProgramOrThrow } from '../../shared/algorithm/dsl';
import { commitmentBytes } from '../../shared/protocol/commitment';
import type { Receipt, SignedReceipt } from '../../shared/protocol/receipt';
import { LINEAR_BASELINE, makeTrack, trackDigest, type Track } from '../../shared/protocol/track';
import type { Commitment } from '../chain/commitments';
import type { Metagraph, Neuron } from '../chain/metagraph';
import { testNeuron, testNeuronUrl, type TestNeuronOptions } from '../../tests/support/neurons';
import type { TxResult } from '../chain/tx';
import { silentLogger } from '../log/logger';
import { signReceipt } from '../validator/receipts';
import {
  DirectClient,
  surveyTrack,
  trackFromValidators,
  type MinerChain,
  type ValidatorEndpoint,
  type ValidatorLinks,
} from './direct-client';

const NETUID = 4;
const track = makeTrack({ quorum: 0.6 });
const HOLDER = programDigest(parseProgramOrThrow(LINEAR_BASELINE));
const CHALLENGER_TEXT = LINEAR_BASELINE.replace('0.01', '0.003');
const CHALLENGER = programDigest(parseProgramOrThrow(CHALLENGER_TEXT));

/** The chain as the miner sees it: a metagraph, and commitments that cost a block each. */
class MemoryChain implements MinerChain {
  block = 100;
  readonly commitments = new Map<string, Commitment>();
  transactions = 0;
  constructor(readonly neurons: Neuron[]) {}
  async metagraph(netuid: number): Promise<Metagraph> {
    return { netuid, block: this.block, blockHash: '0x00', neurons: this.neurons };
  }
  async readCommitment(_netuid: number, hotkey: string): Promise<Commitment | null> {
    return this.commitments.get(hotkey) ?? null;
  }
  async setCommitment(_netuid: number, pair: KeyringPair, data: Uint8Array): Promise<TxResult> {
    this.transactions++;
    const blockNumber = ++this.block;
    this.commitments.set(pair.address, { block: blockNumber, deposit: 0n, data, hashes: [] });
    return { txHash: '0x01', blockHash: '0x02', blockNumber, events: [] };
  }
}

/** Validators by URL: what each answers (a function of the path), and what each was sent. */
class MemoryValidators implements ValidatorLinks {
  readonly posted: Array<{ validator: string; path: string; body: unknown }> = [];
  readonly down = new Set<string>();
  readonly receipts = new Map<string, unknown>();
  async post(v: ValidatorEndpoint, path: string, body: unknown) {
    if (this.down.has(v.url)) throw new Error(`connect ECONNREFUSED ${v.url}`);
    this.posted.push({ validator: v.hotkey, path, body });
    return { status: 202, json: { status: 'queued' } };
  }
  /** GET /v1/tracks by validator URL; absent: the track given to setUp. */
  readonly tracks = new Map<string, unknown>();
  async getJson(url: string): Promise<unknown> {
    const base = url.slice(0, url.indexOf('/v1/'));
    if (this.down.has(base)) throw new Error(`connect ECONNREFUSED ${base}`);
    if (url.endsWith('/v1/tracks'))
      return this.tracks.get(base) ?? { tracks: [{ digest: trackDigest(track), track }] };
    return this.receipts.get(base) ?? { receipts: [] };
  }
}

const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
let miner: KeyringPair;
let alice: KeyringPair;
let bob: KeyringPair;
let carol: KeyringPair;
let pool: KeyringPair;
let plain: KeyringPair;
let hidden: KeyringPair;

const neuron = (uid: number, pair: KeyringPair, o?: TestNeuronOptions) =>
  testNeuron(uid, pair.address, o);
const urlOf = testNeuronUrl;

function receipt(
  by: KeyringPair,
  verdict: Receipt['verdict'],
  issuedAt: number,
  underTrack: Track = track,
): SignedReceipt {
  return signReceipt(by, {
    v: 1,
    track: underTrack.id,
    trackDigest: trackDigest(underTrack),
    validator: by.address,
    round: 1,
    taskSeedCommitment: 'ab'.repeat(32),
    digest: CHALLENGER,
    miner: miner.address,
    commitmentBlock: 101,
    holderDigest: HOLDER,
    challengerScore: 0.7,
    holderScore: 0.69,
    margin: track.margin,
    verdict,
    reason: verdict === 'accept' ? 'beats the holder' : 'below the margin',
    issuedAt,
  });
}

function setUp(neurons?: Neuron[]) {
  const chain = new MemoryChain(
    neurons ?? [
      neuron(0, alice, { stake: 300n }),
      neuron(1, bob, { stake: 300n }),
      neuron(2, carol, { stake: 400n }),
      neuron(3, miner, { permit: false }),
    ],
  );
  const validators = new MemoryValidators();
  const client = new DirectClient({
    client: chain,
    netuid: NETUID,
    pair: miner,
    track,
    log: silentLogger,
    links: validators,
  });
  return { chain, validators, client };
}

beforeAll(async () => {
  await cryptoWaitReady();
  const pair = (uri: string) => keyring.addFromUri(uri);
  miner = pair('//Miner');
  alice = pair('//Alice');
  bob = pair('//Bob');
  carol = pair('//Carol');
  pool = pair('//Pool');
  plain = pair('//Plain');
  hidden = pair('//Hidden');
});

describe('DirectClient', () => {
  it('counts as validators only permit holders that announce a reachable node, with their stake', async () => {
    const { client } = setUp([
      neuron(0, alice, { stake: 7n }),
      neuron(1, pool, { role: 'pool' }), // a pool with a permit judges nothing
      neuron(2, plain, { permit: false }),
      neuron(3, hidden, { reachable: false }), // a private address on a public chain
      neuron(4, bob, { axon: false }), // never served an endpoint
    ]);
    expect(await client.validators()).toEqual([
      { hotkey: alice.address, url: urlOf(0), stake: 7n },
    ]);
  });

  it('commits to a program once: the same digest again is the same block, no second fee', async () => {
    const { client, chain } = setUp();
    const block = await client.commit(CHALLENGER);
    expect(block).toBe(101);
    expect(chain.commitments.get(miner.address)!.data).toEqual(
      commitmentBytes(CHALLENGER, miner.publicKey),
    );
    chain.block = 150;
    expect(await client.commit(CHALLENGER)).toBe(101); // its priority is kept
    expect(chain.transactions).toBe(1);
    // Another program replaces the commitment, at a later block.
    expect(await client.commit(HOLDER)).toBe(151);
    expect(chain.transactions).toBe(2);
  });

  it('submits to every validator it can reach; one that is down does not stop the others', async () => {
    const { client, validators } = setUp();
    validators.down.add(urlOf(1));
    const outcomes = await client.submit(CHALLENGER_TEXT);
    expect(outcomes.map((o) => [o.validator, o.status])).toEqual([
      [alice.address, 202],
      [bob.address, 0],
      [carol.address, 202],
    ]);
    expect(String(outcomes[1]!.answer)).toContain('ECONNREFUSED');
    expect(validators.posted).toEqual(
      [alice, carol].map((v) => ({
        validator: v.address,
        path: '/v1/submissions',
        body: {
          track: track.id,
          trackDigest: trackDigest(track),
          program: CHALLENGER_TEXT,
          digest: CHALLENGER,
        },
      })),
    );
  });

  it('sends nothing for a program that does not read', async () => {
    const { client, validators } = setUp();
    await expect(client.submit('def predict(\n  nonsense')).rejects.toThrow();
    expect(validators.posted).toEqual([]);
  });

  it('tallies checked receipts by stake; forged, malformed and stale relayed ones do not count', async () => {
    const { client, validators } = setUp();
    const forged = {
      ...receipt(alice, 'accept', 5),
      signature: receipt(bob, 'accept', 5).signature,
    };
    validators.receipts.set(urlOf(0), {
      receipts: [receipt(alice, 'accept', 10), { receipt: { v: 2 }, signature: '0x' }],
    });
    // Bob relays Alice's older reject, and an accept in Alice's name under his own signature.
    validators.receipts.set(urlOf(1), {
      receipts: [receipt(bob, 'accept', 10), receipt(alice, 'reject', 1), forged],
    });
    validators.down.add(urlOf(2));
    const seen = await client.verdicts(CHALLENGER, HOLDER);
    expect(seen.receipts).toHaveLength(2);
    expect(seen.tally.accepting).toEqual([alice.address, bob.address]);
    expect(seen.tally.rejecting).toEqual([]);
    expect(seen.tally.share).toBeCloseTo(0.6);
    expect(seen.tally.reached).toBe(true); // 600 of 1,000 stake: the quorum 0.6

    // A validator that answers with something else than a list of receipts is just ignored.
    validators.receipts.set(urlOf(0), { receipts: 'all of them' });
    validators.receipts.set(urlOf(1), null);
    const none = await client.verdicts(CHALLENGER, HOLDER);
    expect(none.receipts).toEqual([]);
    expect(none.tally.reached).toBe(false);
  });

  it('counts Carol’s newest receipt, whoever relays it, and only against the holder asked about', async () => {
    const { client, validators } = setUp();
    validators.receipts.set(urlOf(2), { receipts: [receipt(carol, 'reject', 1)] });
    validators.receipts.set(urlOf(0), {
      receipts: [receipt(carol, 'accept', 2), receipt(alice, 'accept', 2)],
    });
    const seen = await client.verdicts(CHALLENGER, HOLDER);
    expect([...seen.tally.accepting].sort()).toEqual([alice.address, carol.address].sort());
    expect(seen.tally.share).toBeCloseTo(0.7);
    const other = await client.verdicts(CHALLENGER, CHALLENGER);
    expect(other.tally.accepting).toEqual([]);
  });

  it('does not count a verdict reached under another version of the track', async () => {
    const { client, validators } = setUp();
    const lenient = makeTrack({ ...track, margin: 0 });
    validators.receipts.set(urlOf(0), {
      receipts: [receipt(alice, 'accept', 2, lenient), receipt(bob, 'accept', 2)],
    });
    const seen = await client.verdicts(CHALLENGER, HOLDER);
    expect(seen.tally.accepting).toEqual([bob.address]);
    expect(seen.receipts).toHaveLength(1);
  });
});

describe('the track a miner claims on', () => {
  const announce = (t: Track, digest = trackDigest(t)) => ({ tracks: [{ digest, track: t }] });
  const endpoints = (): ValidatorEndpoint[] => [
    { hotkey: alice.address, url: testNeuronUrl(0), stake: 300n },
    { hotkey: bob.address, url: testNeuronUrl(1), stake: 300n },
    { hotkey: carol.address, url: testNeuronUrl(2), stake: 400n },
  ];

  it('is the validators’ own when they agree, down to fields the built-in track sets otherwise', async () => {
    const local = makeTrack({ roundBlocks: 20, rewardWindowBlocks: 100 });
    const validators = new MemoryValidators();
    for (const uid of [0, 1, 2]) validators.tracks.set(testNeuronUrl(uid), announce(local));
    const { track, survey, note } = await trackFromValidators(endpoints(), silentLogger, (url) =>
      validators.getJson(url),
    );
    expect(track).toEqual(local);
    expect(survey).toMatchObject({ digest: trackDigest(local), share: 1, others: [] });
    expect(note).toBeNull();
  });

  it('follows the stake when validators run different versions, and says so', async () => {
    const wider = makeTrack({ margin: 0.02 });
    const validators = new MemoryValidators();
    validators.tracks.set(testNeuronUrl(0), announce(wider));
    validators.tracks.set(testNeuronUrl(1), announce(wider));
    const {
      track: chosen,
      survey,
      note,
    } = await trackFromValidators(endpoints(), silentLogger, (url) => validators.getJson(url));
    // Alice and Bob hold 600 of the 1,000 stake: their version wins over Carol's.
    expect(chosen).toEqual(wider);
    expect(survey.agreeing).toEqual([alice.address, bob.address]);
    expect(survey.share).toBeCloseTo(0.6);
    expect(survey.others).toEqual([
      {
        validator: carol.address,
        digest: trackDigest(track),
        reason: 'runs another version of cifar10-binary-v1',
      },
    ]);
    expect(note).toContain('Validators disagree on the track');
    expect(note).toContain('60%');
  });

  it('refuses a track whose digest is not its content’s, or that is not a valid track', async () => {
    const validators = new MemoryValidators();
    const lowered = { ...makeTrack(), margin: 0 };
    // Alice serves a track with a margin of 0 under the built-in track's digest.
    validators.tracks.set(testNeuronUrl(0), announce(lowered as Track, trackDigest(makeTrack())));
    validators.tracks.set(testNeuronUrl(1), announce({ ...makeTrack(), quorum: 0.1 } as Track));
    validators.tracks.set(testNeuronUrl(2), { tracks: 'all' });
    const survey = await surveyTrack(endpoints(), silentLogger, (url) => validators.getJson(url));
    expect(survey.track).toBeNull();
    expect(survey.others.map((o) => [o.validator, o.reason.split(':')[0]])).toEqual([
      [
        alice.address,
        `its digest ${trackDigest(makeTrack())} is not its content's (${trackDigest(lowered as Track)})`,
      ],
      [bob.address, 'not a valid track'],
      [carol.address, 'its answer lists no tracks'],
    ]);
    // With no usable answer the built-in track is used, and the person is told.
    const { track, note } = await trackFromValidators(endpoints(), silentLogger, (url) =>
      validators.getJson(url),
    );
    expect(track).toEqual(makeTrack());
    expect(note).toContain('No validator said which track it runs');
  });

  it('ignores validators that are down or run other tracks only', async () => {
    const validators = new MemoryValidators();
    validators.down.add(testNeuronUrl(0));
    validators.tracks.set(testNeuronUrl(1), announce(makeTrack({ id: 'regression-v1' })));
    const survey = await surveyTrack(endpoints(), silentLogger, (url) => validators.getJson(url));
    expect(survey.agreeing).toEqual([carol.address]);
    expect(survey.share).toBe(1);
    expect(survey.others.map((o) => o.reason.slice(0, 14))).toEqual([
      'no answer: Err',
      'does not run c',
    ]);
  });
});
