/**
 * A pool node (issue #7): plans the pool's search as work units and hands them to its miners
 * through the API (pool-api.ts), keeping the book in a WorkLedger.
 *
 * The pool's search is regularized evolution spread over units: each evolve unit starts from the
 * pool's best programs so far with its own seed and runs a fixed number of individuals; once its
 * replicas agree, its children join the pool's best. The best programs are derived from the
 * accepted results in the ledger, so a restarted pool picks up where it stopped.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { FastifyInstance } from 'fastify';
import type { EvolveUnit } from '../../shared/pool/units';
import type { Logger } from '../log/logger';
import type { PoolTerms } from '../../shared/pool/terms';
import { buildPoolApi } from './pool-api';
import type { WorkLedger } from './work-ledger';

export interface PoolPlan {
  /** Units kept open for miners to take. */
  readonly openUnits: number;
  /** Individuals per evolve unit (after its starting population). */
  readonly individualsPerUnit: number;
  /** Parents per unit: the pool's best programs. */
  readonly parents: number;
  /** Children each unit returns. */
  readonly keep: number;
}

export const DEFAULT_PLAN: PoolPlan = {
  openUnits: 8,
  individualsPerUnit: 2000,
  parents: 5,
  keep: 3,
};

export interface ProgramScore {
  readonly program: string;
  readonly fitness: number;
}

export class PoolNode {
  readonly api: FastifyInstance;

  constructor(
    private readonly o: {
      readonly terms: PoolTerms;
      readonly ledger: WorkLedger;
      /** Where the search starts (e.g. the genesis program) when nothing is accepted yet. */
      readonly seeds: readonly string[];
      readonly plan?: PoolPlan;
      readonly allowed: (hotkey: string) => boolean;
      /** Told of the pool's best program after every accepted result (to claim it, say). */
      readonly onBest?: (best: ProgramScore) => void;
      readonly log: Logger;
    },
  ) {
    if (o.seeds.length === 0) throw new RangeError('a pool needs at least one seed program');
    this.api = buildPoolApi({
      terms: o.terms,
      ledger: o.ledger,
      allowed: o.allowed,
      onResult: () => {
        this.plan();
        const best = this.best(1)[0];
        if (best) o.onBest?.(best);
      },
      log: o.log,
    });
    this.plan();
  }

  /** The pool's best programs, best first, from the accepted evolve units. */
  best(limit = 10): ProgramScore[] {
    const seen = new Map<string, number>();
    for (const r of this.o.ledger.acceptedResults()) {
      if (r.kind !== 'evolve') continue;
      for (const c of r.children)
        seen.set(c.program, Math.max(seen.get(c.program) ?? 0, c.fitness));
    }
    return [...seen]
      .map(([program, fitness]) => ({ program, fitness }))
      .sort((a, b) => b.fitness - a.fitness || (a.program < b.program ? -1 : 1))
      .slice(0, limit);
  }

  /** Tops the open units up to the plan. */
  plan(): void {
    const plan = this.o.plan ?? DEFAULT_PLAN;
    const { open } = this.o.ledger.unitCounts();
    if (open >= plan.openUnits) return;
    const best = this.best(plan.parents).map((b) => b.program);
    const parents = best.length > 0 ? best : [...this.o.seeds];
    for (let i = open; i < plan.openUnits; i++) {
      const n = this.o.ledger.unitTotal();
      const unit: EvolveUnit = {
        kind: 'evolve',
        id: unitId(this.o.terms.scope, n),
        scope: this.o.terms.scope,
        parents,
        seed: n,
        individuals: plan.individualsPerUnit,
        keep: plan.keep,
      };
      this.o.ledger.addUnit(unit, this.o.terms.tasks.length, Date.now());
    }
  }
}

/** Unit ids: numbered within the pool's scope, so two pools' ids never collide by accident. */
function unitId(scope: string, n: number): string {
  return bytesToHex(blake2b(utf8ToBytes(`${scope}/${n}`), { dkLen: 16 }));
}
