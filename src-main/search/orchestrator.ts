/**
 * Runs the search on several worker threads (piscina): one island per thread unless asked for
 * more islands (they then share the threads, the one with the most work left first: see
 * batch-slots.ts), each evolving in batches of about a second; between batches islands exchange
 * their best programs in a ring. All threads share one functional-equivalence cache.
 * Stopping and pausing are cooperative: a shared flag ends the running batches after their current
 * candidate, and no thread is ever killed mid-evaluation. The whole search state stays here, on
 * the main thread, as plain data, so a crashed worker loses only its current batch and the state
 * can be saved and resumed.
 */
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Piscina } from 'piscina';
import { programDigest } from '../../shared/algorithm/canonical';
import { printProgram } from '../../shared/algorithm/dsl';
import type { Program } from '../../shared/algorithm/program';
import type { SearchConfig } from '../../shared/search/config';
import type { IslandProgress, SearchProgress, SearchState } from '../../shared/search/progress';
import type { TaskData } from '../../shared/task/types';
import {
  fittest,
  newIslandState,
  type BatchResult,
  type Individual,
  type IslandState,
} from '../../src-worker/search/island';
import type { IslandJob, IslandWorkerData } from '../../src-worker/search/island.worker';
import { FecTable } from '../../src-worker/search/fec-table';
import { shareTasks, workerEntry } from '../workers';
import { BatchSlots } from './batch-slots';

/** A program worth keeping: the best ones found, best first. */
export interface HallOfFameEntry {
  readonly program: Program;
  readonly digest: string;
  readonly fitness: number;
  /** When it was first seen (ISO time) and after how many individuals of the search. */
  readonly foundAt: string;
  readonly individuals: number;
}

export interface SearchSnapshot {
  readonly islands: readonly IslandState[];
  readonly hallOfFame: readonly HallOfFameEntry[];
  /** Individuals scored by all runs of this search. */
  readonly individuals: number;
}

export interface OrchestratorOptions {
  readonly config: SearchConfig;
  readonly tasks: readonly TaskData[];
  /** Worker threads. Default: cores − 1, at least 1. */
  readonly threads?: number;
  /** Islands (populations). Default: one per thread; more islands take turns on the threads. */
  readonly islands?: number;
  /** A previous run's state to continue (same config scope), or programs to seed islands with. */
  readonly resume?: SearchSnapshot;
  readonly seedPrograms?: readonly Program[];
  /** Identifies what fitnesses mean (config + tasks); caches are per scope. */
  readonly scope: string;
  readonly onProgress?: (progress: SearchProgress) => void;
  readonly progressIntervalMs?: number;
  readonly batchSeconds?: number;
  /**
   * Stop each island after this many individuals (of this run). With migration off, every island
   * then does the same work whatever the thread count: what a scaling benchmark compares.
   */
  readonly individualsPerIsland?: number;
  readonly log?: (line: string) => void;
}

const HALL_OF_FAME_SIZE = 10;
const MAX_CONSECUTIVE_FAILURES = 5;
const SPEED_WINDOW_MS = 10_000;

/**
 * V8 settings for a search, where every candidate is new code that runs for a few milliseconds
 * (measured with bench:search, see BENCHMARKS.md):
 * - Liftoff only: TurboFan's background tier-up of each hot module costs more than it saves and
 *   competes with the islands for the cores (+20% individuals/s on one thread).
 * - No native module cache: its process-wide lookups serialize the worker threads.
 * - Compile on the calling thread, eagerly: no hand-off to background compile tasks per module.
 * The flags are process-wide and read when a module compiles; they change speed, never results.
 */
export function useSearchWasmSettings(): void {
  for (const flag of [
    '--liftoff-only',
    '--no-wasm-native-module-cache-enabled',
    '--wasm-num-compilation-tasks=0',
    '--no-wasm-lazy-compilation',
  ]) {
    setFlagsFromString(flag);
  }
}

export function defaultThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

interface IslandRun {
  state: IslandState;
  inbox: Individual[];
  lastMigration: number;
  best: number;
  live: { counts: Int32Array; best: Float64Array };
  seeds: Program[];
  /** Milliseconds per individual in the island's last batch (0 until it has run one). */
  msPerIndividual: number;
  /** Individuals of the island when this run started (budgets count from there). */
  readonly startIndividuals: number;
  /** What the island started from, for a restart (config.restartAfterSeconds). */
  readonly startSeeds: readonly Program[];
  /** Restarts so far, the best fitness of the current attempt and when it last improved. */
  attempt: number;
  attemptBest: number;
  improvedAt: number;
}

