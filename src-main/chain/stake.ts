/**
 * A hotkey's stake on a subnet and unstaking it. Under dynamic TAO a hotkey's stake on a subnet
 * is alpha (the subnet's own token, TotalHotkeyAlpha); remove_stake sells alpha for TAO through
 * the subnet's pool and credits the TAO to the coldkey's free balance. The StakeRemoved event
 * says exactly how much of each moved: (coldkey, hotkey, tao, alpha, netuid).
 */
import type { KeyringPair } from '@polkadot/keyring/types';

import type { ChainContext } from './context';
import { toBigInt } from './context';
import { ChainError } from './errors';
import { findEvent, submit, type SubmitOptions, type TxEvent, type TxResult } from './tx';

/** The hotkey's total alpha on the subnet (every nominator's included). */
export async function hotkeyAlpha(
  ctx: ChainContext,
  netuid: number,
  hotkey: string,
): Promise<bigint> {
  const q = ctx.api.query['subtensorModule']!;
  const fn = q['totalHotkeyAlpha'];
  if (!fn) throw new ChainError('UNSUPPORTED', 'This chain has no per-subnet (alpha) stake.');
  return toBigInt((await fn(hotkey, netuid)).toJSON() ?? 0);
}

export interface Unstaked {
  readonly tx: TxResult;
  readonly tao: bigint;
  readonly alpha: bigint;
}

/** What a StakeRemoved event moved, or null when `e` is not one. */
export function stakeRemoved(e: TxEvent): { tao: bigint; alpha: bigint } | null {
  if (e.section !== 'subtensorModule' || e.method !== 'StakeRemoved') return null;
  return { tao: toBigInt(e.data[2]), alpha: toBigInt(e.data[3]) };
}

/** Unstakes `alpha` from `hotkey` on `netuid` into `coldkey`'s free balance. */
export async function removeStake(
  ctx: ChainContext,
  netuid: number,
  hotkey: string,
  coldkey: KeyringPair,
  alpha: bigint,
  opts: SubmitOptions = {},
): Promise<Unstaked> {
  const call = ctx.api.tx['subtensorModule']!['removeStake']!(hotkey, netuid, alpha);
  const tx = await submit(ctx, call, coldkey, { label: 'remove_stake', ...opts });
  const event = findEvent(tx, 'subtensorModule', 'StakeRemoved');
  const moved = event ? stakeRemoved(event) : null;
  if (!moved) throw new ChainError('DISPATCH', 'remove_stake was included but removed nothing.');
  return { tx, ...moved };
}
