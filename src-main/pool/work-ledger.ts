/**
 * The pool's book of work (issue #7): units, their leases to miners, the results that came back,
 * and what each miner has earned. One SQLite file (WAL), every method one transaction, so a pool
 * killed at any moment loses nothing it acknowledged, and a miner that disconnects loses nothing
 * already credited.
 *
 * The rules:
 * - A unit goes to distinct miners, each under a lease; a unit admits as many leases as it still
 *   needs replicas (3 by default). An expired lease frees its place for another miner.
 * - A result counts only from the miner holding an unexpired lease. A late result earns nothing
 *   and costs reputation; the miner's earlier credit stays.
 * - When enough identical results are in (shared/pool/agreement.ts), the unit is accepted: the
 *   miners who returned it earn the unit's shares and reputation, the others lose reputation. A
 *   result arriving after acceptance is compared with the accepted one the same way.
 * - Three different answers (a dispute) open the unit to more miners, up to MAX_REPLICAS; a unit
 *   still unresolved then fails, and nobody is paid for it.
 * - A miner whose reputation falls to BANNED_REPUTATION gets no more units.
 */
import type Database from 'better-sqlite3';
import { decide, DEFAULT_AGREEMENT, type AgreementRule } from '../../shared/pool/agreement';
import { splitReward } from '../../shared/pool/payout';
import {
  resultDigest,
  unitCost,
  WorkResultSchema,
  WorkUnitSchema,
  type WorkResult,
  type WorkUnit,
} from '../../shared/pool/units';
import { silentLogger, type Logger } from '../log/logger';
import { openSqlite, type Migration } from '../storage/sqlite';

export const MAX_REPLICAS = 7;
export const BANNED_REPUTATION = -5;
/** Units one miner may hold under lease at once (a machine runs one per thread). */
export const MAX_LEASES_PER_MINER = 64;
/** Shares are whole numbers: a unit worth one full-task individual earns this many. */
export const SHARES_PER_INDIVIDUAL = 1000;

const MIGRATIONS: readonly Migration[] = [
  (db) => {
    db.exec(`
      CREATE TABLE units (
        id TEXT PRIMARY KEY,
        json TEXT NOT NULL,
        shares INTEGER NOT NULL CHECK (shares >= 0),
        created_at INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('open', 'accepted', 'failed')),
        accepted_digest TEXT,
        accepted_json TEXT
      );
      CREATE INDEX units_open ON units (state, created_at);

      CREATE TABLE leases (
        unit TEXT NOT NULL REFERENCES units (id),
        miner TEXT NOT NULL,
        issued_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (unit, miner)
      ) WITHOUT ROWID;

      CREATE TABLE results (
        unit TEXT NOT NULL REFERENCES units (id),
        miner TEXT NOT NULL,
        digest TEXT NOT NULL,
        json TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (unit, miner)
      ) WITHOUT ROWID;

      CREATE TABLE nonces (
        hotkey TEXT NOT NULL,
        nonce TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (hotkey, nonce)
      ) WITHOUT ROWID;
      CREATE INDEX nonces_expiry ON nonces (expires_at);

      CREATE TABLE windows (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        closed_at INTEGER NOT NULL,
        total TEXT NOT NULL,
        fee TEXT NOT NULL,
        fee_bps INTEGER NOT NULL,
        shares_json TEXT NOT NULL
      );

      -- What each miner is owed or was paid, in RAO (decimal text: beyond 2^63 is not expected,
      -- but exactness is the point). tx_hash is set once the transfer is in a block.
      CREATE TABLE credits (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        window INTEGER NOT NULL REFERENCES windows (id),
        miner TEXT NOT NULL,
        amount TEXT NOT NULL,
        tx_hash TEXT,
        paid_at INTEGER
      );
      CREATE INDEX credits_miner ON credits (miner, tx_hash);

      CREATE TABLE miners (
        miner TEXT PRIMARY KEY,
        shares INTEGER NOT NULL DEFAULT 0,
        reputation INTEGER NOT NULL DEFAULT 0,
        agreed INTEGER NOT NULL DEFAULT 0,
        dissented INTEGER NOT NULL DEFAULT 0,
        late INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;
    `);
  },
  // Reward windows measured on chain (rewards.ts): what the pool's hotkey earned, the unstake
  // that turned it into TAO, and the window in progress.
  (db) => {
    db.exec(`
      ALTER TABLE windows ADD COLUMN block INTEGER;
      ALTER TABLE windows ADD COLUMN earned_alpha TEXT;
      ALTER TABLE windows ADD COLUMN unstake_tx TEXT;
      ALTER TABLE credits ADD COLUMN payee TEXT;

      CREATE TABLE reward_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        opened_block INTEGER NOT NULL,
        -- The pool hotkey's alpha when the window opened: what it earns is what comes on top.
        baseline_alpha TEXT NOT NULL,
        -- The first block of this window at which the pool's program held the state of the art.
        held_block INTEGER,
        -- An unstake sent but not yet booked: {alpha, block, txHash} (see rewards.ts, recovery).
        unstaking_json TEXT
      );
    `);
  },
  // Transfers booked before they are sent (payouts.ts): a lost answer is looked up, not resent.
  (db) => {
    db.exec(`
      -- A transfer signed and sent for this credit, its outcome not known yet, and its era's birth.
      ALTER TABLE credits ADD COLUMN pending_tx TEXT;
      ALTER TABLE credits ADD COLUMN pending_block INTEGER;
      CREATE INDEX credits_pending ON credits (pending_tx);
    `);
  },
  // Replicas of a unit go to distinct owners (coldkeys): two hotkeys of one person agreeing
  // proves nothing. NULL in rows written before: the miner's hotkey stands for its owner.
  (db) => {
    db.exec(`
      ALTER TABLE leases ADD COLUMN owner TEXT;
      ALTER TABLE results ADD COLUMN owner TEXT;
    `);
  },
];

