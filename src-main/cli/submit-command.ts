/**
 * `sota-miner submit --program <file>`: direct mode by hand. Commits the program on chain, submits
 * it to every validator of the subnet and follows their receipts until a quorum accepts it, the
 * validators have all answered, or the wait ends. Prints a JSON report.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import { programDigest } from '../../shared/algorithm/canonical';
import { printProgram } from '../../shared/algorithm/dsl';
import type { Track } from '../../shared/protocol/track';
import { SubtensorClient } from '../chain/client';
import type { Logger } from '../log/logger';
import { DirectClient, type SubmitOutcome } from '../miner/direct-client';
import { cryptoReady } from '../wallet/keypair';
import { hotkeyFromFile } from '../wallet/headless';
import { readProgramFile } from '../search/program-file';

export interface NetworkOptions {
  readonly network: string;
  readonly netuid: number;
  readonly hotkeyFile: string;
  /** The track to claim on, by id (`--track`); default the built-in CIFAR-10 one. */
  readonly track?: string;
}

export interface SubmitOptions extends NetworkOptions {
  readonly program: string;
  /** Seconds to wait for verdicts (0: do not wait). */
  readonly wait: number;
}

export interface SubmitReport {
  readonly digest: string;
  readonly commitmentBlock: number;
  readonly holderDigest: string;
  readonly submissions: SubmitOutcome[];
  readonly accepting: string[];
  readonly rejecting: string[];
  readonly share: number;
  readonly quorum: boolean;
}

/** The miner hotkey and a chain connection, as direct mode needs them. */
export async function connectMiner(
  o: NetworkOptions,
  log: Logger,
): Promise<{ pair: KeyringPair; client: SubtensorClient; direct: DirectClient; track: Track }> {
  await cryptoReady();
  const pair = await hotkeyFromFile(o.hotkeyFile);
  const client = await SubtensorClient.connect({ network: o.network, log: log.child('chain') });
  try {
    const { direct, note } = await DirectClient.onValidatorsTrack({
      client,
      netuid: o.netuid,
      pair,
      log,
      trackId: o.track,
    });
    if (note) log.warn(note);
    return { pair, client, direct, track: direct.track };
  } catch (err) {
    await client.close();
    throw err;
  }
}

export async function runSubmit(o: SubmitOptions, log: Logger): Promise<SubmitReport> {
  const program = await readProgramFile(o.program);
  const text = printProgram(program);
  const digest = programDigest(program);
  const { client, direct } = await connectMiner(o, log);
  try {
    const validators = await direct.validators();
    if (validators.length === 0)
      throw new Error(`subnet ${o.netuid} has no validator with a permit and an endpoint`);
    const survey = await direct.survey(validators);
    const sota = survey.view;
    if (!sota)
      throw new Error(
        survey.refused.length > 0
          ? `no usable answer from the validators: ${survey.refused.map((r) => r.reason).join('; ')}`
          : 'no validator answered',
      );
    const commitmentBlock = await direct.commit(digest);
    const submissions = await direct.submit(text, validators);
    const until = Date.now() + o.wait * 1000;
    let view = await direct.verdicts(digest, sota.digest, validators);
    const answered = () =>
      view.tally.accepting.length + view.tally.rejecting.length >=
      submissions.filter((s) => s.status === 202).length;
    while (!view.tally.reached && !answered() && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 1000));
      view = await direct.verdicts(digest, sota.digest, validators);
    }
    return {
      digest,
      commitmentBlock,
      holderDigest: sota.digest,
      submissions,
      accepting: [...view.tally.accepting],
      rejecting: [...view.tally.rejecting],
      share: view.tally.share,
      quorum: view.tally.reached,
    };
  } finally {
    await client.close();
  }
}
