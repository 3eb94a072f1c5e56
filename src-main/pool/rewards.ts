/**
 * A pool's reward windows on chain (issue #7). The subnet pays the state-of-the-art holder's
 * hotkey in alpha (stake on the subnet), so what the pool earned in a window is the alpha its
 * coldkey's stake on that hotkey gained since the window opened (nominators' stake, and what
 * emission adds to it, is theirs). A window closes once the pool's program has held the state of
 * the art during it and at least `windowBlocks` have passed: the earned alpha is unstaked to the
 * coldkey, the TAO that came out (read from the StakeRemoved event, to the RAO) is split by the
 * share table (WorkLedger.closeWindow), and the miners are paid (payouts.ts). While the pool has
 * not won, nothing closes and shares keep accumulating.
 *
 * Crash safety: the unstake's hash is booked before it is sent. If its answer is lost (a crash, a
 * time-out, a dropped connection) it is looked for in the blocks of its mortal era and booked
 * once found; one that never reached a block is forgotten when the era has passed, and its
 * alpha, still staked, counts in the next window. A refusal is forgotten at once.
 *
 * The operator's own stake on the pool hotkey is the baseline measured when the pool first
 * starts; stake the operator adds or removes by hand later would be read as earnings or losses.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import type { SubtensorClient } from '../chain/client';
import { stakeRemoved } from '../chain/stake';
import { finalizedNumber, findIncluded, outcomeUnknown } from '../chain/tx';
import type { Logger } from '../log/logger';
import { payMiners, POOL_TX_MORTAL_BLOCKS } from './payouts';
import type { PendingUnstake, WorkLedger } from './work-ledger';

/** How often (in blocks) the validators are asked whether the pool holds the state of the art. */
const HOLD_CHECK_BLOCKS = 5;
/** After a failed unstake, blocks before the next try (each try may cost a fee). */
const CLOSE_RETRY_BLOCKS = 10;

export interface RewardOptions {
  readonly client: Pick<SubtensorClient, 'api' | 'nonces' | 'log' | 'coldkeyAlpha' | 'removeStake'>;
  readonly ledger: WorkLedger;
  readonly netuid: number;
  /** The pool's hotkey (where the subnet pays it). */
  readonly hotkey: string;
  /** The coldkey that owns the hotkey: it unstakes and pays. */
  readonly coldkey: KeyringPair;
  readonly feeBps: number;
  readonly minimumPayoutRao: bigint;
  readonly windowBlocks: number;
  /** Whether the pool's program holds the state of the art now (asked of the validators). */
  readonly holdsSota: () => Promise<boolean>;
  /** The account a miner is paid to (the coldkey owning its hotkey). */
  readonly payee: (miner: string) => string;
  /** How long to wait for each unstake and transfer (default submit's, 2 minutes). */
  readonly txTimeoutMs?: number;
  readonly log: Logger;
}

export class RewardWindows {
  private current: Promise<void> | null = null;
  private stopped = false;
  private heldCheckedAt = -Infinity;
  private closeRetryAt = -Infinity;
  /** The block of the last payout attempt: failed or carried credits are retried once a window. */
  private paidAt = -Infinity;
  /** How far the blocks were searched for a pending unstake (none searched twice). */
  private searched: { txHash: string; to: number } | null = null;

  constructor(private readonly o: RewardOptions) {}

  /**
   * One step at block `block`: opens the first window, notes a win, closes a window that is due,
   * pays what is owed. Steps never overlap (a block that arrives meanwhile is skipped) and never
   * throw: a failure is logged and the next block tries again.
   */
  onBlock(block: number): Promise<void> {
    if (this.current || this.stopped) return this.current ?? Promise.resolve();
    this.current = this.step(block)
      .catch((err: unknown) =>
        this.o.log.warn('reward step failed; trying again at a later block', {
          error: err instanceof Error ? err.message : String(err),
        }),
      )
      .finally(() => (this.current = null));
    return this.current;
  }

