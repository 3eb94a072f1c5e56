/**
 * The JavaScript engine: each instruction becomes its op's JavaScript step (ops/) with its addresses bound, so
 * a program is ready to run without generating any code. It is the reference the WebAssembly
 * engine is held to (the differential test), and the search's fingerprint engine.
 *
 * Why the search fingerprints here: it fingerprints every candidate for the functional-equivalence
 * cache (FEC) on a few examples, and most candidates (over 90%) are then answered from the cache.
 * Compiling each one to WebAssembly just for that is costly in a way that does not scale: V8
 * compiles and instantiates WebAssembly modules under process-wide locks, so two island threads
 * compiling at once go no faster than one. Steps come from a fixed set of factories, so V8
 * optimizes them once and every thread runs them in parallel; only the candidates the cache has
 * not seen are compiled.
 */
import { OPS } from '../../shared/algorithm/ops';
import type { Instruction, MemoryShape, Program } from '../../shared/algorithm/program';
import type { Rng } from '../../shared/random/rng';
import type { TaskMetric } from '../../shared/task/types';
import { LoopRunner, type Engine, type Runner } from './engine';
import { OP_DEFINITIONS, type Step } from './ops';
import { makeLayout, type Layout } from './layout';

export class JsEngine implements Engine {
  readonly name = 'js';
  readonly layout: Layout;
  readonly state: Float64Array;
  rng: Rng;

  constructor(
    shape: MemoryShape,
    F: number,
    rng: Rng,
    readonly metric: TaskMetric = 'accuracy',
  ) {
    this.layout = makeLayout(shape, F);
    this.state = new Float64Array(this.layout.totalLength);
    this.rng = rng;
  }

  prepare(program: Program): Runner {
    const bind = (list: readonly Instruction[]) => list.map((ins) => this.bind(ins));
    return new StepRunner(this, bind(program.setup), bind(program.predict), bind(program.learn));
  }

  /** The instruction as a step over this engine's memory, its addresses computed once. */
  private bind(ins: Instruction): Step {
    const spec = OPS[ins.op];
    if (!spec) throw new RangeError(`unknown op ${ins.op}`);
    const { F, vectorBase, matrixBase, scratch } = this.layout;
    const FF = F * F;
    const { in1, in2, out } = ins;
    const [d0, d1, d2] = ins.data;
    return OP_DEFINITIONS[spec.name].js({
      m: this.state,
      F,
      FF,
      in1,
      in2,
      out,
      vA: vectorBase + in1 * F,
      vB: vectorBase + in2 * F,
      vO: vectorBase + out * F,
      mA: matrixBase + in1 * FF,
      mB: matrixBase + in2 * FF,
      mO: matrixBase + out * FF,
      t: scratch,
      d0,
      d1,
      d2,
      rng: () => this.rng,
    });
  }
}

class StepRunner extends LoopRunner {
  constructor(
    engine: JsEngine,
    private readonly setupSteps: readonly Step[],
    private readonly predictSteps: readonly Step[],
    private readonly learnSteps: readonly Step[],
  ) {
    super(engine);
  }

  protected runSetup(): void {
    run(this.setupSteps);
  }

  protected runPredict(): void {
    run(this.predictSteps);
  }

  protected runLearn(): void {
    run(this.learnSteps);
  }
}

function run(steps: readonly Step[]): void {
  for (let i = 0; i < steps.length; i++) steps[i]!();
}
