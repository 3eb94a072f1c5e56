/**
 * What the node service's feature modules share: the start-up options, the saved settings, the
 * event stream, the keystore (opened once, on first use) and the network with its one-question
 * chain connections. NodeService (node-service.ts) builds one and hands it to each feature.
 */
import type { Commands, CommandName, Events, EventName, LogLine } from '../../shared/ipc/contract';
import { NodeCommandError } from '../../shared/ipc/contract';
import type { SearchConfig } from '../../shared/search/config';
import { SubtensorClient } from '../chain/client';
import type { LocateOptions } from '../dataset/locate';
import type { PowerSource } from '../desktop/power-gate';
import type { Logger } from '../log/logger';
import type { UpdateFeed } from '../update/update-gate';
import type { Keystore } from '../wallet/keystore';
import type { Secret } from '../wallet/secret';
import { loadAppSettings, type AppSettings } from './app-settings';

export interface NodeServiceOptions {
  readonly shell: 'desktop' | 'headless';
  readonly dataDir: string;
  readonly cifarDir?: string;
  /** Direct mode and the leaderboard need a network. */
  readonly network?: string;
  readonly netuid?: number;
  readonly log: Logger;
  /** Recent log lines (newest last), e.g. from a LogBuffer. */
  readonly recentLogs: (limit: number) => LogLine[];
  /** Opens the keystore (asks the OS or a passphrase); null when keys cannot be stored here. */
  readonly openKeystore: () => Promise<Keystore>;
  /**
   * A headless node's passphrase (absent in the desktop app, which asks the OS keychain):
   * whether its operator configured one, else the one the person gave in the UI for this run,
   * which openKeystore reads from `session`.
   */
  readonly passphrase?: {
    readonly configured: boolean;
    /** Whether keys with secrets are stored already (then a new passphrase must open them). */
    readonly secretsStored: () => Promise<boolean>;
    readonly session: { value?: Secret<string> };
  };
  /** Search settings (tests use small ones); default: AutoML-Zero's CIFAR set-up. */
  readonly searchConfig?: SearchConfig;
  /** Where btcli keeps its wallets; default ~/.bittensor/wallets. */
  readonly btcliRoot?: string;
  /** How the dataset is looked for (tests leave out the machine's shared copy). */
  readonly datasetLookup?: Pick<LocateOptions, 'projectRoot' | 'env'>;
  /** Where the dataset download comes from (tests serve an archive on loopback). */
  readonly datasetSource?: { readonly url?: string; readonly md5?: Record<string, string> };
  /** What only the desktop app has: login items and the update feed. */
  readonly desktop?: DesktopIntegration;
  /** A validator's API to show on the Validator screen (its dashboard), e.g. http://127.0.0.1:8091. */
  readonly validatorUrl?: string;
  /** How long a question to the chain waits for a connection (default CHAIN_TIMEOUT_MS). */
  readonly chainTimeoutMs?: number;
}

/** The desktop shell's part (Electron's app.setLoginItemSettings and electron-updater). */
export interface DesktopIntegration {
  getStartAtLogin(): boolean;
  setStartAtLogin(on: boolean): void;
  /** Null in a build without an update feed (a local build, an unsigned package). */
  readonly updates: UpdateFeed | null;
  /** Battery and the person's input (Electron's powerMonitor); absent: never paused for them. */
  readonly power?: PowerSource;
}

/** A command's implementation: its checked arguments in, its result out. */
export type Handler<K extends CommandName> = (
  args: Commands[K]['args'],
) => Promise<Commands[K]['result']>;
/** The implementations of some commands (a feature's), keyed by command name. */
export type Handlers<K extends CommandName> = { readonly [C in K]: Handler<C> };

/** How long a question to the chain waits for a connection before saying so (issue #17: < 15 s). */
export const CHAIN_TIMEOUT_MS = 12_000;

export class NodeContext {
  /** The Settings screen's choices, as saved in the data folder (app-settings.ts). */
  appSettings: AppSettings;
  private keystore: Promise<Keystore> | null = null;

  constructor(
    readonly o: NodeServiceOptions,
    readonly emit: <E extends EventName>(event: E, payload: Events[E]) => void,
  ) {
    // Saved settings win over the start-up options: the person changed them in Settings.
    const saved = loadAppSettings(o.dataDir, (msg) => o.log.warn(msg));
    this.appSettings = {
      ...saved,
      network: saved.network ?? o.network ?? null,
      netuid: saved.netuid ?? o.netuid ?? null,
    };
  }

  get log(): Logger {
    return this.o.log;
  }

  get network(): string | undefined {
    return this.appSettings.network ?? undefined;
  }

  get netuid(): number | undefined {
    return this.appSettings.netuid ?? undefined;
  }

  /** The keystore, opened on first use; a failed opening is tried again next time. */
  openKeystore(): Promise<Keystore> {
    this.keystore ??= this.o.openKeystore();
    this.keystore.catch(() => (this.keystore = null));
    return this.keystore;
  }

  /** Forgets the opened keystore (a new passphrase opens it anew). */
  forgetKeystore(): void {
    this.keystore = null;
  }

  /** The node's network and subnet, or a sentence saying where to choose them. */
  requireNetwork(): { network: string; netuid: number } {
    if (!this.network || this.netuid === undefined)
      throw new NodeCommandError(
        'NO_NETWORK',
        'This node has no network: choose one and a subnet in Settings (or start it with --network and --netuid).',
      );
    return { network: this.network, netuid: this.netuid };
  }

  /**
   * A short-lived connection for one question. A chain that does not answer fails within
   * chainTimeoutMs with a sentence, not after the client's minute of retries.
   */
  async withChain<T>(fn: (client: SubtensorClient) => Promise<T>): Promise<T> {
    const { network } = this.requireNetwork();
    const timeoutMs = this.o.chainTimeoutMs ?? CHAIN_TIMEOUT_MS;
    let client: SubtensorClient;
    try {
      client = await SubtensorClient.connect({
        network,
        connectTimeoutMs: timeoutMs,
        log: this.o.log.child('chain'),
      });
    } catch (err) {
      this.o.log.warn('chain unreachable', { network, error: String(err) });
      throw new NodeCommandError(
        'CHAIN_DOWN',
        `The chain (${network}) did not answer within ${timeoutMs / 1000} s. Check your connection, or the network in Settings, and try again.`,
      );
    }
    try {
      return await fn(client);
    } finally {
      await client.close();
    }
  }
}
