/**
 * Compiles a program to a WebAssembly module with f64x2 SIMD, one module per program.
 *
 * Scalars live in f64 locals and vectors in F/2 v128 locals each for the whole training loop;
 * matrices stay in linear memory. Setup, the training loop (Predict, sigmoid, early-stop check,
 * Learn) and the validation loop are the three exported functions; the loops run entirely inside
 * WebAssembly. Each instruction is emitted by its op's entry in ../ops (beside the JavaScript step it
 * must reproduce in the same order), so both engines give bit-identical results; this file builds
 * the module around them: the training and validation loops, the task function and exp.
 *
 * Module interface (all imports under "e"):
 *   mem: the shared memory (state at `stateBytes`, datasets elsewhere)
 *   sin cos tan asin acos atan log: Math functions (f64) -> f64 (exp is compiled in: see exp.ts)
 *   uniform gaussian: (a, b) -> f64 from the evaluation's random stream
 *   fillUniform fillGaussian: (byteOffset, count, a, b) -> () fill memory from the stream
 * Exports: setup(); loop(x, y, n, record, mode) for training (mode 0, returns n or -(k+1)) and
 * validation (mode 1, returns the correct count; an rms-error module returns 0 and stores its sum
 * of squared errors just below the state); task(...) = setup, training, validation in one
 * call. A nonzero `record` is where each example's s1 is written (after the sigmoid in training).
 */
import { OPS } from '../../../shared/algorithm/ops';
import {
  COMPONENTS,
  FEATURES_VECTOR,
  LABEL_SCALAR,
  PREDICTION_SCALAR,
  type Instruction,
  type Program,
} from '../../../shared/algorithm/program';
import { readsSquashedPrediction } from '../../../shared/algorithm/prediction-flow';
import { MAX_ABS_ERROR } from '../engine';
import { EXP_COEFFICIENTS, EXP_MAX, EXP_MIN, INV_LN2, LN2_HI, LN2_LO } from '../exp';
import type { TaskMetric } from '../../../shared/task/types';
import type { Layout } from '../layout';
import { OP_DEFINITIONS } from '../ops';
import { ByteWriter, F64, I32, OP, VOID_BLOCK } from './bytes';
import {
  FunctionCode,
  IMPORTED_FUNCTIONS,
  P_MODE,
  P_N,
  P_RECORD,
  P_Y,
  PARAMS,
  fn,
  type Touched,
} from './function-code';

/** Emits one instruction with its op's emitter (ops/). */
function emitInstruction(f: FunctionCode, ins: Instruction): void {
  const name = OPS[ins.op]?.name;
  if (name === undefined) throw new RangeError(`unknown op ${ins.op}`);
  OP_DEFINITIONS[name].wasm(f, ins);
}

// Types: 0 (f64)->f64 math and exp; 1 (f64,f64)->f64 random draws; 2 (i32,i32,f64,f64)->()
// random fills; 3 ()->() setup; 4 (x,y,n,record,mode)->i32 loop; 5 (xT,yT,nT,xV,yV,nV,record)->i32 task.
const TYPES: ReadonlyArray<readonly [number[], number[]]> = [
  [[F64], [F64]],
  [[F64, F64], [F64]],
  [[I32, I32, F64, F64], []],
  [[], []],
  [[I32, I32, I32, I32, I32], [I32]],
  [[I32, I32, I32, I32, I32, I32, I32], [I32]],
];
const TYPE_OF_IMPORT = [0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2];

/**
 * The scalars and vectors a program reads or writes, plus the ones the training loop itself uses
 * (s0 the label, s1 the prediction, v0 the features). Only these are moved between memory and
 * locals: the others keep in memory whatever they held, which is what the program would have
 * left there too. Moving all 5 scalars and 9 vectors of 8 chunks made up most of a small module's
 * bytes (the no-op program: 4,358 bytes before, 1,373 after; linear regression 4,623 → 2,428). The
 * search gained little from it (about 1% more individuals per second without the cache): evolved
 * programs touch most registers.
 */
