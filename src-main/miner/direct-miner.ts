/**
 * Direct mode's judgement of when to claim. The search reports its best program; the miner claims
 * only when that program beats the current holder by the track's margin on the miner's own search
 * tasks (the holder is scored on the same tasks, so the comparison is like for like), only once per
 * program, only when it improves on its last claim, and at most once per cool-down. Validators then
 * judge on hidden tasks, which the miner never sees: a claim can still fail there.
 */
import { printProgram } from '../../shared/algorithm/dsl';
import { parseProgramOrThrow } from '../../shared/algorithm/dsl';
import type { Program } from '../../shared/algorithm/program';
import type { SearchConfig } from '../../shared/search/config';
import type { TaskData } from '../../shared/task/types';
import { Rng } from '../../shared/random/rng';
import { evaluateProgram } from '../../src-worker/eval/evaluate';
import { WasmEngine } from '../../src-worker/eval/wasm/engine';
import type { Logger } from '../log/logger';
import type { DirectClient, SotaView, SubmitOutcome } from './direct-client';

export type DirectEvent =
  | { type: 'target'; holderDigest: string; holderLocalScore: number; needed: number }
  | { type: 'claim'; digest: string; fitness: number; commitmentBlock: number }
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
  readonly direct: DirectClient;
  readonly config: SearchConfig;
  readonly tasks: readonly TaskData[];
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

export class DirectMiner {
  private target: (SotaView & { localScore: number }) | null = null;
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
    if (this.target?.digest === sota.digest) return;
    const localScore = this.scoreLocally(parseProgramOrThrow(sota.program));
    this.target = { ...sota, localScore };
    this.emit({
      type: 'target',
      holderDigest: sota.digest,
      holderLocalScore: localScore,
      needed: localScore + sota.margin,
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
    const needed = this.needed!;
    if (best.fitness < needed) return;
    if (this.claimed.has(best.digest) || best.fitness <= this.lastClaimFitness) return;
    if (Date.now() - this.lastClaimAt < (this.o.cooldownMs ?? 600_000)) return;
    // The holder may have changed since: check again before spending a commitment.
    await this.refreshTarget();
    if (best.fitness < this.needed!) return;
    await this.claim(best);
  }

  /** Commits, submits and follows the verdicts of one program (also used by `submit`). */
  async claim(best: Candidate): Promise<void> {
    const program = printProgram(best.program);
    const holder = this.target?.digest;
    // A commitment that fails (the chain's rate limit, a dropped connection) is retried at the next
    // progress report: nothing is marked claimed until the chain holds it.
    const block = await this.o.direct.commit(best.digest);
    this.claimed.add(best.digest);
    this.lastClaimAt = Date.now();
    this.lastClaimFitness = best.fitness;
    this.emit({
      type: 'claim',
      digest: best.digest,
      fitness: best.fitness,
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
        this.target = null; // the holder moved: learn the new target before the next claim
        return;
      }
    }
  }

  private scoreLocally(program: Program): number {
    const { config, tasks } = this.o;
    const engine = new WasmEngine(config.memory, config.tasks.features, new Rng(0));
    return evaluateProgram(engine, program, tasks, {
      seed: config.evalSeed,
      trainExamples: config.tasks.train,
    }).fitness;
  }

  private emit(e: DirectEvent): void {
    this.o.log.info(`direct: ${e.type}`, { ...e });
    this.o.onEvent?.(e);
  }
}
