/**
 * `sota-miner judge`: a validator's head-to-head, run locally, so a miner knows how a claim would
 * fare before paying for a commitment.
 *
 * Everything that decides a verdict is the validator's own code: the Verifier (hidden tasks from a
 * round secret, both programs scored on worker threads with the track's evaluation seed, the
 * training-cost budget, the time limit), the behaviour fingerprint a validator records at
 * submission, and verdictOnScores (the margin rule). Only the round secrets differ: a validator
 * derives them from its master secret; here each round draws 32 random bytes, printed so the round
 * can be re-run (`--secret`).
 */
import { randomBytes } from 'node:crypto';
import { InvalidArgumentError } from 'commander';
import { programDigest } from '../../shared/algorithm/canonical';
import { printProgram } from '../../shared/algorithm/dsl';
import { verdictOnScores } from '../../shared/protocol/receipt';
import {
  BUILT_IN_TRACKS,
  CIFAR10_BINARY,
  builtInTrack,
  type Track,
} from '../../shared/protocol/track';
import { CIFAR10_CLASS_NAMES } from '../../shared/task/pairs';
import { trackWords, type TrackWords } from '../../shared/protocol/track-words';
import { isTeacherTask, type TaskId, type TeacherTaskId } from '../../shared/task/types';
import { checkCost, JudgeError, readProgram } from '../../src-worker/verify/judge';
import { resolveCifar10Dir } from '../dataset/tasks';
import { checkSecret, Verifier, VerifyError } from '../validator/verifier';
import { ProgramFileError, readProgramFile } from '../search/program-file';
import { formatDownloadProgress } from './progress';

export const DEFAULT_ROUNDS = 3;
export const MAX_ROUNDS = 100;
/** Challenger and holder side by side, as on a validator with two or more threads. */
const DEFAULT_THREADS = 2;

export interface JudgeCommandOptions {
  /** The challenger's program file. */
  readonly program: string;
  /** The program file to beat. */
  readonly holder: string;
  /** Rounds, each with a fresh random secret; default DEFAULT_ROUNDS, or one per given secret. */
  readonly rounds?: number;
  /** Round secrets (64 hex digits) to re-run, one round each, instead of fresh ones. */
  readonly secrets?: readonly string[];
  /** Verification worker threads; default 2. */
  readonly threads?: number;
  readonly cifarDir?: string;
  /** A built-in track (default CIFAR-10 binary): its hidden tasks, margin and budget. */
  readonly track?: string;
  /** Quiet progress (stdout carries one JSON line). */
  readonly json: boolean;
}

/** One hidden task of a round and both programs' accuracy on it. */
export type JudgedTask = (TaskId | TeacherTaskId) & {
  /** The task in words: the class pair, e.g. "cat vs dog" (the first class is labelled 1), or its teacher. */
  readonly pair: string;
  readonly challenger: number;
  readonly holder: number;
};

export interface RoundVerdict {
  /** 1-based. */
  readonly round: number;
  /** The round secret (64 hex digits): `--secret` re-runs this round on the same hidden tasks. */
  readonly secret: string;
  readonly accepted: boolean;
  /** Mean accuracy over the round's hidden tasks; null when scoring ran out of time. */
  readonly challenger: number | null;
  readonly holder: number | null;
  /** The track's margin: the least gain that is accepted. */
  readonly margin: number;
  /** Challenger minus holder; null when scoring ran out of time. */
  readonly gain: number | null;
  /** The reason a validator's receipt would give. */
  readonly reason: string;
  readonly tasks: readonly JudgedTask[];
  readonly seconds: number;
}

export interface JudgedProgram {
  readonly file: string;
  readonly digest: string;
  /** The behaviour fingerprint a validator records when the program is submitted. */
  readonly fingerprint: string;
}

export interface JudgeReport {
  readonly verdicts: readonly RoundVerdict[];
  /** Rounds in which the challenger was accepted. */
  readonly accepted: number;
  readonly challenger: JudgedProgram;
  readonly holder: JudgedProgram;
  /** Same behaviour fingerprint: validators refuse the challenger as a copy of the holder. */
  readonly identical: boolean;
  /** Same digest: the very same program; a validator has nothing to judge. */
  readonly sameProgram: boolean;
  readonly track: Pick<
    Track,
    | 'id'
    | 'task'
    | 'margin'
    | 'hiddenTasks'
    | 'hiddenTrain'
    | 'hiddenValid'
    | 'features'
    | 'evalSeed'
  >;
  readonly seconds: number;
}

/** Commander's parser for --rounds. */
export function parseRounds(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_ROUNDS)
    throw new InvalidArgumentError(`expected a whole number in 1..${MAX_ROUNDS}`);
  return n;
}

