import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { roundSecret, seedCommitment } from '../../shared/protocol/hidden-tasks';
import type { Receipt } from '../../shared/protocol/receipt';
import { createLogger } from '../log/logger';
import { auditRounds } from './round-audit';
import { ValidatorStore } from './store';

const ss58 = (c: string) => `5${c.repeat(47)}`;
const master = new Uint8Array(32).fill(7);
const secret = (round: number) => roundSecret(master, round);

function receipt(validator: string, round: number, commitment: string, digest = 'a'): Receipt {
  return {
    v: 1,
    track: 'cifar10-binary-v1',
    trackDigest: 'e'.repeat(64),
    validator,
    round,
    taskSeedCommitment: commitment,
    digest: digest.repeat(64),
    miner: ss58('M'),
    commitmentBlock: 1,
    holderDigest: '0'.repeat(64),
    challengerScore: 0.7,
    holderScore: 0.69,
    margin: 0.01,
    verdict: 'reject',
    reason: 'below the margin',
    issuedAt: 1_000 + round,
  };
}

describe('round audits', () => {
  let dir: string;
  let store: ValidatorStore;
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', format: 'json', write: (l) => lines.push(l) });

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sota-audit-'));
    store = ValidatorStore.open(path.join(dir, 'v.sqlite'));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const add = (r: Receipt) => store.addReceipt({ receipt: r, signature: `0x${'1'.repeat(128)}` });

  it('records an honest reveal, a mismatch and a secret withheld past its grace', async () => {
    const honest = ss58('H');
    const liar = ss58('L');
    const silent = ss58('S');
    add(receipt(honest, 1, seedCommitment(secret(1))));
    // The liar's receipts name one commitment; the secret it reveals hashes to another.
    add(receipt(liar, 1, seedCommitment(secret(1))));
    add(receipt(silent, 1, seedCommitment(secret(1))));
    add(receipt(silent, 4, seedCommitment(secret(4)), 'b'));
    const answers: Record<string, (round: number) => unknown> = {
      'http://h': (round) => ({ round, secret: secret(round) }),
      'http://l': (round) => ({ round, secret: secret(round + 100) }),
      'http://s': (round) => ({ round, secret: null }),
    };
    const peers = new Map([
      [honest, 'http://h'],
      [liar, 'http://l'],
      [silent, 'http://s'],
    ]);
    const getJson = async (url: string) => {
      const m = /^(http:\/\/\w)\/v1\/rounds\/(\d+)$/.exec(url)!;
      return answers[m[1]!]!(Number(m[2]));
    };
    const audit = (currentRound: number) =>
      auditRounds({ store, currentRound, peers, getJson, log });

    expect(await audit(5)).toBe(3);
    expect(store.standings()).toEqual([
      { validator: honest, ok: 1, mismatch: 0, unrevealed: 0 },
      { validator: liar, ok: 0, mismatch: 1, unrevealed: 0 },
      { validator: silent, ok: 0, mismatch: 0, unrevealed: 1 },
    ]);
    // Round 4 ended one round ago: its withheld secret is still within the grace.
    expect(store.roundsToAudit(5, [...peers.keys()], 10)).toEqual([
      { validator: silent, round: 4 },
    ]);
    expect(lines.filter((l) => l.includes('does not match its receipts'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('never revealed'))).toHaveLength(1);
  });

  it('asks a peer that answers nonsense again while within grace, then counts it unrevealed', async () => {
    const peer = ss58('P');
    add(receipt(peer, 1, seedCommitment(secret(1))));
    const peers = new Map([[peer, 'http://p']]);
    const nonsense = async () => ({ round: 1, secret: 'not hex' });
    const audit = (currentRound: number) =>
      auditRounds({ store, currentRound, peers, getJson: nonsense, log });
    expect(await audit(2)).toBe(0);
    expect(lines.some((l) => l.includes('round audit failed'))).toBe(true);
    expect(store.roundsToAudit(2, [peer], 10)).toHaveLength(1);
    // Past its grace a failing peer is not asked about that round again.
    expect(await audit(4)).toBe(1);
    expect(store.standings()).toEqual([{ validator: peer, ok: 0, mismatch: 0, unrevealed: 1 }]);
    // A peer that cannot be asked is left out, and holds up nobody.
    add(receipt(ss58('Q'), 1, seedCommitment(secret(1)), 'c'));
    expect(store.roundsToAudit(4, [peer], 10)).toEqual([]);
  });
});
