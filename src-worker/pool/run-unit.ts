/**
 * Runs a pool work unit (shared/pool/units.ts) on this thread, deterministically: the result
 * depends on the unit, the search configuration and the tasks only, never on the machine, the
 * thread or what ran before. That is what lets a pool compare replicas byte for byte:
 * - evaluate: every program on every listed task, scored as claims and validators score: the
 *   training-cost budget first, then the fixed random stream of evalSeed (the search's own
 *   evaluations may draw fresh values); no functional-equivalence cache, whose answers depend on
 *   history;
 * - evolve: a fresh island seeded by the unit (its own random stream, its own empty cache), started
 *   from the parents, run for exactly the unit's individuals on the search's tasks (the first
 *   config.tasks.count of the pool's list; any after them are the pool's check tasks).
 */
import { trainStepCost } from '../../shared/algorithm/cost';
import { parseProgramOrThrow, printProgram } from '../../shared/algorithm/dsl';
import { programProblem } from '../../shared/pool/result-check';
import type { Program } from '../../shared/algorithm/program';
import type { EvaluateResult, EvolveResult, WorkResult, WorkUnit } from '../../shared/pool/units';
import { Rng, mixSeeds } from '../../shared/random/rng';
import type { SearchConfig } from '../../shared/search/config';
import type { TaskData } from '../../shared/task/types';
import type { Engine } from '../eval/engine';
import { evaluateOnTask } from '../eval/evaluate';
import { runBatch, type Individual } from '../search/island';
import { SearchEvaluator } from '../search/search-evaluator';

/** Mixed into an evolve unit's seed: its stream differs from any island's of the same number. */
const POOL_STREAM = 0x706f6f6c;

export class UnitError extends Error {
  override readonly name = 'UnitError';
}

function parse(text: string, what: string): Program {
  try {
    return parseProgramOrThrow(text);
  } catch (err) {
    throw new UnitError(`${what} is not a valid program: ${(err as Error).message}`);
  }
}

function evaluate(
  unit: Extract<WorkUnit, { kind: 'evaluate' }>,
  config: SearchConfig,
  tasks: readonly TaskData[],
  engine: Engine,
): EvaluateResult {
  for (const t of unit.tasks)
    if (t >= tasks.length) throw new UnitError(`task ${t} is not among the ${tasks.length} tasks`);
  const settings = { seed: config.evalSeed, trainExamples: config.tasks.train };
  const fitnesses = unit.programs.map((text, p) => {
    const program = parse(text, `program ${p}`);
    if (trainStepCost(program, engine.layout.F) > config.maxStepCost)
      return unit.tasks.map(() => 0);
    const runner = engine.prepare(program);
    return unit.tasks.map((t) => evaluateOnTask(engine, runner, tasks[t]!, settings).fitness);
  });
  return { kind: 'evaluate', unit: unit.id, fitnesses };
}

function evolve(
  unit: Extract<WorkUnit, { kind: 'evolve' }>,
  config: SearchConfig,
  tasks: readonly TaskData[],
  engine: Engine,
): EvolveResult {
  const parents = unit.parents.map((text, i) => parse(text, `parent ${i}`));
  const rng = new Rng(mixSeeds(unit.seed, POOL_STREAM));
  const island = { id: 0, population: [], rng: Array.from(rng.state), individuals: 0 };
  // The search's own tasks lead the pool's list; check tasks after them are for evaluate units.
  const evaluator = new SearchEvaluator(engine, tasks.slice(0, config.tasks.count), config);
  const batch = runBatch(
    island,
    config,
    evaluator,
    { maxIndividuals: config.populationSize + unit.individuals, deadline: Infinity },
    { seeds: parents },
  );
  // Best first; a stable sort keeps equally fit children in age order (oldest first).
  const ranked: Individual[] = [...batch.state.population].sort((a, b) => b.fitness - a.fitness);
  const seen = new Set<string>();
  const children: EvolveResult['children'] = [];
  for (const ind of ranked) {
    const text = printProgram(ind.program);
    if (seen.has(text)) continue;
    seen.add(text);
    // The pool refuses a result naming a program over the search's budget (result-check.ts);
    // such individuals stay in the population with fitness 0 and are never returned.
    if (programProblem(text, config)) continue;
    children.push({ program: text, fitness: ind.fitness });
    if (children.length === unit.keep) break;
  }
  return { kind: 'evolve', unit: unit.id, children, evaluated: batch.stats.individuals };
}

/** Runs `unit` against the pool's configuration and tasks; UnitError for a unit it cannot run. */
export function runUnit(
  unit: WorkUnit,
  config: SearchConfig,
  tasks: readonly TaskData[],
  engine: Engine,
): WorkResult {
  return unit.kind === 'evaluate'
    ? evaluate(unit, config, tasks, engine)
    : evolve(unit, config, tasks, engine);
}
