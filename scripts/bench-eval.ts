/**
 * `npm run bench:eval -- [--seconds S] [--tasks N] [--json]`
 *
 * Training steps per second on one core (this thread) for the hand-written baselines on real
 * projected CIFAR-10 tasks (F = 16, 8000 train / 1000 valid), validation included, as AutoML-Zero's
 * C++ is measured; plus the cost of compiling a new program, which the search pays per candidate.
 * Prints one JSON line with --json, a short table otherwise.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseProgramOrThrow } from '../shared/algorithm/dsl';
import { DEFAULT_MEMORY, type Program } from '../shared/algorithm/program';
import { searchTaskIds } from '../shared/task/pairs';
import type { TaskData } from '../shared/task/types';
import { loadTasks } from '../src-main/dataset/tasks';
import { createEngine, evaluateProgram, type EngineKind } from '../src-worker/eval/index';
import { WasmEngine } from '../src-worker/eval/wasm/engine';

import { CPP_REFERENCE } from './cpp-reference';

const CPP_NN_STEPS_PER_SEC = CPP_REFERENCE.nnStepsPerSec;
const CPP_LINEAR_STEPS_PER_SEC = CPP_REFERENCE.linearStepsPerSec;

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '4' },
    tasks: { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
    'js-seconds': { type: 'string', default: '1' },
  },
});
const seconds = Number(values.seconds);
const taskCount = Number(values.tasks);

function example(name: string): Program {
  return parseProgramOrThrow(
    readFileSync(new URL(`../examples/${name}.dsl`, import.meta.url), 'latin1'),
  );
}

/** Full evaluations (all tasks) repeated for about `budget` seconds after one warm-up round. */
function stepsPerSecond(
  kind: EngineKind,
  program: Program,
  tasks: TaskData[],
  budget: number,
): number {
  const engine = createEngine(kind, DEFAULT_MEMORY, 16);
  evaluateProgram(engine, program, tasks, { seed: 0 }); // copies datasets in, warms up
  let steps = 0;
  const start = performance.now();
  let elapsed: number;
  let round = 0;
  do {
    steps += evaluateProgram(engine, program, tasks, { seed: ++round }).trainSteps;
    elapsed = (performance.now() - start) / 1000;
  } while (elapsed < budget);
  return steps / elapsed;
}

/** Milliseconds to emit, compile and instantiate one new program. */
function compileMs(program: Program, count = 300): { emit: number; total: number } {
  const engine = new WasmEngine(DEFAULT_MEMORY, 16);
  for (let i = 0; i < 20; i++) engine.prepare(program);
  let t = performance.now();
  for (let i = 0; i < count; i++) engine.compile(program);
  const emit = (performance.now() - t) / count;
  t = performance.now();
  for (let i = 0; i < count; i++) engine.prepare(program);
  return { emit, total: (performance.now() - t) / count };
}

async function main(): Promise<void> {
  const tasks = await loadTasks(searchTaskIds(taskCount));
  const nn = example('nn');
  const linear = example('linear_regression');
  const nnSteps = stepsPerSecond('wasm', nn, tasks, seconds);
  const linearSteps = stepsPerSecond('wasm', linear, tasks, seconds);
  const jsSteps = stepsPerSecond('js', nn, tasks.slice(0, 1), Number(values['js-seconds']));
  const compile = compileMs(nn);
  const result = {
    bench: 'eval',
    engine: 'wasm-simd',
    tasks: tasks.length,
    features: 16,
    trainExamples: tasks[0]!.train.n,
    validExamples: tasks[0]!.valid.n,
    nnTrainStepsPerSec: Math.round(nnSteps),
    linearTrainStepsPerSec: Math.round(linearSteps),
    nnRatioToCpp: +(nnSteps / CPP_NN_STEPS_PER_SEC).toFixed(3),
    linearRatioToCpp: +(linearSteps / CPP_LINEAR_STEPS_PER_SEC).toFixed(3),
    jsNnTrainStepsPerSec: Math.round(jsSteps),
    nnCompileMs: +compile.total.toFixed(3),
    nnEmitMs: +compile.emit.toFixed(3),
    nnEvaluationMs: +(((tasks.length * tasks[0]!.train.n) / nnSteps) * 1000).toFixed(2),
    node: process.version,
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const m = (x: number) => `${(x / 1e6).toFixed(2)} M/s`;
    process.stdout.write(
      [
        `2-layer NN     ${m(nnSteps)}  (${result.nnRatioToCpp}× the C++ ${m(CPP_NN_STEPS_PER_SEC)})`,
        `linear         ${m(linearSteps)}  (${result.linearRatioToCpp}× the C++ ${m(CPP_LINEAR_STEPS_PER_SEC)})`,
        `JS engine NN   ${m(jsSteps)}`,
        `compile NN     ${compile.total.toFixed(2)} ms per program (emit ${compile.emit.toFixed(2)} ms)`,
      ].join('\n') + '\n',
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:eval: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
