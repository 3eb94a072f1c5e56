/**
 * Selection tasks: tasks of the search's pairs that the search never scores on (the projection
 * seeds right after its own), as AutoML-Zero's select_tasks. The search's best fitness is the
 * maximum of hundreds of thousands of noisy estimates on its 10 tasks, so it flatters the program
 * it picks: measured (issue #13), a 10-minute search from linear regression ended at 0.6534 on
 * its tasks (linear: 0.645) and 0.6825 held out (linear: 0.693). Which program a miner claims
 * with, and which of its best a run reports, is decided on these instead.
 */
import { searchTaskIds } from '../task/pairs';
import type { TaskId } from '../task/types';
import type { SearchConfig } from './config';

export const SELECTION_TASKS = 20;

/** The `count` tasks after the search's own window of projection seeds. */
export function selectionTaskIds(config: SearchConfig, count = SELECTION_TASKS): TaskId[] {
  return searchTaskIds(count, config.tasks.firstSeed + config.tasks.count);
}
