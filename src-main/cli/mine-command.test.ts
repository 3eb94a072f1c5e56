import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { REAL_DATA_TIMEOUT_MS, realCifar10Dir } from '../../tests/support/cifar-tasks';
import { runMine, type MineIo } from './mine-command';

/** Small real tasks so a run takes seconds: 2 tasks of 400 train / 100 valid examples. */
const smallSearch = {
  populationSize: 20,
  tournamentSize: 4,
  tasks: { count: 2, firstSeed: 0, features: 16, train: 400, valid: 100 },
};

function io(interruptAfterMs?: number): MineIo & { lines: string[]; output: () => string } {
  const lines: string[] = [];
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return {
    out,
    lines,
    output: () => text,
    log: (line) => lines.push(line),
    onInterrupt: (handler) => {
      const timer = interruptAfterMs === undefined ? null : setTimeout(handler, interruptAfterMs);
      return () => timer && clearTimeout(timer);
    },
  };
}

describe('mine --solo', () => {
  let cifarDir: string;
  let configFile: string;
  beforeAll(async () => {
    cifarDir = await realCifar10Dir();
    configFile = path.join(mkdtempSync(path.join(tmpdir(), 'sota-mine-cfg-')), 'search.json');
    writeFileSync(configFile, JSON.stringify(smallSearch));
  }, REAL_DATA_TIMEOUT_MS);

  it('stops on interrupt, saves its state and best programs, and the next run resumes', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sota-mine-'));
    const first = io(4000);
    const summary = await runMine(
      { solo: true, threads: 2, dataDir, cifarDir, config: configFile },
      first,
    );
    expect(summary.individuals).toBeGreaterThan(20);
    // What the search evolved from, in the words the app shows.
    expect(
      first.lines.some((l) => /^Starting from (an empty program|random programs)$/.test(l)),
    ).toBe(true);
    expect(first.lines).toContain('stopping after the current candidates…');
    // Not a terminal: plain lines, the last one for the stopped state.
    expect(first.output()).toMatch(/stopped {2}2 threads {2}[\d,]+ individuals/);
    expect(first.output()).not.toContain('\r');
    expect(readdirSync(path.join(dataDir, 'solo'))).toEqual(
      expect.arrayContaining(['search-state.json', 'best']),
    );
    expect(readdirSync(path.join(dataDir, 'solo', 'best')).length).toBeGreaterThan(0);

    const second = io();
    const again = await runMine(
      { solo: true, threads: 2, dataDir, cifarDir, config: configFile, seconds: 2 },
      second,
    );
    expect(second.lines.some((l) => l.startsWith('resuming the search saved in'))).toBe(true);
    expect(second.lines.some((l) => l.startsWith('Continuing your saved search ('))).toBe(true);
    expect(again.bestFitness).toBeGreaterThanOrEqual(summary.bestFitness);
  }, 60_000);

  it('searches a built-in regression track from its teacher tasks, in a state folder of its own', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sota-mine-track-'));
    const summary = await runMine(
      {
        solo: true,
        threads: 1,
        dataDir,
        config: configFile,
        seconds: 2,
        track: 'regression-relu-teacher-v1',
        // No CIFAR-10 folder: a teacher track needs none.
        cifarDir: path.join(dataDir, 'no-such-folder'),
      },
      io(),
    );
    expect(summary.individuals).toBeGreaterThan(20);
    expect(summary.stateDir).toBe(path.join(dataDir, 'solo-regression-relu-teacher-v1'));
    expect(readdirSync(summary.stateDir)).toContain('search-state.json');
    // A score of the teacher tasks (1 − (2/π)·atan(RMS error)), not an accuracy.
    expect(summary.bestFitness).toBeGreaterThan(0);
    expect(summary.bestFitness).toBeLessThan(1);
    await expect(runMine({ solo: true, track: 'mnist-v9', cifarDir }, io())).rejects.toThrow(
      /unknown track mnist-v9: solo mining knows cifar10-binary-v1, regression-relu-teacher-v1/,
    );
  }, 60_000);

  it('explains what it cannot do or read', async () => {
    await expect(runMine({ solo: false }, io())).rejects.toThrow(/choose one mode: --solo/);
    const net = { network: 'local', netuid: 1, hotkeyFile: 'none' };
    await expect(runMine({ solo: true, direct: net }, io())).rejects.toThrow(/choose one mode/);
    await expect(runMine({ solo: true, from: ['missing.dsl'], cifarDir }, io())).rejects.toThrow(
      /missing\.dsl: no such program file/,
    );
    await expect(
      runMine({ solo: false, direct: net, fromNetwork: { network: 'local', netuid: 1 } }, io()),
    ).rejects.toThrow(/--from-network is for --solo/);
    // A seed file that does not read stops the start, naming the file, line and column.
    const badDsl = path.join(mkdtempSync(path.join(tmpdir(), 'sota-mine-dsl-')), 'seed.dsl');
    writeFileSync(badDsl, 'def Setup():\ndef Predict():\n  s1 = frobnicate(v0)\ndef Learn():\n');
    await expect(runMine({ solo: true, from: [badDsl], cifarDir }, io())).rejects.toThrow(
      `${badDsl}:3:`,
    );
    const bad = path.join(mkdtempSync(path.join(tmpdir(), 'sota-mine-bad-')), 'bad.json');
    writeFileSync(bad, JSON.stringify({ populationSize: 1 }));
    await expect(runMine({ solo: true, config: bad, cifarDir }, io())).rejects.toThrow(
      /populationSize: Too small: expected number to be >=2/,
    );
    writeFileSync(bad, '{ not json');
    await expect(runMine({ solo: true, config: bad, cifarDir }, io())).rejects.toThrow(
      /bad\.json: not JSON/,
    );
  });
});