export class SearchOrchestrator {
  /** Worker threads started with: the most the search can use without a restart. */
  readonly threads: number;
  /** Threads in use now (useThreads), at most `threads`. */
  private activeThreads: number;
  private readonly pool: Piscina;
  private readonly slots: BatchSlots;
  private readonly islands: IslandRun[];
  private readonly stopFlag = new Int32Array(new SharedArrayBuffer(4));
  private hallOfFame: HallOfFameEntry[];
  private state: SearchState = 'starting';
  private readonly startedAt = Date.now();
  private readonly priorIndividuals: number;
  private totals = { individuals: 0, cached: 0, refused: 0 };
  private speedSamples: Array<[number, number]> = [];
  private pauseGate: Promise<void> | null = null;
  private releasePause: (() => void) | null = null;
  private progressTimer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly log: (line: string) => void;

  constructor(private readonly options: OrchestratorOptions) {
    const threads = options.threads ?? defaultThreads();
    if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
      throw new RangeError(`threads must be a whole number in 1..256, got ${threads}`);
    }
    this.threads = threads;
    this.activeThreads = threads;
    this.slots = new BatchSlots(threads);
    const islands = options.islands ?? threads;
    if (!Number.isInteger(islands) || islands < 1 || islands > 1024) {
      throw new RangeError(`islands must be a whole number in 1..1024, got ${islands}`);
    }
    this.log = options.log ?? (() => {});
    useSearchWasmSettings();
    const resumed = options.resume?.islands ?? [];
    const seeds = [...(options.seedPrograms ?? [])];
    this.islands = Array.from({ length: islands }, (_, id) => {
      const saved = resumed.find((s) => s.id === id);
      const startSeeds = seeds.filter((_, i) => i % islands === id);
      return {
        state: saved ?? newIslandState(id, options.config),
        inbox: [],
        lastMigration: Date.now(),
        best: saved && saved.population.length > 0 ? fittest(saved.population).fitness : 0,
        live: {
          counts: new Int32Array(new SharedArrayBuffer(12)),
          best: new Float64Array(new SharedArrayBuffer(8)),
        },
        // Seed programs are spread over the islands that start fresh.
        seeds: saved ? [] : startSeeds,
        msPerIndividual: 0,
        startIndividuals: saved?.individuals ?? 0,
        startSeeds,
        attempt: 0,
        attemptBest: 0,
        improvedAt: Date.now(),
      };
    });
    this.hallOfFame = [...(options.resume?.hallOfFame ?? [])];
    this.priorIndividuals = options.resume?.individuals ?? 0;
    const worker = workerEntry('island.worker', 'search/island.worker.ts');
    const data: IslandWorkerData = {
      tasks: shareTasks(options.tasks),
      // One functional-equivalence cache for all threads (the scope is fixed for a search).
      // cacheSize is per thread (shared/search/config.ts): the shared table holds as much in all.
      fec: FecTable.allocate(
        options.config.fec.enabled ? options.config.fec.cacheSize * threads : 1,
      ),
    };
    this.pool = new Piscina({
      filename: worker.filename,
      execArgv: worker.execArgv,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
      workerData: data,
      // One runaway program cannot take the process down: the worker dies, the batch is retried.
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
  }

  /** Starts the islands; resolves when the search has stopped. */
  start(): Promise<void> {
    if (this.running) return this.running;
    this.state = 'running';
    const interval = this.options.progressIntervalMs ?? 1000;
    this.progressTimer = setInterval(() => {
      this.sampleSpeed();
      this.emitProgress();
    }, interval);
    this.running = Promise.all(this.islands.map((island) => this.runIsland(island))).then(
      async () => {
        if (this.progressTimer) clearInterval(this.progressTimer);
        await this.pool.destroy();
        this.state = 'stopped';
        this.emitProgress();
      },
    );
    return this.running;
  }

  /** Asks every island to stop after its current candidate, and waits until they have. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopping';
    Atomics.store(this.stopFlag, 0, 1);
    this.releasePause?.();
    this.emitProgress();
    await (this.running ?? this.pool.destroy());
    this.state = 'stopped';
  }

  pause(): void {
    if (this.state !== 'running') return;
    this.state = 'paused';
    this.pauseGate = new Promise((resolve) => (this.releasePause = resolve));
    Atomics.store(this.stopFlag, 0, 1);
    this.emitProgress();
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.state = 'running';
    Atomics.store(this.stopFlag, 0, 0);
    this.releasePause?.();
    this.pauseGate = null;
    this.emitProgress();
  }

  /**
   * Runs on `n` of the started threads from now on (islands then take turns), so the person can
   * give cores back, or take them again, without stopping. More than started needs a restart.
   */
  useThreads(n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > this.threads)
      throw new RangeError(`threads must be a whole number in 1..${this.threads}, got ${n}`);
    this.activeThreads = n;
    this.slots.resize(n);
    this.emitProgress();
  }

