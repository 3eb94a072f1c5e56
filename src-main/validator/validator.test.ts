/**
 * The validator's protocol rules one at a time, against in-memory ports (ports.ts: the chain, the
 * peers, the verifier) and a real SQLite store in a temp folder: what a miner or a peer holding a
 * validator permit can make it do, in milliseconds. The network tests (tests/network) run the same
 * node end to end on the real runtime, real HTTP and the real verifier.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { programDigest } from '../../shared/algorithm/canonical';
import { parseProgramOrThrow } from '../../shared/algorithm/dsl';
import { commitmentBytes } from '../../shared/protocol/commitment';
import { roundOf } from '../../shared/protocol/hidden-tasks';
import type { Receipt } from '../../shared/protocol/receipt';
import {
  LINEAR_BASELINE,
  checkAnnouncedTrack,
  makeTrack,
  trackDigest,
} from '../../shared/protocol/track';
import type { BlockHead } from '../chain/blocks';
import type { Commitment } from '../chain/commitments';
import type { Metagraph, Neuron } from '../chain/metagraph';
import type { PendingReveal } from '../chain/weights';
import { createLogger, silentLogger } from '../log/logger';
import { RateLimiter } from '../net/rate-limit';
import { signRequest } from '../net/signed-request';
import { testNeuron } from '../../tests/support/neurons';
import { buildApi } from './api';
import { computeRatings, type Ratings } from './ratings';
import type { Peer, ValidatorChain, ValidatorPeers, ValidatorVerifier } from './ports';
import { signReceipt } from './receipts';
import { ValidatorStore } from './store';
import { ValidatorNode } from './validator';

const NETUID = 1;
/** Round 27 of 360 blocks: far enough from genesis for receipts of rounds long past. */
const HEAD = 10_000;
const track = makeTrack({ quorum: 0.6, roundBlocks: 360 });
const ROUND = roundOf(HEAD, track.roundBlocks);

/** The chain as the validator sees it: a metagraph, commitments, weights calls, new blocks. */
class MemoryChain implements ValidatorChain {
  readonly state = { status: 'connected' };
  head = HEAD;
  neurons: Neuron[] = [];
  owner: string | null = null;
  /** What the next setWeights answers: a commit with this reveal window, or a direct set. */
  nextCommit: PendingReveal | null = null;
  readonly weights: Array<{ uids: readonly number[]; weights: readonly number[] }> = [];
  readonly reveals: PendingReveal[] = [];
  private readonly commitments = new Map<string, Commitment>();
  private onBlock: ((head: BlockHead) => void) | null = null;

  commit(miner: KeyringPair, digest: string, block: number): void {
    const data = commitmentBytes(digest, decodeAddress(miner.address));
    this.commitments.set(miner.address, { block, deposit: 0n, data, hashes: [] });
  }

  /** A new best block. */
  block(n: number): void {
    this.head = n;
    this.onBlock?.({ number: n, hash: `0x${n.toString(16)}` });
  }

  bestBlock = async () => this.head;
  subscribeBlocks = async (onBlock: (head: BlockHead) => void) => {
    this.onBlock = onBlock;
    return () => (this.onBlock = null);
  };
  metagraph = async (netuid: number): Promise<Metagraph> => ({
    netuid,
    block: this.head,
    blockHash: '0x00',
    neurons: this.neurons,
  });
  readCommitment = async (_netuid: number, hotkey: string) => this.commitments.get(hotkey) ?? null;
  subnet = async () => ({ tempo: 100 });
  subnetOwnerHotkey = async () => this.owner;
  setWeights = async (
    _netuid: number,
    _hotkey: KeyringPair,
    uids: readonly number[],
    weights: readonly number[],
  ) => {
    this.weights.push({ uids, weights });
    return this.nextCommit
      ? { mode: 'committed' as const, pending: this.nextCommit }
      : { mode: 'direct' as const };
  };
  revealWeights = async (_hotkey: KeyringPair, pending: PendingReveal) => {
    this.reveals.push(pending);
    return {};
  };
}

/** Peers that answer from a table of URLs (a missing URL is an unreachable peer). */
class MemoryPeers implements ValidatorPeers {
  readonly posts: Array<{ peer: string; path: string; body: unknown }> = [];
  readonly routes = new Map<string, unknown>();
  post = async (peer: Peer, path: string, body: unknown) => {
    this.posts.push({ peer: peer.hotkey, path, body });
    return 200;
  };
  getJson = async (url: string) => {
    if (!this.routes.has(url)) throw new Error(`connect ECONNREFUSED ${url}`);
    return this.routes.get(url);
  };
}

