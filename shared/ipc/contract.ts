/**
 * The one contract between the UI and the node: commands (request → result) and event streams.
 * Implemented twice with the same types: by the Electron preload (contextBridge → ipcMain) and by
 * the WebSocket bridge every headless node serves on loopback. The React build speaks only this.
 *
 * Nothing here may carry a secret back to the UI: a mnemonic goes in once (wallet.import) and only
 * its address ever comes out.
 */
import type { TrackTask } from '../protocol/track';
import type { ValidatorStatus } from '../protocol/validator-status';
import type { SearchProgress } from '../search/progress';

export type MiningMode = 'solo' | 'direct' | 'pool';

export interface NodeInfo {
  readonly version: string;
  /** 'desktop' inside Electron, 'headless' behind the WebSocket bridge. */
  readonly shell: 'desktop' | 'headless';
  readonly dataDir: string;
  readonly cores: number;
  readonly defaultThreads: number;
  readonly network: string;
  readonly netuid: number | null;
  /** Whether CIFAR-10 is available locally (else the first start downloads it). */
  readonly datasetReady: boolean;
  /** Whether this node watches a validator (its dashboard): then validator.status answers. */
  readonly validator: boolean;
}

export interface WalletView {
  readonly name: string;
  readonly address: string;
  readonly source: string;
}

export interface MiningStatus {
  readonly state: 'idle' | 'starting' | 'running' | 'paused' | 'stopping' | 'stopped' | 'error';
  readonly mode: MiningMode | null;
  /** Threads searching now. */
  readonly threads: number;
  /** Threads the run started with: the most it can use without a restart (mining.threads). */
  readonly threadsMax: number;
  readonly progress: SearchProgress | null;
  /** The holder to beat (direct mode), when known. */
  readonly target: {
    readonly digest: string;
    /** The holder's score on this miner's own tasks (0.50 is guessing). */
    readonly holderScore: number;
    /** The score a claim needs on those tasks: the holder's plus the subnet's margin. */
    readonly needed: number;
    /** The holder's hotkey; null for the subnet's starting program. */
    readonly miner: string | null;
    /** Whether the holder is this node's own key: then the person holds the record. */
    readonly byYou: boolean;
  } | null;
  /** Direct mode: the track claims go to, as the validators announce it; null until read. */
  readonly track: TrackView | null;
  /**
   * What the search evolves from, in plain words, e.g. "Evolving from the current record (linear
   * model, 0.693 on your tasks) and your best so far" or "Starting from an empty program"; null
   * until a start has decided it.
   */
  readonly evolvingFrom: string | null;
  /**
   * Direct mode: why the best program so far was not claimed, in plain words (a lucky draw of the
   * search, a copy of the holder's behaviour, over the budget); null when nothing was held back.
   */
  readonly claimNote: string | null;
  /** Pool mode: the pool, the work done for it and what it has booked for this miner. */
  readonly pool: PoolView | null;
  /** Why the node paused the search by itself (Settings asked it to); null otherwise. */
  readonly pausedFor: 'battery' | 'active' | null;
  /** The node's CPU use over the last second, in % of the whole computer; null when idle. */
  readonly cpuPercent: number | null;
  readonly error: string | null;
}

/** A node that has not mined since it started. */
export const IDLE_MINING_STATUS: MiningStatus = {
  state: 'idle',
  mode: null,
  threads: 0,
  threadsMax: 0,
  progress: null,
  target: null,
  track: null,
  evolvingFrom: null,
  claimNote: null,
  pool: null,
  pausedFor: null,
  cpuPercent: null,
  error: null,
};

/** The track a direct miner claims on (read from the validators' GET /v1/tracks). */
export interface TrackView {
  readonly id: string;
  /** What the track's programs learn, and so what its scores mean (TrackTask: family, teacher). */
  readonly task: TrackTask;
  /** What submissions name: the digest of every field of the track. */
  readonly digest: string;
  /** Validators that announce this version, of those asked (0 of 0 when mining solo). */
  readonly agreeing: number;
  readonly asked: number;
  /** How much a claim must beat the record by, in the track's score on the hidden tasks. */
  readonly margin: number;
  /** Why some validators would refuse claims on it, in plain words; null when all agree. */
  readonly disagreement: string | null;
}

