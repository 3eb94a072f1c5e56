/**
 * Test support: booking agreed work in a WorkLedger without running it, for the tests of what
 * comes after agreement (windows, payouts). Used by the pool's tests only.
 */
import type { WorkResult, WorkUnit } from '../../shared/pool/units';
import type { WorkLedger } from '../../src-main/pool/work-ledger';

export const unitId = (n: number): string => n.toString(16).padStart(32, '0');

/** Unit n: one program on all 10 tasks, worth one full-task individual. */
export const oneProgramUnit = (n: number): WorkUnit => ({
  kind: 'evaluate',
  id: unitId(n),
  scope: 's',
  programs: ['p'],
  tasks: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
});

/** An answer to unit n: the one honest miners agree on (0.6), or another. */
export const oneProgramResult = (n: number, fitness = 0.6): WorkResult => ({
  kind: 'evaluate',
  unit: unitId(n),
  fitnesses: [[fitness]],
});

/**
 * Adds unit n at time n and has each miner lease and answer it: the honest answer, or for the
 * miners in `cheats` an altered one. Two honest miners accept it; they earn its shares.
 */
export function bookUnit(
  ledger: WorkLedger,
  n: number,
  miners: readonly string[],
  cheats: ReadonlySet<string> = new Set(),
): void {
  ledger.addUnit(oneProgramUnit(n), 10, n);
  for (const m of miners) ledger.lease(m, n, 60_000);
  for (const m of miners) ledger.submit(m, oneProgramResult(n, cheats.has(m) ? 0.9 : 0.6), n + 1);
}