  get currentState(): SearchState {
    return this.state;
  }

  /** The search's state as plain data, for saving. */
  snapshot(): SearchSnapshot {
    return {
      islands: this.islands.map((i) => i.state),
      hallOfFame: this.hallOfFame,
      individuals: this.priorIndividuals + this.totals.individuals,
    };
  }

  progress(): SearchProgress {
    const now = Date.now();
    let individuals = this.totals.individuals;
    let cached = this.totals.cached;
    let refused = this.totals.refused;
    let bestFitness = this.hallOfFame[0]?.fitness ?? 0;
    const islands: IslandProgress[] = this.islands.map((island) => {
      const inFlight = Atomics.load(island.live.counts, 0);
      individuals += inFlight;
      cached += Atomics.load(island.live.counts, 1);
      refused += Atomics.load(island.live.counts, 2);
      const best = Math.max(island.best, island.live.best[0]!);
      bestFitness = Math.max(bestFitness, best);
      return {
        id: island.state.id,
        individuals: island.state.individuals + inFlight,
        bestFitness: best,
      };
    });
    // The speed over the samples the progress timer took (sampleSpeed): reading the progress
    // changes nothing, however often it is read.
    const [t0, n0] = this.speedSamples[0] ?? [this.startedAt, 0];
    const individualsPerSec = now > t0 ? ((individuals - n0) * 1000) / (now - t0) : 0;
    const top = this.hallOfFame[0];
    return {
      state: this.state,
      elapsedSeconds: (now - this.startedAt) / 1000,
      threads: this.activeThreads,
      individuals,
      individualsPerSec,
      fecHitRate: individuals > 0 ? cached / individuals : 0,
      refused,
      bestFitness,
      bestProgram: top ? printProgram(top.program) : null,
      bestDigest: top?.digest ?? null,
      islands,
    };
  }

  /** Takes one speed sample (on the progress timer): individuals now, kept for SPEED_WINDOW_MS. */
  private sampleSpeed(): void {
    const now = Date.now();
    this.speedSamples.push([now, this.progress().individuals]);
    while (this.speedSamples.length > 2 && now - this.speedSamples[0]![0] > SPEED_WINDOW_MS)
      this.speedSamples.shift();
  }

  private emitProgress(): void {
    this.options.onProgress?.(this.progress());
  }

  /**
   * A batch's length: `batchMs`, shorter towards the end of a search with a budget, so that the
   * last batches are small and no thread waits long for another's at the finish.
   */
  private batchLength(batchMs: number, budget: number): number {
    if (budget === Number.MAX_SAFE_INTEGER) return batchMs;
    let remainingMs = 0;
    for (const island of this.islands) {
      const left = budget - (island.state.individuals - island.startIndividuals);
      if (island.msPerIndividual === 0) return batchMs;
      remainingMs += Math.max(0, left) * island.msPerIndividual;
    }
    return Math.min(batchMs, Math.max(50, remainingMs / this.threads / 8));
  }

  private ending(): boolean {
    return this.state === 'stopping' || this.state === 'stopped';
  }

