/**
 * The worker-thread side of verification: piscina calls this with one job at a time. Programs
 * arrive as text and are read here, so a malformed or hostile text costs a worker's time, never
 * the node's; tasks arrive as shared arrays (not copied per job). Every outcome, refusals
 * included, comes back as plain data; only a crash or an abort (time limit) rejects the job.
 */
import type { Track } from '../../shared/protocol/track';
import type { TaskData } from '../../shared/task/types';
import {
  behaviourFingerprint,
  checkCost,
  JudgeError,
  readProgram,
  scoreOnTasks,
  type JudgeErrorCode,
} from './judge';

/** The two programs of a judge job. */
export type Which = 'challenger' | 'holder';

export type VerifyJob =
  /** One program's score on the tasks. */
  | {
      readonly kind: 'score';
      readonly program: string;
      readonly tasks: TaskData[];
      readonly track: Track;
    }
  /** Both programs' scores on the same tasks, one after the other on this thread. */
  | {
      readonly kind: 'judge';
      readonly challenger: string;
      readonly holder: string;
      readonly tasks: TaskData[];
      readonly track: Track;
    }
  /** Answers at once: tells the node a thread has started and loaded this module. */
  | { readonly kind: 'ping' }
  /** The program's behaviour fingerprint on the probe tasks. */
  | {
      readonly kind: 'fingerprint';
      readonly program: string;
      readonly tasks: TaskData[];
      readonly track: Track;
    };

export interface ProgramScore {
  readonly score: number;
  readonly perTask: number[];
}

export type VerifyFailureCode = JudgeErrorCode | 'ERROR';

export type VerifyResult =
  | ({ readonly ok: true; readonly kind: 'score'; readonly ms: number } & ProgramScore)
  | {
      readonly ok: true;
      readonly kind: 'judge';
      readonly challenger: ProgramScore;
      readonly holder: ProgramScore;
      readonly ms: number;
    }
  | {
      readonly ok: true;
      readonly kind: 'fingerprint';
      readonly fingerprint: string;
      readonly ms: number;
    }
  | { readonly ok: true; readonly kind: 'ping'; readonly ms: number }
  | {
      readonly ok: false;
      readonly code: VerifyFailureCode;
      readonly message: string;
      /** Which program of a judge job failed. */
      readonly which?: Which;
    };

class Failed extends Error {
  constructor(
    readonly code: VerifyFailureCode,
    message: string,
    readonly which?: Which,
  ) {
    super(message);
  }
}

/** Runs f, turning a JudgeError into a Failed that says which program it was about. */
function as<T>(which: Which | undefined, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof JudgeError) throw new Failed(e.code, e.message, which);
    throw e;
  }
}

export default function runVerifyJob(job: VerifyJob): VerifyResult {
  const started = performance.now();
  const ms = () => performance.now() - started;
  try {
    switch (job.kind) {
      case 'score': {
        const s = as(undefined, () => scoreOnTasks(readProgram(job.program), job.tasks, job.track));
        return { ok: true, kind: 'score', score: s.score, perTask: s.perTask, ms: ms() };
      }
      case 'judge': {
        // Both read and priced before either runs: a bad holder is reported without scoring anything.
        const c = as('challenger', () => readProgram(job.challenger));
        const h = as('holder', () => readProgram(job.holder));
        as('challenger', () => checkCost(c, job.track));
        as('holder', () => checkCost(h, job.track));
        const challenger = as('challenger', () => scoreOnTasks(c, job.tasks, job.track));
        const holder = as('holder', () => scoreOnTasks(h, job.tasks, job.track));
        return { ok: true, kind: 'judge', challenger, holder, ms: ms() };
      }
      case 'fingerprint': {
        const program = as(undefined, () => readProgram(job.program));
        as(undefined, () => checkCost(program, job.track));
        const fingerprint = behaviourFingerprint(program, job.tasks, job.track.evalSeed);
        return { ok: true, kind: 'fingerprint', fingerprint, ms: ms() };
      }
      case 'ping':
        return { ok: true, kind: 'ping', ms: ms() };
      default:
        return { ok: false, code: 'ERROR', message: 'unknown job kind' };
    }
  } catch (e) {
    if (e instanceof Failed) {
      return e.which === undefined
        ? { ok: false, code: e.code, message: e.message }
        : { ok: false, code: e.code, message: e.message, which: e.which };
    }
    return { ok: false, code: 'ERROR', message: e instanceof Error ? e.message : String(e) };
  }
}