export interface PoolView {
  readonly url: string;
  /** The pool's fee on rewards, in basis points (shown before starting). */
  readonly feeBps: number;
  /** Results sent in this run. */
  readonly units: number;
  /** The pool's book for this key: results that agreed with the accepted one, and the others. */
  readonly accepted: number;
  readonly rejected: number;
  /** Booked by the pool for this miner (decimal string: shares can exceed 2^53). */
  readonly shares: string | null;
  readonly reputation: number | null;
  /** Blocks a reward window lasts at least; null: this pool pays nothing (no chain or coldkey). */
  readonly windowBlocks: number | null;
  /** The smallest transfer, in RAO (decimal string). */
  readonly minimumPayoutRao: string;
  /** Credited in closed windows and not yet transferred, in RAO (decimal string). */
  readonly pendingRao: string | null;
  readonly paidRao: string | null;
  /** The newest payouts first. */
  readonly payouts: readonly PoolPayoutView[];
  /** Windows this miner was credited in, recomputed from the pool's share tables. */
  readonly splitsChecked: number;
  /** Of those, the windows whose published split does not follow the share table. */
  readonly splitsFailed: number;
}

export interface PoolPayoutView {
  readonly window: number;
  readonly amountRao: string;
  /** The account paid (the coldkey owning this hotkey); null while unpaid. */
  readonly payee: string | null;
  readonly txHash: string | null;
  /** Milliseconds since the Unix epoch; null while unpaid. */
  readonly paidAt: number | null;
}

/** A pool announced on the node's subnet that answered. */
export interface PoolListingView {
  readonly url: string;
  readonly uid: number;
  readonly hotkey: string;
  readonly feeBps: number;
  readonly minimumPayoutRao: string;
  readonly windowBlocks: number | null;
}

export interface SubmissionView {
  readonly digest: string;
  readonly fitness: number;
  readonly at: string;
  readonly status: 'committed' | 'submitted' | 'accepted' | 'rejected';
  readonly detail: string;
}

export interface LeaderboardEntry {
  readonly digest: string;
  readonly miner: string;
  /** Milliseconds since the Unix epoch. */
  readonly becameAt: number;
  readonly challengerScore: number;
  readonly holderScore: number;
  /** Share of validator stake that accepted it, in [0, 1]. */
  readonly share: number;
  readonly validators: number;
}

export interface Leaderboard {
  /** Where it came from (a validator's URL), or null when no validator could be reached. */
  readonly source: string | null;
  /**
   * The track the record is held on, as that validator announces it (its digest checked against
   * its content), so the screen can say what its scores mean; null if it announces none.
   */
  readonly track: { readonly id: string; readonly task: TrackTask } | null;
  readonly holder: {
    readonly digest: string;
    readonly miner: string | null;
    readonly program: string;
    /** Milliseconds since the Unix epoch; null for the genesis program. */
    readonly since: number | null;
  } | null;
  readonly history: readonly LeaderboardEntry[];
  /** Every miner's and validator's rating, from the same validator; null if it serves none. */
  readonly ratings: {
    readonly miners: readonly RatingView[];
    readonly validators: readonly RatingView[];
  } | null;
}

/** A Glicko-2 rating recomputed from the signed receipts (src-main/validator/ratings.ts). */
export interface RatingView {
  /** A hotkey, or 'genesis' for the subnet's starting algorithm. */
  readonly player: string;
  /** 1500 is where everyone starts; 200 points ahead wins about 3 matches in 4. */
  readonly rating: number;
  /** Rating deviation: the true rating is within ± 2 · rd with 95% confidence. */
  readonly rd: number;
  /** Claims judged (a miner) or verdicts compared with the quorum (a validator). */
  readonly matches: number;
  readonly wins: number;
}

