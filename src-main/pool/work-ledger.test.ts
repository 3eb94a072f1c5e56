import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WorkResult, WorkUnit } from '../../shared/pool/units';
import { BANNED_REPUTATION, MAX_LEASES_PER_MINER, MAX_REPLICAS, WorkLedger } from './work-ledger';

const LEASE_MS = 60_000;
const unitId = (n: number) => n.toString(16).padStart(32, '0');
/** An evaluate unit of 2 programs on all 10 tasks: worth 2 full-task individuals. */
const unit = (n: number): WorkUnit => ({
  kind: 'evaluate',
  id: unitId(n),
  scope: 'pool-scope',
  programs: ['p1', 'p2'],
  tasks: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
});
const honest = (n: number): WorkResult => ({
  kind: 'evaluate',
  unit: unitId(n),
  fitnesses: [[0.5], [0.71875]],
});
/** What a cheating miner returns: a fitness nudged up to make its programs look better. */
const altered = (n: number): WorkResult => ({
  kind: 'evaluate',
  unit: unitId(n),
  fitnesses: [[0.5], [0.75]],
});

function ledger(file = path.join(mkdtempSync(path.join(tmpdir(), 'pool-ledger-')), 'pool.db')) {
  const l = WorkLedger.open(file);
  l.addUnit(unit(1), 10, 0);
  return { l, file };
}

