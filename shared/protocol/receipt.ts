/**
 * A receipt: one validator's signed verdict on one submission. Anyone can check it with the
 * validator's public key, and once the round's seed is revealed, rebuild the hidden tasks and
 * re-run both programs to get the same scores.
 */
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { canonicalJson } from './canonical-json';
import { hex32 } from './submission';

const ss58 = z.string().min(40).max(60);

export const VERDICTS = ['accept', 'reject'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** A verdict on two scores, with the receipt's reason for it. */
export interface ScoredVerdict {
  readonly verdict: Verdict;
  /** Challenger minus holder, in mean accuracy. */
  readonly gain: number;
  readonly reason: string;
}

/**
 * The judging rule: the challenger wins when its mean accuracy on the round's hidden tasks beats
 * the holder's by at least the track's margin. One function, so the validators and the miners'
 * local judge (`sota-miner judge`) cannot drift apart.
 */
export function verdictOnScores(
  challengerScore: number,
  holderScore: number,
  margin: number,
): ScoredVerdict {
  const gain = challengerScore - holderScore;
  return gain >= margin
    ? {
        verdict: 'accept',
        gain,
        reason: `beats the holder by ${gain.toFixed(4)} (margin ${margin})`,
      }
    : {
        verdict: 'reject',
        gain,
        reason: `${gain.toFixed(4)} over the holder, below the margin ${margin}`,
      };
}

export const ReceiptSchema = z.strictObject({
  v: z.literal(1),
  track: z.string().min(1).max(64),
  /**
   * BLAKE2b-256 of the track the verdict was reached under (trackDigest): a receipt judged under
   * another version of the track (another margin, budget or task family) is not counted with ours.
   */
  trackDigest: hex32,
  /** The validator that judged. */
  validator: ss58,
  /** The round whose hidden tasks were used. */
  round: z.number().int().min(0),
  /** BLAKE2b-256 of the round's secret: commits to the hidden tasks before they are revealed. */
  taskSeedCommitment: hex32,
  /** The challenger. */
  digest: hex32,
  miner: ss58,
  /** Block of the miner's on-chain commitment (its priority). */
  commitmentBlock: z.number().int().min(0),
  /** The holder it was judged against. */
  holderDigest: hex32,
  challengerScore: z.number().min(0).max(1),
  holderScore: z.number().min(0).max(1),
  margin: z.number().min(0).max(1),
  verdict: z.enum(VERDICTS),
  /** Why, in a few words (e.g. "beats the holder by 0.031", "below the margin"). */
  reason: z.string().max(200),
  /** Milliseconds since the Unix epoch. */
  issuedAt: z.number().int().min(0),
});
export type Receipt = z.infer<typeof ReceiptSchema>;

export const SignedReceiptSchema = z.strictObject({
  receipt: ReceiptSchema,
  /** sr25519 signature of receiptSigningBytes(receipt) by receipt.validator, 0x-hex. */
  signature: z.string().regex(/^0x[0-9a-f]{128}$/),
});
export type SignedReceipt = z.infer<typeof SignedReceiptSchema>;

export function receiptSigningBytes(r: Receipt): Uint8Array {
  return utf8ToBytes(`sota-receipt-v1\n${canonicalJson(r)}`);
}