/** Scores by program text: the genesis (linear model) 0.69, other programs as set. */
const scores = new Map<string, number>([[LINEAR_BASELINE, 0.69]]);
const verifier: ValidatorVerifier = {
  fingerprint: async (program) => `fp-${programDigest(parseProgramOrThrow(program))}`,
  judge: async (challenger, holder) => ({
    challengerScore: scores.get(challenger) ?? 0.5,
    holderScore: scores.get(holder) ?? 0.5,
    challengerPerTask: [],
    holderPerTask: [],
    tasks: [],
    ms: 1,
  }),
};

/** The linear model with another learning rate: a different program, scored as given. */
function program(lr: string, score: number): { text: string; digest: string } {
  const text = LINEAR_BASELINE.replace('s2 = 0.01', `s2 = ${lr}`);
  scores.set(text, score);
  return { text, digest: programDigest(parseProgramOrThrow(text)) };
}

const url = (uid: number) => `http://10.0.0.${uid}:${8000 + uid}`;

function neuron(uid: number, pair: KeyringPair, permit: boolean): Neuron {
  return testNeuron(uid, pair.address, { permit });
}

let alice: KeyringPair; // this validator
let bob: KeyringPair; // validators with equal stake: any two of the three are a quorum (0.6)
let carol: KeyringPair;
let charlie: KeyringPair; // registered, no permit
let dave: KeyringPair; // a miner
let erin: KeyringPair; // another miner
let owner: KeyringPair;

beforeAll(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  const key = (name: string) => keyring.addFromUri(`//${name}`);
  [alice, bob, carol, charlie, dave, erin, owner] = [
    key('Alice'),
    key('Bob'),
    key('Carol'),
    key('Charlie'),
    key('Dave'),
    key('Eve'),
    key('Ferdie'),
  ];
});

let dir: string;
let store: ValidatorStore;
let chain: MemoryChain;
let peers: MemoryPeers;
let lines: string[];
const nodes: ValidatorNode[] = [];

function newNode(): ValidatorNode {
  const node = new ValidatorNode({
    track,
    netuid: NETUID,
    pair: alice,
    client: chain,
    store,
    verifier,
    peers,
    masterSecret: new Uint8Array(32).fill(7),
    log: createLogger({ level: 'debug', format: 'json', write: (l) => lines.push(l) }),
    metagraphEveryBlocks: 10,
    weightsEveryBlocks: 1000,
  });
  nodes.push(node);
  return node;
}

async function started(): Promise<ValidatorNode> {
  const node = newNode();
  await node.start();
  return node;
}

const logged = (msg: string) => lines.some((l) => (JSON.parse(l) as { msg?: string }).msg === msg);

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sota-validator-'));
  store = ValidatorStore.open(path.join(dir, 'validator.sqlite'));
  chain = new MemoryChain();
  chain.neurons = [
    neuron(0, owner, false),
    neuron(1, alice, true),
    neuron(2, bob, true),
    neuron(3, carol, true),
    neuron(4, charlie, false),
    neuron(5, dave, false),
    neuron(6, erin, false),
  ];
  chain.owner = owner.address;
  peers = new MemoryPeers();
  lines = [];
});

