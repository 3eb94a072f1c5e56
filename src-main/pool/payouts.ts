/**
 * Paying a pool's miners on chain: every miner whose unpaid credit reaches the minimum gets one
 * balance transfer (transfer_keep_alive) from the pool's coldkey, to the account `payee` names
 * (the coldkey that owns the miner's hotkey on the subnet; the hotkey itself by default); the
 * credit is marked paid with the transfer's hash once it is in a block. A transfer that fails
 * leaves the credit unpaid for the next run, so nothing is paid twice and nothing is lost.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import { payable } from '../../shared/pool/payout';
import { submit, type TxContext } from '../chain/tx';
import type { Logger } from '../log/logger';
import type { WorkLedger } from './work-ledger';

export interface PayoutReport {
  readonly paid: ReadonlyMap<string, { amount: bigint; txHash: string }>;
  readonly carried: ReadonlyMap<string, bigint>;
  readonly failed: ReadonlyMap<string, string>;
}

export async function payMiners(o: {
  client: TxContext;
  ledger: WorkLedger;
  /** The pool's coldkey, which holds its rewards. */
  from: KeyringPair;
  minimum: bigint;
  /** Where a miner's money goes (default: to the miner's hotkey address). */
  payee?: (miner: string) => string;
  log: Logger;
}): Promise<PayoutReport> {
  const { pay, carry } = payable(o.ledger.unpaid(), o.minimum);
  const paid = new Map<string, { amount: bigint; txHash: string }>();
  const failed = new Map<string, string>();
  for (const [miner, amount] of pay) {
    try {
      const to = o.payee?.(miner) ?? miner;
      const call = o.client.api.tx['balances']!['transferKeepAlive']!(to, amount);
      const result = await submit(o.client, call, o.from, { label: 'pool payout' });
      o.ledger.markPaid(miner, to, result.txHash, Date.now());
      paid.set(miner, { amount, txHash: result.txHash });
      o.log.info('miner paid', { miner, to, amount: amount.toString(), tx: result.txHash });
    } catch (err) {
      failed.set(miner, String(err));
      o.log.warn('payout failed; kept for the next run', { miner, error: String(err) });
    }
  }
  return { paid, carried: carry, failed };
}