function registersTouched(p: Program): Touched {
  const scalars = new Set([LABEL_SCALAR, PREDICTION_SCALAR]);
  const vectors = new Set([FEATURES_VECTOR]);
  const note = (kind: string | null, address: number) => {
    if (kind === 's') scalars.add(address);
    else if (kind === 'v') vectors.add(address);
  };
  for (const c of COMPONENTS) {
    for (const ins of p[c]) {
      const spec = OPS[ins.op]!;
      note(spec.in1, ins.in1);
      note(spec.in2, ins.in2);
      note(spec.out, ins.out);
    }
  }
  const ascending = (set: Set<number>) => [...set].sort((a, b) => a - b);
  return { scalars: ascending(scalars), vectors: ascending(vectors) };
}

/**
 * setup(): Setup on the state. It declares the loop function's parameters as locals so the shared
 * local numbering holds; they are simply unused here.
 */
function setupFunction(p: Program, layout: Layout, stateBytes: number): ByteWriter {
  const f = new FunctionCode(layout, stateBytes, PARAMS, registersTouched(p));
  f.loadState();
  for (const ins of p.setup) emitInstruction(f, ins);
  f.storeState();
  return f.finish();
}

/**
 * loop(x, y, n, record, mode): the first n examples of a split, in order. Training mode runs
 * Predict, the sigmoid (accuracy tasks only), the early-stop check and Learn, and returns n, or
 * -(k+1) when example k stopped it. Validation mode runs Predict and returns how many 0/1
 * predictions were correct (accuracy), or returns 0 and stores the sum of squared errors as an
 * f64 at `errorSumBytes(stateBytes)` (rms-error). Predict is emitted once for both modes, which
 * keeps modules small and compiling fast.
 */
function loopFunction(
  p: Program,
  layout: Layout,
  stateBytes: number,
  metric: TaskMetric,
): ByteWriter {
  const f = new FunctionCode(layout, stateBytes, 0, registersTouched(p));
  f.loadState();
  f.i32c(0).set(f.iCount);
  f.i32c(0).set(f.iCorrect);
  if (metric === 'rms-error') f.f64c(0).set(f.fErrorSum);
  f.op(OP.block, VOID_BLOCK, OP.loop, VOID_BLOCK);
  f.get(f.iCount).get(P_N).op(OP.i32GeU).op(OP.brIf, 1);
  f.loadExample();
  for (const ins of p.predict) emitInstruction(f, ins);
  f.get(P_MODE).op(OP.if, VOID_BLOCK);
  f.recordPrediction();
  if (metric === 'accuracy') {
    // Validation: correct += (label > 0.5) == (sigmoid(s1) > 0.5). The sigmoid is not stored, so
    // validation leaves s1 as Predict wrote it, for the next example's Predict.
    f.get(f.iCorrect);
    f.get(P_Y).loadF(0).f64c(0.5).op(OP.f64Gt);
    f.pushSigmoid().f64c(0.5).op(OP.f64Gt, OP.i32Eq, OP.i32Add).set(f.iCorrect);
  } else {
    // Validation: errorSum += (label − s1)².
    f.get(P_Y).loadF(0).get(f.s(PREDICTION_SCALAR)).op(OP.f64Sub).tee(f.fTmp);
    f.get(f.fTmp).op(OP.f64Mul).get(f.fErrorSum).op(OP.f64Add).set(f.fErrorSum);
  }
  f.op(OP.else);
  // Early stop when |label - prediction| is NaN or above the bound: keep the state, return -(k+1).
  const earlyStop = () => {
    const err = f.fTmp;
    f.get(P_Y).loadF(0).get(f.s(PREDICTION_SCALAR)).op(OP.f64Sub, OP.f64Abs).tee(err);
    f.get(err).op(OP.f64Ne).get(err).f64c(MAX_ABS_ERROR).op(OP.f64Gt, OP.i32Or);
    f.op(OP.if, VOID_BLOCK);
    f.storeState();
    f.i32c(-1).get(f.iCount).op(OP.i32Sub, OP.return);
    f.op(OP.end);
  };
  if (metric === 'accuracy') {
    const squashAlways = readsSquashedPrediction(p);
    if (!squashAlways) {
      // The program never reads the squashed s1 (prediction-flow.ts), so the sigmoid only matters
      // to the early-stop check, to the record, and to the state a caller sees after the call. As
      // sigmoid(s1) is in [0, 1], |label - sigmoid(s1)| can pass MAX_ABS_ERROR only if s1 is NaN
      // or the label is far outside [0, 1]: skip the sigmoid unless s1 is NaN, the label is far
      // out, predictions are recorded, or this is the call's last example.
      f.get(P_RECORD);
      f.get(f.iCount).i32c(1).op(OP.i32Add).get(P_N).op(OP.i32GeU, OP.i32Or);
      f.get(P_Y).loadF(0).f64c(0.5).op(OP.f64Sub, OP.f64Abs);
      f.f64c(MAX_ABS_ERROR - 1).op(OP.f64Le, OP.i32Eqz, OP.i32Or);
      f.get(f.s(PREDICTION_SCALAR)).get(f.s(PREDICTION_SCALAR)).op(OP.f64Ne, OP.i32Or);
      f.op(OP.if, VOID_BLOCK);
    }
    f.pushSigmoid().set(f.s(PREDICTION_SCALAR));
    f.recordPrediction();
    earlyStop();
    if (!squashAlways) f.op(OP.end);
  } else {
    // Regression: s1 is the prediction itself.
    f.recordPrediction();
    earlyStop();
  }
  f.get(P_Y).loadF(0).set(f.s(LABEL_SCALAR));
  for (const ins of p.learn) emitInstruction(f, ins);
  f.op(OP.end);
  f.nextExample();
  f.op(OP.br, 0, OP.end, OP.end);
  f.storeState();
  if (metric === 'rms-error') f.i32c(0).get(f.fErrorSum).storeF(errorSumBytes(stateBytes));
  // mode ? correct : n
  f.get(f.iCorrect).get(P_N).get(P_MODE).op(OP.select);
  return f.finish();
}