describe('WorkLedger', () => {
  it('accepts a unit when two of three agree; the dissenter earns nothing', () => {
    const { l } = ledger();
    for (const m of ['alice', 'bob', 'mallory'])
      expect(l.lease(m, 1, LEASE_MS)?.unit).toEqual(unit(1));
    // A fourth miner gets nothing: the unit has its three replicas in flight.
    expect(l.lease('dave', 1, LEASE_MS)).toBeNull();
    expect(l.submit('mallory', altered(1), 2)).toEqual({ status: 'recorded', verdict: 'pending' });
    expect(l.submit('alice', honest(1), 3)).toEqual({ status: 'recorded', verdict: 'pending' });
    expect(l.submit('bob', honest(1), 4)).toEqual({ status: 'recorded', verdict: 'accepted' });
    expect(l.acceptedUnit(unitId(1))).toEqual({ unit: unit(1), result: honest(1) });
    expect(l.shares()).toEqual(
      new Map([
        ['alice', 2000n],
        ['bob', 2000n],
      ]),
    );
    expect(l.account('mallory')).toMatchObject({ shares: 0n, reputation: -1, dissented: 1 });
    expect(l.account('alice')).toMatchObject({ reputation: 1, agreed: 1 });
  });

  it('leases a unit to one hotkey per owner, so one owner cannot agree with itself', () => {
    const { l } = ledger();
    expect(l.lease('mallory-1', 1, LEASE_MS, 'mallory')?.unit.id).toBe(unitId(1));
    // Mallory's second hotkey finds no unit it may take while the first holds a lease…
    expect(l.lease('mallory-2', 1, LEASE_MS, 'mallory')).toBeNull();
    expect(l.submit('mallory-1', altered(1), 2)).toEqual({
      status: 'recorded',
      verdict: 'pending',
    });
    // …nor after the first answered it.
    expect(l.lease('mallory-2', 3, LEASE_MS, 'mallory')).toBeNull();
    for (const m of ['alice', 'bob']) l.lease(m, 4, LEASE_MS, m);
    l.submit('alice', honest(1), 5);
    expect(l.submit('bob', honest(1), 6)).toEqual({ status: 'recorded', verdict: 'accepted' });
    expect(l.account('mallory-1')).toMatchObject({ shares: 0n, reputation: -1 });
  });

  it('refuses a result its check finds wrong: never stored, and it costs reputation', () => {
    const { l } = ledger();
    for (const m of ['alice', 'bob', 'mallory']) l.lease(m, 1, LEASE_MS);
    const check = (_: WorkUnit, r: WorkResult) =>
      r.kind === 'evaluate' && r.fitnesses[1]![0] === 0.75 ? 'fitness out of thin air' : null;
    expect(l.submit('mallory', altered(1), 2, check)).toEqual({
      status: 'refused',
      reason: 'fitness out of thin air',
    });
    expect(l.account('mallory')).toMatchObject({ reputation: -1, dissented: 1 });
    expect(l.submit('mallory', altered(1), 3, check)).toEqual({ status: 'not-leased' });
    l.submit('alice', honest(1), 4, check);
    expect(l.submit('bob', honest(1), 5, check)).toEqual({
      status: 'recorded',
      verdict: 'accepted',
    });
  });

  it('forfeits the shares of miners whose accepted result a spot check contradicts', () => {
    const { l } = ledger();
    l.addUnit(unit(2), 10, 0);
    for (const m of ['alice', 'bob', 'carol']) l.lease(m, 1, LEASE_MS);
    l.submit('alice', altered(1), 2);
    l.submit('bob', altered(1), 3);
    l.submit('carol', honest(1), 4);
    // Alice and Bob earn unit 1 before the check; Alice also earned honestly on unit 2.
    expect(l.acceptedUnit(unitId(1))?.result).toEqual(altered(1));
    expect(l.forfeit(unitId(1))).toEqual(['alice', 'bob']);
    expect(l.account('alice')).toMatchObject({ shares: 0n, reputation: BANNED_REPUTATION });
    expect(l.acceptedUnit(unitId(1))).toBeNull();
    expect([...l.acceptedWork()]).toEqual([]);
    expect(l.lease('alice', 5, LEASE_MS)).toBeNull();
    expect(l.account('carol').shares).toBe(0n);
    expect(l.forfeit(unitId(1))).toEqual([]);
  });

  it('refuses answers without a lease, and a second answer', () => {
    const { l } = ledger();
    expect(l.submit('alice', honest(1), 1)).toEqual({ status: 'not-leased' });
    l.lease('alice', 1, LEASE_MS);
    expect(l.submit('alice', honest(1), 2).status).toBe('recorded');
    expect(l.submit('alice', honest(1), 3)).toEqual({ status: 'duplicate' });
    expect(l.lease('alice', 4, LEASE_MS)).toBeNull(); // never the same unit twice
    expect(l.submit('alice', { ...honest(1), unit: unitId(9) }, 5)).toEqual({
      status: 'unknown-unit',
    });
  });

  it('reissues an expired lease, and a late answer earns nothing', () => {
    const { l } = ledger();
    for (const m of ['alice', 'bob', 'carol']) l.lease(m, 0, LEASE_MS);
    expect(l.lease('dave', LEASE_MS - 1, LEASE_MS)).toBeNull();
    // carol's lease runs out: her place goes to dave.
    l.submit('alice', honest(1), 10);
    expect(l.lease('dave', LEASE_MS, LEASE_MS)?.unit.id).toBe(unitId(1));
    expect(l.submit('carol', honest(1), LEASE_MS + 1)).toEqual({ status: 'late' });
    expect(l.submit('dave', honest(1), LEASE_MS + 2)).toEqual({
      status: 'recorded',
      verdict: 'accepted',
    });
    expect(l.account('carol')).toMatchObject({ shares: 0n, late: 1, reputation: -1 });
    expect(l.account('dave').shares).toBe(2000n);
  });

  it('credits a third agreeing answer after acceptance, and keeps credit across a restart', () => {
    const { l, file } = ledger();
    for (const m of ['alice', 'bob', 'carol']) l.lease(m, 0, LEASE_MS);
    l.submit('alice', honest(1), 1);
    l.submit('bob', honest(1), 2);
    expect(l.submit('carol', honest(1), 3)).toEqual({ status: 'recorded', verdict: 'accepted' });
    l.close();
    const again = WorkLedger.open(file);
    expect(again.shares()).toEqual(
      new Map([
        ['alice', 2000n],
        ['bob', 2000n],
        ['carol', 2000n],
      ]),
    );
    again.close();
  });

  it('opens a disputed unit to more miners, and fails it after MAX_REPLICAS', () => {
    const { l } = ledger();
    const answer = (m: string, x: number, t: number) => {
      expect(l.lease(m, t, LEASE_MS)).not.toBeNull();
      return l.submit(m, { kind: 'evaluate', unit: unitId(1), fitnesses: [[x], [x]] }, t);
    };
    answer('a', 0.1, 1);
    answer('b', 0.2, 2);
    answer('c', 0.3, 3); // three different answers: a fourth miner is let in
    expect(answer('d', 0.2, 4)).toEqual({ status: 'recorded', verdict: 'accepted' });
    expect(l.account('b').shares).toBe(2000n);
    expect(l.account('a')).toMatchObject({ shares: 0n, reputation: -1 });

    l.addUnit(unit(2), 10, 10);
    const miners = Array.from({ length: MAX_REPLICAS }, (_, i) => `m${i}`);
    for (const [i, m] of miners.entries()) {
      expect(l.lease(m, 20 + i, LEASE_MS)?.unit.id).toBe(unitId(2));
      l.submit(m, { kind: 'evaluate', unit: unitId(2), fitnesses: [[i / 10], [0]] }, 20 + i);
    }
    expect(l.lease('late-comer', 40, LEASE_MS)).toBeNull();
    expect(l.acceptedUnit(unitId(2))).toBeNull();
  });

  it('gives no more units to a miner whose reputation is spent', () => {
    const { l } = ledger();
    for (let n = 2; n < 2 - BANNED_REPUTATION + 2; n++) l.addUnit(unit(n), 10, n);
    for (let n = 1; n <= -BANNED_REPUTATION; n++) {
      const lease = l.lease('mallory', n * 10, LEASE_MS)!;
      l.lease('alice', n * 10, LEASE_MS);
      l.lease('bob', n * 10, LEASE_MS);
      l.submit('alice', honest(Number.parseInt(lease.unit.id, 16)), n * 10);
      l.submit('bob', honest(Number.parseInt(lease.unit.id, 16)), n * 10);
      l.submit('mallory', altered(Number.parseInt(lease.unit.id, 16)), n * 10);
    }
    expect(l.account('mallory').reputation).toBe(BANNED_REPUTATION);
    expect(l.lease('mallory', 1000, LEASE_MS)).toBeNull();
    expect(l.lease('alice', 1000, LEASE_MS)).not.toBeNull();
  });

  it('books a window from chain: its split, its origin, and the next window’s baseline', () => {
    const { l, file } = ledger();
    for (const m of ['alice', 'bob', 'mallory']) l.lease(m, 1, LEASE_MS);
    l.submit('alice', honest(1), 2);
    l.submit('bob', honest(1), 3);
    l.submit('mallory', altered(1), 4);
    expect(l.rewardState()).toBeNull();
    l.openRewards(100, 5_000n);
    l.openRewards(200, 9_999n); // opening twice keeps the first window
    l.noteHeld(150);
    l.noteHeld(160); // the first block the pool held the state of the art counts
    l.beginUnstake({ alpha: 700n, block: 170, txHash: '0xab' });
    expect(l.rewardState()).toEqual({
      openedBlock: 100,
      baselineAlpha: 5_000n,
      heldBlock: 150,
      unstaking: { alpha: 700n, block: 170, txHash: '0xab' },
    });

    const { window, fee, amounts } = l.closeWindow(1_001n, 500, 7, {
      block: 171,
      earnedAlpha: 700n,
      unstakeTx: '0xab',
      nextBaseline: 5_000n,
    });
    expect(fee).toBe(50n);
    expect(amounts).toEqual(
      new Map([
        ['alice', 476n],
        ['bob', 475n],
      ]),
    );
    // The next window opens at the unstake's block, from what the hotkey kept.
    expect(l.rewardState()).toEqual({
      openedBlock: 171,
      baselineAlpha: 5_000n,
      heldBlock: null,
      unstaking: null,
    });
    l.close();

    const again = WorkLedger.open(file);
    expect(again.windows()).toEqual([
      {
        id: window,
        closedAt: 7,
        block: 171,
        total: 1_001n,
        fee: 50n,
        feeBps: 500,
        earnedAlpha: 700n,
        unstakeTx: '0xab',
        shares: new Map([
          ['alice', 2000n],
          ['bob', 2000n],
        ]),
        amounts,
      },
    ]);
    expect(again.balances('alice')).toEqual({ pending: 476n, paid: 0n });
    // A transfer is booked before it is sent; refused, it is forgotten and sent again later.
    const { upTo } = again.payable().get('alice')!;
    again.beginPayout({ miner: 'alice', upTo, payee: 'alice-coldkey', txHash: '0xab', block: 9 });
    expect(again.payable().has('alice')).toBe(false);
    expect(again.pendingPayouts()).toEqual([{ txHash: '0xab', block: 9, miner: 'alice' }]);
    again.abandonPayout('0xab');
    expect(again.payable().get('alice')).toEqual({ amount: 476n, upTo });
    again.beginPayout({ miner: 'alice', upTo, payee: 'alice-coldkey', txHash: '0xcd', block: 9 });
    // A credit booked after the transfer was signed is not covered by it.
    again.addUnit(unit(2), 10, 8);
    for (const m of ['alice', 'bob']) again.lease(m, 8, LEASE_MS);
    for (const m of ['alice', 'bob']) again.submit(m, honest(2), 8);
    again.closeWindow(10n, 0, 8);
    again.markPaid('0xcd', 9);
    expect(again.pendingPayouts()).toEqual([]);
    expect(again.balances('alice')).toEqual({ pending: 5n, paid: 476n });
    expect(again.payable().get('alice')?.amount).toBe(5n);
    expect(again.payouts('alice')).toEqual([
      { window: window + 1, amount: 5n, payee: null, txHash: null, paidAt: null },
      { window, amount: 476n, payee: 'alice-coldkey', txHash: '0xcd', paidAt: 9 },
    ]);
    expect(again.balances('mallory')).toEqual({ pending: 0n, paid: 0n });
    again.close();
  });

  it('forgets an unstake that never reached a block, keeping the window open', () => {
    const { l } = ledger();
    l.openRewards(10, 0n);
    l.beginUnstake({ alpha: 5n, block: 20, txHash: '0x01' });
    l.abandonUnstake();
    expect(l.rewardState()).toMatchObject({ openedBlock: 10, baselineAlpha: 0n, unstaking: null });
  });

  it('holds a bounded number of leases per miner, and counts units that still take one', () => {
    const { l } = ledger();
    for (let n = 2; n <= MAX_LEASES_PER_MINER + 5; n++) l.addUnit(unit(n), 10, n);
    for (let i = 0; i < MAX_LEASES_PER_MINER; i++)
      expect(l.lease('hoarder', 100, LEASE_MS)).not.toBeNull();
    expect(l.lease('hoarder', 100, LEASE_MS)).toBeNull();
    // Expired, the leases free the hoarder and every unit's place.
    expect(l.lease('hoarder', 100 + LEASE_MS, LEASE_MS)).not.toBeNull();
    const total = MAX_LEASES_PER_MINER + 5;
    expect(l.leasableUnits('evaluate', 100)).toBe(total);
    // a and b join the hoarder on unit 1, which then has its three replicas; c goes to unit 2.
    expect(l.lease('a', 100, LEASE_MS)?.unit.id).toBe(unitId(1));
    expect(l.lease('b', 100, LEASE_MS)?.unit.id).toBe(unitId(1));
    expect(l.lease('c', 100, LEASE_MS)?.unit.id).toBe(unitId(2));
    expect(l.leasableUnits('evaluate', 100)).toBe(total - 1);
    expect(l.leasableUnits('evolve', 100)).toBe(0);
  });
});
