/**
 * A validator's status (GET /v1/status, its dashboard; shared/protocol/validator-status.ts), put
 * together from its store and what the node knows of the chain and its peers. Every list is
 * bounded by STATUS_LIMITS, so the public route costs the same however busy the validator is.
 */
import { STATUS_LIMITS, type ValidatorStatus } from '../../shared/protocol/validator-status';
import { RAO_PER_TAO } from '../chain/context';
import { hasReachableAxon, type Neuron } from '../chain/metagraph';
import { blockAgeSeconds, type ChainView } from './metrics';
import type { ValidatorStore } from './store';

export interface StatusInputs {
  readonly hotkey: string;
  readonly track: string;
  readonly round: number;
  readonly chain: ChainView;
  /** Submissions queued and not yet judged. */
  readonly waiting: number;
  /** The other validators of the subnet. */
  readonly peers: readonly Neuron[];
  readonly store: Pick<
    ValidatorStore,
    'pendingSubmissions' | 'receiptsByValidator' | 'recentWeights' | 'agreementWith' | 'standings'
  >;
  readonly now: number;
}

export function validatorStatus(i: StatusInputs): ValidatorStatus {
  const { store } = i;
  const agreement = new Map(store.agreementWith(i.hotkey).map((a) => [a.validator, a]));
  const audits = new Map(store.standings().map((s) => [s.validator, s]));
  return {
    hotkey: i.hotkey,
    track: i.track,
    round: i.round,
    chain: {
      connected: i.chain.connected,
      block: i.chain.block,
      blockAgeSeconds: blockAgeSeconds(i.chain, i.now),
    },
    queue: {
      depth: i.waiting,
      waiting: store
        .pendingSubmissions(STATUS_LIMITS.queue)
        .map((s) => ({ digest: s.digest, miner: s.miner, receivedAt: s.receivedAt })),
    },
    verdicts: store.receiptsByValidator(i.hotkey, STATUS_LIMITS.verdicts).map(({ receipt: r }) => ({
      digest: r.digest,
      miner: r.miner,
      verdict: r.verdict,
      reason: r.reason.slice(0, 500),
      challengerScore: r.challengerScore,
      holderScore: r.holderScore,
      round: r.round,
      issuedAt: r.issuedAt,
    })),
    weights: store.recentWeights(STATUS_LIMITS.weights).map((w) => ({
      block: w.block,
      at: w.at,
      mode: w.mode,
      uids: [...w.uids],
      weights: [...w.weights],
    })),
    peers: i.peers.slice(0, STATUS_LIMITS.peers).map((n) => ({
      hotkey: n.hotkey,
      // Alpha has 9 decimals like TAO: one unit is 10^-9 α.
      stakeAlpha: Number(n.stake) / Number(RAO_PER_TAO),
      reachable: hasReachableAxon(n),
      agreed: agreement.get(n.hotkey)?.agreed ?? 0,
      disagreed: agreement.get(n.hotkey)?.disagreed ?? 0,
      auditsOk: audits.get(n.hotkey)?.ok ?? 0,
      auditsFailed: audits.get(n.hotkey)?.mismatch ?? 0,
    })),
  };
}
