/**
 * The validator's durable storage: one SQLite file in WAL mode. Every write is committed before the
 * method returns, so a validator killed at any moment and restarted loses nothing it acknowledged
 * (synchronous=NORMAL in WAL mode can lose the last commits on power loss, never on a process
 * crash, and never corrupts the file).
 *
 * The API is synchronous (better-sqlite3): the node writes a few rows a second at most, and
 * synchronous calls keep each multi-step write one transaction with no interleaving.
 *
 * A file that is not a usable database is reported and left where it is: it may hold the only
 * copy of receipts the operator wants back.
 */
import type Database from 'better-sqlite3';
import { SignedReceiptSchema, type SignedReceipt } from '../../shared/protocol/receipt';
import { silentLogger, type Logger } from '../log/logger';
import { openSqlite, type Migration } from '../storage/sqlite';

export const SUBMISSION_STATUSES = ['pending', 'judged', 'refused'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

export interface SubmissionRow {
  readonly digest: string;
  readonly miner: string;
  readonly track: string;
  /** The program in the AutoML-Zero text format. */
  readonly program: string;
  readonly commitmentBlock: number;
  /** Functional fingerprint (behaviour on probe inputs); null until computed. */
  readonly fingerprint: string | null;
  /** ms since the epoch, this validator's clock. */
  readonly receivedAt: number;
  readonly round: number;
  readonly status: SubmissionStatus;
  readonly reason: string | null;
}

export type NewSubmission = Omit<SubmissionRow, 'status' | 'reason'>;

export interface PriorityClaim {
  readonly digest: string;
  readonly miner: string;
  readonly commitmentBlock: number;
}

export interface SotaRow {
  readonly track: string;
  readonly digest: string;
  readonly miner: string;
  readonly program: string;
  readonly commitmentBlock: number;
  /** ms since the epoch when this validator saw the quorum. */
  readonly becameAt: number;
  /** Chain block at which the quorum was seen. */
  readonly block: number;
  /** Share of the weights the holder receives. */
  readonly share: number;
  readonly challengerScore: number;
  readonly holderScore: number;
}

export interface WeightsRow {
  readonly block: number;
  readonly uids: readonly number[];
  readonly weights: readonly number[];
  /** Which policy produced them (e.g. "winner", "burn"); free text for the log and dashboard. */
  readonly mode: string;
  /** ms since the epoch. */
  readonly at: number;
}

export type AuditOutcome = 'ok' | 'mismatch' | 'unrevealed';

/** What this validator found of a peer's finished rounds. */
export interface PeerAgreement {
  readonly validator: string;
  /** Submissions (against the same holder) both judged with the same verdict. */
  readonly agreed: number;
  readonly disagreed: number;
}

export interface ValidatorStanding {
  readonly validator: string;
  readonly ok: number;
  readonly mismatch: number;
  readonly unrevealed: number;
}

export interface RevealedRound {
  readonly round: number;
  readonly secretHex: string;
}

/**
 * Schema history: migration i takes user_version i to i + 1. Append, never edit: files written by
 * earlier builds are brought forward by running the tail of this list.
 */
const MIGRATIONS: readonly Migration[] = [
  (db) => {
    db.exec(`
      CREATE TABLE nonces (
        hotkey TEXT NOT NULL,
        nonce TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (hotkey, nonce)
      ) WITHOUT ROWID;
      CREATE INDEX nonces_expiry ON nonces (expires_at);

      CREATE TABLE submissions (
        digest TEXT NOT NULL,
        miner TEXT NOT NULL,
        track TEXT NOT NULL,
        program TEXT NOT NULL,
        commitment_block INTEGER NOT NULL,
        fingerprint TEXT,
        received_at INTEGER NOT NULL,
        round INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'judged', 'refused')),
        reason TEXT,
        PRIMARY KEY (digest, miner)
      );
      CREATE INDEX submissions_status ON submissions (status, commitment_block, received_at);
      CREATE INDEX submissions_miner ON submissions (miner, received_at);
      CREATE INDEX submissions_fingerprint
        ON submissions (fingerprint, commitment_block, received_at)
        WHERE fingerprint IS NOT NULL;

      CREATE TABLE receipts (
        validator TEXT NOT NULL,
        digest TEXT NOT NULL,
        holder_digest TEXT NOT NULL,
        miner TEXT NOT NULL,
        verdict TEXT NOT NULL CHECK (verdict IN ('accept', 'reject')),
        round INTEGER NOT NULL,
        issued_at INTEGER NOT NULL,
        json TEXT NOT NULL,
        PRIMARY KEY (validator, digest, holder_digest)
      );
      CREATE INDEX receipts_digest ON receipts (digest, holder_digest);
      CREATE INDEX receipts_miner ON receipts (miner, issued_at);
      CREATE INDEX receipts_issued ON receipts (issued_at);

      CREATE TABLE sota (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        track TEXT NOT NULL,
        digest TEXT NOT NULL,
        miner TEXT NOT NULL,
        program TEXT NOT NULL,
        commitment_block INTEGER NOT NULL,
        became_at INTEGER NOT NULL,
        block INTEGER NOT NULL,
        share REAL NOT NULL,
        challenger_score REAL NOT NULL,
        holder_score REAL NOT NULL
      );
      CREATE INDEX sota_track ON sota (track, id);

      CREATE TABLE rounds (
        round INTEGER PRIMARY KEY,
        secret_hex TEXT NOT NULL
      );

      CREATE TABLE weights (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        block INTEGER NOT NULL,
        uids TEXT NOT NULL,
        weights TEXT NOT NULL,
        mode TEXT NOT NULL,
        at INTEGER NOT NULL
      );

      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },
  // Receipt quotas count a validator's receipts per round; peers page by (issued_at, rowid).
  (db) => {
    db.exec(`CREATE INDEX receipts_validator_round ON receipts (validator, round);`);
  },
  // Audits of peers' finished rounds: does the secret they reveal match their receipts?
  (db) => {
    db.exec(`
      CREATE TABLE round_audits (
        validator TEXT NOT NULL,
        round INTEGER NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'mismatch', 'unrevealed')),
        at INTEGER NOT NULL,
        PRIMARY KEY (validator, round)
      ) WITHOUT ROWID;
    `);
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Largest page receiptsPage() returns. */
export const MAX_RECEIPT_PAGE = 1000;

/**
 * Where a peer's paging through this store's receipts stands: after the receipt issued at
 * `issuedAt` with row number `seq`. Stable: receipts sharing a timestamp are told apart by their
 * row, so a page never grows past its limit and none is skipped.
 */
export interface ReceiptCursor {
  readonly issuedAt: number;
  readonly seq: number;
}

export interface ReceiptPage {
  readonly receipts: SignedReceipt[];
  /** Where the next page starts; null when this page was the last. */
  readonly next: ReceiptCursor | null;
}

// --- boundary checks: the store refuses what it could not give back faithfully ---

function checkText(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${name} must be a non-empty string`);
  }
  return value;
}