/**
 * Whether an open unit `u` takes one more lease, the one rule for leasing and for planning: the
 * replicas it wants (the rule's, one more than answered while they disagree, at most
 * MAX_REPLICAS) exceed those answered plus those leased now. Parameters: @now, @replicas,
 * @maxReplicas.
 */
const TAKES_LEASE = `(
  (SELECT COUNT(*) FROM results r WHERE r.unit = u.id)
    + (SELECT COUNT(*) FROM leases l WHERE l.unit = u.id AND l.expires_at > @now)
  < MIN(@maxReplicas, MAX(@replicas, (SELECT COUNT(*) FROM results r WHERE r.unit = u.id) + 1))
)`;

export interface Lease {
  readonly unit: WorkUnit;
  /** ms since the epoch, the pool's clock. */
  readonly expiresAt: number;
}

export type SubmitOutcome =
  | { readonly status: 'unknown-unit' | 'not-leased' | 'duplicate' | 'late' | 'failed-unit' }
  /** Not an answer at all (see shared/pool/result-check.ts): a wrong one, costing reputation. */
  | { readonly status: 'refused'; readonly reason: string }
  | {
      readonly status: 'recorded';
      /**
       * pending: waiting for more replicas; accepted: this result is the accepted one; rejected:
       * it is not; failed: the unit's replicas never agreed, and it is given up.
       */
      readonly verdict: 'pending' | 'accepted' | 'rejected' | 'failed';
    };

export interface MinerAccount {
  readonly miner: string;
  readonly shares: bigint;
  readonly reputation: number;
  readonly agreed: number;
  readonly dissented: number;
  readonly late: number;
}

/** The reward window in progress (rewards.ts). Alpha amounts in the subnet's smallest unit. */
export interface RewardState {
  readonly openedBlock: number;
  readonly baselineAlpha: bigint;
  readonly heldBlock: number | null;
  readonly unstaking: PendingUnstake | null;
}

/** An unstake that was signed and sent; booked when it is found in a block. */
export interface PendingUnstake {
  readonly alpha: bigint;
  /** The head when it was sent: the search for it starts there. */
  readonly block: number;
  readonly txHash: string;
}

/** What a closed window's reward came from on chain. */
export interface WindowOrigin {
  /** The block of the unstake. */
  readonly block: number;
  readonly earnedAlpha: bigint;
  readonly unstakeTx: string;
  /** The hotkey's alpha left after the unstake: the next window's baseline. */
  readonly nextBaseline: bigint;
}

