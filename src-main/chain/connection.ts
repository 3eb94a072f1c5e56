/**
 * One live connection to Subtensor, over @polkadot/api, that survives endpoints going away.
 *
 * WsProvider's own auto-reconnect retries at a fixed delay and says nothing about it; here the
 * provider is driven by hand so that retries back off exponentially (with jitter, capped), rotate
 * through the endpoint list, and every change is published as a ConnectionState the UI can show.
 * The ApiPromise object stays the same across reconnections; the provider re-creates RPC
 * subscriptions (new heads, storage) after each reconnect, so subscribers keep receiving.
 */
import { ApiPromise, WsProvider } from '@polkadot/api';

import { silentLogger, type Logger } from '../log/logger';
import { ChainError } from './errors';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface ConnectionState {
  readonly status: ConnectionStatus;
  /** The endpoint connected to, or being tried. */
  readonly endpoint: string | null;
  /** Failed attempts since the last successful connection. */
  readonly attempt: number;
  /** When reconnecting: milliseconds until the next try. */
  readonly retryInMs: number | null;
  readonly lastError: string | null;
  /** Date.now() of the last change. */
  readonly since: number;
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** Fraction of random spread, e.g. 0.2 → ±20%; 0 makes delays deterministic. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialMs: 500,
  maxMs: 30_000,
  factor: 2,
  jitter: 0.2,
};

/** Delay before retry number `attempt` (1-based). */
export function backoffDelay(attempt: number, b: BackoffOptions, random = Math.random): number {
  const base = Math.min(b.maxMs, b.initialMs * b.factor ** Math.max(0, attempt - 1));
  return Math.round(base * (1 + b.jitter * (2 * random() - 1)));
}

export interface ConnectOptions {
  endpoints: readonly string[];
  backoff?: Partial<BackoffOptions>;
  /** Give up on the first connection after this long (the node keeps retrying in the background
   * when `keepTrying` is set). Default 60 s. */
  connectTimeoutMs?: number;
  /** Per-RPC-request timeout. Default 60 s. */
  requestTimeoutMs?: number;
  log?: Logger;
}

export class ChainConnection {
  readonly api: ApiPromise;
  readonly endpoints: readonly string[];
  #provider: WsProvider;
  #state: ConnectionState;
  #listeners = new Set<(s: ConnectionState) => void>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #closed = false;
  #everConnected = false;
  #backoff: BackoffOptions;
  #log: Logger;

  private constructor(opts: ConnectOptions) {
    if (opts.endpoints.length === 0) throw new Error('No chain endpoint given.');
    this.endpoints = [...opts.endpoints];
    this.#backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    this.#log = (opts.log ?? silentLogger).child('chain');
    // autoConnectMs = 0: we drive (re)connection ourselves, see class comment.
    this.#provider = new WsProvider([...opts.endpoints], 0, {}, opts.requestTimeoutMs ?? 60_000);
    this.#state = {
      status: 'connecting',
      endpoint: null,
      attempt: 0,
      retryInMs: null,
      lastError: null,
      since: Date.now(),
    };
    this.#provider.on('connected', () => {
      this.#log.info('connected', { endpoint: this.#provider.endpoint });
      this.#everConnected = true;
      this.#set({
        status: 'connected',
        endpoint: this.#provider.endpoint,
        attempt: 0,
        retryInMs: null,
      });
    });
    this.#provider.on('error', (err: unknown) => {
      const msg =
        err instanceof Error
          ? err.message
          : ((err as { message?: string })?.message ?? 'socket error');
      this.#set({ lastError: msg });
    });
    this.#provider.on('disconnected', () => this.#scheduleReconnect());
    this.api = new ApiPromise({ provider: this.#provider, noInitWarn: true });
    // ApiPromise reports provider errors as 'error' events; without a listener they would be
    // logged by @polkadot/api itself. Our state already carries them.
    this.api.on('error', () => {});
    // isReadyOrError rejects on the first provider error before "ready" — expected while we retry
    // endpoints; readiness is awaited through isReady instead.
    this.api.isReadyOrError.catch(() => {});
  }

  /** Connects (trying each endpoint in turn, with backoff) and resolves once the API is ready. */
  static async connect(opts: ConnectOptions): Promise<ChainConnection> {
    const conn = new ChainConnection(opts);
    conn.#tryConnect();
    const timeoutMs = opts.connectTimeoutMs ?? 60_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        conn.api.isReady,
        new Promise((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new ChainError(
                  'TIMEOUT',
                  `Could not connect to ${conn.endpoints.join(', ')} within ${timeoutMs / 1000} s` +
                    (conn.#state.lastError ? ` (last error: ${conn.#state.lastError})` : '') +
                    '.',
                ),
              ),
            timeoutMs,
          );
        }),
      ]);
    } catch (err) {
      await conn.close();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    return conn;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get isConnected(): boolean {
    return this.#state.status === 'connected';
  }

  /** Calls `listener` on every state change (not with the current state). Returns unsubscribe. */
  onState(listener: (s: ConnectionState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves when connected (at once if already), rejects after `timeoutMs`. */
  async waitConnected(timeoutMs = 60_000): Promise<void> {
    if (this.isConnected) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new ChainError('TIMEOUT', `Still not connected after ${timeoutMs / 1000} s.`));
      }, timeoutMs);
      const off = this.onState((s) => {
        if (s.status === 'connected' || s.status === 'closed') {
          clearTimeout(timer);
          off();
          if (s.status === 'connected') resolve();
          else reject(new ChainError('DISCONNECTED', 'The connection was closed.'));
        }
      });
    });
  }

  /** A raw JSON-RPC call (e.g. chopsticks' dev_* methods, which have no typed wrapper). */
  send<T = unknown>(method: string, params: unknown[]): Promise<T> {
    return this.#provider.send<T>(method, params);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#set({ status: 'closed', retryInMs: null });
    await this.api.disconnect().catch(() => {});
  }

  #set(patch: Partial<ConnectionState>): void {
    const next = { ...this.#state, ...patch, since: Date.now() };
    const changed = next.status !== this.#state.status || next.retryInMs !== this.#state.retryInMs;
    this.#state = next;
    if (!changed) return;
    for (const l of this.#listeners) {
      try {
        l(next);
      } catch (err) {
        this.#log.warn('connection state listener failed', { err });
      }
    }
  }

  #tryConnect(): void {
    if (this.#closed) return;
    // connect() rotates to the next endpoint; a refused socket ends in 'disconnected', which lands
    // in #scheduleReconnect, so one path handles "never connected" and "connection dropped".
    this.#provider.connect().catch((err: unknown) => {
      this.#set({ lastError: err instanceof Error ? err.message : String(err) });
      this.#scheduleReconnect();
    });
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#timer) return;
    const attempt = this.#state.attempt + 1;
    const delay = backoffDelay(attempt, this.#backoff);
    const wasConnected = this.#state.status === 'connected';
    if (wasConnected)
      this.#log.warn('connection lost; reconnecting', { endpoint: this.#state.endpoint });
    else
      this.#log.info('endpoint unavailable; retrying', {
        endpoint: this.#provider.endpoint,
        attempt,
        retryInMs: delay,
        lastError: this.#state.lastError,
      });
    this.#set({
      status: this.#everConnected ? 'reconnecting' : 'connecting',
      attempt,
      retryInMs: delay,
    });
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#tryConnect();
    }, delay);
  }
}
