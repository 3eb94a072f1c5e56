/**
 * The miner's side of direct mode: find the validators on chain, learn the current state of the
 * art, commit to a program on chain, submit it to every validator (signed, addressed to each), and
 * follow their receipts to a quorum. The chain and the validators are ports (MinerChain,
 * ValidatorLinks): SubtensorClient and HTTP on the network, in-memory ones in direct-client.test.ts.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import { z } from 'zod';
import { trainStepCost } from '../../shared/algorithm/cost';
import { programDigest } from '../../shared/algorithm/canonical';
import { DEFAULT_MAX_DSL_BYTES, parseProgramOrThrow } from '../../shared/algorithm/dsl';
import type { Program } from '../../shared/algorithm/program';
import { commitmentBytes } from '../../shared/protocol/commitment';
import { tally, type QuorumTally } from '../../shared/protocol/quorum';
import type { SignedReceipt } from '../../shared/protocol/receipt';
import {
  CIFAR10_BINARY,
  TracksAnswerSchema,
  checkAnnouncedTrack,
  makeTrack,
  trackDigest,
  type Track,
} from '../../shared/protocol/track';
import type { SubtensorClient } from '../chain/client';
import { axonUrl, hasReachableAxon, isValidator } from '../chain/metagraph';
import type { Logger } from '../log/logger';
import { getOkJson, signedRequest } from '../net/http-client';
import { parseReceipt, receiptSignatureHolds } from '../validator/receipts';

export interface ValidatorEndpoint {
  readonly hotkey: string;
  readonly url: string;
  readonly stake: bigint;
}

export interface SotaView {
  readonly digest: string;
  readonly program: string;
  readonly miner: string | null;
  readonly margin: number;
  /** Validators that reported this holder. */
  readonly reportedBy: number;
}

/** A validator's answer that was not used: its program is not the one it names, or unreadable. */
export interface RefusedHolder {
  readonly validator: string;
  /** The digest the validator names for its holder (null when it names none). */
  readonly named: string | null;
  /** Why it was refused, naming both digests. */
  readonly reason: string;
}

/** What the validators said about the holder. */
export interface HolderSurvey {
  /** The holder named by the most stake (then validators), or null when no usable answer came. */
  readonly view: SotaView | null;
  readonly asked: number;
  /** Validators that answered at all (usable or not). */
  readonly answered: number;
  readonly refused: readonly RefusedHolder[];
}

export interface SubmitOutcome {
  readonly validator: string;
  readonly status: number;
  readonly answer: unknown;
}

export interface VerdictView {
  readonly receipts: SignedReceipt[];
  readonly tally: QuorumTally;
}

const TIMEOUT_MS = 15_000;

/** What the miner needs of the chain: the metagraph and its commitments. */
export type MinerChain = Pick<SubtensorClient, 'metagraph' | 'readCommitment' | 'setCommitment'>;

/** How the miner reaches validators. */
export interface ValidatorLinks {
  /** A POST signed by the miner, addressed to `v`; rejects when `v` is unreachable. */
  post(
    v: ValidatorEndpoint,
    path: string,
    body: unknown,
  ): Promise<{ readonly status: number; readonly json: unknown }>;
  /** A GET's JSON body; rejects when unreachable, on a non-2xx status or an oversized answer. */
  getJson(url: string): Promise<unknown>;
}

/** Validators over HTTP, requests signed with `pair` (net/http-client.ts). */
export function httpValidatorLinks(pair: KeyringPair): ValidatorLinks {
  return {
    post: (v, path, body) =>
      signedRequest({
        url: v.url,
        path,
        method: 'POST',
        body,
        pair,
        target: v.hotkey,
        timeoutMs: TIMEOUT_MS,
      }),
    getJson: readJson,
  };
}

/** An unsigned GET: what surveys and receipts need, no key. */
const readJson = (url: string): Promise<unknown> => getOkJson(url, { timeoutMs: TIMEOUT_MS });

/** What a validator's GET /v1/sota holds for the miner; anything else in the answer is ignored. */
const SotaAnswer = z.object({
  holder: z.object({
    digest: z.string().max(128).nullish(),
    program: z.string().max(DEFAULT_MAX_DSL_BYTES),
    miner: z.string().max(128).nullable(),
  }),
});

/** Validators with a permit and an announced endpoint, from the metagraph (no key needed). */
export async function validatorEndpoints(
  client: Pick<MinerChain, 'metagraph'>,
  netuid: number,
): Promise<ValidatorEndpoint[]> {
  const mg = await client.metagraph(netuid);
  return mg.neurons
    .filter(isValidator)
    .filter(hasReachableAxon)
    .map((n) => ({
      hotkey: n.hotkey,
      url: axonUrl(n.axon),
      stake: n.stake,
    }));
}