/** The round secrets to use: the given ones (checked), or fresh random ones. */
function roundSecrets(opts: JudgeCommandOptions): string[] {
  const { rounds, secrets } = opts;
  if (rounds !== undefined && (!Number.isSafeInteger(rounds) || rounds < 1 || rounds > MAX_ROUNDS))
    throw new RangeError(`rounds must be a whole number in 1..${MAX_ROUNDS}, got ${rounds}`);
  if (secrets === undefined)
    return Array.from({ length: rounds ?? DEFAULT_ROUNDS }, () => randomBytes(32).toString('hex'));
  if (secrets.length === 0 || secrets.length > MAX_ROUNDS)
    throw new RangeError(`give 1..${MAX_ROUNDS} round secrets, got ${secrets.length}`);
  if (rounds !== undefined && rounds !== secrets.length)
    throw new RangeError(
      `${secrets.length} secret(s) name ${secrets.length} round(s), not ${rounds}`,
    );
  return secrets.map((s) => {
    try {
      return checkSecret(s);
    } catch (e) {
      throw new RangeError(`secret '${s}': ${(e as Error).message}`, { cause: e });
    }
  });
}

/**
 * Reads a program file and applies, in this process, the checks the verify worker applies first
 * (hard limits, training-cost budget), so a refusal names the file rather than 'challenger'.
 * Returns the text a submission carries (as `submit` sends it) and the digest.
 */
async function readForJudging(
  file: string,
  track: Track,
): Promise<{ text: string; digest: string }> {
  const program = await readProgramFile(file);
  const text = printProgram(program);
  try {
    checkCost(readProgram(text), track);
  } catch (e) {
    if (!(e instanceof JudgeError)) throw e;
    const refused = e.code === 'TOO_COSTLY' ? ': validators refuse it unrun' : '';
    throw new ProgramFileError(`${file}: ${e.message}${refused}`, { cause: e });
  }
  return { text, digest: programDigest(program) };
}

function pairName(id: TaskId | TeacherTaskId): string {
  if (isTeacherTask(id)) return `${id.teacher} teacher`;
  return `${CIFAR10_CLASS_NAMES[id.positive]} vs ${CIFAR10_CLASS_NAMES[id.negative]}`;
}

