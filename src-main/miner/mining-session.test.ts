/**
 * MiningSession on real worker threads and real CIFAR-10 tasks (small ones): what it says it
 * resumes, that it saves, and that a save that fails is logged while the search goes on. The
 * CLI's `mine` (cli/mine-command.test.ts) and the app's Start (e2e) run the same session.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSearchConfig } from '../../shared/search/config';
import type { TaskData } from '../../shared/task/types';
import { REAL_DATA_TIMEOUT_MS, realCifar10Dir } from '../../tests/support/cifar-tasks';
import { loadSearchTasks } from '../dataset/tasks';
import { createLogger } from '../log/logger';
import { STATE_FILE } from '../search/store';
import { MiningSession, type MiningSessionOptions } from './mining-session';

const config = parseSearchConfig({
  populationSize: 20,
  tournamentSize: 4,
  tasks: { count: 2, firstSeed: 0, features: 16, train: 400, valid: 100 },
});

describe('MiningSession', () => {
  let tasks: TaskData[];
  beforeAll(async () => {
    tasks = await loadSearchTasks(config, { dir: await realCifar10Dir() });
  }, REAL_DATA_TIMEOUT_MS);

  function options(stateDir: string, fresh: boolean) {
    const said: string[] = [];
    const logged: string[] = [];
    const o: MiningSessionOptions = {
      config,
      tasks,
      stateDir,
      threads: 1,
      fresh,
      say: (line) => said.push(line),
      log: createLogger({ level: 'debug', format: 'json', write: (l) => logged.push(l) }),
      progressIntervalMs: 100,
    };
    return { o, said, logged };
  }

  /** Runs a session until it has made progress, then stops it. */
  async function runBriefly(session: MiningSession) {
    const running = session.run();
    while (session.search.progress().individuals < 40) await new Promise((r) => setTimeout(r, 50));
    await session.stop();
    return running;
  }

  it('saves the search it ran, and the next session resumes it', async () => {
    const stateDir = path.join(mkdtempSync(path.join(tmpdir(), 'sota-session-')), 'solo');
    const first = options(stateDir, false);
    const session = await MiningSession.prepare(first.o);
    expect(first.said[0]).toMatch(/^no saved search in .*: starting fresh$/);
    expect(first.said).toContain(session.plan.summary);
    const progress = await runBriefly(session);
    expect(progress.individuals).toBeGreaterThanOrEqual(40);
    expect(existsSync(path.join(stateDir, STATE_FILE))).toBe(true);

    const second = options(stateDir, false);
    await MiningSession.prepare(second.o);
    expect(second.said[0]).toMatch(/^resuming the search saved in/);
    // Fresh leaves the saved search alone until the first save.
    const fresh = options(stateDir, true);
    await MiningSession.prepare(fresh.o);
    expect(fresh.said[0]).toBe('starting a fresh search: the saved one is not continued');
  }, 120_000);

  it('logs a save that fails and lets the search finish', async () => {
    // A file where the state folder should be: every save fails (as on a full or read-only disk).
    const blocked = path.join(mkdtempSync(path.join(tmpdir(), 'sota-session-')), 'solo');
    writeFileSync(blocked, 'not a folder');
    const { o, logged } = options(blocked, true);
    const session = await MiningSession.prepare(o);
    const progress = await runBriefly(session);
    expect(progress.state).toBe('stopped');
    expect(logged.some((l) => l.includes('could not save the search state'))).toBe(true);
  }, 120_000);
});
