/**
 * The UI's state: what the node told us, kept in one zustand store. Secrets never enter it: the
 * onboarding screen keeps a pasted key in its own component state and sends it straight to the
 * node.
 */
import { create } from 'zustand';
import type {
  ChainStatus,
  DatasetStatus,
  Leaderboard,
  LogLine,
  MiningStatus,
  NodeInfo,
  Settings,
  SubmissionView,
  UpdateStatus,
  WalletView,
} from '../../shared/ipc/contract';
import { forgetAccessToken } from './bridge';
import type { BridgeConnection, ConnectionState } from './bridge';
import { errorMessage, isFiniteNumber } from './format';

/** Data fetched from the node. No data and no error means it is still loading. */
export interface Remote<T> {
  readonly data: T | null;
  readonly loading: boolean;
  readonly error: string | null;
}

/** One point of the speed chart. */
export interface ChartPoint {
  /** Unix time in seconds. */
  readonly t: number;
  /** Individuals of the run so far (a drop marks a new run). */
  readonly individuals: number;
  readonly speed: number;
  readonly best: number | null;
}

export const HISTORY_LIMIT = 600;
export const LOG_LIMIT = 2000;
export const RECENT_LOG_LINES = 500;

interface RemoteSlices {
  nodeInfo: NodeInfo;
  wallets: WalletView[];
  mining: MiningStatus;
  leaderboard: Leaderboard;
  logs: LogLine[];
  submissions: SubmissionView[];
  dataset: DatasetStatus;
  settings: Settings;
  update: UpdateStatus;
  chain: ChainStatus;
}
type RemoteKey = keyof RemoteSlices;
type RemoteState = { readonly [K in RemoteKey]: Remote<RemoteSlices[K]> };

export interface AppState extends RemoteState {
  readonly bridge: BridgeConnection | null;
  readonly connection: ConnectionState;
  /** True once a connection was made and lost: 'connecting' then means reconnecting. */
  readonly reconnecting: boolean;
  /** Speed and best score over time, for the chart (last HISTORY_LIMIT updates). */
  readonly history: readonly ChartPoint[];

  /** Wires the store to a bridge (events, connection state, first loads); returns the undo. */
  connect(bridge: BridgeConnection): () => void;
  loadNodeInfo(): Promise<void>;
  loadWallets(): Promise<void>;
  loadMiningStatus(): Promise<void>;
  loadLeaderboard(): Promise<void>;
  loadLogs(): Promise<void>;
  loadSubmissions(): Promise<void>;
  loadDataset(): Promise<void>;
  loadSettings(): Promise<void>;
  loadUpdate(): Promise<void>;
  loadChain(): Promise<void>;
  applyMiningStatus(status: MiningStatus): void;
  appendLog(line: LogLine): void;
}

const empty = { data: null, loading: false, error: null } as const;

const logKey = (l: LogLine): string => `${l.time}\u0000${l.level}\u0000${l.scope}\u0000${l.msg}`;

/** The next chart history after a status update. A drop in individuals means a new run. */
export function nextHistory(
  history: readonly ChartPoint[],
  status: MiningStatus,
  now: number,
): readonly ChartPoint[] {
  const p = status.progress;
  if (!p) return history;
  const point: ChartPoint = {
    t: now / 1000,
    individuals: p.individuals,
    speed: isFiniteNumber(p.individualsPerSec) ? p.individualsPerSec : 0,
    best: isFiniteNumber(p.bestFitness) && p.bestProgram !== null ? p.bestFitness : null,
  };
  const last = history.at(-1);
  if (last && p.individuals < last.individuals) return [point];
  // Two updates in the same instant (an event and a command result) make one point.
  const kept = last && point.t - last.t < 0.25 ? history.slice(0, -1) : history;
  const next = [...kept, point];
  return next.length > HISTORY_LIMIT ? next.slice(next.length - HISTORY_LIMIT) : next;
}

