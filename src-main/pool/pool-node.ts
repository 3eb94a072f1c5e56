/**
 * A pool node (issue #7): plans the pool's search as work units and hands them to its miners
 * through the API (pool-api.ts), keeping the book in a WorkLedger.
 *
 * The pool's search is regularized evolution spread over units: each evolve unit starts from the
 * pool's best programs so far with its own seed and runs a fixed number of individuals; once its
 * replicas agree, its children join the pool's best. The best programs are derived from the
 * accepted results in the ledger, so a restarted pool picks up where it stopped.
 *
 * Before the pool claims a program it has it checked: an evaluate unit scores the best few on
 * check tasks, tasks the search never saw (other projection seeds). The best of the search is the
 * maximum over many children on the same tasks, so its search score flatters it; the check score
 * does not, and the pool claims by it (the holder is scored on the same check tasks).
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { FastifyInstance } from 'fastify';
import type { PoolTerms } from '../../shared/pool/terms';
import { resultDigest, type WorkResult, type WorkUnit } from '../../shared/pool/units';
import type { Logger } from '../log/logger';
import { buildPoolApi } from './pool-api';
import { PoolMetrics } from './pool-metrics';
import type { WorkLedger } from './work-ledger';

export interface PoolPlan {
  /** Evolve units kept available for miners to lease (more are planned as miners take them). */
  readonly openUnits: number;
  /** Individuals per evolve unit (after its starting population). */
  readonly individualsPerUnit: number;
  /** Parents per unit: the pool's best programs. */
  readonly parents: number;
  /** Children each unit returns. */
  readonly keep: number;
  /** How many of the best programs an evaluate unit checks at once. */
  readonly checkPrograms: number;
}

export const DEFAULT_PLAN: PoolPlan = {
  openUnits: 8,
  individualsPerUnit: 2000,
  parents: 5,
  keep: 3,
  checkPrograms: 3,
};

/**
 * The pool runs a random fraction of accepted units itself and compares: agreement between
 * replicas of distinct owners still admits a coalition of real people returning the same lie, and
 * a spot check that catches one costs the coalition its window's shares and its hotkeys.
 */
export interface SpotChecks {
  /** Fraction of accepted units run again (0..1). */
  readonly rate: number;
  /** Runs a unit as miners do (the same worker code), or null when it cannot run here. */
  readonly run: (unit: WorkUnit) => Promise<WorkResult | null>;
  /** Uniform in [0, 1); unpredictable in a real pool, seeded in tests. */
  readonly random?: () => number;
}

/** Spot checks running or queued at once; a unit accepted beyond this is not checked. */
const MAX_SPOT_CHECKS_UNDER_WAY = 4;
/** Accepted units whose spot-check roll is remembered (the newest). */
const SPOT_CHECKS_REMEMBERED = 10_000;

export interface ProgramScore {
  readonly program: string;
  readonly fitness: number;
}

export class PoolNode {
  readonly api: FastifyInstance;
  readonly metrics: PoolMetrics;
  /** The best programs by search score and by check score (kept in memory, bounded). */
  private readonly searched = new TopPrograms(TOP_KEPT);
  private readonly checks = new TopPrograms(TOP_KEPT);
  /** Programs sent to be checked, in units open or accepted: not sent again. */
  private readonly sentForCheck = new Set<string>();
  /** The best score offered to claim so far (logged when it rises). */
  private offered = -Infinity;

