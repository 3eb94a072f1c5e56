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

/**
 * The alpha `coldkey` owns of `hotkey`'s stake on the subnet: what it can unstake. A hotkey's
 * stake is held in shares (Alpha per coldkey, TotalHotkeyShares in all); emission raises the
 * value of every share, the owner's take arrives as new shares, and a nominator's stake is its
 * own: only the owner's part is the owner's.
 */
export async function coldkeyAlpha(
  ctx: ChainContext,
  netuid: number,
  hotkey: string,
  coldkey: string,
): Promise<bigint> {
  const [mine, shares, total] = await Promise.all([
    storage(ctx, 'alpha')(hotkey, coldkey, netuid),
    storage(ctx, 'totalHotkeyShares')(hotkey, netuid),
    storage(ctx, 'totalHotkeyAlpha')(hotkey, netuid),
  ]);
  const s = toBigInt(shares.toJSON() ?? 0);
  return s === 0n ? 0n : (toBigInt(mine.toJSON() ?? 0) * toBigInt(total.toJSON() ?? 0)) / s;
}

type StorageFn = (...args: unknown[]) => Promise<{ toJSON(): unknown }>;

function storage(ctx: ChainContext, name: string): StorageFn {
  const fn = ctx.api.query['subtensorModule']?.[name] as StorageFn | undefined;
  if (!fn)
    throw new ChainError('UNSUPPORTED', `This chain has no per-subnet (alpha) stake (${name}).`);
  return fn;
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
