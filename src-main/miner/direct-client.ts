/**
 * The miner's side of direct mode: find the validators on chain, learn the current state of the
 * art, commit to a program on chain, submit it to every validator (signed, addressed to each), and
 * follow their receipts to a quorum.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import { programDigest } from '../../shared/algorithm/canonical';
import { parseProgramOrThrow } from '../../shared/algorithm/dsl';
import { commitmentBytes } from '../../shared/protocol/commitment';
import { tally, type QuorumTally } from '../../shared/protocol/quorum';
import type { SignedReceipt } from '../../shared/protocol/receipt';
import type { Track } from '../../shared/protocol/track';
import type { SubtensorClient } from '../chain/client';
import { axonUrl, isValidator } from '../chain/metagraph';
import type { Logger } from '../log/logger';
import { getOkJson, signedRequest } from '../net/http-client';
import { checkReceipt } from '../validator/receipts';

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

export class DirectClient {
  constructor(
    private readonly deps: {
      client: SubtensorClient;
      netuid: number;
      pair: KeyringPair;
      track: Track;
      log: Logger;
    },
  ) {}

  /** Validators with a permit and an announced endpoint, from the metagraph. */
  async validators(): Promise<ValidatorEndpoint[]> {
    const mg = await this.deps.client.metagraph(this.deps.netuid);
    return mg.neurons
      .filter((n) => isValidator(n) && n.axon)
      .map((n) => ({
        hotkey: n.hotkey,
        url: axonUrl(n.axon!),
        stake: n.stake,
      }));
  }

  /** The holder most validators report (by count), or null when none answers. */
  async sota(validators?: ValidatorEndpoint[]): Promise<SotaView | null> {
    const list = validators ?? (await this.validators());
    const answers = await Promise.all(
      list.map(async (v) => {
        try {
          return (await getOkJson(`${v.url}/v1/sota`, { timeoutMs: TIMEOUT_MS })) as {
            margin: number;
            holder: { digest: string; program: string; miner: string | null };
          };
        } catch (err) {
          this.deps.log.warn('validator unreachable', { validator: v.hotkey, error: String(err) });
          return null;
        }
      }),
    );
    const votes = new Map<string, { view: SotaView; count: number }>();
    for (const a of answers) {
      if (!a?.holder || typeof a.holder.program !== 'string') continue;
      // Trust the program text, not the digest a validator states.
      let digest: string;
      try {
        digest = programDigest(parseProgramOrThrow(a.holder.program));
      } catch {
        continue;
      }
      const seen = votes.get(digest);
      if (seen) seen.count++;
      else
        votes.set(digest, {
          view: {
            digest,
            program: a.holder.program,
            miner: a.holder.miner,
            // The track's own margin, not what a validator says it is.
            margin: this.deps.track.margin,
            reportedBy: 0,
          },
          count: 1,
        });
    }
    const best = [...votes.values()].sort((a, b) => b.count - a.count)[0];
    return best ? { ...best.view, reportedBy: best.count } : null;
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
          const res = await signedRequest({
            url: v.url,
            path: '/v1/submissions',
            method: 'POST',
            body: { track: this.deps.track.id, program, digest },
            pair: this.deps.pair,
            target: v.hotkey,
            timeoutMs: TIMEOUT_MS,
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
        const body = (await getOkJson(`${v.url}/v1/receipts/${digest}`, {
          timeoutMs: TIMEOUT_MS,
        })) as { receipts?: unknown[] };
        for (const value of body.receipts ?? []) {
          const check = checkReceipt(value);
          if (check.ok)
            byKey.set(
              `${check.signed.receipt.validator}:${check.signed.receipt.holderDigest}`,
              check.signed,
            );
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
