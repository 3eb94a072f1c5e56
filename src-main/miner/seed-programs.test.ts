/**
 * What a search starts from. The validators are real HTTP servers on loopback answering GET
 * /v1/sota as a validator does (the survey is DirectClient's own, surveyHolder); the saved searches
 * and kept records are real files; the record's score is measured on real CIFAR-10 tasks.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { programDigest } from '../../shared/algorithm/canonical';
import { parseProgramOrThrow, printProgram } from '../../shared/algorithm/dsl';
import type { Program } from '../../shared/algorithm/program';
import { LINEAR_BASELINE, makeTrack } from '../../shared/protocol/track';
import { parseSearchConfig, type SearchConfig } from '../../shared/search/config';
import { REAL_DATA_TIMEOUT_MS, realCifar10Dir } from '../../tests/support/cifar-tasks';
import { loadSearchTasks } from '../dataset/tasks';
import { createLogger } from '../log/logger';
import type { SearchSnapshot } from '../search/orchestrator';
import { loadSearch, saveSearch, type LoadedSearch } from '../search/store';
import { surveyHolder, type ValidatorEndpoint } from './direct-client';
import { RECORD_FILE, readKeptRecord } from './kept-record';
import type { RecordSource } from './record-source';
import { chooseSeeds, orderSeeds, type SeedOptions } from './seed-programs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const exampleText = (name: string) =>
  readFileSync(path.join(ROOT, 'examples', `${name}.dsl`), 'utf8');
const example = (name: string) => parseProgramOrThrow(exampleText(name));
const digests = (programs: readonly Program[]) => programs.map((p) => programDigest(p));

const track = makeTrack();
const config: SearchConfig = parseSearchConfig({
  populationSize: 20,
  tournamentSize: 4,
  tasks: { count: 2, firstSeed: 0, features: 16, train: 400, valid: 100 },
});
const linear = parseProgramOrThrow(LINEAR_BASELINE);
const LINEAR = programDigest(linear);
const NN = programDigest(example('nn'));
const NOOP = programDigest(example('noop'));
const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';

/** Answers GET /v1/sota on loopback as a validator does, with `answer`. */
class SotaServer {
  answer: unknown;
  private readonly server: http.Server;
  url = '';
  constructor(answer: unknown) {
    this.answer = answer;
    this.server = http.createServer((req, res) => {
      if (req.url !== '/v1/sota') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(this.answer));
    });
  }
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const sotaAnswer = (program: string, digest: string, miner: string | null = null) => ({
  track: track.id,
  margin: track.margin,
  holder: { digest, program, miner, since: null },
});

/** An address where nothing listens: the port of a server that has been closed. */
async function deadUrl(): Promise<string> {
  const api = await new SotaServer(null).start();
  await api.close();
  return api.url;
}

const lines: string[] = [];
const log = createLogger({ format: 'text', write: (l) => lines.push(l) }, 'seeds');

function source(urls: readonly string[], netuid = 3, stakes?: readonly bigint[]): RecordSource {
  const validators: ValidatorEndpoint[] = urls.map((url, i) => ({
    hotkey: `validator-${i}`,
    url,
    stake: stakes?.[i] ?? 1n,
  }));
  return {
    label: `the validators of subnet ${netuid} on local`,
    network: 'local',
    netuid,
    track,
    survey: () => surveyHolder(validators, track, log),
  };
}

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'sota-seeds-'));

/** A saved search (populations of random-looking programs) whose hall of fame holds `best`. */
function snapshot(best: Program): SearchSnapshot {
  return {
    individuals: 4321,
    islands: [0, 1].map((id) => ({
      id,
      rng: [1, 2, 3, 4 + id],
      individuals: 2000 + id,
      population: [
        { program: example('logistic_regression'), fitness: 0.6 },
        { program: best, fitness: 0.7 },
      ],
    })),
    hallOfFame: [
      {
        program: best,
        digest: programDigest(best),
        fitness: 0.7,
        foundAt: '2026-12-01T00:00:00.000Z',
        individuals: 1000,
      },
    ],
  };
}

async function savedSearch(
  dir: string,
  opts: { scope: string; standsOn?: string | null; best?: Program },
): Promise<LoadedSearch> {
  await saveSearch(dir, opts.scope, config, snapshot(opts.best ?? example('nn')), opts.standsOn);
  return loadSearch(dir, 'this scope', config);
}

