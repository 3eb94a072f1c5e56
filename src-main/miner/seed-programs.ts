/**
 * What a search starts from, decided in one place for `mine` (solo and direct), the app's mining
 * (NodeService) and the pool node.
 *
 * A miner earns only by beating the record, so a direct or pool search stands on it: it starts
 * from the current holder's program (named by the validators, checked by its digest, kept in the
 * search's folder for restarts while no validator answers) plus the miner's own best programs and
 * any program files the person named. A saved search is resumed only if it was seeded from the
 * record that holds now; after a new record it starts again from the new one (its own best
 * programs carry over as seeds). Without a network (solo) the saved search resumes as before, or
 * the person's files and the earlier search's programs seed it.
 *
 * Every choice is said in plain words (`summary`, shown in the UI and printed by the CLI), and a
 * seed that cannot be trusted (a holder whose program is not the one named, a kept copy that fails
 * its digest, no validator answering and nothing kept) stops the start with a message naming the
 * source or the file: the search never starts on a silently wrong seed.
 */
import { programDigest } from '../../shared/algorithm/canonical';
import { trainStepCost } from '../../shared/algorithm/cost';
import { parseProgramOrThrow } from '../../shared/algorithm/dsl';
import { checkProgram, type Program } from '../../shared/algorithm/program';
import {
  LINEAR_BASELINE,
  LINEAR_WITH_BIAS_BASELINE,
  type Track,
} from '../../shared/protocol/track';
import type { SearchConfig } from '../../shared/search/config';
import type { TaskData } from '../../shared/task/types';
import type { Logger } from '../log/logger';
import type { SearchSnapshot } from '../search/orchestrator';
import type { LoadedSearch } from '../search/store';
import type { HolderSurvey, SotaView } from './direct-client';
import { keepRecord, keptRecordFile, readKeptRecord } from './kept-record';
import { localScore } from './local-score';
import type { RecordSource } from './record-source';

/** A program the person named (`--from`), with the name to show for it (its file name). */
export interface NamedProgram {
  readonly name: string;
  readonly program: Program;
}

/** The record a search stands on. */
export interface StandingRecord {
  /** As DirectMiner takes it for its target. */
  readonly view: SotaView;
  readonly program: Program;
  /** 'validators': named by them now; 'kept': the copy kept from the last time they answered. */
  readonly origin: 'validators' | 'kept';
  /** When the validators named it (ISO time). */
  readonly fetchedAt: string;
  /** How people know it: "linear model" for the genesis program, else who holds it. */
  readonly name: string;
  /** Its score on the miner's tasks (local-score.ts), when tasks were given. */
  readonly localScore: number | null;
}

export interface SeedOptions {
  /** The search's folder: its saved state, and the record it stands on (record.json). */
  readonly stateDir: string;
  /** The saved search, or null (none, or the person asked for a fresh one). */
  readonly loaded: LoadedSearch | null;
  /** Programs the person named (`--from`). */
  readonly files?: readonly NamedProgram[];
  /** Where the current record comes from; none for a solo search. */
  readonly record?: RecordSource;
  /** Islands of the search: the record goes to each of them. */
  readonly islands: number;
  readonly config: SearchConfig;
  /** The search's tasks, to tell the record's score on them. */
  readonly tasks?: readonly TaskData[];
  readonly log: Logger;
}

export interface SeedPlan {
  /** The saved search to continue (SearchOrchestrator's `resume`), or null. */
  readonly resume: SearchSnapshot | null;
  /** SearchOrchestrator's `seedPrograms` (ignored by islands that resume). */
  readonly programs: readonly Program[];
  readonly record: StandingRecord | null;
  /** The record's digest to save with the search (saveSearch's `standsOn`). */
  readonly standsOn: string | null;
  /** What the search evolves from, in plain words. */
  readonly summary: string;
}

const GENESIS_NAMES = new Map([
  [digestOf(LINEAR_BASELINE), 'linear model'],
  [digestOf(LINEAR_WITH_BIAS_BASELINE), 'linear model with a bias'],
]);

function digestOf(text: string): string {
  return programDigest(parseProgramOrThrow(text));
}

