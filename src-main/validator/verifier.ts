/**
 * The validator's verifier: re-runs a claimed improvement against the current holder on the
 * round's hidden tasks, on worker threads, under a time and a memory limit.
 *
 * - Hidden tasks come from the track's family, with ids drawn from the round's secret
 *   (shared/protocol/hidden-tasks.ts): CIFAR-10 ones train on the training images and score on
 *   the pair's test images, which the search never sees (shared/task/projected.ts,
 *   buildHiddenTask); teacher ones take seeds no search uses (shared/task/teacher.ts). They are
 *   built once per round
 *   secret, copied into shared memory once, and the last two rounds are kept (a round boundary
 *   may fall between a submission's arrival and its verdict).
 * - Challenger and holder are scored as two jobs in parallel on the same tasks. A job that runs
 *   past the time limit is aborted: piscina terminates its thread and starts a fresh one, so a
 *   program that never finishes costs one thread restart, not the validator.
 * - Programs arrive as text and are read on the worker threads: a malformed program is a
 *   VerifyError('BAD_PROGRAM') with line and column, one above the track's training-cost budget a
 *   VerifyError('TOO_COSTLY'); neither is run.
 * - fingerprint() hashes what a program computes on two fixed public tasks (the same on every
 *   validator), to tell a copy of a program, with dead code added, from a new one.
 */
import { Piscina } from 'piscina';
import { DEFAULT_MAX_DSL_BYTES } from '../../shared/algorithm/dsl';
import { hiddenTaskIds, hiddenTeacherTaskIds } from '../../shared/protocol/hidden-tasks';
import { buildTeacherTask } from '../../shared/task/teacher';
import type { Track } from '../../shared/protocol/track';
import type { TaskData, TaskId, TeacherTaskId } from '../../shared/task/types';
import type { VerifyJob, VerifyResult, Which } from '../../src-worker/verify/verify.worker';
import { buildHiddenTask } from '../../shared/task/projected';
import { loadCifar10Cached, resolveCifar10Dir } from '../dataset/tasks';
import { silentLogger, type Logger } from '../log/logger';
import { shareTasks, workerEntry } from '../workers';
import { loadProbeTasks } from './probe-tasks';

export type VerifyErrorCode =
  /** The program text does not read, or breaks the program limits. */
  | 'BAD_PROGRAM'
  /** The program's training step costs more than the track's budget. */
  | 'TOO_COSTLY'
  /** Scoring ran past the time limit (the worker thread was replaced). */
  | 'TIMEOUT'
  /** The worker failed otherwise (e.g. it ran out of its memory limit); not the program's fault as far as we know. */
  | 'FAILED';

export class VerifyError extends Error {
  constructor(
    readonly code: VerifyErrorCode,
    message: string,
    /** For judge(): which program the error is about, when it is about one. */
    readonly which?: Which,
  ) {
    super(message);
    this.name = 'VerifyError';
  }
}

export interface VerifierOptions {
  readonly track: Track;
  /** Worker threads. Default 1. */
  readonly threads?: number;
  /**
   * A CIFAR-10 binary folder to use as is; default: located as loadTasks locates it, else
   * downloaded (checksummed) into `dataDir`'s cache, as a miner's first run does.
   */
  readonly cifarDir?: string;
  /** The node's data folder, where a downloaded CIFAR-10 is kept. Default: the app's. */
  readonly dataDir?: string;
  /** Time limit of one judge() or fingerprint() call once its tasks are built. Default 120 s. */
  readonly timeoutMs?: number;
  /** Old-generation heap limit of each worker thread, in MB. Default 512. */
  readonly memoryMb?: number;
  readonly log?: Logger;
}

export interface Verdict {
  /** Mean validation score of each program over the hidden tasks (the track's metric). */
  readonly challengerScore: number;
  readonly holderScore: number;
  /** Per-task scores, in the order of `tasks`. */
  readonly challengerPerTask: readonly number[];
  readonly holderPerTask: readonly number[];
  /** The hidden tasks both were scored on. */
  readonly tasks: readonly (TaskId | TeacherTaskId)[];
  /** Wall time of the call, hidden-task building included. */
  readonly ms: number;
}

export interface CallOptions {
  /** This call's time limit instead of the verifier's. */
  readonly timeoutMs?: number;
}

/** Probe tasks of fingerprint(): public, fixed, built from the train images (probe-tasks.ts). */
export { PROBE_TASK_COUNT, PROBE_TRAIN, PROBE_VALID } from './probe-tasks';

