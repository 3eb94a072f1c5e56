/**
 * Registration status and burned registration. The cost is read and shown before paying, and the
 * caller passes the most it agreed to pay: if the burn rose in between (it adjusts with demand),
 * nothing is sent.
 */
import type { KeyringPair } from '@polkadot/keyring/types';

import type { ChainContext } from './context';
import { formatTao, toBigInt } from './context';
import { ChainError } from './errors';
import { readSubnetSettings } from './subnet';
import { findEvent, submit } from './tx';

/** The hotkey's uid on the subnet, or null when it is not registered there. */
export async function uidOf(
  ctx: ChainContext,
  netuid: number,
  hotkey: string,
): Promise<number | null> {
  const v = (await ctx.api.query['subtensorModule']!['uids']!(netuid, hotkey)).toJSON();
  return v === null || v === undefined ? null : Number(v);
}

export interface RegistrationQuote {
  readonly netuid: number;
  readonly burnRao: bigint;
  readonly feeRao: bigint;
  readonly totalRao: bigint;
  readonly balanceRao: bigint;
  readonly affordable: boolean;
  /** e.g. "1 TAO burned + 0.000135 TAO fee". */
  readonly summary: string;
}

export async function freeBalance(ctx: ChainContext, address: string): Promise<bigint> {
  const acct = (await ctx.api.query['system']!['account']!(address)) as unknown as {
    data: { free: unknown };
  };
  return toBigInt(acct.data.free);
}

/** What a burned registration of `hotkey` paid by `coldkey` costs right now. */
export async function quoteBurnedRegister(
  ctx: ChainContext,
  netuid: number,
  hotkey: string,
  coldkey: string,
): Promise<RegistrationQuote> {
  const settings = await readSubnetSettings(ctx, netuid);
  if (!settings.exists) throw new ChainError('REFUSED', `Subnet ${netuid} does not exist.`);
  const call = ctx.api.tx['subtensorModule']!['burnedRegister']!(netuid, hotkey);
  const [info, balanceRao] = await Promise.all([
    call.paymentInfo(coldkey),
    freeBalance(ctx, coldkey),
  ]);
  const feeRao = info.partialFee.toBigInt();
  const totalRao = settings.burnRao + feeRao;
  return {
    netuid,
    burnRao: settings.burnRao,
    feeRao,
    totalRao,
    balanceRao,
    affordable: balanceRao >= totalRao,
    summary: `${formatTao(settings.burnRao)} burned + ${formatTao(feeRao)} fee`,
  };
}

/**
 * Registers `hotkey` on `netuid`, burning TAO from `coldkey`. Refuses (sends nothing) when the
 * current burn is above `maxBurnRao`, the amount the user confirmed. Resolves with the new uid.
 */
export async function burnedRegister(
  ctx: ChainContext,
  netuid: number,
  hotkey: string,
  coldkey: KeyringPair,
  maxBurnRao: bigint,
): Promise<{ uid: number; block: number }> {
  const existing = await uidOf(ctx, netuid, hotkey);
  if (existing !== null)
    throw new ChainError(
      'REFUSED',
      `Hotkey ${hotkey} is already registered on subnet ${netuid} (uid ${existing}).`,
    );
  const { burnRao } = await readSubnetSettings(ctx, netuid);
  if (burnRao > maxBurnRao)
    throw new ChainError(
      'REFUSED',
      `The registration burn rose to ${formatTao(burnRao)}, above the ${formatTao(maxBurnRao)} you confirmed; nothing was paid.`,
    );
  const result = await submit(
    ctx,
    ctx.api.tx['subtensorModule']!['burnedRegister']!(netuid, hotkey),
    coldkey,
    {
      label: 'burned_register',
    },
  );
  const ev = findEvent(result, 'subtensorModule', 'NeuronRegistered');
  const uid = ev ? Number(ev.data[1]) : await uidOf(ctx, netuid, hotkey);
  if (uid === null)
    throw new ChainError('DISPATCH', 'Registration was included but no uid was assigned.');
  return { uid, block: result.blockNumber };
}