/** A closed window as the pool publishes it: anyone can recompute the split from it. */
export interface RewardWindow {
  readonly id: number;
  readonly closedAt: number;
  readonly block: number | null;
  readonly total: bigint;
  readonly fee: bigint;
  readonly feeBps: number;
  readonly earnedAlpha: bigint | null;
  readonly unstakeTx: string | null;
  readonly shares: ReadonlyMap<string, bigint>;
  readonly amounts: ReadonlyMap<string, bigint>;
}

export interface Payout {
  readonly window: number;
  readonly amount: bigint;
  /** The account the transfer went to (the coldkey that owns the miner's hotkey), once paid. */
  readonly payee: string | null;
  readonly txHash: string | null;
  readonly paidAt: number | null;
}

interface MinerRow {
  miner: string;
  shares: number | bigint;
  reputation: number;
  agreed: number;
  dissented: number;
  late: number;
}

interface UnitRow {
  id: string;
  json: string;
  shares: number;
  state: 'open' | 'accepted' | 'failed';
  accepted_digest: string | null;
}

export class WorkLedger {
  private constructor(
    private readonly db: Database.Database,
    private readonly rule: AgreementRule,
    private readonly log: Logger,
  ) {}

  static open(file: string, opts: { rule?: AgreementRule; log?: Logger } = {}): WorkLedger {
    const log = opts.log ?? silentLogger;
    const db = openSqlite(file, MIGRATIONS, 'pool ledger', log);
    return new WorkLedger(db, opts.rule ?? DEFAULT_AGREEMENT, log);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /**
   * Adds a unit to hand out; `taskCount` is how many tasks one individual of the pool's search is
   * scored on (a unit's worth is counted in such individuals).
   */
  addUnit(unit: WorkUnit, taskCount: number, now: number): void {
    const checked = WorkUnitSchema.parse(unit);
    const shares = Math.round(unitCost(checked, taskCount) * SHARES_PER_INDIVIDUAL);
    this.db
      .prepare(
        `INSERT INTO units (id, json, shares, created_at, state) VALUES (?, ?, ?, ?, 'open')`,
      )
      .run(checked.id, JSON.stringify(checked), shares, now);
  }

  /**
   * The oldest unit this miner may work on, leased to it until now + leaseMs; null when none.
   * `owner` is who controls the hotkey (its coldkey): a unit is never leased to a second hotkey
   * of an owner who holds a live lease on it or answered it.
   */
  lease(miner: string, now: number, leaseMs: number, owner: string = miner): Lease | null {
    return this.db.transaction((): Lease | null => {
      if (this.account(miner).reputation <= BANNED_REPUTATION) return null;
      // One miner holds a bounded number of units at once: leasing without answering cannot
      // make the pool plan without end (a lease runs out; its place goes to someone else).
      const held = this.count(
        'SELECT COUNT(*) FROM leases WHERE miner = ? AND expires_at > ?',
        miner,
        now,
      );
      if (held >= MAX_LEASES_PER_MINER) return null;
      const unit = this.db
        .prepare(
          `SELECT id, json FROM units u
           WHERE state = 'open'
             AND id NOT IN (SELECT unit FROM leases WHERE miner = @miner
                              OR (owner = @owner AND expires_at > @now))
             AND id NOT IN (SELECT unit FROM results WHERE miner = @miner
                              OR COALESCE(owner, miner) = @owner)
             AND ${TAKES_LEASE}
           ORDER BY created_at, id LIMIT 1`,
        )
        .get({ miner, owner, ...this.leaseParams(now) }) as
        { id: string; json: string } | undefined;
      if (unit) {
        const expiresAt = now + leaseMs;
        this.db
          .prepare(
            `INSERT OR REPLACE INTO leases (unit, miner, issued_at, expires_at, owner)
             VALUES (?, ?, ?, ?, ?)`,
          )
          .run(unit.id, miner, now, expiresAt, owner);
        return { unit: WorkUnitSchema.parse(JSON.parse(unit.json)), expiresAt };
      }
      return null;
    })();
  }

  /**
   * Records a miner's result for a unit it leased, and settles the unit when it can. A result
   * `check` finds a problem with is refused: never stored, so it cannot join an agreement.
   */
  submit(
    miner: string,
    result: WorkResult,
    now: number,
    check?: (unit: WorkUnit, result: WorkResult) => string | null,
  ): SubmitOutcome {
    const checked = WorkResultSchema.parse(result);
    return this.db.transaction((): SubmitOutcome => {
      const unit = this.db
        .prepare('SELECT id, json, shares, state, accepted_digest FROM units WHERE id = ?')
        .get(checked.unit) as UnitRow | undefined;
      if (!unit) return { status: 'unknown-unit' };
      const lease = this.db
        .prepare('SELECT expires_at, owner FROM leases WHERE unit = ? AND miner = ?')
        .get(unit.id, miner) as { expires_at: number; owner: string | null } | undefined;
      if (!lease) {
        const answered = this.db
          .prepare('SELECT 1 FROM results WHERE unit = ? AND miner = ?')
          .get(unit.id, miner);
        return { status: answered ? 'duplicate' : 'not-leased' };
      }
      this.db.prepare('DELETE FROM leases WHERE unit = ? AND miner = ?').run(unit.id, miner);
      if (lease.expires_at <= now) {
        this.bump(miner, { reputation: -1, late: 1 });
        this.log.info('late result', { unit: unit.id, miner });
        return { status: 'late' };
      }
      if (unit.state === 'failed') return { status: 'failed-unit' };
      const problem = check?.(WorkUnitSchema.parse(JSON.parse(unit.json)), checked) ?? null;
      if (problem) {
        this.bump(miner, { reputation: -1, dissented: 1 });
        this.log.warn('result refused', { unit: unit.id, miner, reason: problem.slice(0, 200) });
        return { status: 'refused', reason: problem };
      }
      const digest = resultDigest(checked);
      this.db
        .prepare(
          `INSERT INTO results (unit, miner, digest, json, received_at, owner)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(unit.id, miner, digest, JSON.stringify(checked), now, lease.owner ?? miner);

      if (unit.state === 'accepted') {
        const agrees = digest === unit.accepted_digest;
        this.settle(unit, agrees ? [miner] : [], agrees ? [] : [miner]);
        return { status: 'recorded', verdict: agrees ? 'accepted' : 'rejected' };
      }
      const replicas = this.db
        .prepare(
          `SELECT miner, digest, COALESCE(owner, miner) AS owner FROM results WHERE unit = ?
           ORDER BY received_at, miner`,
        )
        .all(unit.id) as Array<{ miner: string; digest: string; owner: string }>;
      const decision = decide(replicas, this.rule);
      if (decision.state === 'accepted') {
        this.db
          .prepare(
            `UPDATE units SET state = 'accepted', accepted_digest = ?, accepted_json = ? WHERE id = ?`,
          )
          .run(decision.digest, JSON.stringify(checked), unit.id);
        this.settle(unit, decision.agreeing, decision.dissenters);
        this.log.info('unit accepted', {
          unit: unit.id,
          agreeing: decision.agreeing.length,
          dissenting: decision.dissenters.length,
        });
        return {
          status: 'recorded',
          verdict: decision.agreeing.includes(miner) ? 'accepted' : 'rejected',
        };
      }
      if (decision.state === 'disputed' && replicas.length >= MAX_REPLICAS) {
        this.db.prepare(`UPDATE units SET state = 'failed' WHERE id = ?`).run(unit.id);
        this.log.warn('unit failed: no agreement', { unit: unit.id, replicas: replicas.length });
        return { status: 'recorded', verdict: 'failed' };
      }
      return { status: 'recorded', verdict: 'pending' };
    })();
  }

  /** A unit and its accepted result, or null while it is not accepted. */
  acceptedUnit(unitId: string): { unit: WorkUnit; result: WorkResult } | null {
    const row = this.db
      .prepare(`SELECT json, accepted_json FROM units WHERE id = ? AND state = 'accepted'`)
      .get(unitId) as { json: string; accepted_json: string } | undefined;
    return row
      ? {
          unit: WorkUnitSchema.parse(JSON.parse(row.json)),
          result: WorkResultSchema.parse(JSON.parse(row.accepted_json)),
        }
      : null;
  }

  /** A miner's standing; shares are read as bigint (they can outgrow 2^53 over a pool's life). */
  account(miner: string): MinerAccount {
    const row = this.db
      .prepare('SELECT * FROM miners WHERE miner = ?')
      .safeIntegers(true)
      .get(miner) as MinerRow | undefined;
    if (!row) return { miner, shares: 0n, reputation: 0, agreed: 0, dissented: 0, late: 0 };
    return {
      miner,
      shares: BigInt(row.shares),
      reputation: Number(row.reputation),
      agreed: Number(row.agreed),
      dissented: Number(row.dissented),
      late: Number(row.late),
    };
  }

  /** Every miner's shares, for splitReward (shared/pool/payout.ts). */
  shares(): Map<string, bigint> {
    const rows = this.db
      .prepare('SELECT miner, shares FROM miners WHERE shares > 0 ORDER BY miner')
      .safeIntegers(true)
      .all() as Array<{ miner: string; shares: bigint }>;
    return new Map(rows.map((r) => [r.miner, r.shares]));
  }

  /**
   * Closes a reward window: splits `total` RAO by the current share table (fee first, exact to
   * the RAO: shared/pool/payout.ts), books each miner's credit and starts the next window with
   * every share at zero. Returns the window's id and split.
   */
  closeWindow(
    total: bigint,
    feeBps: number,
    now: number,
    origin?: WindowOrigin,
  ): { window: number; fee: bigint; amounts: Map<string, bigint> } {
    return this.db.transaction(() => {
      const shares = this.shares();
      const { fee, amounts } = splitReward({ total, shares, feeBps });
      const window = Number(
        this.db
          .prepare(
            `INSERT INTO windows (closed_at, total, fee, fee_bps, shares_json, block, earned_alpha, unstake_tx)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            now,
            total.toString(),
            fee.toString(),
            feeBps,
            JSON.stringify(Object.fromEntries([...shares].map(([m, v]) => [m, v.toString()]))),
            origin?.block ?? null,
            origin?.earnedAlpha.toString() ?? null,
            origin?.unstakeTx ?? null,
          ).lastInsertRowid,
      );
      // The window's reward is booked: the next one starts from what the hotkey holds now.
      if (origin)
        this.db
          .prepare(
            `UPDATE reward_state SET opened_block = ?, baseline_alpha = ?, held_block = NULL,
               unstaking_json = NULL WHERE id = 1`,
          )
          .run(origin.block, origin.nextBaseline.toString());
      const credit = this.db.prepare(
        'INSERT INTO credits (window, miner, amount) VALUES (?, ?, ?)',
      );
      for (const [miner, amount] of amounts) credit.run(window, miner, amount.toString());
      this.db.prepare('UPDATE miners SET shares = 0').run();
      this.log.info('reward window closed', {
        window,
        total: total.toString(),
        fee: fee.toString(),
      });
      return { window, fee, amounts: new Map(amounts) };
    })();
  }

