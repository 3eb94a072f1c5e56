/**
 * One mining run, as the CLI's `mine` and the desktop app's Start both run it: the saved search
 * continued (or left alone when fresh), the seeds chosen (seed-programs.ts: the record, the
 * person's files, the miner's own best), the search on its worker threads, saved every minute and
 * once more at the end, and in direct mode each new best program offered to the DirectMiner,
 * which decides whether it is worth a claim. Connecting to the network, showing progress and
 * stopping on a signal or a button stay with the caller.
 */
import type { SearchConfig } from '../../shared/search/config';
import { searchScope } from '../../shared/search/config';
import type { SearchProgress } from '../../shared/search/progress';
import type { TaskData } from '../../shared/task/types';
import type { Logger } from '../log/logger';
import { SearchOrchestrator } from '../search/orchestrator';
import { loadSearch, saveSearch } from '../search/store';
import type { DirectMiner } from './direct-miner';
import type { RecordSource } from './record-source';
import { chooseSeeds, type NamedProgram, type SeedPlan } from './seed-programs';

/** How often a running search is saved (a crash loses at most this much work). */
export const SAVE_EVERY_MS = 60_000;

export interface MiningSessionOptions {
  readonly config: SearchConfig;
  readonly tasks: readonly TaskData[];
  /** Where the search is saved and resumed from (the mode's folder of the data directory). */
  readonly stateDir: string;
  readonly threads: number;
  /** Default: one island per thread. */
  readonly islands?: number;
  /** Start a new search: the saved one is left alone now and replaced at the first save. */
  readonly fresh: boolean;
  /** Programs the person asked to start from (`--from`). */
  readonly files?: readonly NamedProgram[];
  /** Where the current record comes from (direct mining, `--from-network`). */
  readonly record?: RecordSource;
  /** Direct mining: offered the search's best program at every progress event. */
  readonly direct?: DirectMiner;
  /** Lines for the person: what is resumed and what the search evolves from. */
  readonly say: (line: string) => void;
  readonly log: Logger;
  readonly progressIntervalMs?: number;
  readonly onProgress?: (progress: SearchProgress) => void;
}

export class MiningSession {
  private constructor(
    readonly search: SearchOrchestrator,
    /** What the search evolves from (`summary` says it in plain words). */
    readonly plan: SeedPlan,
    private readonly o: MiningSessionOptions,
  ) {}

  /** Loads the saved search and chooses the seeds; the search is built, not started. */
  static async prepare(o: MiningSessionOptions): Promise<MiningSession> {
    const scope = searchScope(o.config);
    const loaded = o.fresh ? null : await loadSearch(o.stateDir, scope, o.config);
    o.say(loaded ? loaded.message : 'starting a fresh search: the saved one is not continued');
    const islands = o.islands ?? o.threads;
    const plan = await chooseSeeds({
      stateDir: o.stateDir,
      loaded,
      files: o.files,
      record: o.record,
      islands,
      config: o.config,
      tasks: o.tasks,
      log: o.log.child('seeds'),
    });
    if (o.direct && plan.record) o.direct.useTarget(plan.record.view);
    o.say(plan.summary);
    const search: SearchOrchestrator = new SearchOrchestrator({
      config: o.config,
      tasks: o.tasks,
      threads: o.threads,
      islands,
      scope,
      resume: plan.resume ?? undefined,
      seedPrograms: plan.programs,
      progressIntervalMs: o.progressIntervalMs,
      log: (line) => o.log.warn(line),
      onProgress: (p) => {
        o.onProgress?.(p);
        const best = search.snapshot().hallOfFame[0];
        if (o.direct && best) void o.direct.consider(best);
      },
    });
    return new MiningSession(search, plan, o);
  }

  private saving: Promise<void> = Promise.resolve();

  /** Saves the search now; one save at a time, and a failed one (disk full) is logged, not thrown. */
  save(): Promise<void> {
    const { stateDir, config } = this.o;
    this.saving = this.saving
      .then(() =>
        saveSearch(
          stateDir,
          searchScope(config),
          config,
          this.search.snapshot(),
          this.plan.standsOn,
        ),
      )
      .catch((err: unknown) =>
        this.o.log.warn('could not save the search state', {
          error: err instanceof Error ? err.message : String(err),
        }),
      );
    return this.saving;
  }

  /** Runs the search until it is stopped, saving it every minute; resolves after the last save. */
  async run(): Promise<SearchProgress> {
    const saver = setInterval(() => void this.save(), SAVE_EVERY_MS);
    try {
      await this.search.start();
    } finally {
      clearInterval(saver);
    }
    await this.save();
    return this.search.progress();
  }

  /** Asks the search to stop after the candidates under way; run() then saves and resolves. */
  stop(): Promise<void> {
    return this.search.stop();
  }
}
