/**
 * `sota-miner mine --solo`: the search on this machine, with no wallet and no chain. Live progress
 * on one line (a plain line per interval when stdout is not a terminal), Ctrl-C stops cleanly, and
 * the state is saved in the data folder so the next run continues where this one stopped.
 * `--from-network` seeds it with the current record, read from the validators (no key needed).
 *
 * `mine --direct` runs the same search, started from the current record and the miner's own best
 * (src-main/miner/seed-programs.ts), and claims its best program on the network when it beats the
 * state of the art by the track's margin (see src-main/miner/direct-miner.ts).
 */
import path from 'node:path';
import {
  BUILT_IN_TRACKS,
  CIFAR10_BINARY,
  builtInTrack,
  type Track,
} from '../../shared/protocol/track';
import type { TaskData } from '../../shared/task/types';
import type { DownloadProgress } from '../dataset/download';
import { readSearchConfig } from '../search/config-file';
import { formatProgressLine, type SearchProgress } from '../../shared/search/progress';
import { createLogger } from '../log/logger';
import { DirectMiner, type DirectEvent } from '../miner/direct-miner';
import { recordFromChain, recordFromClient, type RecordSource } from '../miner/record-source';
import { MiningSession } from '../miner/mining-session';
import { miningStateFolder } from '../miner/state-folder';
import { defaultDataDir } from '../dataset/locate';
import { readProgramFile } from '../search/program-file';
import { connectMiner, type NetworkOptions } from './submit-command';
import { loadTrackTasks } from '../dataset/track-tasks';
import { defaultThreads } from '../search/orchestrator';
import { BEST_FOLDER } from '../search/store';
import { loadProbeTasks } from '../validator/probe-tasks';
import { formatDownloadProgress } from './progress';

export interface MineOptions {
  readonly solo: boolean;
  /** Direct mode: claim improvements on this network with this hotkey. */
  readonly direct?: NetworkOptions & { readonly cooldownSeconds?: number };
  /** Solo: the built-in track to search for (default CIFAR-10 binary); direct mode: NetworkOptions.track. */
  readonly track?: string;
  /** Solo: seed the search with the current record, read from this network's validators. */
  readonly fromNetwork?: { readonly network: string; readonly netuid: number };
  /** Program files to seed a fresh search with (e.g. a known good algorithm to improve on). */
  readonly from?: readonly string[];
  readonly threads?: number;
  /** Islands (default: one per thread). */
  readonly islands?: number;
  readonly dataDir?: string;
  readonly cifarDir?: string;
  /** Stop after this many seconds (default: run until interrupted). */
  readonly seconds?: number;
  /** A JSON file with search settings (see shared/search/config.ts). */
  readonly config?: string;
  readonly seed?: number;
  /** Ignore (but keep) any saved state. */
  readonly fresh?: boolean;
}

export interface MineIo {
  readonly out: NodeJS.WritableStream & { isTTY?: boolean };
  readonly log: (line: string) => void;
  /** Registers the handler for Ctrl-C / SIGTERM; returns a function that unregisters it. */
  readonly onInterrupt: (handler: () => void) => () => void;
}

export interface MineSummary {
  readonly individuals: number;
  readonly bestFitness: number;
  readonly bestDigest: string | null;
  readonly stateDir: string;
}

const PLAIN_LINE_EVERY_MS = 10_000;

/** Solo mining's track: a built-in one by id (CIFAR-10 binary by default). */
function soloTrack(id: string | undefined): Track {
  if (id === undefined) return CIFAR10_BINARY;
  const track = builtInTrack(id);
  if (!track)
    throw new Error(
      `unknown track ${id}: solo mining knows ${BUILT_IN_TRACKS.map((t) => t.id).join(', ')}`,
    );
  return track;
}

