/**
 * The Mining screen's commands (`mining.*`): a solo, direct or pool run started, steered and
 * stopped, its status published as `mining.status` events, and in direct mode the claims it
 * makes (`mining.submissions`). The runs themselves are MiningSession and PoolMiningSession
 * (miner/); this module connects them to the node's keys, network, dataset and power settings.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { KeyringPair } from '@polkadot/keyring/types';
import {
  IDLE_MINING_STATUS,
  NodeCommandError,
  type CommandName,
  type MiningMode,
  type MiningStatus,
  type SubmissionView,
  type TrackView,
} from '../../shared/ipc/contract';
import {
  BUILT_IN_TRACKS,
  CIFAR10_BINARY,
  builtInTrack,
  trackDigest,
  type Track,
} from '../../shared/protocol/track';
import { parseSearchConfig, type SearchConfig } from '../../shared/search/config';
import type { TaskData } from '../../shared/task/types';
import { SubtensorClient } from '../chain/client';
import { formatTao } from '../chain/context';
import { loadTrackTasks } from '../dataset/track-tasks';
import { PowerGate } from '../desktop/power-gate';
import { DirectClient } from '../miner/direct-client';
import { DirectMiner, type DirectEvent } from '../miner/direct-miner';
import { MiningSession } from '../miner/mining-session';
import { PoolMiningSession } from '../miner/pool-mining-session';
import { recordFromClient, type RecordSource } from '../miner/record-source';
import { miningStateFolder } from '../miner/state-folder';
import type { SearchOrchestrator } from '../search/orchestrator';
import { loadProbeTasks } from '../validator/probe-tasks';
import { CpuMeter } from './cpu-meter';
import type { Handlers, NodeContext } from './node-context';

export type MiningCommand = Extract<CommandName, `mining.${string}`>;

/** How long a direct claim is followed (DirectMiner's default followMs, plus a margin). */
const FOLLOW_MS = 11 * 60_000;
/** How often the power settings are checked while a search runs. */
const POWER_CHECK_MS = 5000;

/** A pool's address as the person typed it, checked: http(s), no credentials. */
function checkPoolUrl(url: string | undefined): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url ?? '').trim());
  } catch {
    throw new NodeCommandError(
      'BAD_POOL_URL',
      'Enter the pool’s address, like http://pool.example:8092.',
    );
  }
  if (
    (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') ||
    parsed.username ||
    parsed.password
  )
    throw new NodeCommandError(
      'BAD_POOL_URL',
      'A pool address starts with http:// or https:// and holds no password.',
    );
  return parsed.origin + parsed.pathname.replace(/\/+$/, '');
}

export interface MiningDeps {
  /** Resolves when no dataset download is under way (a start waits for the one Settings began). */
  readonly datasetSettled: () => Promise<void>;
  /** Told when a claim starts or ends, or mining stops: an update waiting on them may go ahead. */
  readonly recheckUpdates: () => void;
}

/** Direct mining's line to the network: the claimer, the chain client and the track's tasks. */
interface DirectConnection {
  readonly miner: DirectMiner;
  readonly client: SubtensorClient;
  readonly address: string;
  readonly record: RecordSource;
  readonly track: Track;
  readonly tasks: TaskData[];
}

