/** Subnet settings the client must respect, read from storage (per-subnet admin settings). */
import type { Codec } from '@polkadot/types/types';

import type { ChainContext } from './context';
import { toBigInt } from './context';

export interface SubnetSettings {
  readonly netuid: number;
  readonly exists: boolean;
  readonly tempo: number;
  readonly neurons: number;
  readonly maxUids: number;
  /** Current burn (RAO) a burned registration costs. */
  readonly burnRao: bigint;
  readonly registrationAllowed: boolean;
  readonly commitRevealEnabled: boolean;
  readonly revealPeriodEpochs: number;
  readonly weightsRateLimit: number;
  readonly weightsVersionKey: bigint;
  readonly minAllowedWeights: number;
  readonly servingRateLimit: number;
}

type Query = Record<string, ((...args: unknown[]) => Promise<Codec>) | undefined>;

export async function readSubnetSettings(
  ctx: ChainContext,
  netuid: number,
): Promise<SubnetSettings> {
  const q = ctx.api.query['subtensorModule'] as unknown as Query;
  const get = async (name: string, fallback: unknown = 0): Promise<unknown> => {
    const fn = q[name];
    if (!fn) return fallback;
    const v = await fn(netuid);
    return (v as unknown as { toJSON(): unknown }).toJSON();
  };
  const [exists, tempo, n, maxUids, burn, regAllowed, cr, reveal, wrl, wvk, minw, srl] =
    await Promise.all([
      get('networksAdded', false),
      get('tempo'),
      get('subnetworkN'),
      get('maxAllowedUids'),
      get('burn'),
      get('networkRegistrationAllowed', true),
      get('commitRevealWeightsEnabled', false),
      get('revealPeriodEpochs', 1),
      get('weightsSetRateLimit'),
      get('weightsVersionKey'),
      get('minAllowedWeights'),
      get('servingRateLimit'),
    ]);
  return {
    netuid,
    exists: Boolean(exists),
    tempo: Number(tempo),
    neurons: Number(n),
    maxUids: Number(maxUids),
    burnRao: toBigInt(burn),
    registrationAllowed: Boolean(regAllowed),
    commitRevealEnabled: Boolean(cr),
    revealPeriodEpochs: Number(reveal),
    weightsRateLimit: Number(wrl),
    weightsVersionKey: toBigInt(wvk),
    minAllowedWeights: Number(minw),
    servingRateLimit: Number(srl),
  };
}

/** The subnet owner's hotkey (emission weighted to it is burned); null on runtimes without it. */
export async function readSubnetOwnerHotkey(
  ctx: ChainContext,
  netuid: number,
): Promise<string | null> {
  const q = ctx.api.query['subtensorModule'] as unknown as Query;
  const read = q['subnetOwnerHotkey'];
  return read ? String((await read(netuid)).toJSON()) : null;
}