  private async runIsland(island: IslandRun): Promise<void> {
    const { config } = this.options;
    const batchMs = (this.options.batchSeconds ?? 1) * 1000;
    const budget = this.options.individualsPerIsland ?? Number.MAX_SAFE_INTEGER;
    let failures = 0;
    for (;;) {
      if (this.pauseGate && this.state === 'paused') await this.pauseGate;
      if (this.ending()) return;
      const left = budget - (island.state.individuals - island.startIndividuals);
      if (left <= 0) return;
      // With a budget, the island with the most work left goes first (an island not yet timed
      // first of all); without one, islands take turns.
      const priority =
        budget === Number.MAX_SAFE_INTEGER
          ? 0
          : island.msPerIndividual > 0
            ? left * island.msPerIndividual
            : Infinity;
      const release = await this.slots.acquire(priority);
      let result: BatchResult;
      let elapsedMs: number;
      try {
        if (this.ending()) return;
        // Paused while waiting for a thread: go back to the pause gate, shipping nothing.
        if (this.state === 'paused') continue;
        island.live.counts.fill(0);
        island.live.best[0] = 0;
        const job: IslandJob = {
          island: island.state,
          config,
          scope: this.options.scope,
          maxIndividuals: left,
          deadline: Date.now() + this.batchLength(batchMs, budget),
          stop: this.stopFlag,
          live: island.live,
          migrants: island.inbox,
          seeds: island.seeds,
        };
        const started = performance.now();
        try {
          result = (await this.pool.run(job)) as BatchResult;
          failures = 0;
        } catch (err) {
          failures++;
          this.log(
            `island ${island.state.id}: batch failed (${failures}/${MAX_CONSECUTIVE_FAILURES}): ${err instanceof Error ? err.message : String(err)}`,
          );
          if (failures >= MAX_CONSECUTIVE_FAILURES) {
            this.log(`island ${island.state.id}: giving up after ${failures} failed batches`);
            return;
          }
          continue;
        }
        elapsedMs = performance.now() - started;
      } finally {
        // Every path gives the thread back: a leaked slot would hang stop() on one thread.
        release();
      }
      if (result.stats.individuals > 0) {
        island.msPerIndividual = elapsedMs / result.stats.individuals;
      }
      // The batch's counts are in the totals now; its best is in the hall of fame if it survived
      // (a best child that aged out within the batch is gone, and is no longer reported).
      island.live.counts.fill(0);
      island.live.best[0] = 0;
      island.inbox = [];
      island.seeds = [];
      island.state = result.state;
      island.best = Math.max(island.best, result.best.fitness);
      this.totals.individuals += result.stats.individuals;
      this.totals.cached += result.stats.cached;
      this.totals.refused += result.stats.refused;
      this.remember(result.best);
      this.migrate(island, config);
      this.restartIfStagnant(island, result.best.fitness, config);
    }
  }

  /**
   * Starts the island again from its starting programs, with a new random stream, when its best
   * has not improved for config.restartAfterSeconds (its best programs stay in the hall of fame).
   */
  private restartIfStagnant(island: IslandRun, best: number, config: SearchConfig): void {
    const after = config.restartAfterSeconds;
    if (after <= 0) return;
    const now = Date.now();
    if (best > island.attemptBest) {
      island.attemptBest = best;
      island.improvedAt = now;
      return;
    }
    if (now - island.improvedAt < after * 1000) return;
    const id = island.state.id;
    this.log(
      `island ${id}: no better program for ${after} s (best ${island.attemptBest.toFixed(4)}); ` +
        `starting attempt ${island.attempt + 2}`,
    );
    island.attempt++;
    // The individuals count runs on: budgets and progress count the island's whole work.
    island.state = {
      ...newIslandState(id, config, island.attempt),
      individuals: island.state.individuals,
    };
    island.seeds = [...island.startSeeds];
    island.inbox = [];
    island.attemptBest = 0;
    island.improvedAt = now;
  }

  private remember(candidate: Individual): void {
    const worst = this.hallOfFame[this.hallOfFame.length - 1];
    if (this.hallOfFame.length >= HALL_OF_FAME_SIZE && worst && candidate.fitness <= worst.fitness)
      return;
    const digest = programDigest(candidate.program);
    if (this.hallOfFame.some((e) => e.digest === digest)) return;
    this.hallOfFame.push({
      program: candidate.program,
      digest,
      fitness: candidate.fitness,
      foundAt: new Date().toISOString(),
      individuals: this.priorIndividuals + this.totals.individuals,
    });
    this.hallOfFame.sort((a, b) => b.fitness - a.fitness);
    this.hallOfFame.length = Math.min(this.hallOfFame.length, HALL_OF_FAME_SIZE);
  }

  /** Sends copies of the island's best programs to the next island in the ring. */
  private migrate(island: IslandRun, config: SearchConfig): void {
    if (this.islands.length < 2 || config.migration.count === 0) return;
    const now = Date.now();
    if (now - island.lastMigration < config.migration.intervalSeconds * 1000) return;
    island.lastMigration = now;
    const best = [...island.state.population]
      .sort((a, b) => b.fitness - a.fitness)
      .slice(0, config.migration.count);
    const next = this.islands[(island.state.id + 1) % this.islands.length]!;
    next.inbox.push(...best);
  }
}
