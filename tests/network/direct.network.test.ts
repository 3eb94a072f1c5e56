/**
 * Direct mining on a local network (`npm run test:network`): the real Subtensor runtime under
 * chopsticks, three validators and a miner as separate processes of the CLI, talking HTTP over
 * this machine's own address. What the validator issue asks to see:
 * - a genuine improvement becomes the state of the art by quorum, and the weights on chain point
 *   at the winner;
 * - a validator killed mid-round restarts with its receipts and reaches the same state of the art;
 * - a copy submitted later by another hotkey is refused priority;
 * - replayed, misaddressed, forged and unregistered requests, and a claim that does not hold on
 *   hidden tasks, are rejected with logged reasons.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KeyringPair } from '@polkadot/keyring/types';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { programDigest } from '../../shared/algorithm/canonical';
import { parseProgramOrThrow, printProgram } from '../../shared/algorithm/dsl';
import { LINEAR_BASELINE, makeTrack, trackDigest } from '../../shared/protocol/track';
import { SIGNED_HEADERS } from '../../shared/protocol/request';
import { startLocalnet, type Localnet } from '../../src-main/chain/localnet';
import { submit as submitTx } from '../../src-main/chain/tx';
import { realCifar10Dir } from '../support/cifar-tasks';
import { silentLogger } from '../../src-main/log/logger';
import { DirectClient } from '../../src-main/miner/direct-client';
import { signedRequest } from '../../src-main/net/http-client';
import { signRequest } from '../../src-main/net/signed-request';
import { signReceipt } from '../../src-main/validator/receipts';
import { firstPublicIpv4 } from '../../src-main/net/addresses';
import {
  NodeProcess,
  eventually,
  freePort,
  getJson,
  newKeyFile,
  validatorsServed,
  validatorArgs,
  TEST_TRACK_OVERRIDES,
  writeTestValidatorConfig,
} from './processes';

const TAO = 1_000_000_000n;
const ROOT = path.resolve(import.meta.dirname, '../..');
const example = (name: string) => readFileSync(path.join(ROOT, 'examples', `${name}.dsl`), 'utf8');
const canonical = (text: string) => printProgram(parseProgramOrThrow(text));

interface Validator {
  name: string;
  pair: KeyringPair;
  keyFile: string;
  dataDir: string;
  port: number;
  url: string;
  process: NodeProcess;
}

interface SotaAnswer {
  holder: { digest: string; miner: string | null; program: string };
}

/** A validator's Prometheus counter or gauge (GET /metrics), summed over the label sets matched. */
async function metric(url: string, name: string, labels = ''): Promise<number> {
  const res = await fetch(`${url}/metrics`);
  if (!res.ok) throw new Error(`${url}/metrics: HTTP ${res.status}`);
  let sum = 0;
  for (const line of (await res.text()).split('\n')) {
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m && m[1] === name && (m[2] ?? '').includes(labels)) sum += Number(m[3]);
  }
  return sum;
}