/**
 * Asks each validator for the holder. An answer counts only if its program reads and has the
 * digest the validator names for it: a program that is not what it claims to be is refused (and
 * said so, naming both digests), never used. Among the answers that count, the holder most
 * validators report wins.
 */
export async function surveyHolder(
  validators: readonly ValidatorEndpoint[],
  track: Track,
  log: Logger,
  getJson: ValidatorLinks['getJson'] = readJson,
): Promise<HolderSurvey> {
  const answers = await Promise.all(
    validators.map(async (v) => {
      try {
        return {
          validator: v.hotkey,
          stake: v.stake,
          body: await getJson(`${v.url}/v1/sota`),
        };
      } catch (err) {
        log.warn('validator unreachable', { validator: v.hotkey, error: String(err) });
        return null;
      }
    }),
  );
  const votes = new Map<string, { view: SotaView; count: number; stake: bigint }>();
  const refused: RefusedHolder[] = [];
  let answered = 0;
  for (const a of answers) {
    if (!a) continue;
    answered++;
    const parsed = SotaAnswer.safeParse(a.body);
    if (!parsed.success) {
      refused.push({
        validator: a.validator,
        named: null,
        reason: 'its answer names no holder program',
      });
      continue;
    }
    const { holder } = parsed.data;
    const named = holder.digest ?? null;
    let parsedProgram: Program;
    let digest: string;
    try {
      parsedProgram = parseProgramOrThrow(holder.program);
      digest = programDigest(parsedProgram);
    } catch (err) {
      refused.push({
        validator: a.validator,
        named,
        reason: `the program it serves for holder ${named ?? '(no digest)'} does not read: ${err instanceof Error ? err.message : String(err)}`,
      });
      continue;
    }
    if (digest !== named) {
      refused.push({
        validator: a.validator,
        named,
        reason: `it names holder ${named ?? '(no digest)'} but serves a program whose digest is ${digest}`,
      });
      continue;
    }
    // A program over the track's budget could never have been judged: a miner that took it would
    // spend minutes scoring it and then search from a program that scores 0.
    const cost = trainStepCost(parsedProgram, track.features);
    if (cost > track.maxStepCost) {
      refused.push({
        validator: a.validator,
        named,
        reason: `it serves holder ${digest} whose training step costs ${cost}, over the track's ${track.maxStepCost}`,
      });
      continue;
    }
    const seen = votes.get(digest);
    if (seen) {
      seen.count++;
      seen.stake += a.stake;
    } else
      votes.set(digest, {
        view: {
          digest,
          program: holder.program,
          miner: holder.miner,
          // The track's own margin, not what a validator says it is.
          margin: track.margin,
          reportedBy: 0,
        },
        count: 1,
        stake: a.stake,
      });
  }
  for (const r of refused)
    log.warn('holder refused', { validator: r.validator, digest: r.named, reason: r.reason });
  // The holder named by the most stake (then by the most validators): a validator with no stake
  // of its own cannot outvote the ones the subnet trusts.
  const best = [...votes.values()].sort((a, b) =>
    a.stake !== b.stake ? (b.stake > a.stake ? 1 : -1) : b.count - a.count,
  )[0];
  return {
    view: best ? { ...best.view, reportedBy: best.count } : null,
    asked: validators.length,
    answered,
    refused,
  };
}

/** What the validators say of the track a miner means to claim on (see surveyTrack). */
export interface TrackSurvey {
  /** The version of the track named by the most stake (then validators); null when none did. */
  readonly track: Track | null;
  readonly digest: string | null;
  /** Validators naming that version, and their share of the answering validators' stake. */
  readonly agreeing: readonly string[];
  readonly share: number;
  /** Validators that run another version, or whose answer was refused, and why. */
  readonly others: readonly { validator: string; digest: string | null; reason: string }[];
  readonly asked: number;
}

/**
 * Asks each validator which tracks it runs (GET /v1/tracks) and keeps the versions of `trackId`
 * whose content matches their digest. The version named by the most stake wins (then the most
 * validators); the others are listed, not hidden: a miner that searched for one version would
 * see its claims refused by validators running another.
 */
