/**
 * The fast engine: programs compiled to WebAssembly that run against one shared linear memory
 * holding the evaluation state and every dataset split the engine has seen (copied in once, on
 * first use, and reused for every program after).
 */
import type { MemoryShape, Program } from '../../../shared/algorithm/program';
import { Rng } from '../../../shared/random/rng';
import type { Split, TaskMetric } from '../../../shared/task/types';
import type { Engine, Runner } from '../engine';
import { makeLayout, type Layout } from '../layout';
import { compileProgram, compileRuntime, errorSumBytes } from './compile';

const PAGE = 65536;
/** Byte offset of the state in linear memory (16-aligned; below it nothing is used). */
const STATE_BYTES = 64;
/** Predictions recorded for the functional-equivalence cache go here, at most this many per call. */
export const MAX_RECORDED = 1024;

interface PlacedSplit {
  readonly x: number;
  readonly y: number;
}

interface WasmExports {
  setup(): void;
  loop(x: number, y: number, n: number, record: number, mode: 0 | 1): number;
  task(
    xT: number,
    yT: number,
    nT: number,
    xV: number,
    yV: number,
    nV: number,
    record: number,
  ): number;
}

export class WasmEngine implements Engine {
  readonly name = 'wasm-simd';
  readonly layout: Layout;
  rng: Rng;
  private readonly memory: WebAssembly.Memory;
  private readonly imports: WebAssembly.Imports;
  private readonly placed = new WeakMap<Float64Array, PlacedSplit>();
  private readonly recordBytes: number;
  private dataEnd: number;
  private stateView: Float64Array;

  constructor(
    shape: MemoryShape,
    F: number,
    rng: Rng = new Rng(0),
    readonly metric: TaskMetric = 'accuracy',
  ) {
    this.layout = makeLayout(shape, F);
    this.rng = rng;
    this.recordBytes = align(STATE_BYTES + this.layout.totalLength * 8, 16);
    this.dataEnd = this.recordBytes + MAX_RECORDED * 8;
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(this.dataEnd / PAGE) + 1 });
    this.stateView = this.makeStateView();
    // Programs that draw a random vector or matrix on every training step call these thousands
    // of times per evaluation: write through one view of the memory, not a new one per call.
    let view = new Float64Array(this.memory.buffer);
    const fill =
      (draw: (a: number, b: number) => number) =>
      (ptr: number, n: number, a: number, b: number) => {
        if (view.buffer !== this.memory.buffer) view = new Float64Array(this.memory.buffer);
        const at = ptr / 8;
        for (let i = 0; i < n; i++) view[at + i] = draw(a, b);
      };
    const uniform = (a: number, b: number) => this.rng.uniformIn(a, b);
    const gaussian = (a: number, b: number) => this.rng.gaussian(a, b);
    const runtime = new WebAssembly.Instance(new WebAssembly.Module(compileRuntime()), {
      e: {
        sin: Math.sin,
        cos: Math.cos,
        tan: Math.tan,
        asin: Math.asin,
        acos: Math.acos,
        atan: Math.atan,
        log: Math.log,
        uniform,
        gaussian,
        fillUniform: fill(uniform),
        fillGaussian: fill(gaussian),
      },
    });
    // Candidates import the runtime's WebAssembly thunks, not the JavaScript functions (see
    // compileRuntime): no call wrapper is compiled per candidate.
    this.imports = { e: { mem: this.memory, ...(runtime.exports as WebAssembly.ModuleImports) } };
  }

  get state(): Float64Array {
    // A grown memory detaches old views.
    if (this.stateView.buffer !== this.memory.buffer) this.stateView = this.makeStateView();
    return this.stateView;
  }

  private makeStateView(): Float64Array {
    return new Float64Array(this.memory.buffer, STATE_BYTES, this.layout.totalLength);
  }

  /** The module bytes for a program (exposed for the compile benchmark and tests). */
  compile(program: Program): Uint8Array {
    return compileProgram(program, this.layout, STATE_BYTES, this.metric);
  }

  prepare(program: Program): Runner {
    const module = new WebAssembly.Module(this.compile(program));
    const exports = new WebAssembly.Instance(module, this.imports)
      .exports as unknown as WasmExports;
    return {
      setup: () => exports.setup(),
      train: (split, n, record) => {
        const at = this.place(split);
        const count = Math.min(n, split.n);
        const result = exports.loop(at.x, at.y, count, this.recordTo(record, count), 0);
        if (record) this.copyRecorded(record, result < 0 ? -result : result);
        return result;
      },
      validate: (split, n = split.n, record) => {
        const at = this.place(split);
        const count = Math.min(n, split.n);
        const correct = exports.loop(at.x, at.y, count, this.recordTo(record, count), 1);
        if (record) this.copyRecorded(record, count);
        return this.validationTotal(correct);
      },
      runTask: (train, nTrain, valid, nValid, record) => {
        const t = this.place(train);
        const v = this.place(valid);
        const nT = Math.min(nTrain, train.n);
        const nV = Math.min(nValid, valid.n);
        const result = exports.task(t.x, t.y, nT, v.x, v.y, nV, this.recordTo(record, nT + nV));
        if (record) this.copyRecorded(record, result < 0 ? -result : nT + nV);
        return result < 0 ? result : this.validationTotal(result);
      },
    };
  }

  /** The validation loop's total: its correct count, or the error sum it stored (rms-error). */
  private validationTotal(correct: number): number {
    if (this.metric === 'accuracy') return correct;
    return new Float64Array(this.memory.buffer, errorSumBytes(STATE_BYTES), 1)[0]!;
  }

  private recordTo(record: Float64Array | undefined, count: number): number {
    if (!record) return 0;
    if (count > MAX_RECORDED || record.length < count) {
      throw new RangeError(
        `can record at most ${MAX_RECORDED} predictions into an array that holds them`,
      );
    }
    return this.recordBytes;
  }

  private copyRecorded(record: Float64Array, count: number): void {
    record.set(new Float64Array(this.memory.buffer, this.recordBytes, count));
  }

  /** Copies a split into linear memory the first time it is used. */
  private place(split: Split): PlacedSplit {
    const known = this.placed.get(split.x);
    if (known) return known;
    const F = this.layout.F;
    if (split.x.length !== split.n * F || split.y.length !== split.n) {
      throw new RangeError(`split arrays do not hold ${split.n} examples of ${F} features`);
    }
    const x = this.dataEnd;
    const y = align(x + split.x.byteLength, 16);
    const end = align(y + split.y.byteLength, 16);
    const needed = Math.ceil(end / PAGE) - this.memory.buffer.byteLength / PAGE;
    if (needed > 0) this.memory.grow(needed);
    new Float64Array(this.memory.buffer, x, split.x.length).set(split.x);
    new Float64Array(this.memory.buffer, y, split.y.length).set(split.y);
    this.dataEnd = end;
    const at = { x, y };
    this.placed.set(split.x, at);
    return at;
  }
}

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