describe('direct mining on a local network', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'sota-network-'));
  let cifarDir: string;
  // The validators' track (their config shortens rounds): what a miner must claim on.
  const track = makeTrack(TEST_TRACK_OVERRIDES);
  let net: Localnet;
  let netuid: number;
  let ip: string;
  let configFile: string;
  let validators: Validator[];
  let honest: { pair: KeyringPair; keyFile: string };
  let copier: { pair: KeyringPair; keyFile: string };
  /** Makes a claim that does not hold (a third miner: commitments are rate-limited per hotkey). */
  let claimant: { pair: KeyringPair; keyFile: string };
  let stranger: KeyringPair;
  /** Two more miners for network-wide priority: the first commits, the second copies it. */
  let first: { pair: KeyringPair; keyFile: string };
  let second: { pair: KeyringPair; keyFile: string };
  let winner: string;
  let rejected: string;
  const genesis = programDigest(parseProgramOrThrow(LINEAR_BASELINE));
  const measured: Record<string, number> = {};

  const newKey = (name: string) => newKeyFile(work, name);

  const validatorProcess = (v: Omit<Validator, 'process'>) =>
    new NodeProcess(
      v.name,
      validatorArgs({ ...v, endpoint: net.endpoint, netuid, ip, cifarDir, configFile }),
    ).start();

  beforeAll(async () => {
    await cryptoWaitReady();
    cifarDir = await realCifar10Dir();
    const found = firstPublicIpv4();
    if (!found)
      throw new Error('the network test needs a non-loopback IPv4 address on this machine');
    ip = found;
    net = await startLocalnet({ blockTimeMs: 1000 });
    const c = net.client;
    netuid = await net.createSubnet({ tempo: 10 });
    // A deep pool, so that stake buys alpha and the validators' stakes mean something.
    await net.deepenPool(netuid, 1_000_000n * TAO);

    const keys = await Promise.all(['A', 'B', 'C'].map((n) => newKey(`validator-${n}`)));
    honest = await newKey('miner-honest');
    copier = await newKey('miner-copier');
    claimant = await newKey('miner-claimant');
    stranger = (await newKey('stranger')).pair;
    const { validatorColdkey, minerColdkey } = net.accounts;
    for (const k of keys)
      await c.burnedRegister(netuid, k.pair.address, validatorColdkey, 10n * TAO);
    first = await newKey('miner-first');
    second = await newKey('miner-second');
    for (const k of [honest, copier, claimant, first, second])
      await c.burnedRegister(netuid, k.pair.address, minerColdkey, 10n * TAO);
    // A holds half the validator stake: A and B together pass the 2/3 quorum while C is down.
    const stakes = [2000n, 1000n, 1000n];
    for (const [i, k] of keys.entries())
      await submitTx(
        c,
        c.api.tx['subtensorModule']!['addStake']!(k.pair.address, netuid, stakes[i]! * TAO),
        validatorColdkey,
      );

    configFile = path.join(work, 'validator.json');
    // Short rounds and frequent metagraph reads and weights, for a test that lasts minutes.
    writeTestValidatorConfig(configFile);
    validators = await Promise.all(
      keys.map(async (k, i) => {
        const name = `validator-${'ABC'[i]}`;
        const port = await freePort();
        const v = {
          name,
          ...k,
          dataDir: path.join(work, name),
          port,
          url: `http://${ip}:${port}`,
        };
        return { ...v, process: validatorProcess(v) };
      }),
    );
    // Every validator sees the other two (permit and endpoint on chain).
    await validatorsServed(c, netuid, validators);
  }, 240_000);

  afterAll(async () => {
    await Promise.all((validators ?? []).map((v) => v.process.stop()));
    await net?.close();
  });

  it('starts every validator on the genesis holder', async () => {
    for (const v of validators) {
      const sota = await getJson<SotaAnswer>(`${v.url}/v1/sota`);
      expect(sota.holder.digest).toBe(genesis);
      expect(sota.holder.miner).toBeNull();
    }
  });

  it('refuses a second validator on a data folder in use, and the first goes on', async () => {
    const [a] = validators as [Validator];
    const second = validatorProcess(a);
    await second.waitForLine(/another validator is already running on the data folder/, 60_000);
    expect(await second.stop()).not.toBe(0);
    expect((await getJson<SotaAnswer>(`${a.url}/v1/sota`)).holder.digest).toBe(genesis);
  });

  it('rejects replayed, misaddressed, forged and unregistered requests, with logged reasons', async () => {
    const [a, b] = validators as [Validator, Validator];
    const program = canonical(example('logistic_regression'));
    const body = new TextEncoder().encode(
      JSON.stringify({
        track: track.id,
        program,
        digest: programDigest(parseProgramOrThrow(program)),
      }),
    );
    const post = (headers: Record<string, string>) =>
      fetch(`${a.url}/v1/submissions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error: string } }));
    const sign = (pair: KeyringPair, target: string) =>
      signRequest(pair, { method: 'POST', path: '/v1/submissions', body, target });

    // Signed by the copier, but claiming to come from the honest miner.
    const forged = {
      ...sign(copier.pair, a.pair.address),
      [SIGNED_HEADERS.hotkey]: honest.pair.address,
    };
    expect(await post(forged)).toMatchObject({ status: 401, body: { error: 'BAD_SIGNATURE' } });
    // Addressed to validator B, sent to A.
    expect(await post(sign(copier.pair, b.pair.address))).toMatchObject({
      status: 401,
      body: { error: 'WRONG_TARGET' },
    });
    expect(await post(sign(stranger, a.pair.address))).toMatchObject({
      status: 403,
      body: { error: 'NOT_REGISTERED' },
    });
    // A genuine request (refused: nothing committed on chain), then the same bytes again.
    const once = sign(copier.pair, a.pair.address);
    expect(await post(once)).toMatchObject({ status: 403, body: { error: 'NO_COMMITMENT' } });
    expect(await post(once)).toMatchObject({ status: 409, body: { error: 'REPLAY' } });
    const oversized = await fetch(`${a.url}/v1/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...sign(copier.pair, a.pair.address) },
      body: 'x'.repeat(64 * 1024),
    });
    expect(oversized.status).toBe(413);
    for (const code of [
      'BAD_SIGNATURE',
      'WRONG_TARGET',
      'NOT_REGISTERED',
      'NO_COMMITMENT',
      'REPLAY',
    ])
      expect(a.process.has(new RegExp(`rejected.*${code}`))).toBe(true);
  });

  it('rejects a claim that does not hold on the hidden tasks', async () => {
    // The miner reads the track from the validators' GET /v1/tracks: all three agree on it, short
    // rounds included (the built-in track's are six minutes).
    const { direct, note } = await DirectClient.onValidatorsTrack({
      client: net.client,
      netuid,
      pair: claimant.pair,
      log: silentLogger,
    });
    expect(direct.track).toEqual(track);
    expect(note).toBeNull();
    const program = canonical(example('logistic_regression'));
    const digest = programDigest(parseProgramOrThrow(program));
    await direct.commit(digest);
    const outcomes = await direct.submit(program);
    expect(outcomes.map((o) => o.status)).toEqual([202, 202, 202]);
    const view = await eventually('three verdicts', async () => {
      const v = await direct.verdicts(digest, genesis);
      return v.receipts.length === 3 ? v : undefined;
    });
    expect(view.tally.reached).toBe(false);
    for (const { receipt } of view.receipts) {
      expect(receipt.verdict).toBe('reject');
      expect(receipt.reason).toMatch(/below the margin/);
    }
    for (const v of validators)
      expect((await getJson<SotaAnswer>(`${v.url}/v1/sota`)).holder.digest).toBe(genesis);
    rejected = digest;
  }, 120_000);

  it('makes a genuine improvement the state of the art by quorum, with a validator killed mid-round', async () => {
    const [a, b, c] = validators as [Validator, Validator, Validator];
    const miner = new NodeProcess('miner', [
      'mine',
      ...['--direct', '--network', net.endpoint, '--netuid', String(netuid)],
      ...['--hotkey-file', honest.keyFile, '--data-dir', path.join(work, 'miner')],
      ...['--from', path.join(ROOT, 'examples', 'nn.dsl'), '--threads', '1', '--fresh'],
      ...['--cifar-dir', cifarDir, '--seconds', '600', '--cooldown', '0'],
    ]).start();
    try {
      // Validator C dies right after it has taken the submission, before (or while) judging it.
      await c.process.waitForLine(new RegExp(`submission queued.*${honest.pair.address}`), 180_000);
      const submittedAt = Date.now();
      await c.process.kill();

      const holderOf = (v: Validator) =>
        getJson<SotaAnswer>(`${v.url}/v1/sota`).then((s) => s.holder);
      const holder = await eventually(
        'A and B to agree on a new holder',
        async () => {
          const [ha, hb] = await Promise.all([holderOf(a), holderOf(b)]);
          return ha.miner === honest.pair.address && hb.digest === ha.digest ? ha : undefined;
        },
        120_000,
      );
      measured['submissionToQuorumMs'] = Date.now() - submittedAt;
      winner = holder.digest;
      await miner.waitForLine(/new state of the art/, 60_000);

      // C comes back with what it had stored, judges what it had taken, learns the peers'
      // receipts, and applies the same quorum rule: the same holder.
      c.process = validatorProcess(c);
      await c.process.waitForLine(/validator ready/, 120_000);
      await eventually('C to reach the same holder', async () =>
        (await holderOf(c)).digest === winner ? true : undefined,
      );
      const { receipts } = await getJson<{
        receipts: Array<{ receipt: { validator: string; verdict: string } }>;
      }>(`${c.url}/v1/receipts/${winner}`);
      const accepting = new Set(
        receipts.filter((r) => r.receipt.verdict === 'accept').map((r) => r.receipt.validator),
      );
      expect(accepting).toEqual(new Set(validators.map((v) => v.pair.address)));
      // And it kept what it had signed before it died.
      const before = await getJson<{ receipts: Array<{ receipt: { validator: string } }> }>(
        `${c.url}/v1/receipts/${rejected}`,
      );
      expect(before.receipts.map((r) => r.receipt.validator)).toContain(c.pair.address);

      // What an operator's Prometheus sees on A: the submission, its verdict, the receipts
      // exchanged, the quorum, and a live chain.
      const m = (name: string, labels?: string) => metric(a.url, name, labels);
      expect(await m('sota_validator_submissions_total', 'outcome="queued"')).toBeGreaterThan(0);
      expect(await m('sota_validator_verdicts_total', 'verdict="accept"')).toBeGreaterThan(0);
      expect(await m('sota_validator_verification_seconds_count')).toBeGreaterThan(0);
      expect(await m('sota_validator_peer_posts_total', 'result="delivered"')).toBeGreaterThan(0);
      expect(await m('sota_validator_receipts_received_total', 'result="stored"')).toBeGreaterThan(
        0,
      );
      expect(await m('sota_validator_quorum_decisions_total')).toBeGreaterThan(0);
      expect(await m('sota_validator_chain_connected')).toBe(1);
      expect(await m('sota_validator_chain_block')).toBeGreaterThan(0);
      const health = await getJson<{ ok: boolean; chain: { blockAgeSeconds: number } }>(
        `${a.url}/v1/health`,
      );
      expect(health.ok).toBe(true);
      expect(health.chain.blockAgeSeconds).toBeGreaterThanOrEqual(0);
    } finally {
      await miner.stop();
    }
  }, 420_000);

  it('points the weights on chain at the winner', async () => {
    const [a] = validators as [Validator];
    const mg = await net.client.metagraph(netuid);
    const uidOf = (hotkey: string) => mg.neurons.find((n) => n.hotkey === hotkey)!.uid;
    const winnerUid = uidOf(honest.pair.address);
    const weights = await eventually(
      'validator A to set weights on the winner',
      async () => {
        const w = await net.client.readWeights(netuid, uidOf(a.pair.address));
        return w.some(([uid]) => uid === winnerUid) ? w : undefined;
      },
      90_000,
    );
    expect(await metric(a.url, 'sota_validator_weights_set_total')).toBeGreaterThan(0);
    expect(await metric(a.url, 'sota_validator_weights_block')).toBeGreaterThan(0);
    // 10% to the winner, 90% to the burn uid (the subnet owner's): u16, max-normalised.
    const burnUid = uidOf(net.accounts.ownerHotkey.address);
    expect(new Map(weights)).toEqual(
      new Map([
        [winnerUid, Math.round((0.1 / 0.9) * 65535)],
        [burnUid, 65535],
      ]),
    );
  }, 120_000);

  it("caps a permit holder's receipt flood, and an honest receipt still syncs", async () => {
    const [a, b, c] = validators as [Validator, Validator, Validator];
    const health = await getJson<{ round: number }>(`${a.url}/v1/health`);
    const receiptOf = (pair: KeyringPair, digest: string, issuedAt: number) =>
      signReceipt(pair, {
        v: 1,
        track: track.id,
        trackDigest: trackDigest(track),
        validator: pair.address,
        round: health.round,
        taskSeedCommitment: 'c'.repeat(64),
        digest,
        miner: copier.pair.address,
        commitmentBlock: 1,
        holderDigest: winner,
        challengerScore: 0.5,
        holderScore: 0.7,
        margin: track.margin,
        verdict: 'reject',
        reason: 'invented',
        issuedAt,
      });
    const post = (from: KeyringPair, receipts: unknown[]) =>
      signedRequest({
        url: a.url,
        path: '/v1/receipts',
        method: 'POST',
        body: { receipts },
        pair: from,
        target: a.pair.address,
        timeoutMs: 30_000,
      });
    // Validator C (a permit holder) signs 3,000 receipts for invented programs, all in one
    // millisecond, and sends them to A: 60 posts of 50 (a post may carry no more).
    const at = Date.now();
    const invented = (n: number) => receiptOf(c.pair, (n + 1).toString(16).padStart(64, 'e'), at);
    const tooMany = Array.from({ length: 1000 }, (_, i) => invented(100_000 + i));
    expect((await post(c.pair, tooMany)).status).toBe(400);
    const statuses: number[] = [];
    for (let batch = 0; batch < 60; batch++) {
      const flood = Array.from({ length: 50 }, (_, i) => invented(batch * 50 + i));
      statuses.push((await post(c.pair, flood)).status);
    }
    // The first 50 fill C's room for programs A never received; every later post is refused.
    expect(statuses[0]).toBe(200);
    expect(statuses.slice(1).every((s) => s === 429)).toBe(true);
    expect(a.process.has(/receipts over quota/)).toBe(true);
    // A's public page stays bounded; A still answers.
    const page = await getJson<{ receipts: unknown[]; next: string | null }>(
      `${a.url}/v1/receipts?limit=1000`,
    );
    expect(page.receipts.length).toBeLessThan(200);
    expect((await getJson<{ ok: boolean }>(`${a.url}/v1/health`)).ok).toBe(true);
    // A receipt held only by A reaches B through B's regular pull, as before the flood.
    const honestDigest = 'd'.repeat(63) + '1';
    const sent = Date.now();
    expect((await post(a.pair, [receiptOf(a.pair, honestDigest, sent)])).status).toBe(200);
    await eventually(
      'B to pull the honest receipt from A',
      async () => {
        const r = await getJson<{ receipts: unknown[] }>(`${b.url}/v1/receipts/${honestDigest}`);
        return r.receipts.length === 1 ? true : undefined;
      },
      60_000,
    );
    measured['receiptSyncAfterFloodMs'] = Date.now() - sent;
  }, 180_000);

  it("audits peers' finished rounds: an honest secret matches, a forged commitment shows", async () => {
    const [a, b, c] = validators as [Validator, Validator, Validator];
    type Standing = {
      hotkey: string;
      rounds: { ok: number; mismatch: number; unrevealed: number };
    };
    const standing = async (v: Validator) =>
      (await getJson<{ validators: Standing[] }>(`${a.url}/v1/validators`)).validators.find(
        (s) => s.hotkey === v.pair.address,
      )?.rounds;
    // B signed only its own verdicts: its revealed secrets hash to its receipts' commitments.
    const honestB = await eventually(
      'A to audit a finished round of B',
      async () => {
        const r = await standing(b);
        return r && r.ok > 0 ? r : undefined;
      },
      150_000,
    );
    expect(honestB.mismatch).toBe(0);
    // C's key signed the flood above with a made-up commitment: once that round is over, A finds
    // that C's revealed secret does not match.
    await eventually(
      "A to find C's forged commitment",
      async () => (((await standing(c))?.mismatch ?? 0) > 0 ? true : undefined),
      150_000,
    );
    expect(a.process.has(/revealed round secret does not match its receipts/)).toBe(true);
  }, 330_000);

  it('relays a submission to validators its miner did not reach, so a later copy is refused there', async () => {
    const [a, b, c] = validators as [Validator, Validator, Validator];
    // Linear regression at half the learning rate: its own behaviour, judged and rejected.
    const program = canonical(example('linear_regression').replace('s2 = 0.01', 's2 = 0.005'));
    const digest = programDigest(parseProgramOrThrow(program));
    const client = (pair: KeyringPair) =>
      new DirectClient({ client: net.client, netuid, pair, track, log: silentLogger });
    const original = client(first.pair);
    const endpoints = await original.validators();
    const at = (v: Validator) => endpoints.filter((e) => e.hotkey === v.pair.address);
    await original.commit(digest);
    expect((await original.submit(program, at(a))).map((o) => o.status)).toEqual([202]);
    // A relays it to B and C, which check the commitment on chain themselves.
    for (const v of [b, c])
      await eventually(`${v.name} to take the relayed submission`, async () =>
        v.process.has(new RegExp(`submission queued.*${digest}.*relayedBy`)) ? true : undefined,
      );
    // A copier who commits later and reaches only B and C is refused there.
    const copy = client(second.pair);
    await copy.commit(digest);
    const outcomes = await copy.submit(program, [...at(b), ...at(c)]);
    expect(outcomes.map((o) => o.status)).toEqual([409, 409]);
    for (const o of outcomes)
      expect(JSON.stringify(o.answer)).toMatch(/earliest commitment has priority/);
  }, 120_000);

  it('refuses priority to the same program submitted later by another hotkey', async () => {
    const program = (await getJson<SotaAnswer>(`${validators[0]!.url}/v1/sota`)).holder.program;
    const direct = new DirectClient({
      client: net.client,
      netuid,
      pair: copier.pair,
      track,
      log: silentLogger,
    });
    await direct.commit(programDigest(parseProgramOrThrow(program)));
    const outcomes = await direct.submit(program);
    expect(outcomes.map((o) => o.status)).toEqual([409, 409, 409]);
    for (const o of outcomes)
      expect(JSON.stringify(o.answer)).toMatch(/earliest commitment has priority/);
    process.stdout.write(`network figures: ${JSON.stringify(measured)}\n`);
  });
});
