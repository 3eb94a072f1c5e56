/**
 * A pool's reward windows on chain (issue #7). The subnet pays the state-of-the-art holder's
 * hotkey in alpha (stake on the subnet), so what the pool earned in a window is the alpha that
 * arrived on its hotkey since the window opened. A window closes once the pool's program has held
 * the state of the art during it and at least `windowBlocks` have passed: the earned alpha is
 * unstaked to the pool's coldkey, the TAO that came out (read from the StakeRemoved event, to the
 * RAO) is split by the share table (WorkLedger.closeWindow), and the miners are paid (payouts.ts).
 * While the pool has not won, nothing closes and shares keep accumulating.
 *
 * Crash safety: the unstake's hash is booked before it is sent. A pool that restarts with an
 * unbooked unstake looks for it in the blocks since, and books the window it paid for; one that
 * never reached a block is forgotten once its mortal era (64 blocks) has passed, and its alpha,
 * still staked, counts in the next window.
 *
 * The operator's own stake on the pool hotkey is the baseline measured when the pool first
 * starts; stake added or removed by hand later would be read as earnings or losses.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import type { SubtensorClient } from '../chain/client';
import { stakeRemoved } from '../chain/stake';
import { findIncluded } from '../chain/tx';
import type { Logger } from '../log/logger';
import { payMiners } from './payouts';
import type { PendingUnstake, WorkLedger } from './work-ledger';

/** Blocks after which a sent transaction can no longer be included (polkadot-js' mortal era). */
const MORTAL_BLOCKS = 64;

export interface RewardOptions {
  readonly client: Pick<SubtensorClient, 'api' | 'nonces' | 'log' | 'hotkeyAlpha' | 'removeStake'>;
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
  readonly log: Logger;
}

/** How often (in blocks) the validators are asked whether the pool holds the state of the art. */
const HOLD_CHECK_BLOCKS = 5;

export class RewardWindows {
  private current: Promise<void> | null = null;
  private stopped = false;
  private heldCheckedAt = -Infinity;
  /** The block of the last payout attempt: failed or carried credits are retried once a window. */
  private paidAt = -Infinity;

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

  /** No more steps; resolves when the one under way (an unstake, a payout) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.current;
  }

  private async step(block: number): Promise<void> {
    const { ledger, netuid, hotkey } = this.o;
    let state = ledger.rewardState();
    if (!state) {
      const baseline = await this.o.client.hotkeyAlpha(netuid, hotkey);
      ledger.openRewards(block, baseline);
      this.o.log.info('reward window opened', { block, baselineAlpha: baseline.toString() });
      state = ledger.rewardState()!;
    }
    if (state.unstaking) {
      await this.recover(state.unstaking, block);
      return;
    }
    if (state.heldBlock === null && block - this.heldCheckedAt >= HOLD_CHECK_BLOCKS) {
      this.heldCheckedAt = block;
      if (await this.o.holdsSota()) {
        ledger.noteHeld(block);
        this.o.log.info('the pool holds the state of the art', { block });
        state = ledger.rewardState()!;
      }
    }
    const closed =
      state.heldBlock !== null &&
      block - state.openedBlock >= this.o.windowBlocks &&
      (await this.close(state.baselineAlpha, block));
    if ((closed || block - this.paidAt >= this.o.windowBlocks) && ledger.unpaid().size > 0) {
      this.paidAt = block;
      await this.pay();
    }
  }

  /** Closes the window if the hotkey earned anything in it; true when it did. */
  private async close(baseline: bigint, block: number): Promise<boolean> {
    const { ledger, netuid, hotkey } = this.o;
    const alpha = await this.o.client.hotkeyAlpha(netuid, hotkey);
    const earned = alpha - baseline;
    if (earned <= 0n) {
      this.o.log.debug('window due but nothing earned yet', { block });
      return false;
    }
    let unstaked;
    try {
      unstaked = await this.o.client.removeStake(netuid, hotkey, this.o.coldkey, earned, {
        onSigned: (txHash) => ledger.beginUnstake({ alpha: earned, block, txHash }),
      });
    } catch (err) {
      // Refused or dropped: nothing moved. A time-out is left for recover() to settle.
      if ((err as { code?: string }).code !== 'TIMEOUT') ledger.abandonUnstake();
      throw err;
    }
    this.book(unstaked.tao, unstaked.alpha, unstaked.tx.blockNumber, unstaked.tx.txHash, alpha);
    return true;
  }

  /** Settles an unstake sent before a crash or a time-out: booked if it is in a block. */
  private async recover(u: PendingUnstake, head: number): Promise<void> {
    const found = await findIncluded(this.o.client, u.txHash, u.block, head);
    if (found?.ok) {
      const moved = found.events.map(stakeRemoved).find((m) => m !== null);
      if (moved) {
        // The baseline: what the hotkey held when the unstake was decided, less what it took.
        const before = this.o.ledger.rewardState()!.baselineAlpha + u.alpha;
        this.book(moved.tao, moved.alpha, found.blockNumber, u.txHash, before);
        this.o.log.info('an unstake sent before a restart was found and booked', {
          tx: u.txHash,
          block: found.blockNumber,
        });
        return;
      }
    }
    if (found || head > u.block + MORTAL_BLOCKS) {
      this.o.ledger.abandonUnstake();
      this.o.log.warn('an unstake sent earlier never took effect: its alpha stays in the window', {
        tx: u.txHash,
      });
    }
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
      log: this.o.log,
    });
    if (report.paid.size > 0 || report.failed.size > 0)
      this.o.log.info('payouts sent', {
        paid: report.paid.size,
        carried: report.carried.size,
        failed: report.failed.size,
      });
  }
}
