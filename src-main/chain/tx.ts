/**
 * Signing and submitting extrinsics: local nonce tracking so several transactions from one key
 * can be in flight (or in one block) at once, waiting for inclusion, and turning every failure
 * into a ChainError.
 *
 * Why local nonces: system_accountNextIndex does not count transactions still in the pool on every
 * node (chopsticks ignores it entirely), so asking it before each send hands out the same nonce
 * twice. We ask once, then count up; any refusal resyncs from the chain.
 */
import type { ApiPromise } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { ISubmittableResult } from '@polkadot/types/types';

import { silentLogger, type Logger } from '../log/logger';
import { ChainError, fromDispatchError, fromSubmitError } from './errors';

export class NonceManager {
  #next = new Map<string, number>();
  #lock = new Map<string, Promise<unknown>>();

  constructor(private readonly api: ApiPromise) {}

  /** The nonce for the next transaction of `address`; concurrent callers get distinct values. */
  async next(address: string): Promise<number> {
    const prev = this.#lock.get(address) ?? Promise.resolve();
    const run = prev.then(async () => {
      let n = this.#next.get(address);
      if (n === undefined) n = (await this.api.rpc.system.accountNextIndex(address)).toNumber();
      this.#next.set(address, n + 1);
      return n;
    });
    this.#lock.set(
      address,
      run.catch(() => {}),
    );
    return run;
  }

  /** Forget the local count (after a refusal): the next call asks the chain again. */
  reset(address: string): void {
    this.#next.delete(address);
  }
}

export interface TxEvent {
  readonly section: string;
  readonly method: string;
  readonly data: unknown[];
}

export interface TxResult {
  readonly txHash: string;
  readonly blockHash: string;
  readonly blockNumber: number;
  readonly events: TxEvent[];
}

export interface SubmitOptions {
  /** Use this nonce instead of the next tracked one. */
  nonce?: number;
  /** Resolve at inclusion (default) or at finality. */
  waitFor?: 'inBlock' | 'finalized';
  timeoutMs?: number;
  /** What the log line calls this transaction, e.g. "burned_register". */
  label?: string;
  /**
   * Called once the transaction is signed, before it is sent, with its hash and the first block
   * it can be in (its era's birth, with mortalBlocks): a caller that must find it again after a
   * crash or a lost answer (pool unstakes and payouts) records them here, and looks in
   * [birth, birth + mortalBlocks).
   */
  onSigned?: (txHash: string, birth: number | null) => void;
  /**
   * Blocks from its birth (the best block when signed) after which the transaction can no longer
   * be included (its mortal era; a power of two); default polkadot-js' era.
   */
  mortalBlocks?: number;
}

/** Failures that prove a transaction changed nothing: included and failed, or usurped. */
const SETTLED = new WeakSet<Error>();

/**
 * Whether a submission that failed after it was signed may still take effect, so that the caller
 * must look it up (findIncluded) before sending it again. Only a refusal by the node (1010, 1012,
 * 1014), a dispatch error in a block, or another transaction taking its nonce prove it did not;
 * a time-out, a dropped connection, an RPC error or a 'dropped' status do not (a dropped
 * transaction can come back from a peer it was gossiped to).
 */
export function outcomeUnknown(err: unknown): boolean {
  if (err instanceof Error && SETTLED.has(err)) return false;
  const code = (err as { code?: unknown } | null)?.code;
  return code !== 'INVALID_TX' && code !== 'POOL';
}

export interface TxContext {
  readonly api: ApiPromise;
  readonly nonces: NonceManager;
  readonly log?: Logger;
}

