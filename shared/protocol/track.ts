/**
 * A track: what the subnet rewards and how a claim is judged. Every validator of a subnet must run
 * the same track, so it lives here as data; a network may override fields through its config (the
 * local test network uses short rounds and windows). Validators publish the tracks they run with
 * their digests (GET /v1/tracks), so a miner searches for and claims on exactly what validators
 * judge, and sees when they disagree.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { canonicalJson } from './canonical-json';

/**
 * Where a track's tasks come from, and so how they are scored (TaskMetric):
 * - `cifar10-binary`: projected binary CIFAR-10 (shared/task/projected.ts), scored by accuracy;
 *   hidden tasks score on the pair's test images, which the search never sees.
 * - `teacher`: AutoML-Zero's regression tasks from a random teacher (shared/task/teacher.ts),
 *   scored 1 − (2/π)·atan(RMS error); hidden tasks take seeds the search never uses.
 */
export const TrackTaskSchema = z.discriminatedUnion('family', [
  z.object({ family: z.literal('cifar10-binary') }).strict(),
  z.object({ family: z.literal('teacher'), teacher: z.enum(['linear', 'nonlinear']) }).strict(),
]);
export type TrackTask = z.infer<typeof TrackTaskSchema>;

export const TrackSchema = z.object({
  /** Names the track in submissions and receipts. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
  /** The task family every search, held-out and hidden task of the track is drawn from. */
  task: TrackTaskSchema,
  /** A challenger must beat the holder by at least this much mean score on the hidden tasks. */
  margin: z.number().min(0).max(0.5),
  /** Hidden tasks per verification (shared/protocol/hidden-tasks.ts says which, from the secret). */
  hiddenTasks: z.number().int().min(1).max(100),
  /** Training examples per hidden task (CIFAR-10: from the training images, as search tasks). */
  hiddenTrain: z.number().int().min(10).max(8000).multipleOf(2),
  /** Scoring examples per hidden task (CIFAR-10: the pair's test images, 2000 at most), even. */
  hiddenValid: z.number().int().min(2).max(2000).multipleOf(2),
  features: z.number().int().min(2).max(64),
  /** Seed of the programs' own random ops during verification. */
  evalSeed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1),
  /** Training-cost budget (cost.ts units per step): larger programs are refused unrun. */
  maxStepCost: z.number().positive(),
  /** The state of the art before anyone wins: a program in the AutoML-Zero text format. */
  genesis: z.string().min(1),
  /** Share of the weights the holder receives while its reward window lasts; the rest is burned. */
  winnerShare: z.number().min(0).max(1),
  /** How long (in blocks) a new holder is rewarded. */
  rewardWindowBlocks: z.number().int().min(1),
  /** Share of validator stake whose acceptance makes a challenger the new holder. */
  quorum: z.number().gt(0.5).max(1),
  /** A round's length in blocks: each round has its own hidden tasks, revealed when it ends. */
  roundBlocks: z.number().int().min(1),
});
export type Track = z.infer<typeof TrackSchema>;

/**
 * The genesis holder: AutoML-Zero's linear model, the same program as examples/linear_regression.dsl
 * (0.69 on held-out tasks). Anything the subnet pays for must beat learning a linear model by SGD.
 */
export const LINEAR_BASELINE = `def Setup():
  s2 = 0.01
def Predict():
  s1 = dot(v1, v0)
def Learn():
  s3 = s0 - s1
  s3 = s2 * s3
  v2 = s3 * v0
  v1 = v1 + v2
`;
export const CIFAR10_BINARY: Track = Object.freeze({
  id: 'cifar10-binary-v1',
  task: Object.freeze({ family: 'cifar10-binary' as const }),
  margin: 0.01,
  hiddenTasks: 10,
  hiddenTrain: 8000,
  hiddenValid: 2000,
  features: 16,
  evalSeed: 0,
  maxStepCost: 1832,
  genesis: LINEAR_BASELINE,
  winnerShare: 0.1,
  rewardWindowBlocks: 7 * 7200,
  quorum: 2 / 3,
  roundBlocks: 360,
});

