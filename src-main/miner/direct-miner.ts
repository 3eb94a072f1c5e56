/**
 * Direct mode's judgement of when to claim. The search reports its best program; the miner claims
 * only when that program beats the current holder by the track's margin, first on the search's
 * tasks (a cheap filter: the holder is scored there too), then on claim tasks the search never
 * saw; only once per program, only when it improves on its last claim, and at most once per
 * cool-down. Validators then judge on hidden tasks, which the miner never sees: a claim can still
 * fail there.
 *
 * Two checks stand between a search's best and a commitment, each said in a 'skipped' event when
 * it stops one (once per program and holder):
 * - the search's best is the luckiest of many noisy measurements (fresh random draws, and the
 *   maximum over many programs on the same few tasks flatters it): the candidate is scored again
 *   deterministically on the claim tasks (shared/search/selection.ts), as the holder is
 *   (local-score.ts), and that score is what must reach the holder's plus the margin;
 * - a program that computes what the holder computes (same behaviour fingerprint on the
 *   validators' public probe tasks, src-worker/verify/judge.ts) is a copy the validators would
 *   refuse: it is never claimed.
 */
import { printProgram } from '../../shared/algorithm/dsl';
import { parseProgramOrThrow } from '../../shared/algorithm/dsl';
import type { Program } from '../../shared/algorithm/program';
import type { SearchConfig } from '../../shared/search/config';
import type { TaskData } from '../../shared/task/types';
import { behaviourFingerprint, checkCost } from '../../src-worker/verify/judge';
import type { Logger } from '../log/logger';
import type { DirectNetwork, SotaView, SubmitOutcome } from './direct-client';
import { localScore } from './local-score';

/** Why a candidate that looked good enough in the search was not claimed. */
export type SkipReason = 'below-needed' | 'same-as-holder' | 'unverifiable' | 'too-costly';

export type DirectEvent =
  | {
      type: 'target';
      holderDigest: string;
      /** The holder's hotkey, as the validators named it; null for the genesis program. */
      holderMiner: string | null;
      holderLocalScore: number;
      needed: number;
    }
  | { type: 'skipped'; digest: string; reason: SkipReason; message: string }
  | {
      type: 'claim';
      digest: string;
      /** The candidate's fitness as offered (the search's, or a pool's check score). */
      fitness: number;
      /** Its deterministic score on the claim tasks: what the claim stands on. */
      score: number;
      commitmentBlock: number;
    }
  | { type: 'submitted'; digest: string; outcomes: SubmitOutcome[] }
  | {
      type: 'verdict';
      digest: string;
      share: number;
      reached: boolean;
      accepting: number;
      rejecting: number;
    }
  | { type: 'error'; message: string };

export interface DirectMinerOptions {
  readonly direct: DirectNetwork;
  readonly config: SearchConfig;
  /** The search's tasks: a candidate's fitness there must beat the holder's first. */
  readonly tasks: readonly TaskData[];
  /**
   * Tasks the search never saw (selectionTaskIds): what a claim stands on. Default: `tasks`,
   * which flatters the search's best (measured in issue #13).
   */
  readonly claimTasks?: readonly TaskData[];
  /** The validators' probe tasks (src-main/validator/probe-tasks.ts), for behaviour fingerprints. */
  readonly probeTasks: readonly TaskData[];
  readonly log: Logger;
  /** Least time between two claims (default 10 minutes). */
  readonly cooldownMs?: number;
  /** How often verdicts are polled after a claim (default 5 s), and for how long (10 min). */
  readonly pollMs?: number;
  readonly followMs?: number;
  readonly onEvent?: (e: DirectEvent) => void;
}

export interface Candidate {
  readonly program: Program;
  readonly digest: string;
  readonly fitness: number;
}

/** How many more times a program is sent to a validator that did not take it. */
const RETRIES = 3;

/** Candidates whose checks are remembered (the search offers the same best every second). */
const REMEMBERED = 256;

interface Target extends SotaView {
  /** The holder's score on the search's tasks. */
  readonly localScore: number;
  /** Its score on the claim tasks. */
  readonly claimScore: number;
  readonly fingerprint: string;
}

/** A bounded memo: the oldest entries go first. */
class Memo<T> {
  private readonly map = new Map<string, T>();
  has(key: string): boolean {
    return this.map.has(key);
  }
  get(key: string, make: () => T): T {
    if (this.map.has(key)) return this.map.get(key)!;
    const value = make();
    if (this.map.size >= REMEMBERED) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, value);
    return value;
  }
}

type Fingerprint = { ok: true; value: string } | { ok: false; error: string };

