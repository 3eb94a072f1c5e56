/**
 * Paying a pool's miners on chain: every miner whose unpaid credit reaches the minimum gets one
 * balance transfer (transfer_keep_alive) from the pool's coldkey, to the account `payee` names
 * (the coldkey that owns the miner's hotkey on the subnet; the hotkey itself by default).
 *
 * Nothing is paid twice and nothing is lost: each transfer is booked against the credits it pays
 * (its hash, before it is sent). One that is refused is forgotten and paid again later; one whose
 * answer was lost (a time-out, a dropped connection, a crash) is looked for in the blocks since it
 * was sent, and counts as paid once found, or is forgotten once its mortal era has passed.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import { finalizedNumber, findIncluded, outcomeUnknown, submit, type TxContext } from '../chain/tx';
import type { Logger } from '../log/logger';
import type { WorkLedger } from './work-ledger';

/** Blocks from its birth during which a pool's transfer or unstake can be included (its era). */
export const POOL_TX_MORTAL_BLOCKS = 64;

export interface PayoutReport {
  readonly paid: ReadonlyMap<string, { amount: bigint; txHash: string }>;
  /** Below the minimum: carried to the next payout. */
  readonly carried: ReadonlyMap<string, bigint>;
  readonly failed: ReadonlyMap<string, string>;
  /** Sent, their outcome not known yet: looked for at the next payout. */
  readonly unsettled: number;
}

export async function payMiners(o: {
  client: TxContext;
  ledger: WorkLedger;
  /** The pool's coldkey, which holds its rewards. */
  from: KeyringPair;
  minimum: bigint;
  /** Where a miner's money goes (default: to the miner's hotkey address). */
  payee?: (miner: string) => string;
  /** Checked between transfers: a pool that is stopping sends no more. */
  stopping?: () => boolean;
  /** Per transaction (default submit's). */
  timeoutMs?: number;
  log: Logger;
}): Promise<PayoutReport> {
  const unsettled = await settlePending(o);
  const paid = new Map<string, { amount: bigint; txHash: string }>();
  const failed = new Map<string, string>();
  const carried = new Map<string, bigint>();
  for (const [miner, { amount, upTo }] of o.ledger.payable()) {
    if (amount < o.minimum) {
      carried.set(miner, amount);
      continue;
    }
    if (o.stopping?.()) break;
    const to = o.payee?.(miner) ?? miner;
    // The hash once signed: what to look for, or to forget, if the answer is lost or a refusal.
    const sent: { txHash: string | null } = { txHash: null };
    let txHash: string;
    try {
      const call = o.client.api.tx['balances']!['transferKeepAlive']!(to, amount);
      ({ txHash } = await submit(o.client, call, o.from, {
        label: 'pool payout',
        mortalBlocks: POOL_TX_MORTAL_BLOCKS,
        // Booked as paid only once final: a fork cannot take a payout back.
        waitFor: 'finalized',
        timeoutMs: o.timeoutMs,
        onSigned: (hash, birth) => {
          sent.txHash = hash;
          o.ledger.beginPayout({ miner, upTo, payee: to, txHash: hash, block: birth! });
        },
      }));
    } catch (err) {
      const unknown = sent.txHash !== null && outcomeUnknown(err);
      if (sent.txHash && !unknown) o.ledger.abandonPayout(sent.txHash);
      failed.set(miner, String(err));
      o.log.warn(
        unknown
          ? 'payout sent, its outcome unknown: looked for at the next payout'
          : 'payout failed; kept for the next run',
        { miner, error: String(err) },
      );
      continue;
    }
    o.ledger.markPaid(txHash, Date.now());
    paid.set(miner, { amount, txHash });
    o.log.info('miner paid', { miner, to, amount: amount.toString(), tx: txHash });
  }
  return { paid, carried, failed, unsettled };
}

/**
 * Settles transfers sent earlier whose outcome was lost, by the finalized blocks of their era;
 * returns how many are still open. One that cannot be looked up (a node that pruned the block's
 * state) stays open without holding up the others.
 */
async function settlePending(o: {
  client: TxContext;
  ledger: WorkLedger;
  log: Logger;
}): Promise<number> {
  const pending = o.ledger.pendingPayouts();
  if (pending.length === 0) return 0;
  const final = await finalizedNumber(o.client);
  let open = 0;
  for (const p of pending) {
    const lastBlock = p.block + POOL_TX_MORTAL_BLOCKS;
    try {
      const found = await findIncluded(o.client, p.txHash, p.block, Math.min(final, lastBlock));
      if (found?.ok) {
        o.ledger.markPaid(p.txHash, Date.now());
        o.log.info('a payout sent earlier was found in a block', {
          miner: p.miner,
          tx: p.txHash,
          block: found.blockNumber,
        });
      } else if (found || final > lastBlock) {
        o.ledger.abandonPayout(p.txHash);
        o.log.warn('a payout sent earlier never took effect: it is paid again', {
          miner: p.miner,
          tx: p.txHash,
        });
      } else open++;
    } catch (err) {
      open++;
      o.log.warn('cannot look for a payout sent earlier; it stays open', {
        miner: p.miner,
        tx: p.txHash,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
  return open;
}