  /** Unpaid credits summed per miner (what a payout would send), miners in address order. */
  unpaid(): Map<string, bigint> {
    const rows = this.db
      .prepare('SELECT miner, amount FROM credits WHERE tx_hash IS NULL ORDER BY miner, id')
      .all() as Array<{ miner: string; amount: string }>;
    const out = new Map<string, bigint>();
    for (const r of rows) out.set(r.miner, (out.get(r.miner) ?? 0n) + BigInt(r.amount));
    return out;
  }

  /**
   * What can be sent now, per miner: unpaid credits with no transfer in flight, summed, and the
   * newest credit's id (the transfer covers the credits up to it).
   */
  payable(): Map<string, { amount: bigint; upTo: number }> {
    const rows = this.db
      .prepare(
        `SELECT id, miner, amount FROM credits WHERE tx_hash IS NULL AND pending_tx IS NULL
         ORDER BY miner, id`,
      )
      .all() as Array<{ id: number; miner: string; amount: string }>;
    const out = new Map<string, { amount: bigint; upTo: number }>();
    for (const r of rows) {
      const prev = out.get(r.miner);
      out.set(r.miner, { amount: (prev?.amount ?? 0n) + BigInt(r.amount), upTo: r.id });
    }
    return out;
  }

  /**
   * Books a transfer to `payee` for `miner`'s credits up to `upTo`, before it is sent: if the pool
   * dies or loses its answer, the transfer is looked for (pendingPayouts) instead of sent again.
   */
  beginPayout(p: { miner: string; upTo: number; payee: string; txHash: string; block: number }) {
    this.db
      .prepare(
        `UPDATE credits SET pending_tx = ?, pending_block = ?, payee = ?
         WHERE miner = ? AND id <= ? AND tx_hash IS NULL AND pending_tx IS NULL`,
      )
      .run(p.txHash, p.block, p.payee, p.miner, p.upTo);
  }