/** Where an rms-error module's validation stores its sum of squared errors: just below the state. */
export function errorSumBytes(stateBytes: number): number {
  if (stateBytes < 8) throw new RangeError('the state must start at byte 8 or later');
  return stateBytes - 8;
}

/**
 * task(xT, yT, nT, xV, yV, nV, record): Setup, training on nT examples, then validation on nV
 * examples, in one call from JavaScript (each call into a new instance goes through V8's slow
 * generic wrapper). Returns validation's result (above), or -(k+1) if training stopped at example k.
 * Predictions are recorded from `record` on: nT training ones, then nV validation ones.
 */
function taskFunction(): ByteWriter {
  const w = new ByteWriter();
  const [XT, YT, NT, XV, YV, NV, RECORD, RESULT] = [0, 1, 2, 3, 4, 5, 6, 7];
  w.u32(1).u32(1).byte(I32);
  const get = (i: number) => w.byte(OP.localGet).u32(i);
  w.byte(OP.call).u32(fn.setup);
  get(XT);
  get(YT);
  get(NT);
  get(RECORD);
  w.byte(OP.i32Const).i32(0);
  w.byte(OP.call).u32(fn.loop).byte(OP.localTee).u32(RESULT);
  w.byte(OP.i32Const).i32(0).byte(OP.i32LtS).byte(OP.if).byte(VOID_BLOCK);
  get(RESULT);
  w.byte(OP.return).byte(OP.end);
  get(XV);
  get(YV);
  get(NV);
  // record ? record + 8·nT : 0
  get(RECORD);
  get(NT);
  w.byte(OP.i32Const).i32(3).byte(OP.i32Shl).byte(OP.i32Add);
  w.byte(OP.i32Const).i32(0);
  get(RECORD);
  w.byte(OP.select);
  w.byte(OP.i32Const).i32(1);
  w.byte(OP.call).u32(fn.loop);
  w.byte(OP.end);
  return w;
}