export async function surveyTrack(
  validators: readonly ValidatorEndpoint[],
  log: Logger,
  getJson: ValidatorLinks['getJson'] = readJson,
  trackId: string = CIFAR10_BINARY.id,
): Promise<TrackSurvey> {
  const others: Array<TrackSurvey['others'][number]> = [];
  const versions = new Map<string, { track: Track; validators: string[]; stake: bigint }>();
  let answeredStake = 0n;
  let answered = 0;
  await Promise.all(
    validators.map(async (v) => {
      let body: unknown;
      try {
        body = await getJson(`${v.url}/v1/tracks`);
      } catch (err) {
        others.push({ validator: v.hotkey, digest: null, reason: `no answer: ${String(err)}` });
        return;
      }
      const parsed = TracksAnswerSchema.safeParse(body);
      const listed = parsed.success
        ? parsed.data.tracks.find((t) => (t.track as { id?: unknown } | null)?.id === trackId)
        : undefined;
      if (!listed) {
        others.push({
          validator: v.hotkey,
          digest: null,
          reason: parsed.success ? `does not run ${trackId}` : 'its answer lists no tracks',
        });
        return;
      }
      const check = checkAnnouncedTrack(listed);
      if (!check.ok) {
        others.push({ validator: v.hotkey, digest: listed.digest, reason: check.reason });
        return;
      }
      answered++;
      answeredStake += v.stake;
      const seen = versions.get(listed.digest);
      if (seen) {
        seen.validators.push(v.hotkey);
        seen.stake += v.stake;
      } else
        versions.set(listed.digest, { track: check.track, validators: [v.hotkey], stake: v.stake });
    }),
  );
  const ranked = [...versions.entries()].sort(([, a], [, b]) =>
    a.stake !== b.stake ? (b.stake > a.stake ? 1 : -1) : b.validators.length - a.validators.length,
  );
  const [winner, ...losers] = ranked;
  for (const [digest, v] of losers)
    for (const validator of v.validators)
      others.push({ validator, digest, reason: `runs another version of ${trackId}` });
  const share = !winner
    ? 0
    : answeredStake > 0n
      ? Number(winner[1].stake) / Number(answeredStake)
      : winner[1].validators.length / answered;
  for (const o of others) log.warn('track not agreed', { ...o });
  return {
    track: winner?.[1].track ?? null,
    digest: winner?.[0] ?? null,
    agreeing: winner?.[1].validators ?? [],
    share,
    others,
    asked: validators.length,
  };
}

/**
 * The track to search for and claim on: the validators' (surveyTrack), or the built-in one when
 * none answers, with a sentence for the person when they do not all agree (null when they do).
 */
export async function trackFromValidators(
  validators: readonly ValidatorEndpoint[],
  log: Logger,
  getJson?: ValidatorLinks['getJson'],
  trackId: string = CIFAR10_BINARY.id,
): Promise<{ track: Track; survey: TrackSurvey; note: string | null }> {
  const survey = await surveyTrack(validators, log, getJson, trackId);
  if (!survey.track) {
    // Only the built-in track can be claimed on without a validator saying what it is.
    if (trackId !== CIFAR10_BINARY.id)
      throw new Error(
        `no validator runs the track ${trackId}` +
          (survey.others.length > 0
            ? `: ${survey.others.map((o) => o.reason).join('; ')}`
            : ' (none was asked)'),
      );
    const track = makeTrack();
    const version = `${track.id} (${trackDigest(track).slice(0, 8)})`;
    const runOthers = survey.others.some((o) => o.reason.startsWith('does not run'));
    return {
      track,
      survey,
      note:
        survey.asked === 0
          ? null
          : runOthers
            ? `No validator asked runs ${trackId}; using the built-in ${version}, which they will refuse claims on: choose the track they run.`
            : `No validator said which track it runs; using the built-in ${version}.`,
    };
  }
  const disagreeing = survey.others.filter((o) => o.digest !== null);
  const note =
    disagreeing.length === 0
      ? null
      : `Validators disagree on the track: ${survey.agreeing.length} (${Math.round(survey.share * 100)}% of the stake that answered) run ${survey.track.id} ${survey.digest!.slice(0, 8)}, which you claim on; ${disagreeing.length} run${disagreeing.length === 1 ? 's' : ''} another version or serve a bad one, and will refuse your claims.`;
  return { track: survey.track, survey, note };
}

/** What DirectMiner needs of the network: the validators' view and the claim steps. */
export type DirectNetwork = Pick<
  DirectClient,
  'track' | 'validators' | 'sota' | 'commit' | 'submit' | 'verdicts'
>;

export interface DirectClientDeps {
  readonly client: MinerChain;
  readonly netuid: number;
  readonly pair: KeyringPair;
  /** What claims are judged by: the validators' (onValidatorsTrack) unless a test says. */
  readonly track: Track;
  readonly log: Logger;
  /** Default: HTTP, signed with `pair`. */
  readonly links?: ValidatorLinks;
}

export class DirectClient {
  private readonly links: ValidatorLinks;
  private readonly trackDigest: string;

  constructor(private readonly deps: DirectClientDeps) {
    this.links = deps.links ?? httpValidatorLinks(deps.pair);
    this.trackDigest = trackDigest(deps.track);
  }

