/**
 * Worker threads that run pool units (src-worker/pool/unit.worker.ts): what a pool miner runs on
 * every thread, and what a pool runs its spot checks on. One place, so both run the same code.
 */
import { Piscina } from 'piscina';
import type { WorkResult, WorkUnit } from '../../shared/pool/units';
import type { SearchConfig } from '../../shared/search/config';
import type { TaskData } from '../../shared/task/types';
import type { UnitJobResult, UnitWorkerData } from '../../src-worker/pool/unit.worker';
import { shareTasks, workerEntry } from '../workers';

export interface UnitWorkers {
  /** Runs a unit on a free thread: its result, or why it could not run. */
  run(unit: WorkUnit): Promise<UnitJobResult>;
  close(): Promise<void>;
}

export function unitWorkers(
  config: SearchConfig,
  tasks: readonly TaskData[],
  threads: number,
): UnitWorkers {
  const worker = workerEntry('unit.worker', 'pool/unit.worker.ts');
  const data: UnitWorkerData = { config, tasks: shareTasks(tasks) };
  const pool = new Piscina({
    filename: worker.filename,
    execArgv: worker.execArgv,
    minThreads: threads,
    maxThreads: threads,
    workerData: data,
    // One runaway program cannot take the process down.
    resourceLimits: { maxOldGenerationSizeMb: 1024 },
  });
  return {
    run: async (unit) => (await pool.run(unit)) as UnitJobResult,
    close: () => pool.destroy(),
  };
}

/** A spot checker's runner: the unit's result, or null (logged by the caller) when it cannot run. */
export function spotCheckRunner(
  workers: UnitWorkers,
): (unit: WorkUnit) => Promise<WorkResult | null> {
  return async (unit) => {
    const outcome = await workers.run(unit);
    return outcome.ok ? outcome.result : null;
  };
}
