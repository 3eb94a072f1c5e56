/**
 * On-chain commitments (pallet Commitments): a registered hotkey publishes a few bytes per subnet,
 * and anybody reads them back with the block they were set in — how a miner fixes its claim
 * (hash of program ‖ hotkey) before showing the program.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import { hexToU8a, u8aConcat, u8aToHex } from '@polkadot/util';

import type { ChainContext } from './context';
import { ChainError } from './errors';
import { detectFeatures } from './features';
import { submit, type TxResult } from './tx';

/** Largest Raw field of the Data enum. */
const MAX_RAW = 128;

export interface Commitment {
  readonly block: number;
  readonly deposit: bigint;
  /** The raw bytes (Raw fields concatenated in order). */
  readonly data: Uint8Array;
  /** Hash fields (BlakeTwo256, Sha256, …) as { kind: hex }. */
  readonly hashes: Array<Record<string, string>>;
}

export async function setCommitment(
  ctx: ChainContext,
  netuid: number,
  hotkey: KeyringPair,
  data: Uint8Array,
): Promise<TxResult> {
  if (!detectFeatures(ctx.api).commitments)
    throw new ChainError('UNSUPPORTED', 'This runtime has no Commitments pallet.');
  const maxFields = Number(ctx.api.consts['commitments']?.['maxFields']?.toString() ?? 1);
  if (data.length === 0) throw new ChainError('REFUSED', 'A commitment needs at least one byte.');
  if (data.length > maxFields * MAX_RAW)
    throw new ChainError(
      'REFUSED',
      `A commitment holds at most ${maxFields * MAX_RAW} bytes; got ${data.length}.`,
    );
  const fields = [];
  for (let i = 0; i < data.length; i += MAX_RAW) {
    const chunk = data.subarray(i, i + MAX_RAW);
    fields.push({ [`Raw${chunk.length}`]: u8aToHex(chunk) });
  }
  const call = ctx.api.tx['commitments']!['setCommitment']!(netuid, { fields });
  return submit(ctx, call, hotkey, { label: 'set_commitment' });
}

export async function readCommitment(
  ctx: ChainContext,
  netuid: number,
  hotkey: string,
): Promise<Commitment | null> {
  const v = (await ctx.api.query['commitments']!['commitmentOf']!(netuid, hotkey)).toJSON() as {
    block: number;
    deposit: number | string;
    info: { fields: Array<Record<string, string | null>> };
  } | null;
  if (!v) return null;
  const raws: Uint8Array[] = [];
  const hashes: Array<Record<string, string>> = [];
  for (const field of v.info.fields) {
    const [kind, value] = Object.entries(field)[0] ?? ['none', null];
    if (/^raw\d+$/i.test(kind) && typeof value === 'string') raws.push(hexToU8a(value));
    else if (value !== null && typeof value === 'string') hashes.push({ [kind]: value });
  }
  return { block: Number(v.block), deposit: BigInt(v.deposit), data: u8aConcat(...raws), hashes };
}
