/**
 * The checks a peer's receipt must pass before this validator spends a signature verification on
 * it: its track and the track's version, its time and round, and a signer that holds a validator permit here. Quotas
 * (receipt-quotas.ts) and the signature come after, in that order: a lookup costs far less than a
 * signature, and a flood must not buy a verification per receipt.
 */
import type { Receipt } from '../../shared/protocol/receipt';
import type { ValidatorStore } from './store';

/**
 * Rounds back a new receipt may name: quotas count per round, so a signer free to name any past
 * round would get the quota of every round since genesis. 24 rounds of 360 blocks is about 29 h.
 */
export const RECEIPT_ROUNDS_KEPT = 24;
/** How far ahead of this clock a receipt's time may be. */
export const MAX_CLOCK_SKEW_MS = 10 * 60_000;

export interface AdmissionContext {
  readonly track: string;
  /** The digest of this validator's version of the track. */
  readonly trackDigest: string;
  readonly currentRound: number;
  /** Date.now() */
  readonly now: number;
  isValidator(hotkey: string): boolean;
  readonly store: Pick<ValidatorStore, 'hasReceipt'>;
}

/** Why the receipt is refused unread, or null when it may go on to the quotas and signature. */
export function admissionRefusal(r: Receipt, c: AdmissionContext): string | null {
  if (r.track !== c.track) return `receipt for another track (${r.track})`;
  if (r.trackDigest !== c.trackDigest)
    return `receipt from ${r.validator} judged under another version of ${r.track} (${r.trackDigest.slice(0, 8)}, here ${c.trackDigest.slice(0, 8)})`;
  if (r.issuedAt > c.now + MAX_CLOCK_SKEW_MS)
    return `receipt from ${r.validator} dated in the future`;
  if (r.round > c.currentRound + 1)
    return `receipt from ${r.validator} for round ${r.round}, which has not begun`;
  // A receipt already stored may be replaced whatever its age (it takes no new room).
  if (
    r.round < c.currentRound - RECEIPT_ROUNDS_KEPT &&
    !c.store.hasReceipt(r.validator, r.digest, r.holderDigest)
  )
    return `receipt from ${r.validator} for round ${r.round}, older than ${RECEIPT_ROUNDS_KEPT} rounds`;
  if (!c.isValidator(r.validator))
    return `receipt from ${r.validator}, not a validator of this subnet`;
  return null;
}