/**
 * exp(x) exactly as exp.ts computes it. Locals: 0 x (param), 1 k, 2 r, 3 p (f64), 4 ki (i32).
 */
const EXP_FUNCTION: ByteWriter = (() => {
  const w = new ByteWriter();
  // Locals: 0 x (param); 1 k, 2 r, 3 r2, 4 r4, 5 r8 (f64); 6 ki (i32).
  const [X, K, R, R2, R4, R8, KI] = [0, 1, 2, 3, 4, 5, 6];
  w.u32(2).u32(5).byte(F64).u32(1).byte(I32);
  const get = (i: number) => w.byte(OP.localGet).u32(i);
  const set = (i: number) => w.byte(OP.localSet).u32(i);
  const f64c = (v: number) => w.byte(OP.f64Const).f64(v);
  const op = (...codes: number[]) => w.bytes(codes);
  const returnIf = (cond: () => void, value: () => void) => {
    cond();
    op(OP.if, VOID_BLOCK);
    value();
    op(OP.return, OP.end);
  };
  const c = EXP_COEFFICIENTS;
  /** Pushes c[i] + c[i+1]·r. */
  const pair = (i: number) => {
    f64c(c[i]!);
    f64c(c[i + 1]!);
    get(R);
    op(OP.f64Mul, OP.f64Add);
  };
  /** Pushes pair(i) + pair(i+2)·r². */
  const quad = (i: number) => {
    pair(i);
    pair(i + 2);
    get(R2);
    op(OP.f64Mul, OP.f64Add);
  };

  returnIf(
    () => {
      get(X);
      f64c(EXP_MAX);
      op(OP.f64Gt);
    },
    () => f64c(Infinity),
  );
  returnIf(
    () => {
      get(X);
      get(X);
      op(OP.f64Ne);
    },
    () => get(X),
  );
  returnIf(
    () => {
      get(X);
      f64c(EXP_MIN);
      op(OP.f64Lt);
    },
    () => f64c(0),
  );
  get(X);
  f64c(INV_LN2);
  op(OP.f64Mul);
  f64c(0.5);
  op(OP.f64Add, OP.f64Floor);
  set(K);
  get(X);
  get(K);
  f64c(LN2_HI);
  op(OP.f64Mul, OP.f64Sub);
  get(K);
  f64c(LN2_LO);
  op(OP.f64Mul, OP.f64Sub);
  set(R);
  get(R);
  get(R);
  op(OP.f64Mul);
  set(R2);
  get(R2);
  get(R2);
  op(OP.f64Mul);
  set(R4);
  get(R4);
  get(R4);
  op(OP.f64Mul);
  set(R8);
  // s0 + s1·r4 + (s2 + s3·r4)·r8, as expPolynomial.
  quad(0);
  quad(4);
  get(R4);
  op(OP.f64Mul, OP.f64Add);
  quad(8);
  pair(12);
  get(R4);
  op(OP.f64Mul, OP.f64Add);
  get(R8);
  op(OP.f64Mul, OP.f64Add);
  // · 2^(k >> 1) · 2^(k - (k >> 1)), each power built from its exponent bits.
  get(K);
  op(OP.i32TruncF64S);
  set(KI);
  const pow2 = (exponent: () => void) => {
    exponent();
    op(OP.i64ExtendI32S, OP.i64Const);
    w.i32(1023);
    op(OP.i64Add, OP.i64Const);
    w.i32(52);
    op(OP.i64Shl, OP.f64ReinterpretI64);
  };
  pow2(() => {
    get(KI);
    op(OP.i32Const);
    w.i32(1);
    op(OP.i32ShrS);
  });
  op(OP.f64Mul);
  pow2(() => {
    get(KI);
    get(KI);
    op(OP.i32Const);
    w.i32(1);
    op(OP.i32ShrS, OP.i32Sub);
  });
  op(OP.f64Mul, OP.end);
  return w;
})();

