/**
 * The node's own view of the chain, for the header of the UI: connected (with the newest block
 * and when it came), down (and why), or no network at all. One long-lived connection that keeps
 * trying; the questions the screens ask (balances, the leaderboard) use short-lived ones.
 */
import type { ChainStatus } from '../../shared/ipc/contract';
import { SubtensorClient } from '../chain/client';
import type { Logger } from '../log/logger';

export interface ChainWatchOptions {
  /** The network to watch; null: the node has none (solo mining only). */
  readonly network: string | null;
  readonly log: Logger;
  readonly onChange: (status: ChainStatus) => void;
  /** How long a connection attempt may take before the chain counts as down. */
  readonly connectTimeoutMs?: number;
  /** The wait before trying again after a failed attempt. */
  readonly retryMs?: number;
}

export class ChainWatch {
  private status: ChainStatus;
  private client: SubtensorClient | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private readonly cleanup: Array<() => void> = [];
  private stopped = false;

  constructor(private readonly o: ChainWatchOptions) {
    this.status = {
      state: o.network ? 'connecting' : 'none',
      network: o.network,
      block: null,
      blockAt: null,
      error: null,
    };
    if (o.network) void this.connect(o.network);
  }

  current(): ChainStatus {
    return this.status;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    for (const off of this.cleanup.splice(0)) off();
    await this.client?.close();
    this.client = null;
  }

  private set(patch: Partial<ChainStatus>): void {
    const before = this.status.state;
    this.status = { ...this.status, ...patch };
    if (before !== this.status.state)
      this.o.log.info('chain status', { state: this.status.state, error: this.status.error });
    this.o.onChange(this.status);
  }

  private async connect(network: string): Promise<void> {
    try {
      const client = await SubtensorClient.connect({
        network,
        connectTimeoutMs: this.o.connectTimeoutMs ?? 12_000,
        log: this.o.log,
      });
      if (this.stopped) {
        await client.close();
        return;
      }
      this.client = client;
      this.cleanup.push(
        client.connection.onState((s) => {
          if (s.status === 'reconnecting' || s.status === 'closed')
            this.set({ state: 'down', error: s.lastError });
        }),
      );
      this.cleanup.push(
        await client.subscribeBlocks((head) =>
          this.set({ state: 'connected', block: head.number, blockAt: Date.now(), error: null }),
        ),
      );
      this.set({ state: 'connected', error: null });
    } catch (err) {
      if (this.stopped) return;
      this.set({ state: 'down', error: err instanceof Error ? err.message : String(err) });
      this.retry = setTimeout(() => void this.connect(network), this.o.retryMs ?? 15_000);
      this.retry.unref?.();
    }
  }
}
