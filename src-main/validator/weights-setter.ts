/**
 * The validator's weights: every `everyBlocks` blocks (the subnet's tempo unless set) it weights
 * the state-of-the-art holder while its reward window lasts and burns the rest (weights-policy.ts).
 * On a subnet with commit-reveal the commit's reveal is kept in the store, so a validator that
 * restarts between commit and reveal still reveals in the window; a window missed is let go.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import type { Track } from '../../shared/protocol/track';
import { sotaWeights } from '../../shared/protocol/weights-policy';
import type { Metagraph } from '../chain/metagraph';
import type { PendingReveal } from '../chain/weights';
import type { Logger } from '../log/logger';
import type { ValidatorMetrics } from './metrics';
import type { ValidatorChain } from './ports';
import type { ValidatorStore } from './store';

export interface WeightsSetterDeps {
  readonly chain: Pick<
    ValidatorChain,
    'subnet' | 'subnetOwnerHotkey' | 'setWeights' | 'revealWeights'
  >;
  readonly netuid: number;
  readonly pair: KeyringPair;
  readonly track: Track;
  readonly store: ValidatorStore;
  readonly log: Logger;
  readonly metrics: ValidatorMetrics;
  readonly everyBlocks?: number;
}

/** Where the commit awaiting its reveal is kept across restarts ('' when none). */
const PENDING_KEY = 'pendingReveal';

export class WeightsSetter {
  private lastBlock = -Infinity;
  private pending: PendingReveal | null;

  constructor(private readonly deps: WeightsSetterDeps) {
    const saved = deps.store.getMeta(PENDING_KEY);
    this.pending = saved ? (JSON.parse(saved, reviveBigInt) as PendingReveal) : null;
  }

  /** At each block: reveals a commit whose window has come, then sets weights when they are due. */
  async onBlock(head: number, metagraph: Metagraph | null, permitted: boolean): Promise<void> {
    const { chain, netuid, pair, store, track, log, metrics } = this.deps;
    if (this.pending && head >= this.pending.firstRevealBlock) {
      const pending = this.pending;
      if (head <= pending.lastRevealBlock) {
        await chain.revealWeights(pair, pending);
        metrics.weightsSent('revealed', head);
        log.info('weights revealed', { block: head });
      } else log.warn('reveal window missed', { commitBlock: pending.commitBlock });
      // Forgotten only once revealed (or too late): a failed reveal is tried at the next block.
      this.pending = null;
      store.setMeta(PENDING_KEY, '');
    }
    const every = this.deps.everyBlocks ?? (await chain.subnet(netuid)).tempo;
    if (head - this.lastBlock < every || !permitted) return;
    this.lastBlock = head;
    const sota = store.currentSota(track.id);
    const uidOf = (hotkey: string | null) =>
      metagraph?.neurons.find((n) => n.hotkey === hotkey)?.uid ?? null;
    const plan = sotaWeights({
      holderUid: sota ? uidOf(sota.miner) : null,
      // Emission weighted to the subnet owner is burned; uid 0 if the owner is unknown.
      burnUid: uidOf(await chain.subnetOwnerHotkey(netuid)) ?? 0,
      winnerShare: track.winnerShare,
      windowOpen: sota !== undefined && head < sota.block + track.rewardWindowBlocks,
    });
    const result = await chain.setWeights(netuid, pair, plan.uids, plan.weights);
    if (result.mode === 'committed') {
      this.pending = result.pending;
      store.setMeta(PENDING_KEY, JSON.stringify(result.pending, replaceBigInt));
    }
    metrics.weightsSent(result.mode, head);
    store.recordWeights({
      block: head,
      uids: plan.uids,
      weights: plan.weights,
      mode: result.mode,
      at: Date.now(),
    });
    log.info('weights set', { mode: result.mode, uids: plan.uids, weights: plan.weights });
  }
}

function replaceBigInt(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? { $bigint: value.toString() } : value;
}

function reviveBigInt(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && '$bigint' in value)
    return BigInt((value as { $bigint: string }).$bigint);
  return value;
}