export const useStore = create<AppState>()((set, get) => {
  /** Fetches one slice, keeping its old data while it loads and when it fails. */
  async function load<K extends RemoteKey>(
    key: K,
    fetch: (bridge: BridgeConnection) => Promise<RemoteSlices[K]>,
    apply?: (data: RemoteSlices[K]) => void,
  ): Promise<void> {
    const bridge = get().bridge;
    if (!bridge) return;
    set((s) => ({ [key]: { ...s[key], loading: true, error: null } }) as Partial<AppState>);
    try {
      const data = await fetch(bridge);
      if (apply) apply(data);
      else set({ [key]: { data, loading: false, error: null } } as Partial<AppState>);
    } catch (error) {
      set(
        (s) =>
          ({
            [key]: { ...s[key], loading: false, error: errorMessage(error) },
          }) as Partial<AppState>,
      );
    }
  }

  function refreshAll(): void {
    const s = get();
    void s.loadNodeInfo();
    void s.loadWallets();
    void s.loadMiningStatus();
    void s.loadLogs();
    void s.loadDataset();
    void s.loadSettings();
    void s.loadUpdate();
    void s.loadChain();
  }

  return {
    bridge: null,
    connection: 'connecting',
    reconnecting: false,
    history: [],
    nodeInfo: empty,
    wallets: empty,
    mining: empty,
    leaderboard: empty,
    logs: empty,
    submissions: empty,
    dataset: empty,
    settings: empty,
    update: empty,
    chain: empty,

    connect(bridge) {
      set({ bridge, connection: bridge.state });
      const unsubscribe = [
        bridge.on('mining.status', (status) => get().applyMiningStatus(status)),
        bridge.on('log', (line) => get().appendLog(line)),
        bridge.on('dataset.status', (data) =>
          set({ dataset: { data, loading: false, error: null } }),
        ),
        bridge.on('update.status', (data) =>
          set({ update: { data, loading: false, error: null } }),
        ),
        bridge.on('chain.status', (data) => set({ chain: { data, loading: false, error: null } })),
        bridge.onState((state) => {
          const before = get().connection;
          set({
            connection: state,
            reconnecting:
              state === 'connected' ? false : get().reconnecting || before === 'connected',
          });
          if (state === 'unauthorized') forgetAccessToken();
          // After a reconnect the node may have moved on: fetch everything again.
          if (state === 'connected' && before !== 'connected') refreshAll();
        }),
      ];
      if (bridge.state === 'connected') refreshAll();
      return () => {
        for (const off of unsubscribe) off();
      };
    },

    loadNodeInfo: () => load('nodeInfo', (b) => b.call('node.info')),
    loadWallets: () => load('wallets', (b) => b.call('wallet.list')),
    loadMiningStatus: () =>
      load(
        'mining',
        (b) => b.call('mining.status'),
        (status) => get().applyMiningStatus(status),
      ),
    loadLeaderboard: () => load('leaderboard', (b) => b.call('sota.leaderboard')),
    loadSubmissions: () => load('submissions', (b) => b.call('mining.submissions')),
    loadDataset: () => load('dataset', (b) => b.call('dataset.status')),
    loadSettings: () => load('settings', (b) => b.call('settings.get')),
    loadUpdate: () => load('update', (b) => b.call('update.status')),
    loadChain: () => load('chain', (b) => b.call('chain.status')),

    loadLogs: () => {
      // Lines that arrive while logs.recent is on its way are merged in, without duplicates.
      const requestedAt = get().logs.data?.length ?? 0;
      return load(
        'logs',
        (b) => b.call('logs.recent', { limit: RECENT_LOG_LINES }),
        (recent) =>
          set((s) => {
            const live = (s.logs.data ?? []).slice(requestedAt);
            const seen = new Set(recent.map(logKey));
            const merged = [...recent, ...live.filter((l) => !seen.has(logKey(l)))];
            return { logs: { data: merged.slice(-LOG_LIMIT), loading: false, error: null } };
          }),
      );
    },

    applyMiningStatus(status) {
      set((s) => ({
        mining: { data: status, loading: false, error: null },
        history: nextHistory(s.history, status, Date.now()),
      }));
    },

    appendLog(line) {
      set((s) => {
        const lines = [...(s.logs.data ?? []), line];
        return {
          logs: {
            ...s.logs,
            data: lines.length > LOG_LIMIT ? lines.slice(lines.length - LOG_LIMIT) : lines,
          },
        };
      });
    },
  };
});

/** The bridge, for screens that send commands; they render only once the store is connected. */
export function useBridge(): BridgeConnection {
  const bridge = useStore((s) => s.bridge);
  if (!bridge) throw new Error('useBridge: the store is not connected to a node yet');
  return bridge;
}