  /** No more steps; resolves when the one under way has finished (no new transfer starts). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.current;
  }

  private async step(block: number): Promise<void> {
    const { ledger } = this.o;
    let state = ledger.rewardState();
    if (!state) {
      const baseline = await this.ownAlpha();
      ledger.openRewards(block, baseline);
      this.o.log.info('reward window opened', { block, baselineAlpha: baseline.toString() });
      state = ledger.rewardState()!;
    }
    let closed = false;
    const unsettled = state.unstaking;
    if (unsettled) {
      // No window closes while an earlier unstake is unsettled; payouts go on, even when its
      // blocks cannot be read (a node that pruned their state: then an archive node settles it).
      closed = await this.recover(unsettled).catch((err: unknown) => {
        this.o.log.error('cannot look for an unsettled unstake; windows wait for it', {
          tx: unsettled.txHash,
          block: unsettled.block,
          error: err instanceof Error ? err.message : String(err),
        });
        return false;
      });
    } else {
      if (state.heldBlock === null && block - this.heldCheckedAt >= HOLD_CHECK_BLOCKS) {
        this.heldCheckedAt = block;
        if (await this.o.holdsSota()) {
          ledger.noteHeld(block);
          this.o.log.info('the pool holds the state of the art', { block });
          state = ledger.rewardState()!;
        }
      }
      if (
        state.heldBlock !== null &&
        block - state.openedBlock >= this.o.windowBlocks &&
        block >= this.closeRetryAt
      )
        closed = await this.close(state.baselineAlpha, block);
    }
    if ((closed || block - this.paidAt >= this.o.windowBlocks) && ledger.unpaid().size > 0) {
      this.paidAt = block;
      await this.pay();
    }
  }

  private ownAlpha(): Promise<bigint> {
    return this.o.client.coldkeyAlpha(this.o.netuid, this.o.hotkey, this.o.coldkey.address);
  }

  /** Closes the window if the coldkey's stake earned anything in it; true when it did. */
  private async close(baseline: bigint, block: number): Promise<boolean> {
    const { ledger, netuid, hotkey } = this.o;
    const alpha = await this.ownAlpha();
    const earned = alpha - baseline;
    if (earned <= 0n) {
      this.o.log.debug('window due but nothing earned yet', { block });
      return false;
    }
    let unstaked;
    try {
      unstaked = await this.o.client.removeStake(netuid, hotkey, this.o.coldkey, earned, {
        mortalBlocks: POOL_TX_MORTAL_BLOCKS,
        // Booked only once final: a fork cannot take the window's TAO back.
        waitFor: 'finalized',
        timeoutMs: this.o.txTimeoutMs,
        onSigned: (txHash, birth) => ledger.beginUnstake({ alpha: earned, block: birth!, txHash }),
      });
    } catch (err) {
      // A refusal moved nothing; a lost answer may have, and is settled by recover().
      if (!outcomeUnknown(err)) ledger.abandonUnstake();
      this.closeRetryAt = block + CLOSE_RETRY_BLOCKS;
      throw err;
    }
    this.book(unstaked.tao, unstaked.alpha, unstaked.tx.blockNumber, unstaked.tx.txHash, alpha);
    return true;
  }

  /**
   * Settles an unstake whose answer was lost: booked if it is in a finalized block of its era
   * (true), else forgotten once the era has passed. Each block is searched once.
   */
  private async recover(u: PendingUnstake): Promise<boolean> {
    // Finalized blocks only: what is searched once cannot change afterwards.
    const final = await finalizedNumber(this.o.client);
    const lastBlock = u.block + POOL_TX_MORTAL_BLOCKS;
    const from = this.searched?.txHash === u.txHash ? this.searched.to + 1 : u.block;
    const to = Math.min(final, lastBlock);
    const found = from <= to ? await findIncluded(this.o.client, u.txHash, from, to) : null;
    this.searched = { txHash: u.txHash, to };
    const moved = found?.ok ? found.events.map(stakeRemoved).find((m) => m !== null) : undefined;
    if (found && moved) {
      // The baseline: what the coldkey held when the unstake was decided, less what it took.
      const before = this.o.ledger.rewardState()!.baselineAlpha + u.alpha;
      this.book(moved.tao, moved.alpha, found.blockNumber, u.txHash, before);
      this.o.log.info('an unstake whose answer was lost was found and booked', {
        tx: u.txHash,
        block: found.blockNumber,
      });
      return true;
    }
    if (found || final > lastBlock) {
      this.o.ledger.abandonUnstake();
      this.o.log.warn('an unstake sent earlier never took effect: its alpha stays in the window', {
        tx: u.txHash,
      });
    }
    return false;
  }

  private book(tao: bigint, alpha: bigint, block: number, tx: string, alphaBefore: bigint): void {
    const { window, fee, amounts } = this.o.ledger.closeWindow(tao, this.o.feeBps, Date.now(), {
      block,
      earnedAlpha: alpha,
      unstakeTx: tx,
      nextBaseline: alphaBefore - alpha,
    });
    this.o.log.info('reward window paid out of the pool hotkey', {
      window,
      block,
      alpha: alpha.toString(),
      tao: tao.toString(),
      fee: fee.toString(),
      miners: amounts.size,
    });
  }

  private async pay(): Promise<void> {
    const report = await payMiners({
      client: this.o.client,
      ledger: this.o.ledger,
      from: this.o.coldkey,
      minimum: this.o.minimumPayoutRao,
      payee: this.o.payee,
      stopping: () => this.stopped,
      timeoutMs: this.o.txTimeoutMs,
      log: this.o.log,
    });
    if (report.paid.size > 0 || report.failed.size > 0 || report.unsettled > 0)
      this.o.log.info('payouts sent', {
        paid: report.paid.size,
        carried: report.carried.size,
        failed: report.failed.size,
        unsettled: report.unsettled,
      });
  }
}