  constructor(
    private readonly o: {
      readonly terms: PoolTerms;
      readonly ledger: WorkLedger;
      /** Where the search starts (e.g. the genesis program) when nothing is accepted yet. */
      readonly seeds: readonly string[];
      readonly plan?: PoolPlan;
      /**
       * Indices into terms.tasks of the check tasks (after the search's own); empty: programs
       * are offered by their search score.
       */
      readonly checkTasks?: readonly number[];
      /** The owner (coldkey) of a hotkey that may work for the pool; see pool-api.ts. */
      readonly ownerOf: (hotkey: string) => string | undefined;
      /** Whether the chain answers (GET /v1/health); null for a pool run without one. */
      readonly chainConnected?: () => boolean | null;
      /**
       * Told of the pool's best program after every accepted result (to claim it, say): the best
       * checked one, with its check score, when there are check tasks.
       */
      readonly onBest?: (best: ProgramScore) => void;
      readonly spotChecks?: SpotChecks;
      readonly log: Logger;
    },
  ) {
    if (o.seeds.length === 0) throw new RangeError('a pool needs at least one seed program');
    const searchTasks = o.terms.config.tasks.count;
    for (const t of o.checkTasks ?? [])
      if (t < searchTasks || t >= o.terms.tasks.length)
        throw new RangeError(`check task ${t} is not among the tasks after the search's own`);
    // What the pool learned before a restart is in its ledger; from here on, result by result.
    for (const work of o.ledger.acceptedWork()) this.learn(work.unit, work.result);
    for (const u of o.ledger.liveUnits('evaluate'))
      if (u.kind === 'evaluate') for (const p of u.programs) this.sentForCheck.add(p);
    this.metrics = new PoolMetrics({ ledger: o.ledger, spotChecks: () => this.spotCheckStats });
    this.api = buildPoolApi({
      terms: o.terms,
      ledger: o.ledger,
      metrics: this.metrics,
      chainConnected: o.chainConnected,
      ownerOf: o.ownerOf,
      // However many miners come, each finds a unit: the plan counts units that take a lease.
      beforeLease: () => this.plan(),
      // A fast miner that has answered every open unit gets one more, up to a bound: units wait
      // for their other replicas, and a pool must not pile up half-done work without end.
      onNoWork: () => {
        const plan = o.plan ?? DEFAULT_PLAN;
        if (o.ledger.openUnits('evolve') >= plan.openUnits * SPARE_UNITS_FACTOR) return false;
        this.addEvolveUnits(1);
        return true;
      },
      onResult: (unitId, outcome) => {
        if (outcome.status !== 'recorded') return;
        if (outcome.verdict === 'failed') {
          // A check that found no agreement is planned again (with the next accepted result).
          const failed = o.ledger.unit(unitId)?.unit;
          if (failed?.kind === 'evaluate')
            for (const p of failed.programs) this.sentForCheck.delete(p);
          return;
        }
        if (outcome.verdict !== 'accepted') return;
        const work = o.ledger.acceptedUnit(unitId);
        if (!work) return;
        this.learn(work.unit, work.result);
        this.plan();
        this.offerBest();
        const spot = o.spotChecks;
        if (spot && this.rollSpotCheck(unitId, spot)) {
          const check = this.spotCheck(work.unit, work.result).catch((err: unknown) =>
            o.log.warn('spot check could not run', { unit: unitId, error: String(err) }),
          );
          this.spotChecksUnderWay.add(check);
          void check.finally(() => this.spotChecksUnderWay.delete(check));
        }
      },
      log: o.log,
    });
    this.plan();
  }

  private readonly spotChecksUnderWay = new Set<Promise<unknown>>();
  /** Accepted units whose spot check was decided (run or not). */
  private readonly spotCheckRolled = new Set<string>();
  /** Spot checks run and those that contradicted an accepted result, since the pool started. */
  readonly spotCheckStats = { run: 0, failed: 0 };

  /** Resolves when the spot checks under way are done (a pool stopping, a test). */
  async settled(): Promise<void> {
    await Promise.all([...this.spotChecksUnderWay]);
  }

  /**
   * Whether to check this accepted unit: once per unit (a late agreeing replica reports it
   * accepted again), and never while a few checks are under way (they must not pile up faster
   * than one thread runs them; a unit accepted meanwhile goes unchecked).
   */
  private rollSpotCheck(unitId: string, spot: SpotChecks): boolean {
    if (this.spotCheckRolled.has(unitId)) return false;
    if (this.spotChecksUnderWay.size >= MAX_SPOT_CHECKS_UNDER_WAY) return false;
    // Only recent units can be reported again (a late replica comes within its lease): the
    // oldest entries go, so a long-running pool does not remember every unit it ever accepted.
    if (this.spotCheckRolled.size >= SPOT_CHECKS_REMEMBERED)
      this.spotCheckRolled.delete(this.spotCheckRolled.values().next().value!);
    this.spotCheckRolled.add(unitId);
    return (spot.random ?? Math.random)() < spot.rate;
  }

  private async spotCheck(unit: WorkUnit, accepted: WorkResult): Promise<void> {
    const own = await this.o.spotChecks!.run(unit);
    if (!own) return;
    this.spotCheckStats.run++;
    if (resultDigest(own) === resultDigest(accepted)) return;
    this.spotCheckStats.failed++;
    this.o.ledger.forfeit(unit.id);
    // What the unit taught the pool goes too: its best programs are learned again without it.
    this.searched.clear();
    this.checks.clear();
    for (const u of unit.kind === 'evaluate' ? unit.programs : []) this.sentForCheck.delete(u);
    for (const work of this.o.ledger.acceptedWork()) this.learn(work.unit, work.result);
  }

  private get checking(): boolean {
    return (this.o.checkTasks?.length ?? 0) > 0;
  }

