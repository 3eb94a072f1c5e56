/**
 * The fast engine: programs compiled to WebAssembly that run against one shared linear memory
 * holding the evaluation state and every dataset split the engine has seen (copied in once, on
 * first use, and reused for every program after).
 */
import type { MemoryShape, Program } from '../../../shared/algorithm/program';
import { Rng } from '../../../shared/random/rng';
import type { Split } from '../../../shared/task/types';
import type { Engine, Runner } from '../engine';
import { makeLayout, type Layout } from '../layout';
import { compileProgram } from './compile';

const PAGE = 65536;
/** Byte offset of the state in linear memory (16-aligned; below it nothing is used). */
const STATE_BYTES = 64;

interface PlacedSplit {
  readonly x: number;
  readonly y: number;
}

interface WasmExports {
  setup(x: number, y: number, n: number): number;
  train(x: number, y: number, n: number): number;
  correct(x: number, y: number, n: number): number;
}

export class WasmEngine implements Engine {
  readonly name = 'wasm-simd';
  readonly layout: Layout;
  rng: Rng;
  private readonly memory: WebAssembly.Memory;
  private readonly imports: WebAssembly.Imports;
  private readonly placed = new WeakMap<Float64Array, PlacedSplit>();
  private dataEnd: number;
  private stateView: Float64Array;

  constructor(shape: MemoryShape, F: number, rng: Rng = new Rng(0)) {
    this.layout = makeLayout(shape, F);
    this.rng = rng;
    this.dataEnd = align(STATE_BYTES + this.layout.totalLength * 8, 16);
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(this.dataEnd / PAGE) + 1 });
    this.stateView = this.makeStateView();
    const fill =
      (draw: (a: number, b: number) => number) =>
      (ptr: number, n: number, a: number, b: number) => {
        const out = new Float64Array(this.memory.buffer, ptr, n);
        for (let i = 0; i < n; i++) out[i] = draw(a, b);
      };
    const uniform = (a: number, b: number) => this.rng.uniformIn(a, b);
    const gaussian = (a: number, b: number) => this.rng.gaussian(a, b);
    this.imports = {
      e: {
        mem: this.memory,
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
    };
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
    return compileProgram(program, this.layout, STATE_BYTES);
  }

  prepare(program: Program): Runner {
    const module = new WebAssembly.Module(this.compile(program));
    const exports = new WebAssembly.Instance(module, this.imports)
      .exports as unknown as WasmExports;
    return {
      setup: () => void exports.setup(0, 0, 0),
      train: (split, n) => {
        const at = this.place(split);
        return exports.train(at.x, at.y, Math.min(n, split.n));
      },
      countCorrect: (split) => {
        const at = this.place(split);
        return exports.correct(at.x, at.y, split.n);
      },
    };
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
