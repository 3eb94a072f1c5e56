/**
 * What a pool checks in a miner's result before it counts as an answer at all. Agreement between
 * replicas proves only that they agree: a result naming a program the pool could not parse, or
 * one over the search's budget, must never reach the ledger, the population or a check unit, so
 * it is a wrong answer whoever else returned it.
 */
import { formatParseError, parseProgram, printProgram } from '../algorithm/dsl';
import { trainStepCost } from '../algorithm/cost';
import type { SearchConfig } from '../search/config';
import type { WorkResult, WorkUnit } from './units';

/** Why `result` cannot be an answer to `unit` under the pool's `config`, or null when it can. */
export function resultProblem(
  unit: WorkUnit,
  result: WorkResult,
  config: SearchConfig,
): string | null {
  if (result.unit !== unit.id || result.kind !== unit.kind)
    return `the result answers ${result.kind} unit ${result.unit}, not ${unit.kind} unit ${unit.id}`;
  if (result.kind === 'evaluate' && unit.kind === 'evaluate') {
    const rows = result.fitnesses;
    if (rows.length !== unit.programs.length || rows.some((r) => r.length !== unit.tasks.length))
      return `expected ${unit.programs.length} × ${unit.tasks.length} fitnesses`;
    return null;
  }
  if (result.kind === 'evolve' && unit.kind === 'evolve') {
    if (result.children.length > unit.keep)
      return `${result.children.length} children returned, the unit keeps ${unit.keep}`;
    for (const [i, child] of result.children.entries()) {
      const problem = programProblem(child.program, config);
      if (problem) return `child ${i}: ${problem}`;
    }
  }
  return null;
}

/** Why `text` is not a program this search could have produced, or null. */
export function programProblem(text: string, config: SearchConfig): string | null {
  const parsed = parseProgram(text, { shape: config.memory });
  if (!parsed.ok) return `does not parse: ${formatParseError(parsed.errors[0]!)}`;
  if (printProgram(parsed.program) !== text) return 'is not in canonical form';
  const cost = trainStepCost(parsed.program, config.tasks.features);
  if (cost > config.maxStepCost)
    return `training step costs ${cost}, the search allows at most ${config.maxStepCost}`;
  return null;
}
