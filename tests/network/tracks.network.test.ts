/**
 * The regression track on a local network (`npm run test:network`): two validators that run the
 * built-in regression track (a 2-layer ReLU teacher, scored by RMS error; no CIFAR-10 folder is
 * given to them), and a miner that learns the track from their GET /v1/tracks:
 * - a claim for another track (the built-in CIFAR-10 one, which a miner that does not ask claims
 *   on) is refused by every validator, saying which track it judges;
 * - the 2-layer NN, a genuine improvement on the genesis program there (linear regression with a
 *   bias), becomes the state
 *   of the art by quorum, and the weights on chain follow it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KeyringPair } from '@polkadot/keyring/types';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { programDigest } from '../../shared/algorithm/canonical';
import { parseProgramOrThrow, printProgram } from '../../shared/algorithm/dsl';
import {
  CIFAR10_BINARY,
  TEACHER_REGRESSION,
  makeTrack,
  trackDigest,
} from '../../shared/protocol/track';
import { startLocalnet, type Localnet } from '../../src-main/chain/localnet';
import { submit as submitTx } from '../../src-main/chain/tx';
import { silentLogger } from '../../src-main/log/logger';
import { DirectClient } from '../../src-main/miner/direct-client';
import { firstPublicIpv4 } from '../../src-main/net/addresses';
import {
  NodeProcess,
  TEST_TRACK_OVERRIDES,
  eventually,
  freePort,
  getJson,
  newKeyFile,
  validatorsServed,
  validatorArgs,
} from './processes';

const TAO = 1_000_000_000n;
const ROOT = path.resolve(import.meta.dirname, '../..');
const nn = printProgram(
  parseProgramOrThrow(readFileSync(path.join(ROOT, 'examples', 'nn.dsl'), 'utf8')),
);

interface Validator {
  name: string;
  pair: KeyringPair;
  url: string;
  process: NodeProcess;
}

describe('the regression track on a local network', () => {
  const work = mkdtempSync(path.join(tmpdir(), 'sota-tracks-'));
  const overrides = { ...TEST_TRACK_OVERRIDES, id: TEACHER_REGRESSION.id };
  const track = makeTrack(overrides);
  const genesis = programDigest(parseProgramOrThrow(track.genesis));
  let net: Localnet;
  let netuid: number;
  let validators: Validator[];
  let miner: { pair: KeyringPair; keyFile: string };

  beforeAll(async () => {
    await cryptoWaitReady();
    const ip = firstPublicIpv4();
    if (!ip) throw new Error('the network test needs a non-loopback IPv4 address on this machine');
    net = await startLocalnet({ blockTimeMs: 1000 });
    const c = net.client;
    netuid = await net.createSubnet({ tempo: 10 });
    await net.deepenPool(netuid, 1_000_000n * TAO);
    const keys = await Promise.all(['A', 'B'].map((n) => newKeyFile(work, `validator-${n}`)));
    miner = await newKeyFile(work, 'miner');
    const { validatorColdkey, minerColdkey } = net.accounts;
    for (const k of keys)
      await c.burnedRegister(netuid, k.pair.address, validatorColdkey, 10n * TAO);
    await c.burnedRegister(netuid, miner.pair.address, minerColdkey, 10n * TAO);
    for (const k of keys)
      await submitTx(
        c,
        c.api.tx['subtensorModule']!['addStake']!(k.pair.address, netuid, 1000n * TAO),
        validatorColdkey,
      );
    const configFile = path.join(work, 'validator.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        metagraphEveryBlocks: 3,
        weightsEveryBlocks: 5,
        uiPort: 0,
        track: overrides,
      }),
    );
    validators = await Promise.all(
      keys.map(async (k, i) => {
        const name = `validator-${'AB'[i]}`;
        const port = await freePort();
        // No --cifar-dir: a teacher track needs no dataset files.
        const args = validatorArgs({
          ...k,
          endpoint: net.endpoint,
          netuid,
          ip,
          port,
          dataDir: path.join(work, name),
          configFile,
        });
        return {
          name,
          pair: k.pair,
          url: `http://${ip}:${port}`,
          process: new NodeProcess(name, args).start(),
        };
      }),
    );
    await validatorsServed(c, netuid, validators);
  }, 240_000);

  afterAll(async () => {
    await Promise.all((validators ?? []).map((v) => v.process.stop()));
    await net?.close();
  });

  it('publishes the regression track, and refuses a claim for another track, saying which it judges', async () => {
    for (const v of validators) {
      const { tracks } = await getJson<{ tracks: Array<{ digest: string; track: unknown }> }>(
        `${v.url}/v1/tracks`,
      );
      expect(tracks).toEqual([{ digest: trackDigest(track), track }]);
    }
    // A miner that does not ask which track is run claims on the built-in CIFAR-10 one.
    const { direct, note } = await DirectClient.onValidatorsTrack({
      client: net.client,
      netuid,
      pair: miner.pair,
      log: silentLogger,
    });
    expect(direct.track).toEqual(CIFAR10_BINARY);
    expect(note).toMatch(/No validator asked runs cifar10-binary-v1; using the built-in/);
    const outcomes = await direct.submit(nn);
    expect(outcomes.map((o) => o.status)).toEqual([400, 400]);
    for (const o of outcomes)
      expect(o.answer).toEqual({
        error: 'WRONG_TRACK',
        message: `this validator judges ${track.id}, not ${CIFAR10_BINARY.id}`,
      });
    for (const v of validators)
      await v.process.waitForLine(/submission rejected.*WRONG_TRACK/, 10_000);
  });

  it('makes the NN the holder of the regression track by quorum, and the weights follow it', async () => {
    const { direct, note } = await DirectClient.onValidatorsTrack({
      client: net.client,
      netuid,
      pair: miner.pair,
      log: silentLogger,
      trackId: TEACHER_REGRESSION.id,
    });
    expect(direct.track).toEqual(track);
    expect(note).toBeNull();
    const digest = programDigest(parseProgramOrThrow(nn));
    await direct.commit(digest);
    expect((await direct.submit(nn)).map((o) => o.status)).toEqual([202, 202]);
    const view = await eventually(
      'both validators to accept',
      async () => {
        const v = await direct.verdicts(digest, genesis);
        return v.tally.reached ? v : undefined;
      },
      180_000,
    );
    for (const { receipt } of view.receipts) {
      expect(receipt.verdict).toBe('accept');
      // Scores of the teacher tasks: the NN fits a ReLU teacher better than a line does.
      expect(receipt.challengerScore).toBeGreaterThan(receipt.holderScore + track.margin);
    }
    for (const v of validators) {
      const holder = await eventually(`${v.name} to name the new holder`, async () => {
        const sota = await getJson<{ holder: { digest: string; miner: string | null } }>(
          `${v.url}/v1/sota`,
        );
        return sota.holder.digest === digest ? sota.holder : undefined;
      });
      expect(holder.miner).toBe(miner.pair.address);
    }
    const mg = await net.client.metagraph(netuid);
    const uidOf = (hotkey: string) => mg.neurons.find((n) => n.hotkey === hotkey)!.uid;
    await eventually(
      'validator A to set weights on the holder',
      async () => {
        const w = await net.client.readWeights(netuid, uidOf(validators[0]!.pair.address));
        return w.some(([uid]) => uid === uidOf(miner.pair.address)) ? true : undefined;
      },
      90_000,
    );
  }, 300_000);
});