export class DirectMiner {
  private target: Target | null = null;
  private readonly scores = new Memo<number>();
  private readonly fingerprints = new Memo<Fingerprint>();
  /** Skips already reported: program, holder and reason. */
  private readonly reported = new Memo<true>();
  private readonly claimed = new Set<string>();
  private lastClaimAt = -Infinity;
  private lastClaimFitness = -Infinity;
  private busy: Promise<void> = Promise.resolve();
  private next: Candidate | null = null;
  private draining = false;
  private stopped = false;

  constructor(private readonly o: DirectMinerOptions) {}

  /** Asks the validators for the holder and scores it on the miner's tasks. */
  async refreshTarget(): Promise<void> {
    const sota = await this.o.direct.sota();
    if (!sota) throw new Error('no validator answered: cannot learn the state of the art');
    this.useTarget(sota);
  }

  /**
   * Takes `sota` as the holder to beat (as the validators named it, or as kept from the last time
   * they did: a claim asks them again before committing), scored on the miner's tasks.
   */
  useTarget(sota: SotaView): void {
    if (this.target?.digest === sota.digest) return;
    const program = parseProgramOrThrow(sota.program);
    const score = this.scoreOn(this.o.tasks, program);
    this.target = {
      ...sota,
      localScore: score,
      claimScore: this.o.claimTasks ? this.scoreOn(this.o.claimTasks, program) : score,
      fingerprint: this.fingerprint(program),
    };
    this.emit({
      type: 'target',
      holderDigest: sota.digest,
      holderMiner: sota.miner,
      holderLocalScore: score,
      needed: score + sota.margin,
    });
  }

  /** The score a claim must beat on the miner's tasks, or null before the first refresh. */
  get needed(): number | null {
    return this.target ? this.target.localScore + this.target.margin : null;
  }