  /** Transfers sent and not yet settled: where to look for each. */
  pendingPayouts(): Array<{ txHash: string; block: number; miner: string }> {
    return this.db
      .prepare(
        `SELECT pending_tx AS txHash, MIN(pending_block) AS block, miner FROM credits
         WHERE pending_tx IS NOT NULL GROUP BY pending_tx, miner`,
      )
      .all() as Array<{ txHash: string; block: number; miner: string }>;
  }

  /** The transfer `txHash` is in a block: its credits are paid. */
  markPaid(txHash: string, now: number): void {
    this.db
      .prepare(
        `UPDATE credits SET tx_hash = pending_tx, paid_at = ?, pending_tx = NULL, pending_block = NULL
         WHERE pending_tx = ?`,
      )
      .run(now, txHash);
  }

  /** The transfer `txHash` was refused, failed, or can no longer be included: pay again later. */
  abandonPayout(txHash: string): void {
    this.db
      .prepare(
        'UPDATE credits SET pending_tx = NULL, pending_block = NULL, payee = NULL WHERE pending_tx = ?',
      )
      .run(txHash);
  }

  /** A miner's payout history, newest first: window, amount and the transfer that paid it. */
  payouts(miner: string, limit = 100): Payout[] {
    const rows = this.db
      .prepare(
        `SELECT window, amount, payee, tx_hash, paid_at FROM credits WHERE miner = ?
         ORDER BY id DESC LIMIT ?`,
      )
      .all(miner, limit) as Array<{
      window: number;
      amount: string;
      payee: string | null;
      tx_hash: string | null;
      paid_at: number | null;
    }>;
    return rows.map((r) => ({
      window: r.window,
      amount: BigInt(r.amount),
      payee: r.payee,
      txHash: r.tx_hash,
      paidAt: r.paid_at,
    }));
  }