export class MiningControl {
  private search: SearchOrchestrator | null = null;
  /** Direct mode: the claim logic, its chain connection and the address claims are signed by. */
  private direct: DirectConnection | null = null;
  private mining: MiningStatus = IDLE_MINING_STATUS;
  private submissions: SubmissionView[] = [];
  private poolRun: { session: PoolMiningSession; done: Promise<void> } | null = null;
  /** Pauses the search on battery or while the person is active (desktop app, if asked). */
  readonly powerGate: PowerGate | null;
  private powerTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: NodeContext,
    private readonly deps: MiningDeps,
  ) {
    const power = ctx.o.desktop?.power;
    this.powerGate = power
      ? new PowerGate(
          power,
          () => this.ctx.appSettings,
          (reason) => {
            this.ctx.log.info('search paused by the power settings', { reason });
            this.publish({ pausedFor: reason });
          },
        )
      : null;
  }

  readonly handlers: Handlers<MiningCommand> = {
    'mining.start': async ({ mode, threads, poolUrl, fresh, track }) =>
      this.startMining(mode, threads, poolUrl, fresh === true, track),
    'mining.threads': async ({ threads }) => {
      const search = this.search;
      if (!search || this.mining.state === 'starting')
        throw new NodeCommandError(
          'NOT_RUNNING',
          'The search is not running: choose the threads and press Start.',
        );
      if (threads > search.threads)
        throw new NodeCommandError(
          'BAD_THREADS',
          `This run started with ${search.threads} thread${search.threads === 1 ? '' : 's'}: to use more, stop and start again.`,
        );
      search.useThreads(threads);
      this.ctx.log.info('threads changed', { threads });
      this.publish({ threads });
      return this.status();
    },
    'mining.pause': async () => {
      if (this.poolRun)
        throw new NodeCommandError(
          'UNSUPPORTED',
          'Pool work comes in short units: stop, and start again later.',
        );
      this.powerGate?.forget();
      this.search?.pause();
      return this.status();
    },
    'mining.resume': async () => {
      this.powerGate?.forget();
      this.search?.resume();
      return this.status();
    },
    'mining.stop': async () => {
      await this.stop();
      return this.status();
    },
    'mining.status': async () => this.status(),
    'mining.submissions': async () => [...this.submissions],
  };

  /** Whether a run is starting or under way (the network cannot change then). */
  busy(): boolean {
    return this.search !== null || this.poolRun !== null || this.mining.state === 'starting';
  }

  /** The power settings changed: apply them to the running search now. */
  recheckPower(): void {
    if (this.search) this.checkPower(this.search);
  }

  /**
   * A claim on its way to the validators, which a restart would abandon; null when none. Only
   * while the direct miner runs and follows it (it stops following after FOLLOW_MS), so a claim
   * that never got a clear verdict cannot hold an update back for ever.
   */
  submissionInFlight(): string | null {
    if (!this.direct) return null;
    const since = Date.now() - FOLLOW_MS;
    const open = this.submissions.find(
      (s) => (s.status === 'committed' || s.status === 'submitted') && Date.parse(s.at) > since,
    );
    return open ? `the verdict on submission ${open.digest.slice(0, 8)}` : null;
  }

  status(): MiningStatus {
    const progress = this.search?.progress() ?? this.mining.progress;
    const state =
      this.mining.state === 'error' || this.mining.state === 'starting' || !this.search
        ? this.mining.state
        : progress?.state === 'paused'
          ? 'paused'
          : progress?.state === 'stopping'
            ? 'stopping'
            : progress?.state === 'stopped'
              ? 'stopped'
              : 'running';
    return { ...this.mining, state, progress };
  }

  private publish(patch: Partial<MiningStatus> = {}): void {
    this.mining = { ...this.mining, ...patch };
    this.ctx.emit('mining.status', this.status());
  }

  private async startMining(
    mode: MiningMode,
    threads: number,
    poolUrl?: string,
    fresh = false,
    trackId: string = CIFAR10_BINARY.id,
  ): Promise<MiningStatus> {
    if (this.busy())
      throw new NodeCommandError('BUSY', 'Mining is already running; stop it first.');
    const cores = availableParallelism();
    if (!Number.isInteger(threads) || threads < 1 || threads > cores)
      throw new NodeCommandError(
        'BAD_THREADS',
        `Threads must be a whole number from 1 to ${cores}.`,
      );
    if (mode === 'direct' && (!this.ctx.network || this.ctx.netuid === undefined))
      throw new NodeCommandError(
        'NO_NETWORK',
        'Direct mining needs a network and a subnet: start the node with --network and --netuid.',
      );
    const pool = mode === 'pool' ? checkPoolUrl(poolUrl) : null;
    // Solo searches a built-in track; direct mode learns the track from the validators.
    const soloTrack = mode === 'solo' ? builtInTrack(trackId) : undefined;
    if (mode === 'solo' && !soloTrack)
      throw new NodeCommandError(
        'BAD_TRACK',
        `There is no track called ${trackId}: choose one of ${BUILT_IN_TRACKS.map((t) => t.id).join(', ')}.`,
      );
    this.submissions = [];
    this.publish({
      state: 'starting',
      mode,
      threads,
      threadsMax: threads,
      error: null,
      target: null,
      track: null,
      evolvingFrom: null,
      claimNote: null,
      progress: null,
      pool: null,
      pausedFor: null,
      cpuPercent: null,
    });
    // The heavy part (dataset, chain) runs after the answer, reported through status events.
    const launching = pool
      ? this.launchPool(pool, threads)
      : this.launch(
          mode === 'direct' ? { mode, trackId } : { mode: 'solo', track: soloTrack! },
          threads,
          fresh,
        );
    void launching.catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      this.ctx.log.error('mining could not start', { error: message });
      this.search = null;
      this.publish({ state: 'error', error: message });
    });
    return this.status();
  }

  private async launch(
    run: { mode: 'solo'; track: Track } | { mode: 'direct'; trackId: string },
    threads: number,
    fresh: boolean,
  ): Promise<void> {
    const { mode } = run;
    const config = this.ctx.o.searchConfig ?? parseSearchConfig({});
    // One download at a time: a start while Settings downloads waits for that download.
    await this.deps.datasetSettled();
    let track: Track;
    let tasks: TaskData[];
    if (run.mode === 'direct') {
      this.direct = await this.connectDirect(config, run.trackId);
      ({ track, tasks } = this.direct);
    } else {
      track = run.track;
      this.publish({ track: trackView(track, { agreeing: 0, asked: 0, disagreement: null }) });
      tasks = await loadTrackTasks(track, config, 'search', this.where());
    }
    const cpu = new CpuMeter();
    let session: MiningSession;
    try {
      session = await MiningSession.prepare({
        config,
        tasks,
        stateDir: path.join(this.ctx.o.dataDir, miningStateFolder(mode, track)),
        threads,
        fresh,
        record: this.direct?.record,
        direct: this.direct?.miner,
        say: (line) => this.ctx.log.info(line),
        log: this.ctx.log,
        progressIntervalMs: 1000,
        onProgress: () => this.publish({ cpuPercent: cpu.sample() }),
      });
    } catch (err) {
      // No search starts: let go of the chain connection made for it.
      await this.direct?.client.close();
      this.direct = null;
      throw err;
    }
    this.publish({ evolvingFrom: session.plan.summary });
    const search = session.search;
    this.search = search;
    this.watchPower(search);
    this.ctx.log.info('mining started', { mode, threads });
    this.publish({ state: 'running' });
    void session.run().then((final) => {
      this.stopWatchingPower();
      this.ctx.log.info('mining stopped', { individuals: final.individuals });
      this.search = null;
      this.publish({ state: 'stopped', progress: final, cpuPercent: null });
    });
  }

  private async launchPool(url: string, threads: number): Promise<void> {
    await this.deps.datasetSettled();
    const keystore = await this.ctx.openKeystore();
    const key = keystore.list().find((k) => k.kind !== 'public');
    if (!key) throw new NodeCommandError('NO_KEY', 'Pool mining needs a key: add one first.');
    const pair = await keystore.unlock(key.name);
    const session = await PoolMiningSession.join({
      url,
      pair,
      threads,
      cifarDir: this.ctx.o.cifarDir,
      dataDir: this.ctx.o.dataDir,
      log: this.ctx.log.child('pool'),
      onStanding: (pool) => this.publish({ pool }),
    });
    this.poolRun = { session, done: session.run() };
    this.ctx.log.info('pool mining started', { pool: url, threads, feeBps: session.terms.feeBps });
    this.publish({
      state: 'running',
      pool: session.standing(),
      // The pool leases parents (its best programs, the record before them); each unit evolves them.
      evolvingFrom: 'Evolving from the programs the pool hands out',
    });
  }

  /** Where the CIFAR-10 files are found or downloaded to. */
  private where(): { dir?: string; dataDir: string } {
    return { dir: this.ctx.o.cifarDir, dataDir: this.ctx.o.dataDir };
  }

  /** Connects, learns the track the validators run, and builds its tasks and the claimer. */
  private async connectDirect(config: SearchConfig, trackId: string): Promise<DirectConnection> {
    const keystore = await this.ctx.openKeystore();
    const key = keystore.list().find((k) => k.kind !== 'public');
    if (!key) throw new NodeCommandError('NO_KEY', 'Direct mining needs a key: add one first.');
    const pair: KeyringPair = await keystore.unlock(key.name);
    const client = await SubtensorClient.connect({
      network: this.ctx.network!,
      log: this.ctx.log.child('chain'),
    });
    try {
      // A claim from an unregistered hotkey is refused by every validator: say so before mining.
      if ((await client.uidOf(this.ctx.netuid!, pair.address)) === null) {
        const { burnRao } = await client.subnet(this.ctx.netuid!);
        throw new NodeCommandError(
          'NOT_REGISTERED',
          `Your key "${key.name}" is not registered on subnet ${this.ctx.netuid}, so validators would refuse its claims. Register it in Wallet (it costs ${formatTao(burnRao)}, burned), or mine Solo.`,
        );
      }
      // The track the validators run: its margin and budget decide what is worth a claim.
      const { direct, survey, note } = await DirectClient.onValidatorsTrack({
        client,
        netuid: this.ctx.netuid!,
        pair,
        log: this.ctx.log.child('direct'),
        trackId,
      });
      const track = direct.track;
      this.publish({
        track: trackView(track, {
          agreeing: survey.agreeing.length,
          asked: survey.asked,
          disagreement: note,
        }),
      });
      const tasks = await loadTrackTasks(track, config, 'search', this.where());
      const probeTasks = await loadProbeTasks(track, this.where());
      // A claim stands on tasks the search never saw (the search's best flatters itself).
      const claimTasks = await loadTrackTasks(track, config, 'selection', this.where());
      const miner = new DirectMiner({
        direct,
        config,
        tasks,
        claimTasks,
        probeTasks,
        log: this.ctx.log.child('direct'),
        onEvent: (e) => this.onDirectEvent(e),
      });
      // The holder comes with the seeds (chooseSeeds): named by the validators, or kept.
      return {
        miner,
        client,
        address: pair.address,
        record: recordFromClient(direct, this.ctx.network!, this.ctx.netuid!),
        track,
        tasks,
      };
    } catch (err) {
      await client.close();
      throw err;
    }
  }

  private onDirectEvent(e: DirectEvent): void {
    const now = new Date().toISOString();
    const update = (digest: string, status: SubmissionView['status'], detail: string) => {
      const i = this.submissions.findIndex((s) => s.digest === digest);
      if (i >= 0) this.submissions[i] = { ...this.submissions[i]!, status, detail };
    };
    switch (e.type) {
      case 'target':
        this.publish({
          target: {
            digest: e.holderDigest,
            holderScore: e.holderLocalScore,
            needed: e.needed,
            miner: e.holderMiner,
            byYou: e.holderMiner !== null && e.holderMiner === this.direct?.address,
          },
        });
        break;
      case 'claim':
        this.publish({ claimNote: null });
        this.submissions.unshift({
          digest: e.digest,
          // What the claim stands on: the deterministic score, not a lucky search draw.
          fitness: e.score,
          at: now,
          status: 'committed',
          detail: `committed at block ${e.commitmentBlock}`,
        });
        break;
      case 'submitted':
        update(
          e.digest,
          'submitted',
          e.outcomes.length === 1
            ? 'sent to 1 validator'
            : `sent to ${e.outcomes.length} validators`,
        );
        break;
      case 'verdict':
        update(
          e.digest,
          e.reached ? 'accepted' : e.rejecting > 0 && e.accepting === 0 ? 'rejected' : 'submitted',
          `${e.accepting} accepted, ${e.rejecting} did not; validators holding ${Math.round(e.share * 100)}% of the stake accepted`,
        );
        break;
      case 'skipped':
        this.publish({ claimNote: e.message });
        break;
      case 'error':
        break;
    }
    this.deps.recheckUpdates();
  }

  /** Checks the power settings every POWER_CHECK_MS while `search` runs. */
  private watchPower(search: SearchOrchestrator): void {
    if (!this.powerGate) return;
    this.stopWatchingPower();
    this.checkPower(search);
    this.powerTimer = setInterval(() => this.checkPower(search), POWER_CHECK_MS);
  }

  private checkPower(search: SearchOrchestrator): void {
    this.powerGate?.check({
      running: () => search.progress().state === 'running',
      pause: () => search.pause(),
      resume: () => search.resume(),
    });
  }

  private stopWatchingPower(): void {
    if (this.powerTimer) clearInterval(this.powerTimer);
    this.powerTimer = null;
    this.powerGate?.forget();
  }

  /** Stops whatever mines (search, pool work, the direct miner's claims) and waits for it. */
  async stop(): Promise<void> {
    this.stopWatchingPower();
    const pool = this.poolRun;
    if (pool) {
      this.publish({ state: 'stopping' });
      await pool.session.stop();
      await pool.done;
      this.poolRun = null;
      this.ctx.log.info('pool mining stopped');
      this.publish({ state: 'stopped' });
    }
    const search = this.search;
    if (search) {
      this.publish({ state: 'stopping' });
      await search.stop();
    }
    if (this.direct) {
      await this.direct.miner.stop();
      await this.direct.client.close();
      this.direct = null;
    }
    // Nothing is followed any more: a restart that waited for it may go ahead.
    this.deps.recheckUpdates();
  }
}

/** The track as the Mining screen shows it. */
function trackView(
  track: Track,
  agreement: Pick<TrackView, 'agreeing' | 'asked' | 'disagreement'>,
): TrackView {
  return {
    id: track.id,
    task: track.task,
    digest: trackDigest(track),
    margin: track.margin,
    ...agreement,
  };
}