  /**
   * Offers the search's current best; claims it if it qualifies. Never throws. While a step is
   * running only the newest offer is kept: progress arrives every second, validators are slower.
   */
  consider(best: Candidate): Promise<void> {
    this.next = best;
    if (!this.draining) this.busy = this.drain();
    return this.busy;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.next) {
        const candidate = this.next;
        this.next = null;
        try {
          await this.maybeClaim(candidate);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          this.o.log.warn('direct mining step failed', { error: message });
          this.emit({ type: 'error', message });
        }
      }
    } finally {
      this.draining = false;
    }
  }

  stop(): Promise<void> {
    this.stopped = true;
    return this.busy;
  }

  private async maybeClaim(best: Candidate): Promise<void> {
    if (this.stopped) return;
    if (!this.target) await this.refreshTarget();
    // The search's own fitness first: most offers stop here, at no cost.
    if (best.fitness < this.needed!) return;
    if (this.claimed.has(best.digest)) return;
    if (Date.now() - this.lastClaimAt < (this.o.cooldownMs ?? 600_000)) return;
    const score = this.vet(best);
    if (score === null || score <= this.lastClaimFitness) return;
    // The holder may have changed since: check again before spending a commitment.
    await this.refreshTarget();
    if (this.vet(best) === null) return;
    await this.claim(best, score);
  }

  /**
   * The candidate's deterministic score when it may be claimed against the current target; null
   * (and a 'skipped' event, once) when it computes what the holder computes, cannot be
   * fingerprinted, or does not reach the holder's score plus the margin on a deterministic re-run.
   */
  private vet(best: Candidate): number | null {
    const target = this.target!;
    try {
      // The search's own budget may be looser than the track's (a config file): validators would
      // refuse the program unrun, after the commitment was paid for.
      checkCost(best.program, this.o.direct.track);
    } catch (err) {
      this.skip(
        best,
        'too-costly',
        `${short(best.digest)} is not claimed: ${err instanceof Error ? err.message : String(err)}`,
      );
      return null;
    }
    const print = this.fingerprints.get(best.digest, () => {
      try {
        return { ok: true, value: this.fingerprint(best.program) };
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    });
    if (!print.ok) {
      this.skip(
        best,
        'unverifiable',
        `${short(best.digest)} is not claimed: its behaviour cannot be fingerprinted as validators do (${print.error})`,
      );
      return null;
    }
    if (print.value === target.fingerprint) {
      this.skip(
        best,
        'same-as-holder',
        `${short(best.digest)} is not claimed: it computes what the holder ${short(target.digest)} computes on the validators' probe tasks, so they would take it for a copy`,
      );
      return null;
    }
    const claimTasks = this.o.claimTasks ?? this.o.tasks;
    const score = this.scores.get(best.digest, () => this.scoreOn(claimTasks, best.program));
    const needed = target.claimScore + target.margin;
    if (score < needed) {
      const where = this.o.claimTasks
        ? `on ${claimTasks.length} tasks the search never saw, where the holder scores ${target.claimScore.toFixed(4)}`
        : 'when scored again deterministically on your tasks';
      this.skip(
        best,
        'below-needed',
        `${short(best.digest)} is not claimed: ${best.fitness.toFixed(4)} in the search, but ${score.toFixed(4)} ${where}: below the ${needed.toFixed(4)} a claim needs (the search's figure flattered it)`,
      );
      return null;
    }
    return score;
  }

  private skip(best: Candidate, reason: SkipReason, message: string): void {
    const key = `${best.digest}:${this.target!.digest}:${reason}`;
    if (this.reported.has(key)) return;
    this.reported.get(key, () => true);
    this.emit({ type: 'skipped', digest: best.digest, reason, message });
  }

  /**
   * Commits, submits and follows the verdicts of one program. `score` is its deterministic score
   * on the claim tasks (default: its fitness as offered).
   */
  async claim(best: Candidate, score = best.fitness): Promise<void> {
    const program = printProgram(best.program);
    const holder = this.target?.digest;
    // A commitment that fails (the chain's rate limit, a dropped connection) is retried at the next
    // progress report: nothing is marked claimed until the chain holds it.
    const block = await this.o.direct.commit(best.digest);
    this.claimed.add(best.digest);
    this.lastClaimAt = Date.now();
    this.lastClaimFitness = score;
    this.emit({
      type: 'claim',
      digest: best.digest,
      fitness: best.fitness,
      score,
      commitmentBlock: block,
    });
    const outcomes = await this.o.direct.submit(program);
    this.emit({ type: 'submitted', digest: best.digest, outcomes });
    void this.retryUnreached(program, outcomes);
    if (holder) void this.follow(best.digest, holder);
  }

  /**
   * Sends the program again to validators that did not take it (unreachable, busy, or whose chain
   * node had not yet seen the commitment): a validator that never hears of the program cannot
   * defend its priority against a later copy.
   */
  private async retryUnreached(program: string, outcomes: readonly SubmitOutcome[]): Promise<void> {
    const settled = (status: number) => status === 202 || status === 409 || status === 400;
    let missing = outcomes.filter((o) => !settled(o.status)).map((o) => o.validator);
    for (let attempt = 0; attempt < RETRIES && missing.length > 0 && !this.stopped; attempt++) {
      await new Promise((r) => setTimeout(r, this.o.pollMs ?? 5000));
      const targets = (await this.o.direct.validators().catch(() => [])).filter((v) =>
        missing.includes(v.hotkey),
      );
      const again = await this.o.direct.submit(program, targets);
      missing = again.filter((o) => !settled(o.status)).map((o) => o.validator);
    }
  }

  private async follow(digest: string, holder: string): Promise<void> {
    const until = Date.now() + (this.o.followMs ?? 600_000);
    let last = '';
    while (!this.stopped && Date.now() < until) {
      await new Promise((r) => setTimeout(r, this.o.pollMs ?? 5000));
      const v = await this.o.direct.verdicts(digest, holder).catch(() => null);
      if (!v) continue;
      const key = `${v.tally.accepting.length}/${v.tally.rejecting.length}`;
      if (key !== last) {
        last = key;
        this.emit({
          type: 'verdict',
          digest,
          share: v.tally.share,
          reached: v.tally.reached,
          accepting: v.tally.accepting.length,
          rejecting: v.tally.rejecting.length,
        });
      }
      if (v.tally.reached) {
        // The holder moved: learn the new target now (the screen then says who holds the
        // record); if the validators cannot say yet, before the next claim.
        this.target = null;
        await this.refreshTarget().catch((err: unknown) =>
          this.o.log.debug('new target not known yet', { error: String(err) }),
        );
        return;
      }
    }
  }

  /** As validators score (on their hidden tasks): the track's evaluation seed. */
  private scoreOn(tasks: readonly TaskData[], program: Program): number {
    return localScore(program, this.o.config, tasks, this.o.direct.track.evalSeed);
  }

  /** As validators fingerprint a submission: their probe tasks, the track's evaluation seed. */
  private fingerprint(program: Program): string {
    return behaviourFingerprint(program, [...this.o.probeTasks], this.o.direct.track.evalSeed);
  }

  private emit(e: DirectEvent): void {
    this.o.log.info(`direct: ${e.type}`, { ...e });
    this.o.onEvent?.(e);
  }
}

function short(digest: string): string {
  return digest.slice(0, 12);
}
