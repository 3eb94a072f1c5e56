/**
 * How many receipts a validator stores from each peer. A receipt signed by a validator of the
 * subnet is authentic, but anyone holding a permit (on a small subnet every neuron) can sign as
 * many as it likes, for programs nobody submitted. So each signer gets room per round: plenty
 * for programs this validator received itself, little for programs it never saw (it cannot tell
 * an invented one from a real one it missed), and a few holders per program. A receipt that
 * replaces one already stored (same signer, program and holder) takes no new room.
 */
import type { Receipt } from '../../shared/protocol/receipt';
import type { ValidatorStore } from './store';

export interface ReceiptQuotas {
  /** Receipts one validator may have stored per round. */
  readonly perRound: number;
  /** Of those, receipts on programs this validator was never sent. */
  readonly unknownPerRound: number;
  /** Holders one validator may have judged one program against. */
  readonly holdersPerProgram: number;
}

/**
 * An honest validator judges each submission once per holder; a round (360 blocks, about an hour)
 * with 500 submissions to one validator is far beyond what its rate limits admit.
 */
export const DEFAULT_RECEIPT_QUOTAS: ReceiptQuotas = {
  perRound: 500,
  unknownPerRound: 50,
  holdersPerProgram: 4,
};

/** Why `receipt` does not fit its signer's quotas, or null when it fits. */
export function quotaRefusal(
  store: ValidatorStore,
  receipt: Receipt,
  quotas: ReceiptQuotas = DEFAULT_RECEIPT_QUOTAS,
): string | null {
  const { validator, digest, holderDigest, round } = receipt;
  if (store.hasReceipt(validator, digest, holderDigest)) return null;
  if (store.countReceiptsInRound(validator, round) >= quotas.perRound)
    return `quota: ${validator} has ${quotas.perRound} receipts in round ${round}`;
  if (
    !store.knowsDigest(digest) &&
    store.countUnknownInRound(validator, round) >= quotas.unknownPerRound
  )
    return `quota: ${validator} has ${quotas.unknownPerRound} receipts on unknown programs in round ${round}`;
  if (store.holdersJudged(validator, digest) >= quotas.holdersPerProgram)
    return `quota: ${validator} judged ${digest.slice(0, 12)} against ${quotas.holdersPerProgram} holders`;
  return null;
}