/** What the chain says of one key: its free balance and its registration on the node's subnet. */
export interface KeyOnChain {
  readonly address: string;
  /** Free balance in RAO (1 TAO = 10^9 RAO), as a decimal string (it can exceed 2^53). */
  readonly balanceRao: string;
  /** The key's uid on the subnet, or null when it is not registered there. */
  readonly uid: number | null;
  /** What the key earns as a registered hotkey; null when it is not registered. */
  readonly earnings: KeyEarnings | null;
}

/** A registered hotkey's stake and pay. Amounts are decimal strings in 10^-9 of their token. */
export interface KeyEarnings {
  /** The coldkey that owns the hotkey (unstaked TAO goes there); null if the chain has none. */
  readonly coldkey: string | null;
  /** The hotkey's stake on the subnet in α (the subnet's token), 10^9 per α. */
  readonly stakeAlphaRao: string;
  /** What that α is worth in TAO at the subnet pool's price now, in RAO; null without a pool. */
  readonly stakeTaoRao: string | null;
  /** The key's share of the miners' emission at the last epoch, in [0, 1]. */
  readonly incentive: number;
  /** α received at the last epoch (one a tempo), 10^9 per α. */
  readonly emissionAlphaRaoPerTempo: string;
  /** The same over a day at 12-second blocks, 10^9 per α. */
  readonly emissionAlphaRaoPerDay: string;
  /** The day's α in TAO at the pool's price now, in RAO; null without a pool. */
  readonly emissionTaoRaoPerDay: string | null;
}

export interface WalletOnChain {
  readonly network: string;
  readonly netuid: number;
  readonly keys: readonly KeyOnChain[];
  /** Blocks between two payouts of emission. */
  readonly tempo: number;
  /** What a registration burns now, in RAO (it moves with demand). */
  readonly burnRao: string;
  /** Whether the subnet takes registrations now. */
  readonly registrationAllowed: boolean;
  /** The share of every validator's weight the record holder receives, in [0, 1]. */
  readonly winnerShare: number;
}

/** What registering a hotkey costs now, paid by one of the node's keys. */
export interface RegistrationQuoteView {
  readonly netuid: number;
  readonly hotkey: string;
  /** The key that pays and becomes the hotkey's owner (its coldkey), by name. */
  readonly payer: string;
  readonly payerAddress: string;
  /** RAO, decimal strings. */
  readonly burnRao: string;
  readonly feeRao: string;
  readonly totalRao: string;
  readonly balanceRao: string;
  readonly affordable: boolean;
}

/** A btcli wallet for the onboarding picker: names and public addresses only. */
export interface BtcliWalletView {
  readonly wallet: string;
  readonly coldkeyAddress: string | null;
  readonly hotkeys: ReadonlyArray<{
    readonly name: string;
    /** Null when the hotkey file is encrypted or unreadable (then `problem` says why). */
    readonly address: string | null;
    readonly problem: string | null;
  }>;
}

export interface DatasetStatus {
  readonly state: 'ready' | 'missing' | 'downloading' | 'error';
  /** Where the files are (ready) or will go (missing, downloading). */
  readonly dir: string | null;
  readonly phase: 'download' | 'extract' | 'verify' | null;
  readonly receivedBytes: number;
  readonly totalBytes: number | null;
  readonly error: string | null;
}

export interface Settings {
  /** The chain network: finney, test, local, or ws(s):// endpoints; null when none is set. */
  readonly network: string | null;
  readonly netuid: number | null;
  readonly startAtLogin: boolean;
  /** Only the desktop app can start with the operating system (a headless node has its service manager). */
  readonly startAtLoginSupported: boolean;
  /** Pause the search while the computer runs on battery. */
  readonly pauseOnBattery: boolean;
  /** Pause the search while the person uses the computer (input within the last minute). */
  readonly pauseWhenActive: boolean;
  /** Only the desktop app can see the battery and the person's input. */
  readonly powerSupported: boolean;
}