/** Signs `call` with `signer`, submits it, and resolves with its block and events. */
export async function submit(
  ctx: TxContext,
  call: SubmittableExtrinsic<'promise'>,
  signer: KeyringPair,
  opts: SubmitOptions = {},
): Promise<TxResult> {
  const log = (ctx.log ?? silentLogger).child('tx');
  const label = opts.label ?? `${call.method.section}.${call.method.method}`;
  const nonce = opts.nonce ?? (await ctx.nonces.next(signer.address));
  const waitFor = opts.waitFor ?? 'inBlock';
  const timeoutMs = opts.timeoutMs ?? 120_000;
  let signed: SubmittableExtrinsic<'promise'>;
  let birth: number | null = null;
  try {
    if (opts.mortalBlocks) {
      // The era is built here, from the best block, so that its birth is known to the caller.
      const head = await ctx.api.rpc.chain.getHeader();
      birth = head.number.toNumber();
      const era = ctx.api.registry.createType('ExtrinsicEra', {
        current: birth,
        period: opts.mortalBlocks,
      });
      signed = await call.signAsync(signer, { nonce, era, blockHash: head.hash });
    } else {
      signed = await call.signAsync(signer, { nonce });
    }
  } catch (err) {
    ctx.nonces.reset(signer.address);
    throw fromSubmitError(err);
  }
  const txHash = signed.hash.toHex();
  log.debug('submitting', { label, signer: signer.address, nonce, txHash });
  opts.onSigned?.(txHash, birth);

  return new Promise<TxResult>((resolve, reject) => {
    let unsub: (() => void) | undefined;
    let done = false;
    const finish = (err: ChainError | null, result?: TxResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsub?.();
      if (err) {
        log.warn('transaction failed', {
          label,
          signer: signer.address,
          nonce,
          error: err.message,
          key: err.key,
        });
        reject(err);
      } else if (result) {
        log.info('transaction included', {
          label,
          signer: signer.address,
          block: result.blockNumber,
        });
        resolve(result);
      }
    };
    const timer = setTimeout(() => {
      ctx.nonces.reset(signer.address);
      finish(new ChainError('TIMEOUT', `${label} was not included within ${timeoutMs / 1000} s.`));
    }, timeoutMs);

    const onStatus = (res: ISubmittableResult) => {
      const { status } = res;
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        ctx.nonces.reset(signer.address);
        const dropped = new ChainError(
          'DROPPED',
          `${label} was ${status.type.toLowerCase()} by the node (it may have failed validation, e.g. a rate limit or an unpayable fee).`,
        );
        // Usurped: another transaction took its nonce, so it can never be included.
        if (status.isUsurped) SETTLED.add(dropped);
        finish(dropped);
        return;
      }
      const included =
        waitFor === 'inBlock' ? status.isInBlock || status.isFinalized : status.isFinalized;
      if (!included) return;
      const blockHash = (status.isInBlock ? status.asInBlock : status.asFinalized).toHex();
      if (res.dispatchError) {
        const failed = fromDispatchError(ctx.api, res.dispatchError);
        SETTLED.add(failed);
        finish(failed);
        return;
      }
      const events: TxEvent[] = res.events.map(({ event }) => ({
        section: event.section,
        method: event.method,
        data: event.data.map((d) => d.toJSON()),
      }));
      ctx.api.rpc.chain
        .getHeader(blockHash)
        .then((h) => finish(null, { txHash, blockHash, blockNumber: h.number.toNumber(), events }))
        .catch((err: unknown) =>
          // Included: its outcome is known to the chain, only our answer was lost.
          finish(
            new ChainError(
              'DISCONNECTED',
              `${label} was included in ${blockHash}, but its block could not be read: ${String(err)}`,
              {},
              { cause: err },
            ),
          ),
        );
    };

    signed
      .send(onStatus)
      .then((u) => {
        unsub = u;
        if (done) u();
      })
      .catch((err: unknown) => {
        ctx.nonces.reset(signer.address);
        finish(fromSubmitError(err));
      });
  });
}

/** The first event `section.method` of a result, or undefined. */
export function findEvent(result: TxResult, section: string, method: string): TxEvent | undefined {
  return result.events.find((e) => e.section === section && e.method === method);
}

/**
 * Looks for the transaction `txHash` in blocks `from`..`to` of the best chain (a caller that
 * crashed after sending it finds out what became of it). Returns its block and events, with
 * `ok` false when it was included but failed; null when it is in none of them.
 */
export async function findIncluded(
  ctx: Pick<TxContext, 'api'>,
  txHash: string,
  from: number,
  to: number,
): Promise<{ blockNumber: number; ok: boolean; events: TxEvent[] } | null> {
  const { api } = ctx;
  for (let n = Math.max(1, from); n <= to; n++) {
    const hash = await api.rpc.chain.getBlockHash(n);
    const block = await api.rpc.chain.getBlock(hash);
    const index = block.block.extrinsics.findIndex((x) => x.hash.toHex() === txHash);
    if (index < 0) continue;
    const records = (await (
      await api.at(hash)
    ).query['system']!['events']!()) as unknown as Array<{
      phase: { isApplyExtrinsic: boolean; asApplyExtrinsic: { toNumber(): number } };
      event: { section: string; method: string; data: Array<{ toJSON(): unknown }> };
    }>;
    const events: TxEvent[] = records
      .filter((r) => r.phase.isApplyExtrinsic && r.phase.asApplyExtrinsic.toNumber() === index)
      .map(({ event }) => ({
        section: event.section,
        method: event.method,
        data: event.data.map((d) => d.toJSON()),
      }));
    const ok = events.some((e) => e.section === 'system' && e.method === 'ExtrinsicSuccess');
    return { blockNumber: n, ok, events };
  }
  return null;
}

/** The number of the newest finalized block (what no fork can take back). */
export async function finalizedNumber(ctx: Pick<TxContext, 'api'>): Promise<number> {
  const hash = await ctx.api.rpc.chain.getFinalizedHead();
  return (await ctx.api.rpc.chain.getHeader(hash)).number.toNumber();
}
