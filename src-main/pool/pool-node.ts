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
import type { WorkUnit } from '../../shared/pool/units';
import type { Logger } from '../log/logger';
import { buildPoolApi } from './pool-api';
import type { WorkLedger } from './work-ledger';

export interface PoolPlan {
  /** Evolve units kept open for miners to take. */
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

export interface ProgramScore {
  readonly program: string;
  readonly fitness: number;
}

export class PoolNode {
  readonly api: FastifyInstance;
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
      readonly allowed: (hotkey: string) => boolean;
      /**
       * Told of the pool's best program after every accepted result (to claim it, say): the best
       * checked one, with its check score, when there are check tasks.
       */
      readonly onBest?: (best: ProgramScore) => void;
      readonly log: Logger;
    },
  ) {
    if (o.seeds.length === 0) throw new RangeError('a pool needs at least one seed program');
    const searchTasks = o.terms.config.tasks.count;
    for (const t of o.checkTasks ?? [])
      if (t < searchTasks || t >= o.terms.tasks.length)
        throw new RangeError(`check task ${t} is not among the tasks after the search's own`);
    this.api = buildPoolApi({
      terms: o.terms,
      ledger: o.ledger,
      allowed: o.allowed,
      onResult: () => {
        this.plan();
        const best = this.checking ? this.checked()[0] : this.best(1)[0];
        if (!best) return;
        if (best.fitness > this.offered) {
          this.offered = best.fitness;
          o.log.info(this.checking ? 'new best checked program' : 'new best program', {
            fitness: best.fitness,
          });
        }
        o.onBest?.(best);
      },
      log: o.log,
    });
    this.plan();
  }

  private get checking(): boolean {
    return (this.o.checkTasks?.length ?? 0) > 0;
  }

  /** The pool's best programs by search score, best first, from the accepted evolve units. */
  best(limit = 10): ProgramScore[] {
    const seen = new Map<string, number>();
    for (const { result: r } of this.o.ledger.acceptedWork()) {
      if (r.kind !== 'evolve') continue;
      for (const c of r.children)
        seen.set(c.program, Math.max(seen.get(c.program) ?? 0, c.fitness));
    }
    return ranked(seen, limit);
  }

  /** Programs by their mean score on the check tasks, best first, from accepted evaluate units. */
  checked(limit = 10): ProgramScore[] {
    const seen = new Map<string, number>();
    for (const { unit, result } of this.o.ledger.acceptedWork()) {
      if (unit.kind !== 'evaluate' || result.kind !== 'evaluate') continue;
      for (const [p, program] of unit.programs.entries()) {
        const scores = result.fitnesses[p] ?? [];
        if (scores.length === 0) continue;
        seen.set(program, scores.reduce((a, b) => a + b, 0) / scores.length);
      }
    }
    return ranked(seen, limit);
  }

  /** Tops the open evolve units up to the plan, and sends new best programs to be checked. */
  plan(): void {
    const plan = this.o.plan ?? DEFAULT_PLAN;
    const open = this.o.ledger.openUnits('evolve');
    if (open < plan.openUnits) {
      const best = this.best(plan.parents).map((b) => b.program);
      const parents = best.length > 0 ? best : [...this.o.seeds];
      for (let i = open; i < plan.openUnits; i++)
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
    if (!this.checking) return;
    const sent = new Set(
      this.o.ledger.liveUnits('evaluate').flatMap((u) => (u.kind === 'evaluate' ? u.programs : [])),
    );
    const fresh = this.best(plan.checkPrograms)
      .map((b) => b.program)
      .filter((p) => !sent.has(p));
    if (fresh.length > 0)
      this.add({
        kind: 'evaluate',
        id: this.nextId(),
        scope: this.o.terms.scope,
        programs: fresh,
        tasks: [...this.o.checkTasks!],
      });
  }

  private nextId(): string {
    return unitId(this.o.terms.scope, this.o.ledger.unitTotal());
  }

  private add(unit: WorkUnit): void {
    // A unit's worth is counted in individuals of the search, scored on the search's tasks.
    this.o.ledger.addUnit(unit, this.o.terms.config.tasks.count, Date.now());
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
