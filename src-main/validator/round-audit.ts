/**
 * Audits of peers' finished rounds. Each receipt names the commitment to its round's task seed;
 * once the round is over its validator reveals the secret (GET /v1/rounds/:round). A secret that
 * does not hash to the commitments of that validator's receipts means it judged on tasks it chose
 * after seeing the programs (or lies about them now): logged, and counted against it in the
 * validators' standings (GET /v1/validators). A secret still withheld two rounds after the end
 * counts as unrevealed.
 */
import { z } from 'zod';
import { seedCommitment } from '../../shared/protocol/hidden-tasks';
import type { Logger } from '../log/logger';
import type { AuditOutcome, ValidatorStore } from './store';

/** Rounds a finished round's secret may stay unrevealed before it counts against its validator. */
export const REVEAL_GRACE_ROUNDS = 2;
/** Audits per pass (each one request to a peer). */
const AUDITS_PER_PASS = 20;

const RoundAnswerSchema = z.object({
  round: z.number().int().min(0),
  secret: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
});

/** What a revealed (or withheld) secret says of receipts naming `commitments`; null: wait. */
export function auditOutcome(
  secret: string | null,
  commitments: readonly string[],
  round: number,
  currentRound: number,
): AuditOutcome | null {
  if (secret === null) return round < currentRound - REVEAL_GRACE_ROUNDS ? 'unrevealed' : null;
  const committed = seedCommitment(secret);
  return commitments.every((c) => c === committed) ? 'ok' : 'mismatch';
}

/**
 * Audits up to 20 of the reachable peers' finished rounds held here, side by side; returns how
 * many were settled. A peer that fails to answer for a round past its grace counts as not
 * revealing it: an honest validator serves its finished rounds, and a failing one must not be
 * asked about the same round forever.
 */
export async function auditRounds(o: {
  readonly store: ValidatorStore;
  readonly currentRound: number;
  /** Peers' base URLs by hotkey (reachable ones). */
  readonly peers: ReadonlyMap<string, string>;
  readonly getJson: (url: string) => Promise<unknown>;
  readonly log: Logger;
  readonly now?: () => number;
}): Promise<number> {
  const due = o.store.roundsToAudit(o.currentRound, [...o.peers.keys()], AUDITS_PER_PASS);
  const outcomes = await Promise.all(
    due.map(async ({ validator, round }) => {
      const commitments = o.store.commitmentsOf(validator, round);
      try {
        const url = o.peers.get(validator)!;
        const answer = RoundAnswerSchema.parse(await o.getJson(`${url}/v1/rounds/${round}`));
        if (answer.round !== round) throw new Error(`answered for round ${answer.round}`);
        return {
          validator,
          round,
          commitments,
          outcome: auditOutcome(answer.secret, commitments, round, o.currentRound),
        };
      } catch (err) {
        o.log.warn('round audit failed', { validator, round, error: String(err).slice(0, 200) });
        return {
          validator,
          round,
          commitments,
          outcome: auditOutcome(null, commitments, round, o.currentRound),
        };
      }
    }),
  );
  let settled = 0;
  for (const { validator, round, commitments, outcome } of outcomes) {
    if (!outcome) continue;
    o.store.recordAudit(validator, round, outcome, (o.now ?? Date.now)());
    settled++;
    if (outcome !== 'ok')
      o.log.warn(
        outcome === 'mismatch'
          ? "a validator's revealed round secret does not match its receipts"
          : 'a validator never revealed its round secret',
        { validator, round, commitments: commitments.length },
      );
  }
  return settled;
}