/** Round secrets whose hidden tasks are kept. */
const KEEP_ROUNDS = 2;

/** The round secret in lower case; throws a RangeError unless it is 64 hex digits. */
export function checkSecret(roundSecretHex: string): string {
  if (typeof roundSecretHex !== 'string' || !/^[0-9a-fA-F]{64}$/.test(roundSecretHex)) {
    throw new RangeError('a round secret is 64 hex digits');
  }
  return roundSecretHex.toLowerCase();
}

function checkText(text: unknown, which?: Which): string {
  if (typeof text !== 'string') throw new VerifyError('BAD_PROGRAM', 'program is not text', which);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > DEFAULT_MAX_DSL_BYTES) {
    throw new VerifyError(
      'BAD_PROGRAM',
      `program text is ${bytes} bytes, the limit is ${DEFAULT_MAX_DSL_BYTES}`,
      which,
    );
  }
  return text;
}

function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class Verifier {
  readonly track: Track;
  readonly threads: number;
  private readonly pool: Piscina;
  /** The CIFAR-10 folder; undefined on a teacher track, which needs no files. */
  private readonly cifarDir: string | undefined;
  private readonly timeoutMs: number;
  private readonly log: Logger;
  private readonly hidden = new Map<string, Promise<TaskData[]>>();
  private probes: Promise<TaskData[]> | null = null;
  private closed = false;

  private constructor(opts: VerifierOptions, cifarDir: string | undefined) {
    const threads = opts.threads ?? 1;
    if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
      throw new RangeError(`threads must be a whole number in 1..256, got ${threads}`);
    }
    const timeoutMs = opts.timeoutMs ?? 120_000;
    if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${timeoutMs}`);
    const memoryMb = opts.memoryMb ?? 512;
    if (!Number.isInteger(memoryMb) || memoryMb < 16) {
      throw new RangeError(`memoryMb must be a whole number >= 16, got ${memoryMb}`);
    }
    this.track = opts.track;
    this.threads = threads;
    this.cifarDir = cifarDir;
    this.timeoutMs = timeoutMs;
    this.log = (opts.log ?? silentLogger).child('verifier');
    const worker = workerEntry('verify.worker', 'verify/verify.worker.ts');
    this.pool = new Piscina({
      filename: worker.filename,
      execArgv: worker.execArgv,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
      resourceLimits: { maxOldGenerationSizeMb: memoryMb },
    });
  }

  /**
   * A verifier with its worker threads started. Finds the CIFAR-10 folder now (a validator that
   * cannot verify should fail at start, not at its first submission); loads it on first use.
   */
  static async create(opts: VerifierOptions): Promise<Verifier> {
    const dir =
      opts.track.task.family === 'teacher'
        ? undefined
        : await resolveCifar10Dir(
            opts.cifarDir === undefined
              ? { download: true, dataDir: opts.dataDir }
              : { dir: opts.cifarDir },
          );
    const verifier = new Verifier(opts, dir);
    try {
      const pong = (await verifier.pool.run({ kind: 'ping' } satisfies VerifyJob)) as VerifyResult;
      if (!pong.ok) throw new Error(pong.message);
    } catch (e) {
      await verifier.pool.destroy();
      throw new Error(`verify worker did not start: ${message(e)}`, { cause: e });
    }
    verifier.log.info('verifier ready', { threads: verifier.threads, cifarDir: dir });
    return verifier;
  }

  /**
   * The round's hidden tasks (CIFAR-10: trained on training images, scored on the pair's test
   * images, see buildHiddenTask; teacher tracks: seeds in the hidden range) shared with the workers;
   * the tasks of the last two round secrets asked for are kept.
   */
  hiddenTasks(roundSecretHex: string): Promise<TaskData[]> {
    const secret = checkSecret(roundSecretHex);
    const known = this.hidden.get(secret);
    if (known) {
      // Most recently used last, so the oldest is the one dropped.
      this.hidden.delete(secret);
      this.hidden.set(secret, known);
      return known;
    }
    const { hiddenTasks, hiddenTrain, hiddenValid, features, task } = this.track;
    const built = (
      task.family === 'teacher'
        ? Promise.resolve(
            hiddenTeacherTaskIds(secret, hiddenTasks, task.teacher).map((id) =>
              buildTeacherTask(id, { features, train: hiddenTrain, valid: hiddenValid, test: 0 }),
            ),
          )
        : resolveCifar10Dir({ dir: this.cifarDir })
            .then((dir) => loadCifar10Cached(dir))
            .then((data) =>
              hiddenTaskIds(secret, hiddenTasks).map((id) =>
                buildHiddenTask(data.train, data.test, id, {
                  features,
                  train: hiddenTrain,
                  valid: hiddenValid,
                }),
              ),
            )
    ).then(shareTasks);
    this.hidden.set(secret, built);
    built.catch(() => {
      if (this.hidden.get(secret) === built) this.hidden.delete(secret);
    });
    while (this.hidden.size > KEEP_ROUNDS) this.hidden.delete(this.hidden.keys().next().value!);
    return built;
  }

  /**
   * Scores challenger and holder (program text) on the round's hidden tasks. Throws VerifyError:
   * BAD_PROGRAM, TOO_COSTLY (naming the program), TIMEOUT or FAILED.
   */
  async judge(
    challenger: string,
    holder: string,
    roundSecretHex: string,
    call: CallOptions = {},
  ): Promise<Verdict> {
    const started = performance.now();
    this.checkOpen();
    checkText(challenger, 'challenger');
    checkText(holder, 'holder');
    const tasks = await this.hiddenTasks(roundSecretHex);
    const signal = AbortSignal.timeout(call.timeoutMs ?? this.timeoutMs);
    const job = (program: string): VerifyJob => ({
      kind: 'score',
      program,
      tasks,
      track: this.track,
    });
    const [c, h] = await Promise.allSettled([
      this.pool.run(job(challenger), { signal }) as Promise<VerifyResult>,
      this.pool.run(job(holder), { signal }) as Promise<VerifyResult>,
    ]);
    const cs = this.outcome(c, 'challenger', call);
    const hs = this.outcome(h, 'holder', call);
    if (cs.kind !== 'score' || hs.kind !== 'score') throw new VerifyError('FAILED', 'bad reply');
    const verdict: Verdict = {
      challengerScore: cs.score,
      holderScore: hs.score,
      challengerPerTask: cs.perTask,
      holderPerTask: hs.perTask,
      tasks: tasks.map((t) => t.id),
      ms: performance.now() - started,
    };
    this.log.info('judged', {
      challengerScore: verdict.challengerScore,
      holderScore: verdict.holderScore,
      ms: Math.round(verdict.ms),
    });
    return verdict;
  }

  /**
   * What the program computes on the public probe tasks, hashed (64 hex digits): the same for
   * programs that differ only in code that does not change a prediction.
   */
  async fingerprint(program: string, call: CallOptions = {}): Promise<string> {
    this.checkOpen();
    checkText(program);
    const tasks = await this.probeTasks();
    const signal = AbortSignal.timeout(call.timeoutMs ?? this.timeoutMs);
    const job: VerifyJob = { kind: 'fingerprint', program, tasks, track: this.track };
    const [r] = await Promise.allSettled([this.pool.run(job, { signal }) as Promise<VerifyResult>]);
    const result = this.outcome(r, undefined, call);
    if (result.kind !== 'fingerprint') throw new VerifyError('FAILED', 'bad reply');
    return result.fingerprint;
  }

  /** Stops the worker threads; a running call rejects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hidden.clear();
    this.probes = null;
    await this.pool.destroy();
  }

  private probeTasks(): Promise<TaskData[]> {
    if (!this.probes) {
      const built = loadProbeTasks(this.track, { dir: this.cifarDir }).then(shareTasks);
      this.probes = built;
      built.catch(() => {
        if (this.probes === built) this.probes = null;
      });
    }
    return this.probes;
  }

  /** A job's reply, or the VerifyError it amounts to. */
  private outcome(
    settled: PromiseSettledResult<VerifyResult>,
    which: Which | undefined,
    call: CallOptions,
  ): Exclude<VerifyResult, { ok: false }> {
    if (settled.status === 'rejected') {
      const e: unknown = settled.reason;
      if (isAbort(e)) {
        const limit = call.timeoutMs ?? this.timeoutMs;
        this.log.warn('verification timed out', { which, timeoutMs: limit });
        throw new VerifyError('TIMEOUT', `scoring took longer than ${limit} ms`, which);
      }
      this.log.error('verify worker failed', { which, error: message(e) });
      throw new VerifyError('FAILED', `verify worker failed: ${message(e)}`, which);
    }
    const r = settled.value;
    if (r.ok) return r;
    const code = r.code === 'ERROR' ? 'FAILED' : r.code;
    throw new VerifyError(code, r.message, r.which ?? which);
  }

  private checkOpen(): void {
    if (this.closed) throw new VerifyError('FAILED', 'verifier is closed');
  }
}