function shortAddress(address: string): string {
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

/** A record's name for people: the genesis program's, else who holds it. */
export function recordName(view: Pick<SotaView, 'digest' | 'miner'>, track: Track): string {
  const known = GENESIS_NAMES.get(view.digest);
  if (known) return known;
  if (view.digest === digestOf(track.genesis)) return 'the genesis program';
  return view.miner ? `held by ${shortAddress(view.miner)}` : `record ${view.digest.slice(0, 12)}`;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Reads a holder's program as the search will run it: the search's memory, the program limits. */
function searchable(text: string, config: SearchConfig, what: string): Program {
  try {
    const program = parseProgramOrThrow(text, { shape: config.memory });
    const issue = checkProgram(program, config.memory)[0];
    if (issue)
      throw new Error(`${issue.component} instruction ${issue.index + 1}: ${issue.reason}`);
    // Over the search's budget it would score 0: the search would silently start from nothing.
    const cost = trainStepCost(program, config.tasks.features);
    if (cost > config.maxStepCost)
      throw new Error(
        `its training step costs ${cost}, over the search's budget of ${config.maxStepCost}`,
      );
    return program;
  } catch (err) {
    throw new Error(`${what} cannot seed this search: ${message(err)}`, { cause: err });
  }
}

/**
 * The current record: as the validators name it (then kept in `stateDir`), or, when none of them
 * gives a usable answer, the copy kept from the last time, said so. Throws, naming the source and
 * the file, when neither is there or the kept copy fails its digest.
 */
export async function standOnRecord(o: {
  source: RecordSource;
  stateDir: string;
  config: SearchConfig;
  tasks?: readonly TaskData[];
  log: Logger;
}): Promise<StandingRecord> {
  const { source, stateDir, config, log } = o;
  const score = (program: Program) =>
    o.tasks ? localScore(program, config, o.tasks, source.track.evalSeed) : null;
  // Only asking may fail here: a holder that the validators name but this search cannot run is an
  // error of its own, not a reason to fall back on an older record.
  let survey: HolderSurvey | null = null;
  let failure = '';
  try {
    survey = await source.survey();
  } catch (err) {
    failure = message(err);
  }
  const named = survey?.view;
  if (named) {
    const program = searchable(named.program, config, `the record ${named.digest}`);
    const fetchedAt = new Date().toISOString();
    await keepRecord(stateDir, {
      network: source.network,
      netuid: source.netuid,
      digest: named.digest,
      miner: named.miner,
      program: named.program,
      fetchedAt,
    }).catch((err: unknown) =>
      log.warn(`could not keep the record in ${keptRecordFile(stateDir)}: ${message(err)}`),
    );
    return {
      view: named,
      program,
      origin: 'validators',
      fetchedAt,
      name: recordName(named, source.track),
      localScore: score(program),
    };
  }
  const why = !survey
    ? `${source.label}: cannot be asked (${failure})`
    : survey.asked === 0
      ? `${source.label}: none has a permit and an endpoint`
      : survey.refused.length > 0
        ? `${source.label}: no usable answer (${survey.refused.map((r) => r.reason).join('; ')})`
        : `${source.label}: none of the ${survey.asked} answered`;
  const file = keptRecordFile(stateDir);
  const kept = await readKeptRecord(stateDir);
  if (!kept) throw new Error(`${why}; no record is kept in ${file}: cannot start from the record`);
  if (kept.network !== source.network || kept.netuid !== source.netuid)
    throw new Error(
      `${why}; the record kept in ${file} is subnet ${kept.netuid}'s on ${kept.network}, not this one: cannot start from the record`,
    );
  const view: SotaView = {
    digest: kept.digest,
    program: kept.program,
    miner: kept.miner,
    margin: source.track.margin,
    reportedBy: 0,
  };
  const program = searchable(kept.program, config, `the record kept in ${file}`);
  const name = recordName(view, source.track);
  log.warn(
    `${why}; starting from the record kept in ${file} (${name}, ${kept.digest.slice(0, 12)}, named by the validators at ${kept.fetchedAt})`,
  );
  return {
    view,
    program,
    origin: 'kept',
    fetchedAt: kept.fetchedAt,
    name,
    localScore: score(program),
  };
}

/** "the current record (linear model, 0.693 on your tasks)". */
function describeRecord(r: StandingRecord): string {
  const facts = [r.name];
  if (r.localScore !== null) facts.push(`${r.localScore.toFixed(3)} on your tasks`);
  return r.origin === 'validators'
    ? `the current record (${facts.join(', ')})`
    : `the last record the validators named (${facts.join(', ')}; no validator answers now)`;
}

/** "a", "a and b", "a, b and c". */
function listing(parts: readonly string[]): string {
  return parts.length <= 1
    ? (parts[0] ?? '')
    : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** The programs in order, each once (by digest). */
function distinct(programs: readonly Program[]): Program[] {
  const seen = new Set<string>();
  return programs.filter((p) => {
    const d = programDigest(p);
    if (seen.has(d)) return false;
    seen.add(d);
    return true;
  });
}

/**
 * Seeds in the order SearchOrchestrator spreads them (seed i goes to island i mod islands): the
 * record first, one copy per island so that every island has it, then the person's files, then
 * the miner's own best.
 */
export function orderSeeds(
  record: Program | null,
  files: readonly Program[],
  own: readonly Program[],
  islands: number,
): Program[] {
  const rest = distinct([...files, ...own]);
  if (!record) return rest;
  const recordDigest = programDigest(record);
  return [
    ...Array.from({ length: islands }, () => record),
    ...rest.filter((p) => programDigest(p) !== recordDigest),
  ];
}

function startingPoint(config: SearchConfig): string {
  return config.start === 'random'
    ? 'Starting from random programs'
    : 'Starting from an empty program';
}

/** Decides what the search starts from (see the module comment). */
export async function chooseSeeds(o: SeedOptions): Promise<SeedPlan> {
  const { loaded, log } = o;
  const files = o.files ?? [];
  const fileNames = files.map((f) => f.name);
  const ignoredFiles = () => {
    if (files.length > 0)
      log.warn(
        `${listing(fileNames)}: not used, the saved search in ${o.stateDir} resumes (--fresh starts a new search from them)`,
      );
  };

  if (!o.record) {
    if (loaded?.snapshot) {
      ignoredFiles();
      return {
        resume: loaded.snapshot,
        programs: [],
        record: null,
        standsOn: loaded.standsOn,
        summary: `Continuing your saved search (${loaded.snapshot.individuals.toLocaleString('en-US')} individuals so far)`,
      };
    }
    const earlier = loaded?.seedPrograms ?? [];
    const sources = [
      ...fileNames,
      ...(earlier.length > 0 ? ["your earlier search's programs"] : []),
    ];
    return {
      resume: null,
      programs: orderSeeds(
        null,
        files.map((f) => f.program),
        earlier,
        o.islands,
      ),
      record: null,
      standsOn: null,
      summary: sources.length > 0 ? `Evolving from ${listing(sources)}` : startingPoint(o.config),
    };
  }

  const record = await standOnRecord({
    source: o.record,
    stateDir: o.stateDir,
    config: o.config,
    tasks: o.tasks,
    log,
  });
  const digest = record.view.digest;
  if (loaded?.snapshot && loaded.standsOn === digest) {
    ignoredFiles();
    return {
      resume: loaded.snapshot,
      programs: [],
      record,
      standsOn: digest,
      summary: `Continuing your saved search, which evolves from ${describeRecord(record)}`,
    };
  }
  if (loaded?.snapshot)
    log.info(
      loaded.standsOn
        ? `the saved search in ${o.stateDir} evolved from record ${loaded.standsOn.slice(0, 12)}; the record is now ${record.name} (${digest.slice(0, 12)}): a new search starts from it and your best programs`
        : `the saved search in ${o.stateDir} did not start from the record: a new search starts from ${record.name} (${digest.slice(0, 12)}) and your best programs`,
    );
  const own = loaded?.best ?? [];
  const programs = orderSeeds(
    record.program,
    files.map((f) => f.program),
    own,
    o.islands,
  );
  // Named as seeds only where they add to the record (a file may be the record itself).
  const beyond = (p: Program) => programDigest(p) !== digest;
  const sources = [
    describeRecord(record),
    ...files.filter((f) => beyond(f.program)).map((f) => f.name),
    ...(own.some(beyond) ? ['your best so far'] : []),
  ];
  return {
    resume: null,
    programs,
    record,
    standsOn: digest,
    summary: `Evolving from ${listing(sources)}`,
  };
}
