/**
 * What a validator shows of itself (GET /v1/status, public like its receipts): the chain as it
 * sees it, its judging queue, its latest verdicts with their reasons, the weights it set and
 * when, and how its peers' verdicts compare with its own. Its dashboard reads this; the schema
 * checks what comes over the wire before the UI trusts it, and bounds every list.
 */
import { z } from 'zod';
import { VERDICTS } from './receipt';

const ss58 = z.string().min(40).max(60);
const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const count = z.number().int().min(0);

/** How many items of each list a status carries at most. */
export const STATUS_LIMITS = { queue: 20, verdicts: 20, weights: 10, peers: 256 } as const;

export const ValidatorStatusSchema = z.object({
  hotkey: ss58,
  track: z.string().max(100),
  round: count,
  chain: z.object({
    connected: z.boolean(),
    block: count,
    /** Seconds since the newest block was seen; null before the first. */
    blockAgeSeconds: count.nullable(),
  }),
  queue: z.object({
    /** Submissions waiting to be judged, the one being judged included. */
    depth: count,
    /** The oldest waiting first. */
    waiting: z
      .array(z.object({ digest: hex64, miner: ss58, receivedAt: count }))
      .max(STATUS_LIMITS.queue),
  }),
  /** This validator's latest verdicts, newest first. */
  verdicts: z
    .array(
      z.object({
        digest: hex64,
        miner: ss58,
        verdict: z.enum(VERDICTS),
        reason: z.string().max(500),
        /** Mean validation accuracy of each program on the round's hidden tasks (0.5: guessing). */
        challengerScore: z.number(),
        holderScore: z.number(),
        round: count,
        issuedAt: count,
      }),
    )
    .max(STATUS_LIMITS.verdicts),
  /** The weights it set, newest first: to which uids, how much of its vote each, and when. */
  weights: z
    .array(
      z.object({
        block: count,
        at: count,
        mode: z.string().max(40),
        uids: z.array(count).max(1024),
        weights: z.array(z.number()).max(1024),
      }),
    )
    .max(STATUS_LIMITS.weights),
  /** The other validators of the subnet. */
  peers: z
    .array(
      z.object({
        hotkey: ss58,
        /** Stake on this subnet, in its alpha tokens (α; what quorums are weighted by). */
        stakeAlpha: z.number().min(0),
        /** Whether it announced an endpoint this validator may reach. */
        reachable: z.boolean(),
        /** Submissions both judged against the same holder, with the same verdict or not. */
        agreed: count,
        disagreed: count,
        /** Audits of its finished rounds: its revealed secret matched its receipts, or not. */
        auditsOk: count,
        auditsFailed: count,
      }),
    )
    .max(STATUS_LIMITS.peers),
});
export type ValidatorStatus = z.infer<typeof ValidatorStatusSchema>;
