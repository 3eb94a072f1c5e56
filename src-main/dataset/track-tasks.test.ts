/**
 * A teacher track's task windows: search, selection and held-out tasks come from their own seed
 * ranges and never share a task; sizes follow the search config and the track. (CIFAR-10 tracks
 * delegate to loadTasks, tested with the real files in tasks.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { parseSearchConfig } from '../../shared/search/config';
import { TEACHER_REGRESSION } from '../../shared/protocol/track';
import { isTeacherTask, type TaskData } from '../../shared/task/types';
import { loadTrackHeldOutTasks, loadTrackTasks } from './track-tasks';

const seedsOf = (tasks: TaskData[]) =>
  tasks.map((t) => {
    if (!isTeacherTask(t.id)) throw new Error('not a teacher task');
    return t.id.seed;
  });

describe("a teacher track's tasks", () => {
  it('keep search, selection and held-out tasks apart, at the sizes asked for', async () => {
    const config = parseSearchConfig({
      tasks: { count: 10, firstSeed: 5, features: 16, train: 8000, valid: 200 },
    });
    const search = await loadTrackTasks(TEACHER_REGRESSION, config, 'search');
    const selection = await loadTrackTasks(TEACHER_REGRESSION, config, 'selection');
    const heldOut = await loadTrackHeldOutTasks(TEACHER_REGRESSION, 2);
    expect(seedsOf(search)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(seedsOf(selection)[0]).toBe(15);
    expect(selection).toHaveLength(20);
    expect(heldOut).toHaveLength(18);
    const all = [...seedsOf(search), ...seedsOf(selection), ...seedsOf(heldOut)];
    expect(new Set(all).size).toBe(all.length);
    // Training is capped at the track's hidden size; validation follows the config.
    expect(search[0]!.train.n).toBe(TEACHER_REGRESSION.hiddenTrain);
    expect(search[0]!.valid.n).toBe(200);
    expect(heldOut[0]!.test.n).toBe(TEACHER_REGRESSION.hiddenValid);
    expect(search.every((t) => t.metric === 'rms-error')).toBe(true);
  });

  it('refuse a window that runs past the search seeds', async () => {
    const config = parseSearchConfig({
      tasks: { count: 10, firstSeed: 995, features: 16, train: 100, valid: 100 },
    });
    await expect(loadTrackTasks(TEACHER_REGRESSION, config, 'search')).rejects.toThrow(
      /teacher seeds 995 to 1004 leave their range \(0 to 999\)/,
    );
  });
});
