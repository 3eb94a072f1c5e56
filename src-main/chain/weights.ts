/**
 * Setting weights: directly with set_weights, or — when the subnet has commit-reveal switched on —
 * as commit_weights now and reveal_weights in the reveal window. Which one is decided from the
 * runtime's metadata and the subnet's setting at call time, never assumed.
 *
 * Weights are normalised the way bittensor does it: scaled so the largest is u16::MAX, zeros
 * dropped, uids ascending.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import { u8aToHex } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';
import { randomBytes } from '@noble/hashes/utils.js';

import type { ChainContext } from './context';
import { ChainError } from './errors';
import { detectFeatures } from './features';
import { readSubnetSettings } from './subnet';
import { submit, type TxResult } from './tx';

const U16_MAX = 65535;

export interface WeightVector {
  readonly uids: number[];
  readonly weights: number[];
}

/** Float weights → u16 weights, max-normalised; zero and non-finite weights dropped. */
export function normalizeWeights(
  uids: readonly number[],
  weights: readonly number[],
): WeightVector {
  if (uids.length !== weights.length)
    throw new ChainError('REFUSED', `Got ${uids.length} uids but ${weights.length} weights.`);
  if (new Set(uids).size !== uids.length)
    throw new ChainError('REFUSED', 'A uid appears twice in the weights.');
  for (const w of weights)
    if (!Number.isFinite(w) || w < 0)
      throw new ChainError('REFUSED', 'Weights must be finite and ≥ 0.');
  const max = Math.max(0, ...weights);
  if (max === 0) throw new ChainError('REFUSED', 'All weights are zero.');
  const pairs = uids
    .map((uid, i) => [uid, Math.round(((weights[i] ?? 0) / max) * U16_MAX)] as const)
    .filter(([, w]) => w > 0)
    .sort((a, b) => a[0] - b[0]);
  return { uids: pairs.map(([u]) => u), weights: pairs.map(([, w]) => w) };
}

export interface PendingReveal {
  readonly netuid: number;
  readonly hotkey: string;
  readonly uids: number[];
  readonly weights: number[];
  readonly salt: number[];
  readonly versionKey: bigint;
  readonly commitHash: string;
  readonly commitBlock: number;
  /** The reveal window, from the chain's WeightCommits entry. */
  readonly firstRevealBlock: number;
  readonly lastRevealBlock: number;
}

export type SetWeightsResult =
  | { readonly mode: 'direct'; readonly tx: TxResult }
  | { readonly mode: 'committed'; readonly tx: TxResult; readonly pending: PendingReveal };

/** Subtensor's commit hash: BlakeTwo256 of SCALE(AccountId, netuid, uids, values, salt, version). */
export function weightsCommitHash(
  ctx: ChainContext,
  hotkey: string,
  netuid: number,
  w: WeightVector,
  salt: number[],
  versionKey: bigint,
): string {
  const encoded = ctx.api.registry
    .createType('(AccountId32, u16, Vec<u16>, Vec<u16>, Vec<u16>, u64)', [
      hotkey,
      netuid,
      w.uids,
      w.weights,
      salt,
      versionKey,
    ])
    .toU8a();
  return u8aToHex(blake2AsU8a(encoded, 256));
}

/**
 * Sets `weights` on `uids` for `netuid`, signed by the validator hotkey. With commit-reveal on,
 * commits and returns the PendingReveal to pass to revealWeights once the window opens.
 */
export async function setWeights(
  ctx: ChainContext,
  netuid: number,
  hotkey: KeyringPair,
  uids: readonly number[],
  weights: readonly number[],
  versionKey?: bigint,
): Promise<SetWeightsResult> {
  const features = detectFeatures(ctx.api);
  const settings = await readSubnetSettings(ctx, netuid);
  if (!settings.exists) throw new ChainError('REFUSED', `Subnet ${netuid} does not exist.`);
  const w = normalizeWeights(uids, weights);
  const version = versionKey ?? settings.weightsVersionKey;
  const tx = ctx.api.tx['subtensorModule']!;

  if (!settings.commitRevealEnabled) {
    const result = await submit(
      ctx,
      tx['setWeights']!(netuid, w.uids, w.weights, version),
      hotkey,
      {
        label: 'set_weights',
      },
    );
    return { mode: 'direct', tx: result };
  }
  if (!features.commitReveal)
    throw new ChainError(
      'UNSUPPORTED',
      `Subnet ${netuid} requires commit-reveal, but runtime ${features.specName} ${features.specVersion} has no commit_weights.`,
    );
  // 8 random u16 words of salt, as bittensor uses.
  const bytes = randomBytes(16);
  const salt = Array.from({ length: 8 }, (_, i) => (bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  const commitHash = weightsCommitHash(ctx, hotkey.address, netuid, w, salt, version);
  const result = await submit(ctx, tx['commitWeights']!(netuid, commitHash), hotkey, {
    label: 'commit_weights',
  });
  const window = await commitWindow(ctx, netuid, hotkey.address, commitHash);
  return {
    mode: 'committed',
    tx: result,
    pending: {
      netuid,
      hotkey: hotkey.address,
      uids: w.uids,
      weights: w.weights,
      salt,
      versionKey: version,
      commitHash,
      commitBlock: window?.commitBlock ?? result.blockNumber,
      firstRevealBlock: window?.firstRevealBlock ?? result.blockNumber,
      lastRevealBlock: window?.lastRevealBlock ?? Number.MAX_SAFE_INTEGER,
    },
  };
}

/** The (commit, first reveal, last reveal) blocks the chain recorded for a commit hash. */
async function commitWindow(
  ctx: ChainContext,
  netuid: number,
  hotkey: string,
  commitHash: string,
): Promise<{ commitBlock: number; firstRevealBlock: number; lastRevealBlock: number } | null> {
  const q = ctx.api.query['subtensorModule']?.['weightCommits'];
  if (!q) return null;
  const entries = (await q(netuid, hotkey)).toJSON() as Array<
    [string, number, number, number]
  > | null;
  const hit = entries?.find(([hash]) => hash === commitHash);
  return hit ? { commitBlock: hit[1], firstRevealBlock: hit[2], lastRevealBlock: hit[3] } : null;
}

export async function revealWeights(
  ctx: ChainContext,
  hotkey: KeyringPair,
  p: PendingReveal,
): Promise<TxResult> {
  if (hotkey.address !== p.hotkey)
    throw new ChainError('REFUSED', 'This reveal belongs to another hotkey.');
  const call = ctx.api.tx['subtensorModule']!['revealWeights']!(
    p.netuid,
    p.uids,
    p.weights,
    p.salt,
    p.versionKey,
  );
  return submit(ctx, call, hotkey, { label: 'reveal_weights' });
}

/** The weights a uid has set on `netuid`, as stored: [[target uid, u16 weight], …]. */
export async function readWeights(
  ctx: ChainContext,
  netuid: number,
  uid: number,
): Promise<Array<[number, number]>> {
  const v = (await ctx.api.query['subtensorModule']!['weights']!(netuid, uid)).toJSON() as Array<
    [number, number]
  >;
  return v.map(([u, w]) => [Number(u), Number(w)]);
}
