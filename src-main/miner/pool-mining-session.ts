/**
 * One pool mining run, as the CLI's `mine --pool` and the desktop app's Start (Pool) both run it:
 * the pool's terms read and its tasks built (PoolClient.connect), work on every thread until
 * stopped, and the miner's standing with the pool read again every few seconds: the pool's book
 * for this key (agreed, dissented, late, shares, pending and paid) and whether the pool's splits
 * follow its own share tables. How the standing is shown stays with the caller.
 */
import type { PoolView } from '../../shared/ipc/contract';
import type { PoolTerms } from '../../shared/pool/terms';
import { PoolClient, type PoolAccount, type PoolClientOptions } from '../pool/pool-client';

/** How often the pool's book for this key is read while mining. */
export const STANDING_EVERY_MS = 5000;
/** Payouts kept in the standing (the newest). */
const PAYOUTS_SHOWN = 10;

export interface PoolMiningSessionOptions extends Pick<
  PoolClientOptions,
  'url' | 'pair' | 'threads' | 'log' | 'cifarDir' | 'dataDir' | 'tamper'
> {
  readonly standingEveryMs?: number;
  /** Called each time the pool's book was read anew. */
  readonly onStanding?: (standing: PoolView, account: PoolAccount) => void;
}

export class PoolMiningSession {
  /** The pool's book for this key as last read; null until the first answer. */
  private account: PoolAccount | null = null;
  private readonly stopper = new AbortController();
  private running: Promise<void> | null = null;

  private constructor(
    private readonly client: PoolClient,
    readonly terms: PoolTerms,
    private readonly o: PoolMiningSessionOptions,
  ) {}

  /** Reads the pool's terms and prepares its tasks; nothing is leased yet. */
  static async join(o: PoolMiningSessionOptions): Promise<PoolMiningSession> {
    const client = new PoolClient({
      url: o.url,
      pair: o.pair,
      threads: o.threads,
      log: o.log,
      cifarDir: o.cifarDir,
      dataDir: o.dataDir,
      tamper: o.tamper,
    });
    try {
      return new PoolMiningSession(client, await client.connect(), o);
    } catch (err) {
      // The worker threads a half-made connection started are let go.
      await client.close();
      throw err;
    }
  }

  /**
   * The miner's standing: the pool's book once it has answered (a result still waiting for
   * replicas when it was sent is settled later, and only the pool knows how), this run's own
   * replies before that.
   */
  standing(): PoolView {
    const { terms, account: a } = this;
    const stats = this.client.stats;
    return {
      url: this.o.url,
      feeBps: terms.feeBps,
      windowBlocks: terms.windowBlocks,
      minimumPayoutRao: terms.minimumPayoutRao,
      units: stats.units,
      accepted: a?.statement.agreed ?? stats.accepted,
      rejected: a ? a.statement.dissented + a.statement.late : stats.rejected,
      shares: a?.statement.shares ?? null,
      reputation: a?.statement.reputation ?? null,
      pendingRao: a?.statement.pendingRao ?? null,
      paidRao: a?.statement.paidRao ?? null,
      payouts: a?.statement.payouts.slice(0, PAYOUTS_SHOWN) ?? [],
      splitsChecked: a?.splitsChecked ?? 0,
      splitsFailed: a?.splitsFailed ?? 0,
    };
  }

  /** Reads the pool's book for this key now; an unreadable book is logged and kept as it was. */
  async refresh(): Promise<void> {
    try {
      this.account = await this.client.account();
      this.o.onStanding?.(this.standing(), this.account);
    } catch (err) {
      this.o.log.debug('pool account unreadable', { error: String(err) });
    }
  }

  /** Works until stop(); the worker threads are let go before it resolves. */
  run(): Promise<void> {
    this.running ??= (async () => {
      const timer = setInterval(
        () => void this.refresh(),
        this.o.standingEveryMs ?? STANDING_EVERY_MS,
      );
      void this.refresh();
      try {
        await this.client.work(this.stopper.signal);
      } finally {
        clearInterval(timer);
        await this.client.close();
      }
    })();
    return this.running;
  }

  /** Stops leasing; resolves once the units under way are done and the threads let go. */
  async stop(): Promise<void> {
    this.stopper.abort();
    await (this.running ?? this.client.close());
  }
}