export interface UpdateStatus {
  /** unsupported: a headless node or a build without an update feed. */
  readonly state: 'unsupported' | 'idle' | 'available' | 'ready' | 'waiting' | 'error';
  readonly version: string | null;
  /** What the restart waits for (state 'waiting'), e.g. "the verdict on submission 0a1b2c3d". */
  readonly waitingFor: string | null;
  readonly error: string | null;
}

export interface LogLine {
  readonly time: string;
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly scope: string;
  readonly msg: string;
}

/**
 * How this node keeps keys: the desktop app asks the OS keychain; a headless node encrypts them
 * with a passphrase, from its environment (SOTA_KEYSTORE_PASSPHRASE[_FILE], --passphrase-file)
 * or, when none was given, from the person in the UI (wallet.unlock), kept for this run only.
 */
export interface KeystoreState {
  readonly protection: 'os-keychain' | 'passphrase';
  /**
   * ready: keys can be saved and used; choose-passphrase: none set and no keys stored yet (the
   * person picks one); enter-passphrase: keys are stored, the passphrase that opens them is needed.
   */
  readonly state: 'ready' | 'choose-passphrase' | 'enter-passphrase';
}

/** Command name → its argument and result. */
export interface Commands {
  'node.info': { args: void; result: NodeInfo };
  /** Checks a mnemonic or 0x seed and returns the address it gives; keeps nothing. */
  'wallet.preview': { args: { secret: string }; result: { address: string } };
  /** Stores the key encrypted at rest; returns its public view. */
  'wallet.import': { args: { name: string; secret: string }; result: WalletView };
  'wallet.list': { args: void; result: WalletView[] };
  'wallet.keystore': { args: void; result: KeystoreState };
  /**
   * Gives a headless node without a configured passphrase the one to use for this run: a new one
   * for an empty keystore, or the one that opens the stored keys (checked; WRONG_PASSPHRASE).
   */
  'wallet.unlock': { args: { passphrase: string }; result: KeystoreState };
  /** Balances and registrations of the stored keys; an error when the node has no network. */
  'wallet.chain': { args: void; result: WalletOnChain };
  /** What registering `hotkey` (an address) on the node's subnet costs, paid by key `payer`. */
  'wallet.registerQuote': {
    args: { hotkey: string; payer: string };
    result: RegistrationQuoteView;
  };
  /**
   * Registers `hotkey` by burning TAO from key `payer`; sends nothing when the burn rose above
   * `maxBurnRao` (the cost the person confirmed, RAO as a decimal string).
   */
  'wallet.register': {
    args: { hotkey: string; payer: string; maxBurnRao: string };
    result: { uid: number; block: number };
  };
  /** Adds an address to view (balance, registration), e.g. a browser extension's account. */
  'wallet.watch': { args: { name: string; address: string }; result: WalletView };
  /** The btcli wallets on this machine (~/.bittensor/wallets), with hotkey addresses. */
  'wallet.btcli.list': { args: void; result: BtcliWalletView[] };
  /**
   * Imports a btcli wallet's coldkey (to pay for registrations, receive payouts): the node reads
   * the encrypted file; only the wallet's password crosses, once, as a pasted phrase does.
   */
  'wallet.btcli.importColdkey': {
    args: { wallet: string; name: string; password: string };
    result: WalletView;
  };
  /** Imports a btcli hotkey (read by the node: the secret never passes through the UI). */
  'wallet.btcli.import': {
    args: { wallet: string; hotkey: string; name: string };
    result: WalletView;
  };
  /**
   * poolUrl: the pool to work for (pool mode only). fresh: do not continue the search saved in
   * the data folder for this mode (it is overwritten at the next save), as `mine --fresh`.
   * track: the id of the track to search for (solo: a built-in one; direct: as the validators run
   * it); the CIFAR-10 one by default. The pool decides its own.
   */
  'mining.start': {
    args: {
      mode: MiningMode;
      threads: number;
      poolUrl?: string;
      fresh?: boolean;
      track?: string;
    };
    result: MiningStatus;
  };
  /** Searches on this many of the run's threads from now on (1 to threadsMax), without a stop. */
  'mining.threads': { args: { threads: number }; result: MiningStatus };
  'mining.pause': { args: void; result: MiningStatus };
  'mining.resume': { args: void; result: MiningStatus };
  'mining.stop': { args: void; result: MiningStatus };
  'mining.status': { args: void; result: MiningStatus };
  /** The node's line to the chain: connected with the newest block, down, or no network. */
  'chain.status': { args: void; result: ChainStatus };
  'mining.submissions': { args: void; result: SubmissionView[] };
  /** The pools announced on the node's subnet that answer, lowest fee first. */
  'pool.discover': { args: void; result: PoolListingView[] };
  'sota.leaderboard': { args: void; result: Leaderboard };
  /** The validator this node watches, as it shows itself; null when it watches none. */
  'validator.status': { args: void; result: ValidatorStatus | null };
  'logs.recent': { args: { limit: number }; result: LogLine[] };
  'dataset.status': { args: void; result: DatasetStatus };
  /** Starts downloading CIFAR-10 into the data folder; progress comes as dataset.status events. */
  'dataset.download': { args: void; result: DatasetStatus };
  'settings.get': { args: void; result: Settings };
  /** Changes what is given; the network cannot change while mining. */
  'settings.set': {
    args: {
      startAtLogin?: boolean;
      network?: string | null;
      netuid?: number | null;
      pauseOnBattery?: boolean;
      pauseWhenActive?: boolean;
    };
    result: Settings;
  };
  'update.status': { args: void; result: UpdateStatus };
  /** Restarts into a downloaded update, now or (a submission in flight) once it has its verdict. */
  'update.install': { args: void; result: UpdateStatus };
  /** A text report for support: versions, settings, recent log lines; secrets redacted. */
  'diagnostics.report': { args: void; result: string };
}