  /** What a miner is owed and was paid, in RAO, over the pool's whole life. */
  balances(miner: string): { pending: bigint; paid: bigint } {
    const rows = this.db
      .prepare('SELECT amount, tx_hash FROM credits WHERE miner = ?')
      .all(miner) as Array<{ amount: string; tx_hash: string | null }>;
    let pending = 0n;
    let paid = 0n;
    for (const r of rows) {
      if (r.tx_hash === null) pending += BigInt(r.amount);
      else paid += BigInt(r.amount);
    }
    return { pending, paid };
  }

  /**
   * RAO credited to all miners over the pool's life, paid and pending, as floating-point sums
   * (for metrics: a miner's own figures, exact, come from balances()).
   */
  payoutTotals(): { paid: number; pending: number } {
    const rows = this.db
      .prepare(
        `SELECT tx_hash IS NULL AS pending, SUM(CAST(amount AS REAL)) AS total FROM credits
         GROUP BY tx_hash IS NULL`,
      )
      .all() as Array<{ pending: number; total: number }>;
    const totals = { paid: 0, pending: 0 };
    for (const r of rows) totals[r.pending ? 'pending' : 'paid'] = r.total;
    return totals;
  }

  /** Closed windows, newest first, with each one's share table and split. */
  windows(limit = 20): RewardWindow[] {
    const rows = this.db
      .prepare(
        `SELECT id, closed_at, block, total, fee, fee_bps, earned_alpha, unstake_tx, shares_json
         FROM windows ORDER BY id DESC LIMIT ?`,
      )
      .all(limit) as Array<{
      id: number;
      closed_at: number;
      block: number | null;
      total: string;
      fee: string;
      fee_bps: number;
      earned_alpha: string | null;
      unstake_tx: string | null;
      shares_json: string;
    }>;
    const credits = this.db.prepare('SELECT miner, amount FROM credits WHERE window = ?');
    return rows.map((r) => ({
      id: r.id,
      closedAt: r.closed_at,
      block: r.block,
      total: BigInt(r.total),
      fee: BigInt(r.fee),
      feeBps: r.fee_bps,
      earnedAlpha: r.earned_alpha === null ? null : BigInt(r.earned_alpha),
      unstakeTx: r.unstake_tx,
      shares: new Map(
        Object.entries(JSON.parse(r.shares_json) as Record<string, string>).map(([m, v]) => [
          m,
          BigInt(v),
        ]),
      ),
      amounts: new Map(
        (credits.all(r.id) as Array<{ miner: string; amount: string }>).map((c) => [
          c.miner,
          BigInt(c.amount),
        ]),
      ),
    }));
  }