function options(extra: Partial<SeedOptions> & Pick<SeedOptions, 'stateDir'>): SeedOptions {
  return { loaded: null, islands: 2, config, log, ...extra };
}

let genesisApi: SotaServer;
let dead: string;

beforeAll(async () => {
  genesisApi = await new SotaServer(sotaAnswer(LINEAR_BASELINE, LINEAR)).start();
  dead = await deadUrl();
});

afterAll(async () => {
  await genesisApi.close();
});

// Files, loopback HTTP and a program parse or two each: generous limits for a loaded machine.
describe('seeds from the record', { timeout: 30_000 }, () => {
  it('puts the record on every island first, then the files, then the own best; keeps it on disk', async () => {
    const stateDir = tempDir();
    const loaded = await savedSearch(stateDir, { scope: 'another scope' });
    const plan = await chooseSeeds(
      options({
        stateDir,
        loaded,
        // One validator down: the others' answer is enough.
        record: source([genesisApi.url, dead, genesisApi.url]),
        files: [
          { name: 'logistic_regression.dsl', program: example('logistic_regression') },
          // Named twice (once as the record itself): each program is seeded once.
          { name: 'linear_regression.dsl', program: example('linear_regression') },
        ],
      }),
    );
    expect(plan.resume).toBeNull();
    expect(digests(plan.programs)).toEqual([
      LINEAR,
      LINEAR,
      programDigest(example('logistic_regression')),
      NN,
    ]);
    expect(plan.record).toMatchObject({
      origin: 'validators',
      name: 'linear model',
      view: { digest: LINEAR, miner: null, margin: track.margin, reportedBy: 2 },
    });
    expect(plan.standsOn).toBe(LINEAR);
    expect(plan.summary).toBe(
      'Evolving from the current record (linear model), logistic_regression.dsl and your best so far',
    );
    // Kept in the search's folder, as the validators named it.
    const kept = await readKeptRecord(stateDir);
    expect(kept).toMatchObject({ network: 'local', netuid: 3, digest: LINEAR, miner: null });
  });

  it('refuses a holder whose program is not the one the validators name, naming both digests', async () => {
    const lying = await new SotaServer(sotaAnswer(exampleText('noop'), LINEAR)).start();
    try {
      const stateDir = tempDir();
      await expect(chooseSeeds(options({ stateDir, record: source([lying.url]) }))).rejects.toThrow(
        new RegExp(
          `no usable answer \\(it names holder ${LINEAR} but serves a program whose digest is ${NOOP}\\); no record is kept in .*${RECORD_FILE}: cannot start from the record`,
        ),
      );
      // Nothing was kept from it.
      expect(await readKeptRecord(stateDir)).toBeNull();

      // Beside an honest validator: the honest answer is used, the other refused in the log.
      lines.length = 0;
      const plan = await chooseSeeds(
        options({ stateDir, record: source([lying.url, genesisApi.url]) }),
      );
      expect(plan.record?.view).toMatchObject({ digest: LINEAR, reportedBy: 1 });
      expect(lines.some((l) => /holder refused/.test(l) && l.includes(NOOP))).toBe(true);
    } finally {
      await lying.close();
    }
  });

  it('refuses a holder over the track budget, and follows the stake when validators disagree', async () => {
    const costlyText = [
      'def Setup():',
      '  s2 = 0.1',
      'def Predict():',
      '  m1 = matmul(m0, m0)',
      '  s1 = mean(m1)',
      'def Learn():',
      '  s3 = s0 - s1',
    ].join('\n');
    const costly = programDigest(parseProgramOrThrow(costlyText));
    const heavy = await new SotaServer(sotaAnswer(costlyText, costly)).start();
    const nnApi = await new SotaServer(sotaAnswer(exampleText('nn'), NN)).start();
    try {
      lines.length = 0;
      const plan = await chooseSeeds(
        options({ stateDir: tempDir(), record: source([heavy.url, genesisApi.url]) }),
      );
      expect(plan.record?.view.digest).toBe(LINEAR);
      expect(lines.some((l) => /holder refused/.test(l) && /over the track's 1832/.test(l))).toBe(
        true,
      );
      // Two validators name the linear model, one with more stake than both names the NN.
      const byStake = await chooseSeeds(
        options({
          stateDir: tempDir(),
          record: source([genesisApi.url, genesisApi.url, nnApi.url], 3, [1n, 1n, 5n]),
        }),
      );
      expect(byStake.record?.view).toMatchObject({ digest: NN, reportedBy: 1 });
    } finally {
      await Promise.all([heavy.close(), nnApi.close()]);
    }
  });

  it('refuses a record over the search budget: it would score 0 and the search start from nothing', async () => {
    const tight = parseSearchConfig({ ...config, maxStepCost: 10 });
    await expect(
      chooseSeeds(
        options({ stateDir: tempDir(), config: tight, record: source([genesisApi.url]) }),
      ),
    ).rejects.toThrow(
      /cannot seed this search: its training step costs \d+, over the search's budget of 10/,
    );
  });

  it('refuses a record this search cannot run, rather than fall back on an older one', async () => {
    const small = parseSearchConfig({
      ...config,
      memory: { scalars: 3, vectors: 9, matrices: 2 },
    });
    await expect(
      chooseSeeds(
        options({ stateDir: tempDir(), config: small, record: source([genesisApi.url]) }),
      ),
    ).rejects.toThrow(`the record ${LINEAR} cannot seed this search`);
  });

  it('starts from the kept record when no validator answers, and says so', async () => {
    const stateDir = tempDir();
    await chooseSeeds(options({ stateDir, record: source([genesisApi.url]) }));

    lines.length = 0;
    const plan = await chooseSeeds(options({ stateDir, record: source([dead]) }));
    expect(plan.record).toMatchObject({ origin: 'kept', view: { digest: LINEAR } });
    expect(digests(plan.programs)).toEqual([LINEAR, LINEAR]);
    expect(plan.summary).toBe(
      'Evolving from the last record the validators named (linear model; no validator answers now)',
    );
    expect(
      lines.some((l) =>
        /none of the 1 answered; starting from the record kept in .*record\.json \(linear model/.test(
          l,
        ),
      ),
    ).toBe(true);
    // Nothing kept and nobody answering: no start, and the message says where it looked.
    await expect(
      chooseSeeds(options({ stateDir: tempDir(), record: source([dead]) })),
    ).rejects.toThrow(
      /none of the 1 answered; no record is kept in .*: cannot start from the record/,
    );
  });

  it('refuses a kept record that fails its digest, or is another subnet’s', async () => {
    const stateDir = tempDir();
    await chooseSeeds(options({ stateDir, record: source([genesisApi.url]) }));
    const file = path.join(stateDir, RECORD_FILE);
    const original = readFileSync(file, 'utf8');

    // Someone edits the kept program: it no longer has the digest the file names.
    const edited = JSON.parse(original) as { program: string };
    edited.program = printProgram(example('noop'));
    writeFileSync(file, JSON.stringify(edited));
    await expect(chooseSeeds(options({ stateDir, record: source([dead]) }))).rejects.toThrow(
      `${file}: names record ${LINEAR} but its program's digest is ${NOOP}; refused`,
    );
    writeFileSync(file, '{ half a file');
    await expect(chooseSeeds(options({ stateDir, record: source([dead]) }))).rejects.toThrow(
      `${file}: not a kept record`,
    );

    writeFileSync(file, original);
    await expect(chooseSeeds(options({ stateDir, record: source([dead], 4) }))).rejects.toThrow(
      /the record kept in .* is subnet 3's on local, not this one/,
    );
  });

  it('resumes a saved search that stands on the record, and starts again after a new record', async () => {
    const stateDir = tempDir();
    const loaded = await savedSearch(stateDir, {
      scope: 'this scope',
      standsOn: LINEAR,
      best: example('logistic_regression'),
    });
    expect(loaded.snapshot).not.toBeNull();
    lines.length = 0;
    const same = await chooseSeeds(
      options({
        stateDir,
        loaded,
        record: source([genesisApi.url]),
        files: [{ name: 'nn.dsl', program: example('nn') }],
      }),
    );
    expect(same.resume).toBe(loaded.snapshot);
    expect(same.standsOn).toBe(LINEAR);
    expect(same.summary).toBe(
      'Continuing your saved search, which evolves from the current record (linear model)',
    );
    // A file given to a search that resumes is not silently dropped.
    expect(lines.some((l) => /nn\.dsl: not used, the saved search .* resumes/.test(l))).toBe(true);

    // Alice now holds the record with the NN: a new search stands on it, with the own best.
    const newRecord = await new SotaServer(sotaAnswer(exampleText('nn'), NN, ALICE)).start();
    try {
      lines.length = 0;
      const moved = await chooseSeeds(
        options({ stateDir, loaded, record: source([newRecord.url]) }),
      );
      expect(moved.resume).toBeNull();
      expect(digests(moved.programs)).toEqual([
        NN,
        NN,
        programDigest(example('logistic_regression')),
      ]);
      expect(moved.standsOn).toBe(NN);
      expect(moved.summary).toBe(
        'Evolving from the current record (held by 5Grwva…utQY) and your best so far',
      );
      expect(
        lines.some((l) =>
          l.includes(`evolved from record ${LINEAR.slice(0, 12)}; the record is now held by`),
        ),
      ).toBe(true);
    } finally {
      await newRecord.close();
    }

    // A saved search from before records were tracked does not stand on one: it starts again.
    const older = await savedSearch(tempDir(), { scope: 'this scope' });
    expect(older.standsOn).toBeNull();
    const fresh = await chooseSeeds(
      options({ stateDir: tempDir(), loaded: older, record: source([genesisApi.url]) }),
    );
    expect(fresh.resume).toBeNull();
    expect(digests(fresh.programs)).toEqual([LINEAR, LINEAR, NN]);
  });

  it(
    'tells the record’s score on the miner’s tasks',
    async () => {
      const tasks = await loadSearchTasks(config, { dir: await realCifar10Dir() });
      const plan = await chooseSeeds(
        options({ stateDir: tempDir(), record: source([genesisApi.url]), tasks }),
      );
      expect(plan.record?.localScore).toBeGreaterThan(0.55);
      expect(plan.summary).toMatch(
        /^Evolving from the current record \(linear model, 0\.\d{3} on your tasks\)$/,
      );
    },
    REAL_DATA_TIMEOUT_MS,
  );
});

describe('seeds without a network (solo)', { timeout: 30_000 }, () => {
  it('starts empty, from the files, or from the earlier search; resumes a saved one', async () => {
    const stateDir = tempDir();
    expect(await chooseSeeds(options({ stateDir }))).toEqual({
      resume: null,
      programs: [],
      record: null,
      standsOn: null,
      summary: 'Starting from an empty program',
    });
    const random = parseSearchConfig({ ...config, start: 'random' });
    expect((await chooseSeeds(options({ stateDir, config: random }))).summary).toBe(
      'Starting from random programs',
    );

    const files = [{ name: 'nn.dsl', program: example('nn') }];
    const fromFiles = await chooseSeeds(options({ stateDir, files }));
    expect(digests(fromFiles.programs)).toEqual([NN]);
    expect(fromFiles.summary).toBe('Evolving from nn.dsl');

    const other = await savedSearch(tempDir(), {
      scope: 'another scope',
      best: example('logistic_regression'),
    });
    const earlier = await chooseSeeds(options({ stateDir, loaded: other, files }));
    // The files first, then the earlier search's programs, each once.
    expect(digests(earlier.programs)).toEqual([NN, programDigest(example('logistic_regression'))]);
    expect(earlier.summary).toBe("Evolving from nn.dsl and your earlier search's programs");

    const same = await savedSearch(tempDir(), { scope: 'this scope' });
    const resumed = await chooseSeeds(options({ stateDir, loaded: same }));
    expect(resumed.resume).toBe(same.snapshot);
    expect(resumed.summary).toBe('Continuing your saved search (4,321 individuals so far)');
  });
});

describe('orderSeeds', () => {
  it('gives every island the record (seed i goes to island i mod islands)', () => {
    const [a, b, c] = [example('nn'), example('logistic_regression'), example('noop')];
    const order = orderSeeds(linear, [a, b], [b, c, linear], 3);
    expect(digests(order)).toEqual(digests([linear, linear, linear, a, b, c]));
    for (let island = 0; island < 3; island++)
      expect(order.filter((_, i) => i % 3 === island)[0]).toBe(linear);
    expect(digests(orderSeeds(null, [a], [a, b], 2))).toEqual(digests([a, b]));
  });
});
