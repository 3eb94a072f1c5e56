import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SignedReceipt } from '../../shared/protocol/receipt';
import {
  SCHEMA_VERSION,
  ValidatorStore,
  type NewSubmission,
  type ReceiptCursor,
  type SotaRow,
} from './store';

let dir: string;
let file: string;
const open: ValidatorStore[] = [];

/** Opens a store and remembers it, so afterEach closes whatever a failing test left open. */
function openStore(at = file): ValidatorStore {
  const store = ValidatorStore.open(at);
  open.push(store);
  return store;
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sota-validator-store-'));
  file = path.join(dir, 'nested', 'validator.sqlite');
});

afterEach(() => {
  for (const s of open.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

const hex = (c: string) => c.repeat(64);
const ss58 = (c: string) => `5${c.repeat(47)}`;
const SECRET = 'ab'.repeat(32);

function submission(over: Partial<NewSubmission> = {}): NewSubmission {
  return {
    digest: hex('a'),
    miner: ss58('M'),
    track: 'cifar10-binary-v1',
    program: 'def Setup():\ndef Predict():\n  s1 = dot(v1, v0)\ndef Learn():\n',
    commitmentBlock: 100,
    fingerprint: 'fp-1',
    receivedAt: 1_000,
    round: 3,
    ...over,
  };
}

function signed(
  over: Partial<SignedReceipt['receipt']> = {},
  signature = `0x${'1'.repeat(128)}`,
): SignedReceipt {
  return {
    receipt: {
      v: 1,
      track: 'cifar10-binary-v1',
      trackDigest: 'e'.repeat(64),
      validator: ss58('V'),
      round: 3,
      taskSeedCommitment: hex('c'),
      digest: hex('a'),
      miner: ss58('M'),
      commitmentBlock: 100,
      holderDigest: hex('0'),
      challengerScore: 0.74,
      holderScore: 0.69,
      margin: 0.01,
      verdict: 'accept',
      reason: 'beats the holder by 0.05',
      issuedAt: 5_000,
      ...over,
    },
    signature,
  };
}

function sota(over: Partial<SotaRow> = {}): SotaRow {
  return {
    track: 'cifar10-binary-v1',
    digest: hex('a'),
    miner: ss58('M'),
    program: 'def Setup():\n',
    commitmentBlock: 100,
    becameAt: 9_000,
    block: 120,
    share: 0.1,
    challengerScore: 0.74,
    holderScore: 0.69,
    ...over,
  };
}

describe('opening', () => {
  it('creates parent folders, uses WAL and stamps the schema version', () => {
    openStore().close();
    expect(existsSync(file)).toBe(true);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(3);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
    expect(SCHEMA_VERSION).toBe(3);
  });

  it('brings a version 1 file forward and keeps its receipts', () => {
    const s = openStore();
    s.addReceipt(signed());
    s.close();
    const db = new Database(file);
    db.exec('DROP INDEX receipts_validator_round; DROP TABLE round_audits');
    db.pragma('user_version = 1');
    db.close();
    const again = openStore();
    expect(again.receiptsPage(null, 10).receipts).toEqual([signed()]);
    expect(again.countReceiptsInRound(ss58('V'), 3)).toBe(1);
    again.close();
  });

  it('refuses a file that is not a database, naming it, and leaves it in place', () => {
    const garbage = path.join(dir, 'garbage.sqlite');
    const bytes = Buffer.alloc(8192);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 7) & 0xff;
    writeFileSync(garbage, bytes);
    expect(() => openStore(garbage)).toThrow(/garbage\.sqlite.*not a database/);
    expect(readFileSync(garbage).equals(bytes)).toBe(true);
  });

  it('refuses a file from a newer schema', () => {
    openStore().close();
    const db = new Database(file);
    db.pragma('user_version = 7');
    db.close();
    expect(() => openStore()).toThrow(/validator\.sqlite has schema version 7/);
  });

  it('keeps everything across a restart', () => {
    const a = openStore();
    a.rememberNonce('hk', 'n1', 10_000);
    a.addSubmission(submission());
    a.addReceipt(signed());
    a.recordSota(sota());
    a.revealRound(3, SECRET);
    a.recordWeights({ block: 130, uids: [0, 5], weights: [0.9, 0.1], mode: 'winner', at: 9_500 });
    a.setMeta('last-block', '130');
    a.close();

    const b = openStore();
    expect(b.rememberNonce('hk', 'n1', 10_000)).toBe(false);
    expect(b.pendingSubmissions()).toEqual([{ ...submission(), status: 'pending', reason: null }]);
    expect(b.receiptsFor(hex('a'))).toEqual([signed()]);
    expect(b.currentSota('cifar10-binary-v1')).toEqual(sota());
    expect(b.revealedRound(3)).toBe(SECRET);
    expect(b.lastWeights()).toEqual({
      block: 130,
      uids: [0, 5],
      weights: [0.9, 0.1],
      mode: 'winner',
      at: 9_500,
    });
    expect(b.getMeta('last-block')).toBe('130');
  });

  it('lets a second connection read what the first committed (WAL)', () => {
    const writer = openStore();
    const reader = openStore();
    writer.addSubmission(submission());
    writer.setMeta('k', 'v');
    expect(reader.submission(hex('a'), ss58('M'))?.status).toBe('pending');
    expect(reader.getMeta('k')).toBe('v');
    // And the other way round, while the first stays open.
    reader.setSubmissionStatus(hex('a'), ss58('M'), 'judged');
    expect(writer.submission(hex('a'), ss58('M'))?.status).toBe('judged');
  });

  it('close() twice is harmless', () => {
    const s = openStore();
    s.close();
    expect(() => s.close()).not.toThrow();
  });
});

describe('replay protection', () => {
  it('accepts a nonce once per hotkey and prunes expired ones', () => {
    const s = openStore();
    expect(s.rememberNonce('hk1', 'n', 100)).toBe(true);
    expect(s.rememberNonce('hk1', 'n', 200)).toBe(false);
    expect(s.rememberNonce('hk2', 'n', 300)).toBe(true);
    expect(s.pruneNonces(99)).toBe(0);
    expect(s.pruneNonces(100)).toBe(1);
    expect(s.rememberNonce('hk1', 'n', 400)).toBe(true);
    expect(s.rememberNonce('hk2', 'n', 400)).toBe(false);
    expect(() => s.rememberNonce('', 'n', 1)).toThrow(/hotkey/);
    expect(() => s.rememberNonce('hk', 'n', -1)).toThrow(/expiresAt/);
  });
});

describe('submissions', () => {
  it('adds once, then reports duplicates without changing the row', () => {
    const s = openStore();
    expect(s.addSubmission(submission())).toBe('new');
    s.setSubmissionStatus(hex('a'), ss58('M'), 'refused', 'bad commitment');
    expect(s.addSubmission(submission({ program: 'other' }))).toBe('duplicate');
    expect(s.submission(hex('a'), ss58('M'))).toEqual({
      ...submission(),
      status: 'refused',
      reason: 'bad commitment',
    });
    // The same digest from another miner is its own submission.
    expect(s.addSubmission(submission({ miner: ss58('N') }))).toBe('new');
    expect(s.submission(hex('f'), ss58('M'))).toBeUndefined();
  });

  it('lists pending ones in priority order and forgets judged ones', () => {
    const s = openStore();
    s.addSubmission(submission({ digest: hex('1'), commitmentBlock: 200, receivedAt: 10 }));
    s.addSubmission(submission({ digest: hex('2'), commitmentBlock: 100, receivedAt: 30 }));
    s.addSubmission(submission({ digest: hex('3'), commitmentBlock: 100, receivedAt: 20 }));
    s.addSubmission(submission({ digest: hex('4'), commitmentBlock: 50, receivedAt: 40 }));
    expect(s.setSubmissionStatus(hex('4'), ss58('M'), 'judged')).toBe(true);
    expect(s.pendingSubmissions().map((r) => r.digest)).toEqual([hex('3'), hex('2'), hex('1')]);
    expect(s.submission(hex('4'), ss58('M'))).toMatchObject({ status: 'judged', reason: null });
  });

  it('validates status and reports unknown submissions', () => {
    const s = openStore();
    s.addSubmission(submission());
    expect(s.setSubmissionStatus(hex('f'), ss58('M'), 'judged')).toBe(false);
    expect(() => s.setSubmissionStatus(hex('a'), ss58('M'), 'won' as 'judged')).toThrow(/status/);
    expect(() => s.addSubmission(submission({ commitmentBlock: 1.5 }))).toThrow(/commitmentBlock/);
    expect(() => s.addSubmission(submission({ fingerprint: '' }))).toThrow(/fingerprint/);
  });

  it('lists a miner’s submissions newest first and counts recent ones', () => {
    const s = openStore();
    s.addSubmission(submission({ digest: hex('1'), receivedAt: 100 }));
    s.addSubmission(submission({ digest: hex('2'), receivedAt: 300 }));
    s.addSubmission(submission({ digest: hex('3'), receivedAt: 200 }));
    s.addSubmission(submission({ digest: hex('4'), miner: ss58('N'), receivedAt: 400 }));
    expect(s.submissionsByMiner(ss58('M')).map((r) => r.digest)).toEqual([
      hex('2'),
      hex('3'),
      hex('1'),
    ]);
    expect(s.countRecentSubmissions(ss58('M'), 200)).toBe(2);
    expect(s.countRecentSubmissions(ss58('M'), 301)).toBe(0);
    expect(s.countRecentSubmissions(ss58('X'), 0)).toBe(0);
  });
});

describe('priority claims', () => {
  it('names the lowest commitment block, then the first received, ignoring refused ones', () => {
    const s = openStore();
    expect(s.earliestClaim('fp')).toBeUndefined();
    s.addSubmission(submission({ digest: hex('1'), fingerprint: 'fp', commitmentBlock: 90 }));
    s.addSubmission(
      submission({ digest: hex('2'), miner: ss58('N'), fingerprint: 'fp', commitmentBlock: 80 }),
    );
    s.addSubmission(
      submission({
        digest: hex('3'),
        miner: ss58('O'),
        fingerprint: 'fp',
        commitmentBlock: 80,
        receivedAt: 500,
      }),
    );
    s.addSubmission(
      submission({
        digest: hex('4'),
        miner: ss58('P'),
        fingerprint: 'fp',
        commitmentBlock: 80,
        receivedAt: 400,
      }),
    );
    s.addSubmission(submission({ digest: hex('5'), fingerprint: 'other', commitmentBlock: 1 }));
    s.addSubmission(submission({ digest: hex('6'), fingerprint: null, commitmentBlock: 1 }));
    // Same block 80: hex('2') and hex('4') arrived at 1000 and 400; hex('4') is first.
    expect(s.earliestClaim('fp')).toEqual({
      digest: hex('4'),
      miner: ss58('P'),
      commitmentBlock: 80,
    });
    s.setSubmissionStatus(hex('4'), ss58('P'), 'refused', 'bad signature');
    expect(s.earliestClaim('fp')).toEqual({
      digest: hex('3'),
      miner: ss58('O'),
      commitmentBlock: 80,
    });
  });
});

describe('receipts', () => {
  it('replaces a stored receipt only with a newer one', () => {
    const s = openStore();
    expect(s.addReceipt(signed())).toBe(true);
    expect(s.addReceipt(signed())).toBe(false);
    expect(s.addReceipt(signed({ issuedAt: 4_000, verdict: 'reject' }))).toBe(false);
    expect(s.receipt(ss58('V'), hex('a'))).toEqual(signed());
    const newer = signed({ issuedAt: 6_000, verdict: 'reject', reason: 'below the margin' });
    expect(s.addReceipt(newer)).toBe(true);
    expect(s.receipt(ss58('V'), hex('a'))).toEqual(newer);
    expect(s.receiptsFor(hex('a'))).toEqual([newer]);
  });

  it('refuses a receipt that does not fit the schema', () => {
    const s = openStore();
    expect(() => s.addReceipt(signed({ verdict: 'maybe' as 'accept' }))).toThrow();
    expect(() => s.addReceipt(signed({}, '0xnope'))).toThrow();
    expect(s.receiptsFor(hex('a'))).toEqual([]);
  });

  it('finds receipts by submission, holder, miner and validator', () => {
    const s = openStore();
    const r1 = signed({ validator: ss58('V'), issuedAt: 100 });
    const r2 = signed({ validator: ss58('W'), issuedAt: 200 });
    const r3 = signed({ validator: ss58('V'), holderDigest: hex('b'), issuedAt: 300 });
    const r4 = signed({ digest: hex('d'), miner: ss58('N'), issuedAt: 400 });
    for (const r of [r4, r3, r2, r1]) expect(s.addReceipt(r)).toBe(true);
    expect(s.receiptsFor(hex('a'))).toEqual([r1, r2, r3]);
    expect(s.receiptsFor(hex('a'), hex('0'))).toEqual([r1, r2]);
    expect(s.receiptsFor(hex('a'), hex('b'))).toEqual([r3]);
    expect(s.receiptsByMiner(ss58('M'))).toEqual([r3, r2, r1]);
    expect(s.receiptsByMiner(ss58('N'))).toEqual([r4]);
    // V judged hex('a') twice (against two holders): the latest comes back.
    expect(s.receipt(ss58('V'), hex('a'))).toEqual(r3);
    expect(s.receipt(ss58('W'), hex('d'))).toBeUndefined();
  });

  it('pages receipts by a stable cursor that never grows a page past its limit', () => {
    const s = openStore();
    const at = [100, 200, 200, 200, 300];
    const all = at.map((issuedAt, i) => signed({ validator: ss58(String(i)), issuedAt }));
    for (const r of all) s.addReceipt(r);
    expect(s.receiptsPage(null, 10)).toEqual({ receipts: all, next: null });
    // Pages of 2 cut through the three receipts of 200 and skip none of them.
    const seen: SignedReceipt[] = [];
    let cursor: ReceiptCursor | null = null;
    for (let i = 0; i < 10; i++) {
      const page = s.receiptsPage(cursor, 2);
      expect(page.receipts.length).toBeLessThanOrEqual(2);
      seen.push(...page.receipts);
      if (!page.next) break;
      cursor = page.next;
    }
    expect(seen).toEqual(all);
    expect(() => s.receiptsPage(null, 0)).toThrow(/limit/);
    expect(() => s.receiptsPage({ issuedAt: -1, seq: 0 }, 2)).toThrow(/issuedAt/);
  });

  it('counts what the receipt quotas need', () => {
    const s = openStore();
    s.addReceipt(signed({ validator: ss58('V'), round: 4 }));
    s.addReceipt(signed({ validator: ss58('V'), round: 4, holderDigest: hex('b') }));
    s.addReceipt(signed({ validator: ss58('V'), round: 5, digest: hex('c') }));
    expect(s.countReceiptsInRound(ss58('V'), 4)).toBe(2);
    expect(s.countReceiptsInRound(ss58('W'), 4)).toBe(0);
    expect(s.holdersJudged(ss58('V'), hex('a'))).toBe(2);
    expect(s.knowsDigest(hex('a'))).toBe(false);
    s.addSubmission(submission());
    expect(s.knowsDigest(hex('a'))).toBe(true);
    expect(s.acceptedAgainst(hex('b'))).toEqual([hex('a')]);
  });
});

describe('round audits', () => {
  it("lists peers' finished rounds once, with the commitments their receipts name", () => {
    const s = openStore();
    s.addReceipt(signed({ validator: ss58('V'), round: 3 }));
    s.addReceipt(signed({ validator: ss58('V'), round: 3, digest: hex('b') }));
    s.addReceipt(signed({ validator: ss58('W'), round: 4, taskSeedCommitment: hex('d') }));
    s.addReceipt(signed({ validator: ss58('S'), round: 3 }));
    s.addReceipt(signed({ validator: ss58('V'), round: 5 }));
    // Round 5 is under way; V and W are the peers that can be asked (S cannot).
    expect(s.roundsToAudit(5, [ss58('V'), ss58('W')], 10)).toEqual([
      { validator: ss58('V'), round: 3 },
      { validator: ss58('W'), round: 4 },
    ]);
    expect(s.commitmentsOf(ss58('V'), 3)).toEqual([hex('c')]);
    s.recordAudit(ss58('V'), 3, 'ok', 1);
    s.recordAudit(ss58('W'), 4, 'mismatch', 2);
    expect(s.roundsToAudit(5, [ss58('V'), ss58('W')], 10)).toEqual([]);
    expect(s.standings()).toEqual([
      { validator: ss58('V'), ok: 1, mismatch: 0, unrevealed: 0 },
      { validator: ss58('W'), ok: 0, mismatch: 1, unrevealed: 0 },
    ]);
  });
});

describe('state-of-the-art history', () => {
  it('appends holders per track and ignores the current holder recorded again', () => {
    const s = openStore();
    const track = 'cifar10-binary-v1';
    expect(s.currentSota(track)).toBeUndefined();
    expect(s.sotaHistory(track)).toEqual([]);
    const first = sota();
    const second = sota({ digest: hex('b'), becameAt: 10_000, block: 130 });
    expect(s.recordSota(first)).toBe(true);
    expect(s.recordSota({ ...first, becameAt: 99_999 })).toBe(false);
    expect(s.recordSota(second)).toBe(true);
    expect(s.recordSota(second)).toBe(false);
    // A holder that returns after another one is a new entry.
    const third = sota({ becameAt: 11_000, block: 140 });
    expect(s.recordSota(third)).toBe(true);
    expect(s.recordSota(sota({ track: 'other-track' }))).toBe(true);
    expect(s.sotaHistory(track)).toEqual([first, second, third]);
    expect(s.currentSota(track)).toEqual(third);
    expect(s.sotaHistory('other-track')).toHaveLength(1);
    expect(() => s.recordSota(sota({ share: Number.NaN }))).toThrow(/share/);
  });
});

describe('round secrets', () => {
  it('records each round once and refuses a conflicting secret', () => {
    const s = openStore();
    expect(s.revealedRound(2)).toBeUndefined();
    expect(s.revealedRounds()).toEqual([]);
    expect(s.revealRound(5, SECRET)).toBe(true);
    expect(s.revealRound(2, 'cd'.repeat(32))).toBe(true);
    expect(s.revealRound(5, SECRET)).toBe(false);
    expect(() => s.revealRound(5, 'ef'.repeat(32))).toThrow(/round 5/);
    expect(() => s.revealRound(6, 'XYZ')).toThrow(/hex/);
    expect(s.revealedRound(5)).toBe(SECRET);
    expect(s.revealedRounds()).toEqual([
      { round: 2, secretHex: 'cd'.repeat(32) },
      { round: 5, secretHex: SECRET },
    ]);
  });
});

describe('weights log and meta', () => {
  it('returns the weights set last', () => {
    const s = openStore();
    expect(s.lastWeights()).toBeUndefined();
    s.recordWeights({ block: 10, uids: [0], weights: [1], mode: 'burn', at: 1 });
    const later = { block: 20, uids: [0, 3], weights: [0.9, 0.1], mode: 'winner', at: 2 };
    s.recordWeights(later);
    expect(s.lastWeights()).toEqual(later);
    expect(() =>
      s.recordWeights({ block: 30, uids: [0, 1], weights: [1], mode: 'burn', at: 3 }),
    ).toThrow(/length/);
    expect(() =>
      s.recordWeights({ block: 30, uids: [-1], weights: [1], mode: 'burn', at: 3 }),
    ).toThrow(/uids\[0\]/);
    expect(s.lastWeights()).toEqual(later);
  });

  it('stores and overwrites meta values', () => {
    const s = openStore();
    expect(s.getMeta('k')).toBeUndefined();
    s.setMeta('k', 'one');
    s.setMeta('k', 'two');
    s.setMeta('empty', '');
    expect(s.getMeta('k')).toBe('two');
    expect(s.getMeta('empty')).toBe('');
  });
});