  /** The reward window in progress, or null before the pool first measured its hotkey. */
  rewardState(): RewardState | null {
    const row = this.db
      .prepare(
        'SELECT opened_block, baseline_alpha, held_block, unstaking_json FROM reward_state WHERE id = 1',
      )
      .get() as
      | {
          opened_block: number;
          baseline_alpha: string;
          held_block: number | null;
          unstaking_json: string | null;
        }
      | undefined;
    if (!row) return null;
    const u = row.unstaking_json
      ? (JSON.parse(row.unstaking_json) as { alpha: string; block: number; txHash: string })
      : null;
    return {
      openedBlock: row.opened_block,
      baselineAlpha: BigInt(row.baseline_alpha),
      heldBlock: row.held_block,
      unstaking: u ? { alpha: BigInt(u.alpha), block: u.block, txHash: u.txHash } : null,
    };
  }

  /** Opens the first reward window: the hotkey's alpha now is not the miners' (the operator's stake). */
  openRewards(block: number, baselineAlpha: bigint): void {
    this.db
      .prepare(
        'INSERT OR IGNORE INTO reward_state (id, opened_block, baseline_alpha) VALUES (1, ?, ?)',
      )
      .run(block, baselineAlpha.toString());
  }

  /** Notes that the pool held the state of the art at `block` (the first such block counts). */
  noteHeld(block: number): void {
    this.db
      .prepare('UPDATE reward_state SET held_block = ? WHERE id = 1 AND held_block IS NULL')
      .run(block);
  }

  /** Records an unstake about to be sent, before it is: a crash then cannot lose its TAO. */
  beginUnstake(u: PendingUnstake): void {
    this.db
      .prepare('UPDATE reward_state SET unstaking_json = ? WHERE id = 1')
      .run(JSON.stringify({ alpha: u.alpha.toString(), block: u.block, txHash: u.txHash }));
  }

  /** Forgets an unstake that never reached a block (its alpha is still staked and still counts). */
  abandonUnstake(): void {
    this.db.prepare('UPDATE reward_state SET unstaking_json = NULL WHERE id = 1').run();
  }

  /** Replay protection for signed requests (NonceStore): false when the nonce was used. */
  rememberNonce(hotkey: string, nonce: string, expiresAt: number): boolean {
    this.db.prepare('DELETE FROM nonces WHERE expires_at <= ?').run(Date.now());
    return (
      this.db
        .prepare('INSERT OR IGNORE INTO nonces (hotkey, nonce, expires_at) VALUES (?, ?, ?)')
        .run(hotkey, nonce, expiresAt).changes === 1
    );
  }

  /**
   * Every accepted unit with its result, oldest first (what the pool has learned from its
   * miners), read one row at a time: a pool's life holds millions of them.
   */
  *acceptedWork(): Generator<{ unit: WorkUnit; result: WorkResult }> {
    const rows = this.db
      .prepare(
        `SELECT json, accepted_json FROM units WHERE state = 'accepted' ORDER BY created_at, id`,
      )
      .iterate() as IterableIterator<{ json: string; accepted_json: string }>;
    for (const r of rows)
      yield {
        unit: WorkUnitSchema.parse(JSON.parse(r.json)),
        result: WorkResultSchema.parse(JSON.parse(r.accepted_json)),
      };
  }

  /** Units of a kind still open or accepted (a failed unit may be planned again). */
  liveUnits(kind: WorkUnit['kind']): WorkUnit[] {
    const rows = this.db
      .prepare(
        `SELECT json FROM units WHERE state IN ('open', 'accepted') AND json_extract(json, '$.kind') = ?
         ORDER BY created_at, id`,
      )
      .pluck()
      .all(kind) as string[];
    return rows.map((json) => WorkUnitSchema.parse(JSON.parse(json)));
  }

  /**
   * Open units of a kind that still take a lease (replicas wanted beyond those answered and
   * leased): the pool tops these up to its plan, so that every miner asking finds work.
   */
  leasableUnits(kind: WorkUnit['kind'], now: number): number {
    const n = this.db
      .prepare(
        `SELECT COUNT(*) FROM units u
         WHERE u.state = 'open' AND json_extract(u.json, '$.kind') = @kind AND ${TAKES_LEASE}`,
      )
      .pluck()
      .get({ kind, ...this.leaseParams(now) });
    return Number(n);
  }

