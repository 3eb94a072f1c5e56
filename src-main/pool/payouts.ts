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
import { findIncluded, outcomeUnknown, submit, type TxContext } from '../chain/tx';
import type { Logger } from '../log/logger';
import type { WorkLedger } from './work-ledger';

/** Blocks after signing during which a pool's transfer or unstake can be included. */
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
  const head = (await o.client.api.rpc.chain.getHeader()).number.toNumber();
  const unsettled = await settlePending(o, head);
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
    try {
      const call = o.client.api.tx['balances']!['transferKeepAlive']!(to, amount);
      const result = await submit(o.client, call, o.from, {
        label: 'pool payout',
        mortalBlocks: POOL_TX_MORTAL_BLOCKS,
        timeoutMs: o.timeoutMs,
        onSigned: (txHash) => {
          sent.txHash = txHash;
          o.ledger.beginPayout({ miner, upTo, payee: to, txHash, block: head });
        },
      });
      o.ledger.markPaid(result.txHash, Date.now());
      paid.set(miner, { amount, txHash: result.txHash });
      o.log.info('miner paid', { miner, to, amount: amount.toString(), tx: result.txHash });
    } catch (err) {
      if (sent.txHash && !outcomeUnknown(err)) o.ledger.abandonPayout(sent.txHash);
      failed.set(miner, String(err));
      o.log.warn(
        sent.txHash && outcomeUnknown(err)
          ? 'payout sent, its outcome unknown: looked for at the next payout'
          : 'payout failed; kept for the next run',
        { miner, error: String(err) },
      );
    }
  }
  return { paid, carried, failed, unsettled };
}

/** Settles transfers sent earlier whose outcome was lost; returns how many are still open. */
async function settlePending(
  o: { client: TxContext; ledger: WorkLedger; log: Logger },
  head: number,
): Promise<number> {
  let open = 0;
  for (const p of o.ledger.pendingPayouts()) {
    const until = Math.min(head, p.block + POOL_TX_MORTAL_BLOCKS);
    const found = await findIncluded(o.client, p.txHash, p.block, until);
    if (found?.ok) {
      o.ledger.markPaid(p.txHash, Date.now());
      o.log.info('a payout sent earlier was found in a block', {
        miner: p.miner,
        tx: p.txHash,
        block: found.blockNumber,
      });
    } else if (found || head > p.block + POOL_TX_MORTAL_BLOCKS) {
      o.ledger.abandonPayout(p.txHash);
      o.log.warn('a payout sent earlier never took effect: it is paid again', {
        miner: p.miner,
        tx: p.txHash,
      });
    } else open++;
  }
  return open;
}