/** The node's line to the chain, apart from the UI's line to the node. */
export interface ChainStatus {
  /** 'none': the node has no network (solo mining only); 'down': it cannot reach it now. */
  readonly state: 'none' | 'connecting' | 'connected' | 'down';
  readonly network: string | null;
  /** The newest block the node has seen, and when it arrived (ms since the Unix epoch). */
  readonly block: number | null;
  readonly blockAt: number | null;
  /** Why the chain is down, in the client's words; null otherwise. */
  readonly error: string | null;
}

/** Event name → its payload. */
export interface Events {
  'mining.status': MiningStatus;
  'dataset.status': DatasetStatus;
  'update.status': UpdateStatus;
  'chain.status': ChainStatus;
  log: LogLine;
}

/** The node service's events, which every bridge forwards (the log lines come from the logger). */
export const SERVICE_EVENT_NAMES = [
  'mining.status',
  'dataset.status',
  'update.status',
  'chain.status',
] as const satisfies ReadonlyArray<Exclude<EventName, 'log'>>;

export type CommandName = keyof Commands;
export type EventName = keyof Events;

/** What a failed command gives the UI: a stable code and a message for a person. */
export interface CommandError {
  readonly code: string;
  readonly message: string;
}

export class NodeCommandError extends Error implements CommandError {
  override readonly name = 'NodeCommandError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The UI's view of a node, whichever bridge carries it. */
export interface NodeBridge {
  call<K extends CommandName>(
    command: K,
    ...args: Commands[K]['args'] extends void ? [] : [Commands[K]['args']]
  ): Promise<Commands[K]['result']>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/** WebSocket frames. The client sends `call`; the node answers `result` or `error`, and pushes `event`. */
export type ClientFrame = { t: 'call'; id: number; command: CommandName; args?: unknown };
export type NodeFrame =
  | { t: 'result'; id: number; result: unknown }
  | { t: 'error'; id: number; error: CommandError }
  | { t: 'event'; event: EventName; payload: unknown };