  /** Open units of a kind, leased or not (the pool bounds how many it keeps). */
  openUnits(kind: WorkUnit['kind']): number {
    return this.count(
      `SELECT COUNT(*) FROM units WHERE state = 'open' AND json_extract(json, '$.kind') = ?`,
      kind,
    );
  }

  /** A unit and its state (null for an unknown id). */
  unit(unitId: string): { unit: WorkUnit; state: UnitRow['state'] } | null {
    const row = this.db.prepare('SELECT json, state FROM units WHERE id = ?').get(unitId) as
      { json: string; state: UnitRow['state'] } | undefined;
    return row ? { unit: WorkUnitSchema.parse(JSON.parse(row.json)), state: row.state } : null;
  }

  /**
   * A spot check (the pool running an accepted unit itself) found another result: the miners
   * who agreed on the accepted one lose their shares of the window in progress and are banned,
   * and the unit fails, so its result is never learned from again. Returns those miners.
   */
  forfeit(unitId: string): string[] {
    return this.db.transaction((): string[] => {
      const unit = this.db
        .prepare(`SELECT accepted_digest FROM units WHERE id = ? AND state = 'accepted'`)
        .get(unitId) as { accepted_digest: string } | undefined;
      if (!unit) return [];
      const miners = this.db
        .prepare('SELECT miner FROM results WHERE unit = ? AND digest = ? ORDER BY miner')
        .pluck()
        .all(unitId, unit.accepted_digest) as string[];
      this.db.prepare(`UPDATE units SET state = 'failed' WHERE id = ?`).run(unitId);
      for (const m of miners) {
        this.bump(m, { dissented: 1 });
        this.db
          .prepare('UPDATE miners SET shares = 0, reputation = MIN(reputation, ?) WHERE miner = ?')
          .run(BANNED_REPUTATION, m);
      }
      this.log.warn('spot check failed: shares forfeited, miners banned', {
        unit: unitId,
        miners,
      });
      return miners;
    })();
  }

  /** How many units were ever added (numbers the next one). */
  unitTotal(): number {
    return this.count('SELECT COUNT(*) FROM units');
  }

  /** Units by state, for the pool's own planning and its status page. */
  unitCounts(): { open: number; accepted: number; failed: number } {
    const rows = this.db
      .prepare('SELECT state, COUNT(*) AS n FROM units GROUP BY state')
      .all() as Array<{
      state: 'open' | 'accepted' | 'failed';
      n: number;
    }>;
    const counts = { open: 0, accepted: 0, failed: 0 };
    for (const r of rows) counts[r.state] = r.n;
    return counts;
  }

  /** The parameters of TAKES_LEASE. */
  private leaseParams(now: number): { now: number; replicas: number; maxReplicas: number } {
    return { now, replicas: this.rule.replicas, maxReplicas: MAX_REPLICAS };
  }

  private count(sql: string, ...params: unknown[]): number {
    return Number(
      (this.db
        .prepare(sql)
        .pluck()
        .get(...params) as number | bigint) ?? 0,
    );
  }

  private settle(unit: UnitRow, agreeing: readonly string[], dissenting: readonly string[]): void {
    for (const m of agreeing) this.bump(m, { shares: unit.shares, reputation: 1, agreed: 1 });
    for (const m of dissenting) this.bump(m, { reputation: -1, dissented: 1 });
  }

  private bump(
    miner: string,
    d: { shares?: number; reputation?: number; agreed?: number; dissented?: number; late?: number },
  ): void {
    this.db
      .prepare(
        `INSERT INTO miners (miner, shares, reputation, agreed, dissented, late)
         VALUES (@miner, @shares, @reputation, @agreed, @dissented, @late)
         ON CONFLICT (miner) DO UPDATE SET
           shares = shares + excluded.shares,
           reputation = reputation + excluded.reputation,
           agreed = agreed + excluded.agreed,
           dissented = dissented + excluded.dissented,
           late = late + excluded.late`,
      )
      .run({
        miner,
        shares: d.shares ?? 0,
        reputation: d.reputation ?? 0,
        agreed: d.agreed ?? 0,
        dissented: d.dissented ?? 0,
        late: d.late ?? 0,
      });
  }
}