export async function runJudge(
  opts: JudgeCommandOptions,
  log: (line: string) => void,
): Promise<JudgeReport> {
  const started = performance.now();
  const track = builtInTrack(opts.track ?? CIFAR10_BINARY.id);
  if (!track)
    throw new Error(
      `unknown track ${opts.track}: judge knows ${BUILT_IN_TRACKS.map((t) => t.id).join(', ')}`,
    );
  const secrets = roundSecrets(opts);
  // Both files read and checked before any data is touched: a typo fails in milliseconds.
  const challenger = await readForJudging(opts.program, track);
  const holder = await readForJudging(opts.holder, track);
  // A verifier error names the program it is about, if any; the person knows it by its file.
  const about = (e: VerifyError): string =>
    e.which === undefined
      ? e.message
      : `${e.which === 'holder' ? opts.holder : opts.program}: ${e.message}`;

  // On a machine without CIFAR-10 this downloads it into the cache (checksummed), as `eval` does;
  // a teacher track needs no files.
  const cifarDir =
    track.task.family === 'teacher'
      ? undefined
      : await resolveCifar10Dir({
          dir: opts.cifarDir,
          download: true,
          onProgress: (p) => log(formatDownloadProgress(p)),
        });
  const verifier = await Verifier.create({
    track,
    threads: opts.threads ?? DEFAULT_THREADS,
    cifarDir,
  });
  try {
    const fingerprintOf = (file: string, text: string): Promise<string> =>
      verifier.fingerprint(text).catch((e: unknown) => {
        throw e instanceof VerifyError ? new Error(`${file}: ${e.message}`, { cause: e }) : e;
      });
    const [challengerPrint, holderPrint] = await Promise.all([
      fingerprintOf(opts.program, challenger.text),
      fingerprintOf(opts.holder, holder.text),
    ]);

    const verdicts: RoundVerdict[] = [];
    for (const [i, secret] of secrets.entries()) {
      if (!opts.json)
        log(
          `round ${i + 1} of ${secrets.length}: building the hidden tasks, scoring both programs`,
        );
      const roundStarted = performance.now();
      try {
        const v = await verifier.judge(challenger.text, holder.text, secret);
        const { verdict, gain, reason } = verdictOnScores(
          v.challengerScore,
          v.holderScore,
          track.margin,
        );
        verdicts.push({
          accepted: verdict === 'accept',
          challenger: v.challengerScore,
          holder: v.holderScore,
          margin: track.margin,
          gain,
          reason,
          round: i + 1,
          secret,
          tasks: v.tasks.map((id, t) => ({
            ...id,
            pair: pairName(id),
            challenger: v.challengerPerTask[t]!,
            holder: v.holderPerTask[t]!,
          })),
          seconds: (performance.now() - roundStarted) / 1000,
        });
      } catch (e) {
        if (!(e instanceof VerifyError)) throw e;
        // A validator rejects a claim it cannot score in time (validator.ts): so does this judge.
        if (e.code !== 'TIMEOUT') throw new Error(about(e), { cause: e });
        verdicts.push({
          accepted: false,
          challenger: null,
          holder: null,
          margin: track.margin,
          gain: null,
          reason: `not verifiable: TIMEOUT (${e.message}, a validator's limit)`,
          round: i + 1,
          secret,
          tasks: [],
          seconds: (performance.now() - roundStarted) / 1000,
        });
      }
    }
    const { id, task, margin, hiddenTasks, hiddenTrain, hiddenValid, features, evalSeed } = track;
    return {
      verdicts,
      accepted: verdicts.filter((v) => v.accepted).length,
      challenger: { file: opts.program, digest: challenger.digest, fingerprint: challengerPrint },
      holder: { file: opts.holder, digest: holder.digest, fingerprint: holderPrint },
      identical: challengerPrint === holderPrint,
      sameProgram: challenger.digest === holder.digest,
      track: { id, task, margin, hiddenTasks, hiddenTrain, hiddenValid, features, evalSeed },
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await verifier.close();
  }
}

const score = (x: number | null): string => (x === null ? '—' : x.toFixed(4));

function formatRound(v: RoundVerdict, rounds: number, words: TrackWords): string[] {
  const lines = [`round ${v.round} of ${rounds} (secret ${v.secret})`];
  if (v.tasks.length > 0) {
    const names = v.tasks.map(
      (t) => `${t.pair}, ${isTeacherTask(t) ? 'seed' : 'projection seed'} ${t.seed}`,
    );
    const mean = `mean ${words.scoreName}`;
    const width = Math.max(...names.map((n) => n.length), mean.length);
    const row = (name: string, c: string, h: string) =>
      `  ${name.padEnd(width)}  ${c.padStart(10)}  ${h.padStart(8)}`;
    lines.push(row('hidden task', 'challenger', 'holder'));
    v.tasks.forEach((t, i) => lines.push(row(names[i]!, score(t.challenger), score(t.holder))));
    lines.push(row(mean, score(v.challenger), score(v.holder)));
    const better = v.tasks.filter((t) => t.challenger > t.holder).length;
    lines.push(
      `  ${v.accepted ? 'accepted' : 'rejected'}: ${v.reason}; ` +
        `the challenger did better on ${better} of ${v.tasks.length} tasks`,
    );
  } else {
    lines.push(`  ${v.accepted ? 'accepted' : 'rejected'}: ${v.reason}`);
  }
  return lines;
}

export function formatJudgeReport(r: JudgeReport): string {
  const t = r.track;
  const identical = r.sameProgram
    ? 'yes, the very same program (same digest): a validator has nothing to judge'
    : r.identical
      ? 'yes: both make the same predictions (same behaviour fingerprint); validators refuse ' +
        'such a claim as a copy of the holder'
      : 'no: they make different predictions (behaviour fingerprints differ)';
  const rounds = r.verdicts.length;
  const words = trackWords(t.task);
  const test =
    t.task.family === 'teacher'
      ? [
          `the test    each round draws ${t.hiddenTasks} hidden tasks of track ${t.id} (a random ` +
            `${t.task.teacher} teacher of ${t.features} inputs);`,
          `            both programs learn each task from ${t.hiddenTrain} examples and are ` +
            `scored on ${t.hiddenValid} more by ${words.scoreName}: 1 − (2/π)·atan(RMS error)`,
        ]
      : [
          `the test    each round draws ${t.hiddenTasks} hidden tasks of track ${t.id} (a CIFAR-10 class pair,`,
          `            ${t.features} random projected features); both programs learn each task from ` +
            `${t.hiddenTrain} training`,
          `            images and are scored by accuracy: the share of ${t.hiddenValid} test images ` +
            `classified right`,
        ];
  return [
    `challenger  ${r.challenger.file} (digest ${r.challenger.digest.slice(0, 16)}…)`,
    `holder      ${r.holder.file} (digest ${r.holder.digest.slice(0, 16)}…)`,
    `identical   ${identical}`,
    ...test,
    '',
    ...r.verdicts.flatMap((v) => [...formatRound(v, rounds, words), '']),
    `accepted in ${r.accepted} of ${rounds} round${rounds === 1 ? '' : 's'} (the challenger must ` +
      `beat the holder by ${t.margin} mean ${words.scoreName} on hidden tasks; ${words.half})`,
    `re-run a round on the same hidden tasks with --secret <its secret>; took ${r.seconds.toFixed(1)} s`,
  ].join('\n');
}