afterEach(async () => {
  for (const node of nodes.splice(0)) await node.stop();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A receipt as `validator` would sign it for `miner`'s claim of `digest` against the genesis. */
function receipt(
  validator: KeyringPair,
  miner: KeyringPair,
  digest: string,
  over: Partial<Receipt> = {},
) {
  const genesis = programDigest(parseProgramOrThrow(track.genesis));
  return signReceipt(validator, {
    v: 1,
    track: track.id,
    trackDigest: trackDigest(track),
    validator: validator.address,
    round: ROUND,
    taskSeedCommitment: 'c'.repeat(64),
    digest,
    miner: miner.address,
    commitmentBlock: 990,
    holderDigest: genesis,
    challengerScore: 0.75,
    holderScore: 0.69,
    margin: track.margin,
    verdict: 'accept',
    reason: 'beats the holder by the margin',
    issuedAt: Date.now(),
    ...over,
  });
}

describe('submissions', () => {
  it('judges a committed submission, signs a receipt and tells every peer', async () => {
    const node = await started();
    const better = program('0.003', 0.75);
    chain.commit(dave, better.digest, 990);
    expect(await node.submit(dave.address, better.text, better.digest)).toEqual({
      status: 'queued',
    });
    await node.idle();
    const own = store.receipt(alice.address, better.digest)!.receipt;
    expect(own).toMatchObject({
      verdict: 'accept',
      challengerScore: 0.75,
      holderScore: 0.69,
      round: ROUND,
    });
    expect(store.submission(better.digest, dave.address)?.status).toBe('judged');
    await vi.waitFor(() => {
      const sent = peers.posts.map((p) => `${p.peer} ${p.path}`).sort();
      expect(sent).toEqual(
        [
          `${bob.address} /v1/relay`,
          `${bob.address} /v1/receipts`,
          `${carol.address} /v1/relay`,
          `${carol.address} /v1/receipts`,
        ].sort(),
      );
    });
    // One validator's acceptance is a third of the stake: the holder stays.
    expect(node.holder().miner).toBeNull();
  });

  it('publishes its track with its digest, refuses over its API a claim on another version, and serves ratings anyone can recompute', async () => {
    const node = await started();
    const api = buildApi({
      node,
      store,
      track,
      masterSecret: new Uint8Array(32).fill(7),
      limiter: new RateLimiter({ capacity: 10, refillPerSecond: 1 }),
      log: silentLogger,
    });
    try {
      const tracks = (await api.inject({ method: 'GET', url: '/v1/tracks' })).json<{
        tracks: Array<{ digest: string; track: unknown }>;
      }>().tracks;
      expect(tracks).toHaveLength(1);
      expect(checkAnnouncedTrack(tracks[0]!)).toEqual({ ok: true, track });

      const better = program('0.003', 0.75);
      chain.commit(dave, better.digest, 990);
      const submit = async (trackDigestSent: string) => {
        const body = Buffer.from(
          JSON.stringify({
            track: track.id,
            trackDigest: trackDigestSent,
            program: better.text,
            digest: better.digest,
          }),
        );
        const headers = signRequest(dave, {
          method: 'POST',
          path: '/v1/submissions',
          body,
          target: alice.address,
        });
        const res = await api.inject({
          method: 'POST',
          url: '/v1/submissions',
          payload: body,
          headers: { 'content-type': 'application/json', ...headers },
        });
        return { status: res.statusCode, json: res.json<Record<string, unknown>>() };
      };
      // A miner that searched with a wider margin (a track the validators do not run).
      const other = trackDigest(makeTrack({ ...track, margin: 0.02 }));
      const refused = await submit(other);
      expect(refused.status).toBe(400);
      expect(refused.json['error']).toBe('WRONG_TRACK');
      expect(String(refused.json['message'])).toContain(trackDigest(track));
      expect(String(refused.json['message'])).toContain(other);
      expect(store.submission(better.digest, dave.address)).toBeUndefined();
      // The validators' own version is taken, and relayed naming it.
      expect((await submit(trackDigest(track))).status).toBe(202);
      await node.idle();
      await vi.waitFor(() =>
        expect(peers.posts.find((p) => p.path === '/v1/relay')?.body).toMatchObject({
          trackDigest: trackDigest(track),
        }),
      );

      // Ratings: what anyone recomputes from the receipts is what the validator serves.
      const ratings = (await api.inject({ method: 'GET', url: '/v1/ratings' })).json<Ratings>();
      const recomputed = computeRatings({
        receipts: store.receiptsPage(null, 100).receipts.map((r) => r.receipt),
        holderMiner: () => null,
        validators: chain.neurons
          .filter((n) => n.validatorPermit)
          .map((n) => ({ hotkey: n.hotkey, stake: n.stake })),
        quorum: track.quorum,
      });
      expect(ratings.miners).toEqual(recomputed.miners);
      expect(ratings.validators).toEqual(recomputed.validators);
      expect(ratings.miners.map((m) => m.player)).toContain(dave.address);
      const one = await api.inject({ method: 'GET', url: `/v1/ratings?player=${dave.address}` });
      expect(one.json()).toMatchObject({ player: dave.address, miner: { matches: 1 } });
      const unknown = await api.inject({
        method: 'GET',
        url: `/v1/ratings?player=${erin.address}`,
      });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({ error: 'NOT_RATED' });
      const bad = await api.inject({ method: 'GET', url: '/v1/ratings?player=<script>' });
      expect(bad.statusCode).toBe(400);
    } finally {
      await api.close();
    }
  });

  it('says why it refuses a bad program, a wrong digest or a missing commitment', async () => {
    const node = await started();
    const better = program('0.003', 0.75);
    expect(await node.submit(dave.address, 'def Nonsense(', better.digest)).toMatchObject({
      status: 'rejected',
      code: 'BAD_PROGRAM',
    });
    expect(await node.submit(dave.address, better.text, 'a'.repeat(64))).toMatchObject({
      code: 'DIGEST_MISMATCH',
    });
    expect(await node.submit(dave.address, better.text, better.digest)).toMatchObject({
      code: 'NO_COMMITMENT',
    });
    // A commitment to another program, or by another hotkey, is no commitment to this one.
    chain.commit(erin, better.digest, 990);
    chain.commit(dave, program('0.004', 0.7).digest, 990);
    expect(await node.submit(dave.address, better.text, better.digest)).toMatchObject({
      code: 'NO_COMMITMENT',
    });
    expect(store.submission(better.digest, dave.address)).toBeUndefined();
  });

  it('gives a copied program the status of the earliest commitment: refused', async () => {
    const node = await started();
    const better = program('0.003', 0.75);
    chain.commit(dave, better.digest, 990);
    chain.commit(erin, better.digest, 995);
    await node.submit(dave.address, better.text, better.digest);
    const copy = await node.submit(erin.address, better.text, better.digest);
    expect(copy.status).toBe('refused');
    expect(copy).toMatchObject({
      reason: expect.stringContaining('earliest commitment has priority'),
    });
    // Sending it again answers from the store.
    expect(await node.submit(erin.address, better.text, better.digest)).toMatchObject({
      status: 'refused',
    });
  });

  it('judges at start what it acknowledged before it stopped', async () => {
    const better = program('0.003', 0.75);
    store.addSubmission({
      digest: better.digest,
      miner: dave.address,
      track: track.id,
      program: better.text,
      commitmentBlock: 990,
      fingerprint: await verifier.fingerprint(better.text),
      receivedAt: Date.now(),
      round: ROUND,
    });
    await started();
    expect(store.submission(better.digest, dave.address)?.status).toBe('judged');
    expect(store.receipt(alice.address, better.digest)?.receipt.verdict).toBe('accept');
  });
});

describe('receipts from peers', () => {
  it('stores a peer validator’s signed receipt', async () => {
    const node = await started();
    const r = receipt(bob, dave, program('0.003', 0.75).digest);
    expect(node.receiveReceipts([r])).toEqual({ stored: 1, rejected: [], overQuota: 0 });
    expect(node.receiveReceipts([r]).stored).toBe(0); // known
  });

  it.each([
    [
      'dated in the future',
      () => receipt(bob, dave, 'd'.repeat(64), { issuedAt: Date.now() + 11 * 60_000 }),
    ],
    ['not a validator of this subnet', () => receipt(charlie, dave, 'd'.repeat(64))],
    ['which has not begun', () => receipt(bob, dave, 'd'.repeat(64), { round: ROUND + 2 })],
    ['older than 24 rounds', () => receipt(bob, dave, 'd'.repeat(64), { round: ROUND - 25 })],
    ['another track', () => receipt(bob, dave, 'd'.repeat(64), { track: 'another-track' })],
    [
      'judged under another version',
      () => receipt(bob, dave, 'd'.repeat(64), { trackDigest: 'f'.repeat(64) }),
    ],
    [
      'bad receipt signature',
      () => {
        const signed = receipt(bob, dave, 'd'.repeat(64), { verdict: 'reject' });
        return { ...signed, receipt: { ...signed.receipt, verdict: 'accept' } };
      },
    ],
  ])('refuses a receipt %s', async (why, make) => {
    const node = await started();
    const out = node.receiveReceipts([make()]);
    expect(out.stored).toBe(0);
    expect(out.rejected).toHaveLength(1);
    expect(out.rejected[0]).toContain(why);
    expect(store.receiptsFor('d'.repeat(64))).toHaveLength(0);
    expect(logged('receipts rejected')).toBe(true);
  });

  it('refuses what does not parse as a receipt, without a crash', async () => {
    const node = await started();
    const out = node.receiveReceipts([
      null,
      42,
      { receipt: {}, signature: '0x00' },
      'x'.repeat(10_000),
    ]);
    expect(out.stored).toBe(0);
    expect(out.rejected).toHaveLength(4);
  });
});

describe('quorum', () => {
  it('moves the state of the art when validators holding the quorum accept', async () => {
    const node = await started();
    const better = program('0.003', 0.75);
    chain.commit(dave, better.digest, 990);
    await node.submit(dave.address, better.text, better.digest);
    await node.idle();
    expect(node.holder().miner).toBeNull();
    node.receiveReceipts([receipt(bob, dave, better.digest)]);
    expect(node.holder()).toMatchObject({
      digest: better.digest,
      miner: dave.address,
      program: better.text,
    });
    expect(logged('new state of the art')).toBe(true);
  });

  it('does not count a receipt that names another miner toward the miner’s quorum', async () => {
    const node = await started();
    const better = program('0.003', 0.75);
    chain.commit(dave, better.digest, 990);
    await node.submit(dave.address, better.text, better.digest);
    await node.idle();
    // Bob accepts the same program for erin, not for dave: no miner has two thirds.
    node.receiveReceipts([receipt(bob, erin, better.digest)]);
    expect(node.holder().miner).toBeNull();
  });

  it('does not count a stored receipt judged under another version of the track', async () => {
    const node = await started();
    const better = program('0.003', 0.75);
    chain.commit(dave, better.digest, 990);
    await node.submit(dave.address, better.text, better.digest);
    await node.idle();
    // Bob's accept was stored before the track changed (admission would refuse it now): with it,
    // this validator and Bob would hold the quorum (the test above). Carol's reject makes the node
    // look at the claim again.
    store.addReceipt(receipt(bob, dave, better.digest, { trackDigest: 'f'.repeat(64) }));
    node.receiveReceipts([receipt(carol, dave, better.digest, { verdict: 'reject' })]);
    expect(node.holder().miner).toBeNull();
  });

  it('fetches a holder judged only by its peers, from one that holds a program with that digest', async () => {
    const node = await started();
    const better = program('0.003', 0.75);
    // Bob answers with another program under that digest; Carol with the right one.
    peers.routes.set(`${url(2)}/v1/programs/${better.digest}`, {
      program: program('0.02', 0.6).text,
    });
    peers.routes.set(`${url(3)}/v1/programs/${better.digest}`, { program: better.text });
    node.receiveReceipts([receipt(bob, dave, better.digest), receipt(carol, dave, better.digest)]);
    await vi.waitFor(() => expect(node.holder().digest).toBe(better.digest));
    expect(node.holder()).toMatchObject({ miner: dave.address, program: better.text });
    expect(node.holderProgram(better.digest)).toBe(better.text);
  });

  it('keeps the holder when no peer can give the program', async () => {
    const node = await started();
    const better = program('0.003', 0.75);
    peers.routes.set(`${url(2)}/v1/programs/${better.digest}`, { program: 42 });
    node.receiveReceipts([receipt(bob, dave, better.digest), receipt(carol, dave, better.digest)]);
    await new Promise((r) => setTimeout(r, 50));
    expect(node.holder().miner).toBeNull();
  });
});

describe('weights', () => {
  const pending = (first: number, last: number): PendingReveal => ({
    netuid: NETUID,
    hotkey: '',
    uids: [0],
    weights: [65535],
    salt: [1, 2, 3],
    versionKey: 2n ** 60n + 7n,
    commitHash: `0x${'ab'.repeat(32)}`,
    commitBlock: HEAD + 1,
    firstRevealBlock: first,
    lastRevealBlock: last,
  });

  /** Commits weights with this reveal window, then stops: the next node is a restarted process. */
  async function commitThenRestart(reveal: PendingReveal): Promise<void> {
    chain.nextCommit = reveal;
    const first = await started();
    chain.block(HEAD + 1);
    await vi.waitFor(() => expect(chain.weights).toHaveLength(1));
    await first.stop();
    chain.nextCommit = null;
    await started();
  }

  it('sends every weight to the burn uid (the owner) while nobody holds the record', async () => {
    await started();
    chain.block(HEAD + 1);
    await vi.waitFor(() => expect(chain.weights).toEqual([{ uids: [0], weights: [1] }]));
  });

  it('keeps a committed reveal across a restart and reveals it in its window', async () => {
    await commitThenRestart({ ...pending(HEAD + 5, HEAD + 10), hotkey: alice.address });
    chain.block(HEAD + 6);
    await vi.waitFor(() => expect(chain.reveals).toHaveLength(1));
    expect(chain.reveals[0]!.versionKey).toBe(2n ** 60n + 7n);
    expect(chain.reveals[0]!.salt).toEqual([1, 2, 3]);
    expect(store.getMeta('pendingReveal')).toBe('');
  });

  it('lets a missed reveal window go, with a warning', async () => {
    await commitThenRestart(pending(HEAD + 2, HEAD + 3));
    chain.block(HEAD + 20);
    await vi.waitFor(() => expect(logged('reveal window missed')).toBe(true));
    expect(chain.reveals).toHaveLength(0);
    expect(store.getMeta('pendingReveal')).toBe('');
  });

  it('sets no weights without a validator permit', async () => {
    chain.neurons = chain.neurons.map((n) =>
      n.hotkey === alice.address ? { ...n, validatorPermit: false } : n,
    );
    await started();
    chain.block(HEAD + 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(chain.weights).toHaveLength(0);
  });
});
