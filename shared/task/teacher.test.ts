import { describe, expect, it } from 'vitest';
import { TEACHER_SEED_RANGES, buildTeacherTask, teacherTaskIds } from './teacher';

const SMALL = { features: 16, train: 20, valid: 10, test: 10 };

describe('teacher regression tasks', () => {
  it('are fixed by their id: the same arrays on every build, pinned to the values of the first release', () => {
    const a = buildTeacherTask({ teacher: 'linear', seed: 0 }, SMALL);
    const b = buildTeacherTask({ teacher: 'linear', seed: 0 }, SMALL);
    expect(b).toEqual(a);
    expect(a.metric).toBe('rms-error');
    // A change here changes every regression track's tasks: give the track a new id instead.
    expect(a.train.x[0]).toBe(1.092206600616319);
    expect(a.train.y[0]).toBe(-0.1545658081401573);
    const n = buildTeacherTask({ teacher: 'nonlinear', seed: 0 }, SMALL);
    expect(n.train.x[0]).toBe(-1.5217363057852906);
    expect(n.train.y[0]).toBe(-0.0629862846282597);
  });

  it('differ between seeds and between families', () => {
    const base = buildTeacherTask({ teacher: 'linear', seed: 1 }, SMALL);
    expect(buildTeacherTask({ teacher: 'linear', seed: 2 }, SMALL).train.x).not.toEqual(
      base.train.x,
    );
    expect(buildTeacherTask({ teacher: 'nonlinear', seed: 1 }, SMALL).train.y).not.toEqual(
      base.train.y,
    );
  });

  it('label every example with its teacher: a linear teacher is recovered exactly by least squares', () => {
    const F = 4;
    const t = buildTeacherTask({ teacher: 'linear', seed: 5 }, { features: F, train: 8, valid: 4 });
    // Solve for w from the first F examples (Gaussian inputs: invertible), then check the others.
    const A = Array.from({ length: F }, (_, i) => Array.from(t.train.x.subarray(i * F, i * F + F)));
    const w = solve(A, Array.from(t.train.y.subarray(0, F)));
    for (let i = F; i < 8; i++) {
      const predicted = w.reduce((s, wj, j) => s + wj * t.train.x[i * F + j]!, 0);
      expect(predicted).toBeCloseTo(t.train.y[i]!, 9);
    }
    for (let i = 0; i < 4; i++) {
      const predicted = w.reduce((s, wj, j) => s + wj * t.valid.x[i * F + j]!, 0);
      expect(predicted).toBeCloseTo(t.valid.y[i]!, 9);
    }
  });

  it('have labels of about unit variance over many teachers', () => {
    for (const teacher of ['linear', 'nonlinear'] as const) {
      let sum = 0;
      let squares = 0;
      let n = 0;
      for (const id of teacherTaskIds(teacher, 0, 40)) {
        for (const y of buildTeacherTask(id, { train: 200, valid: 0, test: 0 }).train.y) {
          sum += y;
          squares += y * y;
          n++;
        }
      }
      const variance = squares / n - (sum / n) ** 2;
      expect(variance).toBeGreaterThan(0.7);
      expect(variance).toBeLessThan(1.3);
    }
  });

  it('keep search, held-out and hidden seeds apart', () => {
    const ranges = Object.values(TEACHER_SEED_RANGES).sort((a, b) => a.first - b.first);
    for (let i = 1; i < ranges.length; i++)
      expect(ranges[i]!.first).toBeGreaterThanOrEqual(ranges[i - 1]!.first + ranges[i - 1]!.count);
    const last = ranges[ranges.length - 1]!;
    expect(last.first + last.count).toBeLessThanOrEqual(2 ** 31);
  });

  it('refuse a bad feature size, size, seed or teacher with a message naming it', () => {
    expect(() => buildTeacherTask({ teacher: 'linear', seed: 0 }, { features: 5 })).toThrow(
      /features must be an even integer/,
    );
    expect(() => buildTeacherTask({ teacher: 'linear', seed: 0 }, { train: -1 })).toThrow(/train/);
    expect(() => buildTeacherTask({ teacher: 'linear', seed: -3 })).toThrow(/seed/);
    expect(() => buildTeacherTask({ teacher: 'quadratic' as 'linear', seed: 0 }, SMALL)).toThrow(
      /unknown teacher quadratic/,
    );
  });
});

/** Gaussian elimination with partial pivoting: A w = b. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  return M.map((row, i) => row[n]! / row[i]!);
}
