/**
 * What a registered hotkey earns on a subnet, as a miner asks it: who owns the hotkey, the stake
 * it holds (alpha, the subnet's own token, and that alpha's worth in TAO at the subnet pool's
 * price), its incentive and the alpha it received at the last epoch. Read from storage, so it
 * works on runtimes without the NeuronInfo RPC (chopsticks has none).
 */
import type { ChainContext } from './context';
import { toBigInt } from './context';
import { ChainError } from './errors';

export interface NeuronEarnings {
  readonly uid: number;
  /** The coldkey that owns the hotkey (it receives unstaked TAO); null if the chain has none. */
  readonly coldkey: string | null;
  /** The hotkey's stake on the subnet, in alpha's smallest unit (10^9 per α), all owners. */
  readonly stakeAlphaRao: bigint;
  /** That alpha's worth in RAO at the pool's price now; null when the subnet has no pool. */
  readonly stakeTaoRao: bigint | null;
  /** The neuron's share of the miners' emission at the last epoch, in [0, 1]. */
  readonly incentive: number;
  /** Alpha (smallest unit) the neuron received at the last epoch, i.e. per tempo. */
  readonly emissionAlphaRao: bigint;
}

/** The subnet's pool (dynamic TAO): price of α in TAO = taoInRao / alphaInRao. */
export interface AlphaPool {
  readonly taoInRao: bigint;
  readonly alphaInRao: bigint;
}

type StorageFn = (...args: unknown[]) => Promise<{ toJSON(): unknown }>;

function storage(ctx: ChainContext, name: string): StorageFn | undefined {
  return ctx.api.query['subtensorModule']?.[name] as StorageFn | undefined;
}

function required(ctx: ChainContext, name: string): StorageFn {
  const fn = storage(ctx, name);
  if (!fn)
    throw new ChainError('UNSUPPORTED', `This runtime has no SubtensorModule.${name} storage.`);
  return fn;
}

async function read(fn: StorageFn | undefined, ...args: unknown[]): Promise<unknown> {
  return fn ? (await fn(...args)).toJSON() : null;
}

/** The subnet's pool, or null before dynamic TAO (stake was TAO then) or while it is empty. */
export async function readAlphaPool(ctx: ChainContext, netuid: number): Promise<AlphaPool | null> {
  const [tao, alpha] = await Promise.all([
    read(storage(ctx, 'subnetTAO'), netuid),
    read(storage(ctx, 'subnetAlphaIn'), netuid),
  ]);
  const taoInRao = tao === null ? 0n : toBigInt(tao);
  const alphaInRao = alpha === null ? 0n : toBigInt(alpha);
  return taoInRao > 0n && alphaInRao > 0n ? { taoInRao, alphaInRao } : null;
}

/** Alpha's worth in RAO at the pool's price (rounded down); null without a pool. */
export function alphaToRao(alphaRao: bigint, pool: AlphaPool | null): bigint | null {
  return pool ? (alphaRao * pool.taoInRao) / pool.alphaInRao : null;
}

/** The hotkey's earnings on the subnet, or null when it is not registered there. */
export async function readEarnings(
  ctx: ChainContext,
  netuid: number,
  hotkey: string,
  pool: AlphaPool | null,
): Promise<NeuronEarnings | null> {
  const uidJson = await read(required(ctx, 'uids'), netuid, hotkey);
  if (uidJson === null || uidJson === undefined) return null;
  const uid = Number(uidJson);
  const alphaFn = storage(ctx, 'totalHotkeyAlpha');
  const [owner, stake, incentives, emissions] = await Promise.all([
    read(storage(ctx, 'owner'), hotkey),
    alphaFn ? read(alphaFn, hotkey, netuid) : read(storage(ctx, 'totalHotkeyStake'), hotkey),
    read(required(ctx, 'incentive'), netuid),
    read(required(ctx, 'emission'), netuid),
  ]);
  const stakeAlphaRao = toBigInt(stake ?? 0);
  const incentive = Number((incentives as number[] | null)?.[uid] ?? 0) / 65_535;
  const emission = (emissions as Array<number | string> | null)?.[uid] ?? 0;
  return {
    uid,
    coldkey: typeof owner === 'string' ? owner : null,
    stakeAlphaRao,
    stakeTaoRao: alphaToRao(stakeAlphaRao, pool),
    incentive,
    emissionAlphaRao: toBigInt(emission),
  };
}

/** One block every 12 s: Subtensor's target block time (a local network may tick faster). */
export const BLOCK_SECONDS = 12;

/** Epochs a day at the target block time: emission is paid every tempo + 1 blocks. */
export function epochsPerDay(tempo: number): number {
  return (24 * 3600) / BLOCK_SECONDS / (tempo + 1);
}