const TASK_FUNCTION = taskFunction();

/**
 * A module: the header, the type section from `types`, then the sections `build` adds, each
 * written through `section(id, fill)` with its size prefixed.
 */
function wasmModule(
  types: ReadonlyArray<readonly [number[], number[]]>,
  build: (section: (id: number, fill: (s: ByteWriter) => void) => void) => void,
): Uint8Array {
  const m = new ByteWriter();
  m.bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  const section = (id: number, fill: (s: ByteWriter) => void) => {
    const s = new ByteWriter();
    fill(s);
    m.byte(id).sized(s);
  };
  section(1, (s) => {
    s.u32(types.length);
    for (const [params, results] of types) {
      s.byte(0x60).u32(params.length).bytes(params).u32(results.length).bytes(results);
    }
  });
  build(section);
  return m.finish();
}

/**
 * The runtime module, instantiated once per engine: it imports the JavaScript functions
 * (IMPORTED_FUNCTIONS) and exports a WebAssembly thunk for each, which candidate modules import in
 * their place. V8 (11.3, Node 20) compiles a TurboFan wasm-to-JS wrapper per imported JS signature
 * for every new module, on background threads shared by all islands; that cost about as much as
 * compiling the module and kept two islands from scaling. A wasm function import needs no wrapper.
 * (Exporting the imports through a table instead also avoids the wrappers, but a table keeps
 * every instance that imports it alive, and the wasm code space ran out.)
 */
export function compileRuntime(): Uint8Array {
  const n = IMPORTED_FUNCTIONS.length;
  return wasmModule(TYPES.slice(0, 3), (section) => {
    section(2, (s) => {
      s.u32(n);
      IMPORTED_FUNCTIONS.forEach((name, i) =>
        s.name('e').name(name).byte(0x00).u32(TYPE_OF_IMPORT[i]!),
      );
    });
    section(3, (s) => {
      s.u32(n);
      for (let i = 0; i < n; i++) s.u32(TYPE_OF_IMPORT[i]!);
    });
    section(7, (s) => {
      s.u32(n);
      IMPORTED_FUNCTIONS.forEach((name, i) =>
        s
          .name(name)
          .byte(0x00)
          .u32(n + i),
      );
    });
    section(10, (s) => {
      s.u32(n);
      for (let i = 0; i < n; i++) {
        const body = new ByteWriter();
        body.u32(0); // no locals
        const params = TYPES[TYPE_OF_IMPORT[i]!]![0].length;
        for (let p = 0; p < params; p++) body.byte(OP.localGet).u32(p);
        body.byte(OP.call).u32(i).byte(OP.end);
        s.sized(body);
      }
    });
  });
}

/** The module's bytes for a program, for memory laid out as `layout` starting at `stateBytes`. */
export function compileProgram(
  p: Program,
  layout: Layout,
  stateBytes: number,
  metric: TaskMetric = 'accuracy',
): Uint8Array {
  return wasmModule(TYPES, (section) => {
    section(2, (s) => {
      s.u32(IMPORTED_FUNCTIONS.length + 1);
      IMPORTED_FUNCTIONS.forEach((name, i) =>
        s.name('e').name(name).byte(0x00).u32(TYPE_OF_IMPORT[i]!),
      );
      s.name('e').name('mem').byte(0x02).byte(0x00).u32(1);
    });
    // setup, loop, task, exp: in the order of their indices in `fn`.
    section(3, (s) => s.u32(4).u32(3).u32(4).u32(5).u32(0));
    section(7, (s) => {
      s.u32(3);
      for (const name of ['setup', 'loop', 'task'] as const) s.name(name).byte(0x00).u32(fn[name]);
    });
    section(10, (s) => {
      s.u32(4);
      s.sized(setupFunction(p, layout, stateBytes));
      s.sized(loopFunction(p, layout, stateBytes, metric));
      s.sized(TASK_FUNCTION);
      s.sized(EXP_FUNCTION);
    });
  });
}