/** Non-negative safe integer: blocks, rounds, ms timestamps. */
function checkCount(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

function checkFinite(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number, got ${String(value)}`);
  }
  return value;
}

function checkStatus(value: unknown): SubmissionStatus {
  if (!(SUBMISSION_STATUSES as readonly unknown[]).includes(value)) {
    throw new RangeError(
      `status must be one of ${SUBMISSION_STATUSES.join(', ')}, got ${String(value)}`,
    );
  }
  return value as SubmissionStatus;
}

// --- raw row shapes as SQLite returns them ---

interface SubmissionRecord {
  digest: string;
  miner: string;
  track: string;
  program: string;
  commitment_block: number;
  fingerprint: string | null;
  received_at: number;
  round: number;
  status: SubmissionStatus;
  reason: string | null;
}

interface SotaRecord {
  track: string;
  digest: string;
  miner: string;
  program: string;
  commitment_block: number;
  became_at: number;
  block: number;
  share: number;
  challenger_score: number;
  holder_score: number;
}

interface WeightsRecord {
  block: number;
  uids: string;
  weights: string;
  mode: string;
  at: number;
}

const toSubmission = (r: SubmissionRecord): SubmissionRow => ({
  digest: r.digest,
  miner: r.miner,
  track: r.track,
  program: r.program,
  commitmentBlock: r.commitment_block,
  fingerprint: r.fingerprint,
  receivedAt: r.received_at,
  round: r.round,
  status: r.status,
  reason: r.reason,
});

const toSota = (r: SotaRecord): SotaRow => ({
  track: r.track,
  digest: r.digest,
  miner: r.miner,
  program: r.program,
  commitmentBlock: r.commitment_block,
  becameAt: r.became_at,
  block: r.block,
  share: r.share,
  challengerScore: r.challenger_score,
  holderScore: r.holder_score,
});

/** Receipts were validated against the schema when stored; the JSON is ours. */
const toReceipt = (r: { json: string }): SignedReceipt => JSON.parse(r.json) as SignedReceipt;

const toWeightsRow = (r: WeightsRecord): WeightsRow => ({
  block: r.block,
  uids: JSON.parse(r.uids) as number[],
  weights: JSON.parse(r.weights) as number[],
  mode: r.mode,
  at: r.at,
});

const SUBMISSION_COLUMNS =
  'digest, miner, track, program, commitment_block, fingerprint, received_at, round, status, reason';
const SOTA_COLUMNS =
  'track, digest, miner, program, commitment_block, became_at, block, share, challenger_score, holder_score';

/** Prepares every statement once: better-sqlite3 statements are reusable and cheap to run. */
function prepare(db: Database.Database) {
  return {
    rememberNonce: db.prepare<[string, string, number]>(
      'INSERT OR IGNORE INTO nonces (hotkey, nonce, expires_at) VALUES (?, ?, ?)',
    ),
    pruneNonces: db.prepare<[number]>('DELETE FROM nonces WHERE expires_at <= ?'),

    addSubmission: db.prepare<
      [string, string, string, string, number, string | null, number, number]
    >(
      `INSERT OR IGNORE INTO submissions (${SUBMISSION_COLUMNS})
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', NULL)`,
    ),
    submission: db.prepare<[string, string], SubmissionRecord>(
      `SELECT ${SUBMISSION_COLUMNS} FROM submissions WHERE digest = ? AND miner = ?`,
    ),
    pendingSubmissions: db.prepare<[number], SubmissionRecord>(
      `SELECT ${SUBMISSION_COLUMNS} FROM submissions WHERE status = 'pending'
       ORDER BY commitment_block, received_at, rowid LIMIT ?`,
    ),
    setSubmissionStatus: db.prepare<[SubmissionStatus, string | null, string, string]>(
      'UPDATE submissions SET status = ?, reason = ? WHERE digest = ? AND miner = ?',
    ),
    submissionsByMiner: db.prepare<[string, number], SubmissionRecord>(
      `SELECT ${SUBMISSION_COLUMNS} FROM submissions WHERE miner = ?
       ORDER BY received_at DESC, rowid DESC LIMIT ?`,
    ),
    countRecentSubmissions: db.prepare<[string, number], { n: number }>(
      'SELECT count(*) AS n FROM submissions WHERE miner = ? AND received_at >= ?',
    ),
    earliestClaim: db.prepare<[string], PriorityClaim>(
      `SELECT digest, miner, commitment_block AS commitmentBlock FROM submissions
       WHERE fingerprint = ? AND status != 'refused'
       ORDER BY commitment_block, received_at, rowid LIMIT 1`,
    ),

    addReceipt: db.prepare<[string, string, string, string, string, number, number, string]>(
      `INSERT INTO receipts (validator, digest, holder_digest, miner, verdict, round, issued_at, json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (validator, digest, holder_digest) DO UPDATE SET
         miner = excluded.miner, verdict = excluded.verdict, round = excluded.round,
         issued_at = excluded.issued_at, json = excluded.json
       WHERE excluded.issued_at > receipts.issued_at`,
    ),
    receiptsFor: db.prepare<[string], { json: string }>(
      'SELECT json FROM receipts WHERE digest = ? ORDER BY issued_at, validator, holder_digest',
    ),
    receiptsForHolder: db.prepare<[string, string], { json: string }>(
      `SELECT json FROM receipts WHERE digest = ? AND holder_digest = ?
       ORDER BY issued_at, validator`,
    ),
    receiptsByMiner: db.prepare<[string, number], { json: string }>(
      `SELECT json FROM receipts WHERE miner = ?
       ORDER BY issued_at DESC, validator, digest, holder_digest LIMIT ?`,
    ),
    receipt: db.prepare<[string, string], { json: string }>(
      `SELECT json FROM receipts WHERE validator = ? AND digest = ?
       ORDER BY issued_at DESC, holder_digest LIMIT 1`,
    ),
    receiptsPage: db.prepare<
      [number, number, number],
      { json: string; issued_at: number; seq: number }
    >(
      `SELECT json, issued_at, rowid AS seq FROM receipts WHERE (issued_at, rowid) > (?, ?)
       ORDER BY issued_at, rowid LIMIT ?`,
    ),
    countReceiptsInRound: db.prepare<[string, number], { n: number }>(
      'SELECT COUNT(*) AS n FROM receipts WHERE validator = ? AND round = ?',
    ),
    holdersJudged: db.prepare<[string, string], { n: number }>(
      'SELECT COUNT(*) AS n FROM receipts WHERE validator = ? AND digest = ?',
    ),
    acceptedAgainst: db.prepare<[string], { digest: string }>(
      `SELECT DISTINCT digest FROM receipts WHERE holder_digest = ? AND verdict = 'accept'`,
    ),
    countUnknownInRound: db.prepare<[string, number], { n: number }>(
      `SELECT COUNT(*) AS n FROM receipts r WHERE validator = ? AND round = ?
         AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.digest = r.digest)
         AND NOT EXISTS (SELECT 1 FROM sota h WHERE h.digest = r.digest)`,
    ),
    roundsToAudit: db.prepare<[number, string, number], { validator: string; round: number }>(
      `SELECT DISTINCT validator, round FROM receipts r
       WHERE round < ? AND validator IN (SELECT value FROM json_each(?))
         AND NOT EXISTS (SELECT 1 FROM round_audits a
                         WHERE a.validator = r.validator AND a.round = r.round)
       ORDER BY round, validator LIMIT ?`,
    ),
    commitmentsOf: db.prepare<[string, number], { c: string }>(
      `SELECT DISTINCT json_extract(json, '$.receipt.taskSeedCommitment') AS c FROM receipts
       WHERE validator = ? AND round = ?`,
    ),
    recordAudit: db.prepare<[string, number, string, number]>(
      `INSERT OR REPLACE INTO round_audits (validator, round, outcome, at) VALUES (?, ?, ?, ?)`,
    ),
    standings: db.prepare<[], ValidatorStanding>(
      `SELECT validator,
              SUM(outcome = 'ok') AS ok,
              SUM(outcome = 'mismatch') AS mismatch,
              SUM(outcome = 'unrevealed') AS unrevealed
       FROM round_audits GROUP BY validator ORDER BY validator`,
    ),
    hasReceipt: db.prepare<[string, string, string], { n: number }>(
      'SELECT COUNT(*) AS n FROM receipts WHERE validator = ? AND digest = ? AND holder_digest = ?',
    ),
    knowsDigest: db.prepare<[string, string], { n: number }>(
      `SELECT (EXISTS (SELECT 1 FROM submissions WHERE digest = ?)
            OR EXISTS (SELECT 1 FROM sota WHERE digest = ?)) AS n`,
    ),

    currentSota: db.prepare<[string], SotaRecord>(
      `SELECT ${SOTA_COLUMNS} FROM sota WHERE track = ? ORDER BY id DESC LIMIT 1`,
    ),
    sotaHistory: db.prepare<[string], SotaRecord>(
      `SELECT ${SOTA_COLUMNS} FROM sota WHERE track = ? ORDER BY id`,
    ),
    recordSota: db.prepare<
      [string, string, string, string, number, number, number, number, number, number]
    >(`INSERT INTO sota (${SOTA_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),

    revealRound: db.prepare<[number, string]>(
      'INSERT OR IGNORE INTO rounds (round, secret_hex) VALUES (?, ?)',
    ),
    revealedRound: db.prepare<[number], { secretHex: string }>(
      'SELECT secret_hex AS secretHex FROM rounds WHERE round = ?',
    ),
    revealedRounds: db.prepare<[], RevealedRound>(
      'SELECT round, secret_hex AS secretHex FROM rounds ORDER BY round',
    ),

    recordWeights: db.prepare<[number, string, string, string, number]>(
      'INSERT INTO weights (block, uids, weights, mode, at) VALUES (?, ?, ?, ?, ?)',
    ),
    lastWeights: db.prepare<[], WeightsRecord>(
      'SELECT block, uids, weights, mode, at FROM weights ORDER BY id DESC LIMIT 1',
    ),
    recentWeights: db.prepare<[number], WeightsRecord>(
      'SELECT block, uids, weights, mode, at FROM weights ORDER BY id DESC LIMIT ?',
    ),
    receiptsByValidator: db.prepare<[string, number], { json: string }>(
      `SELECT json FROM receipts WHERE validator = ?
       ORDER BY issued_at DESC, digest, holder_digest LIMIT ?`,
    ),
    // Per peer: on how many (program, holder) pairs both judged, how often their verdicts agree.
    agreement: db.prepare<[string], PeerAgreement>(
      `SELECT p.validator AS validator,
              SUM(p.verdict = s.verdict) AS agreed,
              SUM(p.verdict <> s.verdict) AS disagreed
       FROM receipts s
       JOIN receipts p ON p.digest = s.digest AND p.holder_digest = s.holder_digest
                      AND p.validator <> s.validator
       WHERE s.validator = ?
       GROUP BY p.validator ORDER BY p.validator`,
    ),

    getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare<[string, string]>(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
  };
}

/** Brings the file to SCHEMA_VERSION in one transaction; refuses a file from a newer build. */
export class ValidatorStore {
  private readonly stmt: ReturnType<typeof prepare>;

  private constructor(
    private readonly db: Database.Database,
    /** Path of the database file, for messages. */
    readonly file: string,
  ) {
    this.stmt = prepare(db);
  }

  /**
   * Opens (creating if needed) the store at `file`. Throws an Error naming the file when it is not
   * a SQLite database, is damaged, or was written by a newer build; the file is left untouched.
   */
  static open(file: string, log: Logger = silentLogger): ValidatorStore {
    const db = openSqlite(file, MIGRATIONS, 'validator store', log);
    log.info('validator store opened', { file, schema: MIGRATIONS.length });
    return new ValidatorStore(db, file);
  }

  /** Closes the connection; further calls throw. Safe to call twice. */
  close(): void {
    if (this.db.open) this.db.close();
  }

  // --- 1. replay protection ---

  /**
   * Records (hotkey, nonce); false when it was already seen (a replay), even if it has expired but
   * was not pruned yet: the request's own timestamp check refuses those anyway.
   */
  rememberNonce(hotkey: string, nonce: string, expiresAt: number): boolean {
    const info = this.stmt.rememberNonce.run(
      checkText('hotkey', hotkey),
      checkText('nonce', nonce),
      checkCount('expiresAt', expiresAt),
    );
    return info.changes === 1;
  }

  /** Forgets nonces that expired at or before `now`; returns how many. */
  pruneNonces(now: number): number {
    return this.stmt.pruneNonces.run(checkCount('now', now)).changes;
  }

  // --- 2. submissions ---

  /** Stores a submission as pending; 'duplicate' (and nothing changes) if (digest, miner) exists. */
  addSubmission(row: NewSubmission): 'new' | 'duplicate' {
    if (row.fingerprint !== null) checkText('fingerprint', row.fingerprint);
    const info = this.stmt.addSubmission.run(
      checkText('digest', row.digest),
      checkText('miner', row.miner),
      checkText('track', row.track),
      checkText('program', row.program),
      checkCount('commitmentBlock', row.commitmentBlock),
      row.fingerprint,
      checkCount('receivedAt', row.receivedAt),
      checkCount('round', row.round),
    );
    return info.changes === 1 ? 'new' : 'duplicate';
  }

  submission(digest: string, miner: string): SubmissionRow | undefined {
    const r = this.stmt.submission.get(digest, miner);
    return r && toSubmission(r);
  }

  /** Pending submissions in priority order (commitment block, then arrival): resumed on restart. */
  pendingSubmissions(limit?: number): SubmissionRow[] {
    // LIMIT -1: all of them (SQLite's "no limit").
    const n = limit === undefined ? -1 : checkCount('limit', limit);
    return this.stmt.pendingSubmissions.all(n).map(toSubmission);
  }

  /** Sets a submission's status and reason; false when there is no such submission. */
  setSubmissionStatus(
    digest: string,
    miner: string,
    status: SubmissionStatus,
    reason?: string,
  ): boolean {
    const info = this.stmt.setSubmissionStatus.run(
      checkStatus(status),
      reason ?? null,
      digest,
      miner,
    );
    return info.changes === 1;
  }

  /** A miner's latest `limit` submissions, newest first. */
  submissionsByMiner(miner: string, limit = 100): SubmissionRow[] {
    return this.stmt.submissionsByMiner.all(miner, checkCount('limit', limit)).map(toSubmission);
  }

  /** How many submissions `miner` made at or after `since` (rate limiting). */
  countRecentSubmissions(miner: string, since: number): number {
    return this.stmt.countRecentSubmissions.get(miner, checkCount('since', since))?.n ?? 0;
  }

  // --- 3. priority claims ---

  /**
   * Who first claimed a behaviour: the submission with this functional fingerprint and the lowest
   * commitment block (ties: first received). Refused submissions claim nothing: a request that
   * failed its checks must not block an honest miner who sends the same algorithm later.
   */
  earliestClaim(fingerprint: string): PriorityClaim | undefined {
    return this.stmt.earliestClaim.get(checkText('fingerprint', fingerprint));
  }

  // --- 4. receipts ---

  /**
   * Stores a signed receipt (this validator's or a peer's; the caller checks the signature). One
   * receipt per (validator, digest, holderDigest): a newer issuedAt replaces the stored one, an
   * older or equal one is ignored. Returns true when something was stored or changed.
   */
  addReceipt(signed: SignedReceipt): boolean {
    const parsed = SignedReceiptSchema.parse(signed);
    const r = parsed.receipt;
    const info = this.stmt.addReceipt.run(
      r.validator,
      r.digest,
      r.holderDigest,
      r.miner,
      r.verdict,
      r.round,
      r.issuedAt,
      JSON.stringify(parsed),
    );
    return info.changes === 1;
  }

  /** Every validator's receipt on `digest` (against `holderDigest` if given), oldest first. */
  receiptsFor(digest: string, holderDigest?: string): SignedReceipt[] {
    const rows =
      holderDigest === undefined
        ? this.stmt.receiptsFor.all(digest)
        : this.stmt.receiptsForHolder.all(digest, holderDigest);
    return rows.map(toReceipt);
  }

  /** The latest `limit` receipts on a miner's submissions, newest first. */
  receiptsByMiner(miner: string, limit = 100): SignedReceipt[] {
    return this.stmt.receiptsByMiner.all(miner, checkCount('limit', limit)).map(toReceipt);
  }

  /** `validator`'s latest receipt on `digest` (whatever holder it was judged against). */
  receipt(validator: string, digest: string): SignedReceipt | undefined {
    const r = this.stmt.receipt.get(validator, digest);
    return r && toReceipt(r);
  }

  /**
   * Receipts after `after` (from the first when null), oldest first, at most `limit`: what a peer
   * syncing page by page asks for, with the cursor of its next page.
   */
  receiptsPage(after: ReceiptCursor | null, limit: number): ReceiptPage {
    const from = after ?? { issuedAt: -1, seq: -1 };
    if (after) {
      checkCount('cursor issuedAt', after.issuedAt);
      checkCount('cursor seq', after.seq);
    }
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_RECEIPT_PAGE) {
      throw new RangeError(`limit must be an integer from 1 to ${MAX_RECEIPT_PAGE}`);
    }
    const rows = this.stmt.receiptsPage.all(from.issuedAt, from.seq, limit);
    const last = rows.at(-1);
    return {
      receipts: rows.map(toReceipt),
      next: rows.length === limit && last ? { issuedAt: last.issued_at, seq: last.seq } : null,
    };
  }

  /** How many receipts `validator` issued in `round` (its quota per round). */
  countReceiptsInRound(validator: string, round: number): number {
    return this.stmt.countReceiptsInRound.get(validator, checkCount('round', round))?.n ?? 0;
  }

  /** How many of those were on programs this validator does not know (see knowsDigest). */
  countUnknownInRound(validator: string, round: number): number {
    return this.stmt.countUnknownInRound.get(validator, checkCount('round', round))?.n ?? 0;
  }

  /** Whether a receipt with this key is stored (a newer one replaces it, taking no new room). */
  hasReceipt(validator: string, digest: string, holderDigest: string): boolean {
    return (this.stmt.hasReceipt.get(validator, digest, holderDigest)?.n ?? 0) > 0;
  }

  /** Against how many holders `validator` judged `digest` (one receipt each). */
  holdersJudged(validator: string, digest: string): number {
    return this.stmt.holdersJudged.get(validator, digest)?.n ?? 0;
  }

  /** Programs some validator accepted against `holderDigest`: candidates for a quorum. */
  acceptedAgainst(holderDigest: string): string[] {
    return this.stmt.acceptedAgainst.all(holderDigest).map((r) => r.digest);
  }

  /** Whether `digest` was submitted here or is in the state-of-the-art history. */
  knowsDigest(digest: string): boolean {
    return this.stmt.knowsDigest.get(digest, digest)?.n === 1;
  }

  // --- 5. state-of-the-art history ---

  /**
   * Appends a new holder for `row.track`. Recording the current holder again is a no-op (returns
   * false): a restarted validator re-derives the same quorum and calls this again.
   */
  recordSota(row: SotaRow): boolean {
    const values = [
      checkText('track', row.track),
      checkText('digest', row.digest),
      checkText('miner', row.miner),
      checkText('program', row.program),
      checkCount('commitmentBlock', row.commitmentBlock),
      checkCount('becameAt', row.becameAt),
      checkCount('block', row.block),
      checkFinite('share', row.share),
      checkFinite('challengerScore', row.challengerScore),
      checkFinite('holderScore', row.holderScore),
    ] as const;
    return this.db
      .transaction(() => {
        if (this.stmt.currentSota.get(row.track)?.digest === row.digest) return false;
        this.stmt.recordSota.run(...values);
        return true;
      })
      .immediate();
  }

  currentSota(track: string): SotaRow | undefined {
    const r = this.stmt.currentSota.get(track);
    return r && toSota(r);
  }

  /** Every holder the track has had, oldest first. */
  sotaHistory(track: string): SotaRow[] {
    return this.stmt.sotaHistory.all(track).map(toSota);
  }

  // --- 6. revealed round secrets, and audits of peers' rounds ---

  /**
   * Finished rounds (before `currentRound`) of these `peers` with receipts here and no audit yet,
   * oldest first. Only peers that can be asked: one that cannot must not hold up the others.
   */
  roundsToAudit(
    currentRound: number,
    peers: readonly string[],
    limit: number,
  ): Array<{ validator: string; round: number }> {
    return this.stmt.roundsToAudit.all(
      checkCount('currentRound', currentRound),
      JSON.stringify(peers),
      limit,
    );
  }

  /** The task-seed commitments `validator`'s receipts of `round` name (one, if it is honest). */
  commitmentsOf(validator: string, round: number): string[] {
    return this.stmt.commitmentsOf.all(validator, checkCount('round', round)).map((r) => r.c);
  }

  recordAudit(validator: string, round: number, outcome: AuditOutcome, at: number): void {
    this.stmt.recordAudit.run(
      checkText('validator', validator),
      checkCount('round', round),
      outcome,
      checkCount('at', at),
    );
  }

  /** Every audited peer's record: rounds that matched, did not, or were never revealed. */
  standings(): ValidatorStanding[] {
    return this.stmt.standings.all();
  }

  /**
   * Records a round's revealed secret (64 lowercase hex digits). Revealing the same secret again is
   * a no-op (false); a different secret for a revealed round throws, since anyone holding the first
   * could no longer rebuild this validator's hidden tasks.
   */
  revealRound(round: number, secretHex: string): boolean {
    checkCount('round', round);
    if (typeof secretHex !== 'string' || !/^[0-9a-f]{64}$/.test(secretHex)) {
      throw new TypeError('secretHex must be 64 lowercase hex digits');
    }
    return this.db
      .transaction(() => {
        if (this.stmt.revealRound.run(round, secretHex).changes === 1) return true;
        const stored = this.stmt.revealedRound.get(round)?.secretHex;
        if (stored !== secretHex) {
          throw new Error(`round ${round} was already revealed with another secret`);
        }
        return false;
      })
      .immediate();
  }

  revealedRound(round: number): string | undefined {
    return this.stmt.revealedRound.get(round)?.secretHex;
  }

  /** Every revealed round, in round order. */
  revealedRounds(): RevealedRound[] {
    return this.stmt.revealedRounds.all();
  }

  // --- 7. weights log ---

  recordWeights(row: WeightsRow): void {
    checkCount('block', row.block);
    checkText('mode', row.mode);
    checkCount('at', row.at);
    if (!Array.isArray(row.uids) || !Array.isArray(row.weights)) {
      throw new TypeError('uids and weights must be arrays');
    }
    if (row.uids.length !== row.weights.length) {
      throw new RangeError(
        `uids (${row.uids.length}) and weights (${row.weights.length}) differ in length`,
      );
    }
    row.uids.forEach((u, i) => checkCount(`uids[${i}]`, u));
    row.weights.forEach((w, i) => checkFinite(`weights[${i}]`, w));
    this.stmt.recordWeights.run(
      row.block,
      JSON.stringify(row.uids),
      JSON.stringify(row.weights),
      row.mode,
      row.at,
    );
  }

  /** The weights last set, or undefined before the first time. */
  lastWeights(): WeightsRow | undefined {
    const r = this.stmt.lastWeights.get();
    return r && toWeightsRow(r);
  }

  /** The latest `limit` weight settings, newest first. */
  recentWeights(limit: number): WeightsRow[] {
    return this.stmt.recentWeights.all(checkCount('limit', limit)).map(toWeightsRow);
  }

  /** The latest `limit` receipts `validator` signed, newest first. */
  receiptsByValidator(validator: string, limit: number): SignedReceipt[] {
    return this.stmt.receiptsByValidator
      .all(checkText('validator', validator), checkCount('limit', limit))
      .map(toReceipt);
  }

  /** How each peer's verdicts compare with `validator`'s on the submissions both judged. */
  agreementWith(validator: string): PeerAgreement[] {
    return this.stmt.agreement.all(checkText('validator', validator));
  }

  // --- 8. meta ---

  getMeta(key: string): string | undefined {
    return this.stmt.getMeta.get(key)?.value;
  }

  setMeta(key: string, value: string): void {
    checkText('key', key);
    if (typeof value !== 'string') throw new TypeError('meta values are strings');
    this.stmt.setMeta.run(key, value);
  }
}
