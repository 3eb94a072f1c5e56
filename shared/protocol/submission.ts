/**
 * What a miner sends a validator: a program it committed to on chain. The miner's hotkey is the
 * request's signer (request.ts), so it is not repeated in the body.
 */
import { z } from 'zod';

/** Largest request body a validator reads. */
export const MAX_SUBMISSION_BYTES = 32 * 1024;
/** Largest program text; the size limits of the search (7/11/23) need far less. */
export const MAX_PROGRAM_CHARS = 16 * 1024;

const hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits');

export const SubmissionSchema = z.strictObject({
  track: z.string().min(1).max(64),
  /** The program in the AutoML-Zero text format. */
  program: z.string().min(1).max(MAX_PROGRAM_CHARS),
  /** programDigest() of the program: the validator recomputes it and refuses a mismatch. */
  digest: hex32,
  /**
   * trackDigest() of the track the miner searched and claims on: a validator running another
   * version of the track refuses the submission, naming both (absent: older miners, not checked).
   */
  trackDigest: hex32.optional(),
});
export type Submission = z.infer<typeof SubmissionSchema>;

export { hex32 };