/**
 * The regression track's genesis holder: linear regression with a bias, by SGD on the squared
 * error (examples/logistic_regression.dsl computes the same; with no sigmoid on a regression task
 * its update is the squared error's gradient). The bias matters here: a ReLU teacher's labels do
 * not average 0, and without it the linear model scores 0.624 held out instead of 0.731.
 */
export const LINEAR_WITH_BIAS_BASELINE = `def Setup():
  s2 = 0.01
def Predict():
  s1 = dot(v1, v0)
  s1 = s1 + s3
def Learn():
  s4 = s0 - s1
  s4 = s2 * s4
  v2 = s4 * v0
  v1 = v1 + v2
  s3 = s3 + s4
`;

/**
 * Regression on a random 2-layer ReLU teacher (AutoML-Zero's nonlinear regression family). The
 * genesis, linear regression with a bias, cannot fit the teacher: 0.731 on the 90 held-out tasks
 * (1 is a perfect fit, 0.516 predicting 0); the 2-layer NN of examples/nn.dsl scores 0.773
 * (BENCHMARKS.md). Tasks are generated, so the track needs no download; 1,000 training and 1,000
 * scoring examples per hidden task.
 */
export const TEACHER_REGRESSION: Track = Object.freeze({
  ...CIFAR10_BINARY,
  id: 'regression-relu-teacher-v1',
  task: Object.freeze({ family: 'teacher' as const, teacher: 'nonlinear' as const }),
  genesis: LINEAR_WITH_BIAS_BASELINE,
  hiddenTrain: 1000,
  hiddenValid: 1000,
});

/** The tracks this release knows by id; a validator runs one of them (or a variant of it). */
export const BUILT_IN_TRACKS: readonly Track[] = [CIFAR10_BINARY, TEACHER_REGRESSION];

/** The built-in track of this id, or undefined. */
export function builtInTrack(id: string): Track | undefined {
  return BUILT_IN_TRACKS.find((t) => t.id === id);
}

/**
 * A track: the built-in one named by `overrides.id` (CIFAR-10 binary by default) with the given
 * fields replaced; throws a message naming a bad field. An id no built-in track has starts from
 * the CIFAR-10 one, so a network may run a variant of its own under its own id.
 */
export function makeTrack(overrides: Partial<Track> = {}): Track {
  const base = (overrides.id !== undefined && builtInTrack(overrides.id)) || CIFAR10_BINARY;
  return TrackSchema.parse({ ...base, ...overrides });
}

export { trackMetric } from './track-metric';

/** BLAKE2b-256 of the track's canonical JSON: names every field a claim is judged by. */
export function trackDigest(track: Track): string {
  return bytesToHex(blake2b(utf8ToBytes(canonicalJson(track)), { dkLen: 32 }));
}

/** A track as a validator publishes it. */
export interface AnnouncedTrack {
  readonly digest: string;
  readonly track: Track;
}

/** Most tracks a validator's GET /v1/tracks may list (a subnet runs a few). */
export const MAX_ANNOUNCED_TRACKS = 16;

/** What GET /v1/tracks answers; each track's digest is checked against its content apart. */
export const TracksAnswerSchema = z.object({
  tracks: z
    .array(z.object({ digest: z.string().regex(/^[0-9a-f]{64}$/), track: z.unknown() }))
    .max(MAX_ANNOUNCED_TRACKS),
});

/**
 * The track of an announcement whose content is a valid track and matches its digest; otherwise
 * why not (a field out of range, fields the digest does not cover, a digest of something else).
 */
export function checkAnnouncedTrack(a: {
  readonly digest: string;
  readonly track: unknown;
}): { ok: true; track: Track } | { ok: false; reason: string } {
  const parsed = TrackSchema.strict().safeParse(a.track);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason:
        `not a valid track: ${issue?.path.join('.') || 'track'} ${issue?.message ?? ''}`.trim(),
    };
  }
  const digest = trackDigest(parsed.data);
  if (digest !== a.digest)
    return { ok: false, reason: `its digest ${a.digest} is not its content's (${digest})` };
  return { ok: true, track: parsed.data };
}