export async function runMine(opts: MineOptions, io: MineIo): Promise<MineSummary> {
  if (opts.solo === Boolean(opts.direct)) {
    throw new Error(
      'choose one mode: --solo (local search only) or --direct (claim on the network; needs --network, --netuid and --hotkey-file)',
    );
  }
  if (opts.fromNetwork && opts.direct)
    throw new Error('--from-network is for --solo: direct mining always starts from the record');
  const config = await readSearchConfig(
    opts.config,
    opts.seed !== undefined ? { seed: opts.seed } : {},
  );
  const threads = opts.threads ?? defaultThreads();
  const fromFiles = await Promise.all(
    (opts.from ?? []).map(async (f) => ({
      name: path.basename(f),
      program: await readProgramFile(f),
    })),
  );
  const where = {
    dir: opts.cifarDir,
    dataDir: opts.dataDir,
    onProgress: (p: DownloadProgress) => io.log(formatDownloadProgress(p)),
  };

  let direct: { miner: DirectMiner; close: () => Promise<void> } | null = null;
  let record: RecordSource | undefined;
  let track: Track;
  let tasks: TaskData[];
  if (opts.direct) {
    // The validators say which track (and so which tasks) to search for.
    const log = createLogger({ write: io.log }, 'direct');
    const net = await connectMiner(opts.direct, log);
    const close = () => net.client.close();
    track = net.track;
    try {
      tasks = await loadTrackTasks(track, config, 'search', where);
      const probeTasks = await loadProbeTasks(track, where);
      // A claim stands on tasks the search never saw (the search's best flatters itself).
      const claimTasks = await loadTrackTasks(track, config, 'selection', where);
      const miner = new DirectMiner({
        direct: net.direct,
        config,
        tasks,
        claimTasks,
        probeTasks,
        log,
        cooldownMs: (opts.direct.cooldownSeconds ?? 600) * 1000,
        onEvent: (e) => io.log(formatDirectEvent(e)),
      });
      direct = {
        miner,
        close: async () => {
          await miner.stop();
          await close();
        },
      };
    } catch (err) {
      await close();
      throw err;
    }
    record = recordFromClient(net.direct, opts.direct.network, opts.direct.netuid);
  } else {
    track = soloTrack(opts.track);
    tasks = await loadTrackTasks(track, config, 'search', where);
    if (opts.fromNetwork) {
      record = recordFromChain({
        ...opts.fromNetwork,
        track,
        log: createLogger({ write: io.log }, 'record'),
      });
    }
  }
  const stateDir = path.join(
    opts.dataDir ?? defaultDataDir(),
    miningStateFolder(opts.direct ? 'direct' : 'solo', track),
  );
  const tty = Boolean(io.out.isTTY);
  let lastPlainLine = 0;
  const show = (p: SearchProgress) => {
    const line = formatProgressLine(p);
    if (tty) {
      io.out.write(`\r\x1b[2K${line}`);
    } else if (Date.now() - lastPlainLine >= PLAIN_LINE_EVERY_MS || p.state === 'stopped') {
      lastPlainLine = Date.now();
      io.out.write(`${line}\n`);
    }
  };

  let session: MiningSession;
  try {
    session = await MiningSession.prepare({
      config,
      tasks,
      stateDir,
      threads,
      islands: opts.islands,
      fresh: Boolean(opts.fresh),
      files: fromFiles,
      record,
      direct: direct?.miner,
      say: io.log,
      log: createLogger({ write: io.log }, 'mine'),
      onProgress: (p) => show(p),
    });
  } catch (err) {
    await direct?.close();
    throw err;
  }

  io.log(
    `mining ${opts.direct ? 'direct' : 'solo'} on ${threads} thread${threads === 1 ? '' : 's'}; state in ${stateDir}; Ctrl-C stops`,
  );

  const timer =
    opts.seconds !== undefined ? setTimeout(() => void session.stop(), opts.seconds * 1000) : null;
  const unregister = io.onInterrupt(() => {
    if (tty) io.out.write('\n');
    io.log('stopping after the current candidates…');
    void session.stop();
  });
  let final: SearchProgress;
  try {
    final = await session.run();
  } finally {
    if (timer) clearTimeout(timer);
    unregister();
    await direct?.close();
  }
  if (tty) io.out.write('\n');
  const best = session.search.snapshot().hallOfFame[0];
  if (best) {
    io.log(
      `best fitness ${best.fitness.toFixed(4)}: ${path.join(stateDir, BEST_FOLDER, `${best.digest.slice(0, 16)}.dsl`)}`,
    );
  }
  return {
    individuals: final.individuals,
    bestFitness: best?.fitness ?? 0,
    bestDigest: best?.digest ?? null,
    stateDir,
  };
}

function formatDirectEvent(e: DirectEvent): string {
  switch (e.type) {
    case 'target':
      return `target: beat ${e.holderDigest.slice(0, 12)} (${e.holderLocalScore.toFixed(4)} here) by the margin: ${e.needed.toFixed(4)}`;
    case 'skipped':
      return e.message;
    case 'claim':
      return `claiming ${e.digest.slice(0, 12)} (${e.score.toFixed(4)} on your tasks, ${e.fitness.toFixed(4)} in the search), committed at block ${e.commitmentBlock}`;
    case 'submitted':
      return `submitted to ${e.outcomes.length} validators: ${e.outcomes.map((o) => o.status).join(', ')}`;
    case 'verdict':
      return `verdicts for ${e.digest.slice(0, 12)}: ${e.accepting} accept, ${e.rejecting} reject, stake share ${e.share.toFixed(3)}${e.reached ? ' - new state of the art' : ''}`;
    case 'error':
      return `direct mode: ${e.message}`;
  }
}