  /**
   * A client on the track the validators run (trackFromValidators), with the sentence for the
   * person when they do not all agree on it (null when they do).
   */
  static async onValidatorsTrack(
    deps: Omit<DirectClientDeps, 'track'> & {
      /** The track to claim on, by id; default the built-in CIFAR-10 one. */
      readonly trackId?: string;
    },
  ): Promise<{ direct: DirectClient; survey: TrackSurvey; note: string | null }> {
    const links = deps.links ?? httpValidatorLinks(deps.pair);
    const validators = await validatorEndpoints(deps.client, deps.netuid);
    const { track, survey, note } = await trackFromValidators(
      validators,
      deps.log,
      links.getJson,
      deps.trackId,
    );
    deps.log.info('track', { id: track.id, digest: trackDigest(track), note });
    return { direct: new DirectClient({ ...deps, track, links }), survey, note };
  }

  /** The track claims are judged by (its margin, its evaluation seed). */
  get track(): Track {
    return this.deps.track;
  }

  /** Validators with a permit and an announced endpoint, from the metagraph. */
  validators(): Promise<ValidatorEndpoint[]> {
    return validatorEndpoints(this.deps.client, this.deps.netuid);
  }

  /** What every validator says of the holder (see surveyHolder). */
  async survey(validators?: ValidatorEndpoint[]): Promise<HolderSurvey> {
    const list = validators ?? (await this.validators());
    return surveyHolder(list, this.deps.track, this.deps.log, this.links.getJson);
  }

  /** The holder named by the most stake (then validators), or null when none answers usably. */
  async sota(validators?: ValidatorEndpoint[]): Promise<SotaView | null> {
    return (await this.survey(validators)).view;
  }

  /**
   * Publishes the commitment for `digest` (unless the chain already holds it) and returns its
   * block: the program's priority.
   */
  async commit(digest: string): Promise<number> {
    const { client, netuid, pair } = this.deps;
    const bytes = commitmentBytes(digest, pair.publicKey);
    const existing = await client.readCommitment(netuid, pair.address);
    if (existing && existing.data.length === 32 && existing.data.every((b, i) => b === bytes[i]))
      return existing.block;
    const tx = await client.setCommitment(netuid, pair, bytes);
    this.deps.log.info('committed', { digest, block: tx.blockNumber });
    return tx.blockNumber;
  }

  /** Sends the program to every validator; each answer is returned, none is fatal. */
  async submit(program: string, validators?: ValidatorEndpoint[]): Promise<SubmitOutcome[]> {
    const digest = programDigest(parseProgramOrThrow(program));
    const list = validators ?? (await this.validators());
    return Promise.all(
      list.map(async (v) => {
        try {
          const res = await this.links.post(v, '/v1/submissions', {
            track: this.deps.track.id,
            trackDigest: this.trackDigest,
            program,
            digest,
          });
          this.deps.log.info('submitted', { validator: v.hotkey, status: res.status });
          return { validator: v.hotkey, status: res.status, answer: res.json };
        } catch (err) {
          this.deps.log.warn('submission failed', { validator: v.hotkey, error: String(err) });
          return { validator: v.hotkey, status: 0, answer: String(err) };
        }
      }),
    );
  }

  /** The receipts validators hold for `digest`, checked, and their stake-weighted tally. */
  async verdicts(
    digest: string,
    holderDigest: string,
    validators?: ValidatorEndpoint[],
  ): Promise<VerdictView> {
    const list = validators ?? (await this.validators());
    const byKey = new Map<string, SignedReceipt>();
    for (const v of list) {
      try {
        const body = (await this.links.getJson(`${v.url}/v1/receipts/${digest}`)) as {
          receipts?: unknown;
        } | null;
        const listed = Array.isArray(body?.receipts) ? body.receipts : [];
        for (const value of listed) {
          const check = parseReceipt(value);
          // A verdict reached under another version of the track does not count toward ours;
          // that is looked at before the signature, the costly part.
          if (!check.ok || check.signed.receipt.trackDigest !== this.trackDigest) continue;
          if (!receiptSignatureHolds(check.signed)) continue;
          // Receipts are relayed: a peer may pass on an older one; each validator's newest counts.
          const key = `${check.signed.receipt.validator}:${check.signed.receipt.holderDigest}`;
          const seen = byKey.get(key);
          if (!seen || check.signed.receipt.issuedAt > seen.receipt.issuedAt)
            byKey.set(key, check.signed);
        }
      } catch (err) {
        this.deps.log.debug('receipts unavailable', { validator: v.hotkey, error: String(err) });
      }
    }
    const receipts = [...byKey.values()];
    return {
      receipts,
      tally: tally(
        receipts.map((r) => r.receipt),
        list.map((v) => ({ hotkey: v.hotkey, stake: v.stake })),
        digest,
        holderDigest,
        this.deps.track.quorum,
      ),
    };
  }
}
