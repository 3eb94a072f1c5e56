/**
 * A metagraph snapshot: every neuron of one subnet at one block — uid, hotkey, coldkey, stake,
 * validator permit, axon endpoint, last update — all read at one pinned block hash, so the
 * snapshot is consistent even while new blocks arrive. (The node-side neuronInfo_* RPCs are not
 * available everywhere, e.g. under chopsticks.)
 */
import type { ChainContext } from './context';
import { toBigInt } from './context';
import { addressScope } from '../net/addresses';
import { axonRole, decodeIp, type AxonRole } from './axon';
import { ChainError } from './errors';

export interface AxonInfo {
  readonly ip: string;
  readonly port: number;
  readonly ipType: number;
  readonly protocol: number;
  readonly version: number;
  readonly block: number;
  /** What the endpoint says it serves (a pool, or a validator or miner node). */
  readonly role: AxonRole;
  /**
   * Whether nodes should contact it: false for an address that is not public on a public chain
   * (SubtensorClient.metagraph decides; the role still counts, the address is never followed).
   */
  readonly reachable: boolean;
}

export interface Neuron {
  readonly uid: number;
  readonly hotkey: string;
  readonly coldkey: string;
  readonly active: boolean;
  /** Total stake on the hotkey in this subnet (RAO / alpha units), summed over nominators. */
  readonly stake: bigint;
  readonly validatorPermit: boolean;
  readonly lastUpdate: number;
  /** null when the neuron never served an axon. */
  readonly axon: AxonInfo | null;
}

export interface Metagraph {
  readonly netuid: number;
  readonly block: number;
  readonly blockHash: string;
  readonly neurons: Neuron[];
}

type StorageFn = ((...args: unknown[]) => Promise<{ toJSON(): unknown }>) & {
  entries(
    ...args: unknown[]
  ): Promise<Array<[{ args: Array<{ toJSON(): unknown }> }, { toJSON(): unknown }]>>;
  multi(keys: unknown[]): Promise<Array<{ toJSON(): unknown }>>;
};

/**
 * A validator as the subnet counts them: a validator permit, and no pool announced on its axon
 * (a pool holds a permit like anyone registered on a small subnet, but judges nothing).
 */
export function isValidator(n: Neuron): boolean {
  return n.validatorPermit && n.axon?.role !== 'pool';
}

/** The base URL of a node's announced API (IPv6 addresses in brackets). */
export function axonUrl(axon: AxonInfo): string {
  return `http://${axon.ipType === 6 ? `[${axon.ip}]` : axon.ip}:${axon.port}`;
}

/**
 * The metagraph with each endpoint's `reachable` decided: on a public chain only public
 * addresses; on a local chain (`local`) private ones too; unusable ones never. `onSkip` hears of
 * each endpoint marked unreachable.
 */
export function markReachable(
  mg: Metagraph,
  local: boolean,
  onSkip: (n: Neuron, scope: 'private' | 'unusable') => void = () => {},
): Metagraph {
  const neurons = mg.neurons.map((n) => {
    if (!n.axon) return n;
    const scope = addressScope(n.axon.ip);
    if (scope === 'public' || (scope === 'private' && local)) return n;
    onSkip(n, scope);
    return { ...n, axon: { ...n.axon, reachable: false } };
  });
  return { ...mg, neurons };
}

/** Whether a neuron announced an endpoint this node may contact (see AxonInfo.reachable). */
export function hasReachableAxon(n: Neuron): n is Neuron & { readonly axon: AxonInfo } {
  return n.axon?.reachable === true;
}

interface AxonJson {
  block: number;
  version: number;
  ip: number | string;
  port: number;
  ipType: number;
  protocol: number;
  placeholder1?: number;
}

/**
 * Reads the snapshot from storage at one pinned block. Storage items are typed by the runtime's
 * own metadata, which keeps this working across runtime upgrades (the NeuronInfo runtime API of
 * older runtimes returns opaque SCALE bytes whose layout is not in the metadata).
 */
export async function readMetagraph(
  ctx: ChainContext,
  netuid: number,
  at?: string,
): Promise<Metagraph> {
  const blockHash = at ?? (await ctx.api.rpc.chain.getFinalizedHead()).toHex();
  const [header, apiAt] = await Promise.all([
    ctx.api.rpc.chain.getHeader(blockHash),
    ctx.api.at(blockHash),
  ]);
  const q = apiAt.query['subtensorModule'] as unknown as Record<string, StorageFn | undefined>;
  const need = (name: string): StorageFn => {
    const fn = q[name];
    if (!fn)
      throw new ChainError('UNSUPPORTED', `This runtime has no SubtensorModule.${name} storage.`);
    return fn;
  };
  if (!(await need('networksAdded')(netuid)).toJSON())
    throw new ChainError('REFUSED', `Subnet ${netuid} does not exist.`);
  const [keyEntries, active, permits, lastUpdate] = await Promise.all([
    need('keys').entries(netuid),
    need('active')(netuid),
    need('validatorPermit')(netuid),
    need('lastUpdate')(netuid),
  ]);
  const byUid = keyEntries
    .map(([key, hotkey]) => ({
      uid: Number(key.args[1]!.toJSON()),
      hotkey: String(hotkey.toJSON()),
    }))
    .sort((a, b) => a.uid - b.uid);
  const hotkeys = byUid.map((n) => n.hotkey);
  // dTAO runtimes keep a hotkey's stake per subnet in TotalHotkeyAlpha; older ones in TotalHotkeyStake.
  const stakeFn = q['totalHotkeyAlpha'];
  const [owners, axons, stakes] = await Promise.all([
    need('owner').multi(hotkeys),
    need('axons').multi(hotkeys.map((h) => [netuid, h])),
    stakeFn
      ? stakeFn.multi(hotkeys.map((h) => [h, netuid]))
      : need('totalHotkeyStake').multi(hotkeys),
  ]);
  const activeV = (active.toJSON() ?? []) as boolean[];
  const permitV = (permits.toJSON() ?? []) as boolean[];
  const lastV = (lastUpdate.toJSON() ?? []) as number[];
  const neurons = byUid.map(({ uid, hotkey }, i): Neuron => {
    const axon = axons[i]?.toJSON() as AxonJson | null;
    const ipValue = axon ? toBigInt(axon.ip) : 0n;
    return {
      uid,
      hotkey,
      coldkey: String(owners[i]?.toJSON()),
      active: Boolean(activeV[uid]),
      stake: toBigInt(stakes[i]?.toJSON() ?? 0),
      validatorPermit: Boolean(permitV[uid]),
      lastUpdate: Number(lastV[uid] ?? 0),
      axon:
        !axon || ipValue === 0n
          ? null
          : {
              ip: decodeIp(ipValue, Number(axon.ipType)),
              port: Number(axon.port),
              ipType: Number(axon.ipType),
              protocol: Number(axon.protocol),
              reachable: true,
              version: Number(axon.version),
              block: Number(axon.block),
              role: axonRole(Number(axon.placeholder1 ?? 0)),
            },
    };
  });
  return { netuid, block: header.number.toNumber(), blockHash, neurons };
}