  /** The pool's best programs by search score, best first, from the accepted evolve units. */
  best(limit = 10): ProgramScore[] {
    return this.searched.best(limit);
  }

  /** Programs by their mean score on the check tasks, best first, from accepted evaluate units. */
  checked(limit = 10): ProgramScore[] {
    return this.checks.best(limit);
  }

  /** Tops the leasable evolve units up to the plan, and sends new best programs to be checked. */
  plan(): void {
    const plan = this.o.plan ?? DEFAULT_PLAN;
    const open = this.o.ledger.leasableUnits('evolve', Date.now());
    if (open < plan.openUnits) this.addEvolveUnits(plan.openUnits - open);
    if (!this.checking) return;
    const fresh = this.best(plan.checkPrograms)
      .map((b) => b.program)
      .filter((p) => !this.sentForCheck.has(p));
    if (fresh.length === 0) return;
    for (const p of fresh) this.sentForCheck.add(p);
    this.add({
      kind: 'evaluate',
      id: this.nextId(),
      scope: this.o.terms.scope,
      programs: fresh,
      tasks: [...this.o.checkTasks!],
    });
  }

  /** Adds `count` evolve units from the pool's best programs (its seeds before any result). */
  private addEvolveUnits(count: number): void {
    const plan = this.o.plan ?? DEFAULT_PLAN;
    const best = this.best(plan.parents).map((b) => b.program);
    const parents = best.length > 0 ? best : [...this.o.seeds];
    for (let i = 0; i < count; i++)
      this.add({
        kind: 'evolve',
        id: this.nextId(),
        scope: this.o.terms.scope,
        parents,
        seed: this.o.ledger.unitTotal(),
        individuals: plan.individualsPerUnit,
        keep: plan.keep,
      });
  }

  private learn(unit: WorkUnit, result: WorkResult): void {
    if (result.kind === 'evolve') {
      for (const c of result.children) this.searched.offer(c.program, c.fitness);
    } else if (unit.kind === 'evaluate') {
      for (const [p, program] of unit.programs.entries()) {
        const scores = result.fitnesses[p] ?? [];
        if (scores.length > 0)
          this.checks.offer(program, scores.reduce((a, b) => a + b, 0) / scores.length);
      }
    }
  }

  private offerBest(): void {
    const best = this.checking ? this.checked(1)[0] : this.best(1)[0];
    if (!best) return;
    if (best.fitness > this.offered) {
      this.offered = best.fitness;
      this.o.log.info(this.checking ? 'new best checked program' : 'new best program', {
        fitness: best.fitness,
      });
    }
    this.o.onBest?.(best);
  }

  private nextId(): string {
    return unitId(this.o.terms.scope, this.o.ledger.unitTotal());
  }

  private add(unit: WorkUnit): void {
    // A unit's worth is counted in individuals of the search, scored on the search's tasks.
    this.o.ledger.addUnit(unit, this.o.terms.config.tasks.count, Date.now());
  }
}

/** Open evolve units a pool keeps at most, as a multiple of its plan's. */
const SPARE_UNITS_FACTOR = 4;

/** How many of the best programs the pool keeps in memory (it plans from the first few). */
const TOP_KEPT = 64;

/**
 * The best programs seen, by score (a program seen twice keeps its higher score), bounded: once
 * it holds twice its size it drops all but the best `size`. A pool's life brings millions of
 * children; only the best few ever become parents or claims.
 */
class TopPrograms {
  private readonly scores = new Map<string, number>();

  constructor(private readonly size: number) {}

  clear(): void {
    this.scores.clear();
  }

  offer(program: string, fitness: number): void {
    const known = this.scores.get(program);
    if (known !== undefined && known >= fitness) return;
    this.scores.set(program, fitness);
    if (this.scores.size < 2 * this.size) return;
    const keep = new Set(this.best(this.size).map((p) => p.program));
    for (const p of [...this.scores.keys()]) if (!keep.has(p)) this.scores.delete(p);
  }

  best(limit: number): ProgramScore[] {
    return ranked(this.scores, limit);
  }
}

function ranked(scores: ReadonlyMap<string, number>, limit: number): ProgramScore[] {
  return [...scores]
    .map(([program, fitness]) => ({ program, fitness }))
    .sort((a, b) => b.fitness - a.fitness || (a.program < b.program ? -1 : 1))
    .slice(0, limit);
}

/** Unit ids: numbered within the pool's scope, so two pools' ids never collide by accident. */
function unitId(scope: string, n: number): string {
  return bytesToHex(blake2b(utf8ToBytes(`${scope}/${n}`), { dkLen: 16 }));
}
