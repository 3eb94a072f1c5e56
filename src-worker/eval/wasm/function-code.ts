/**
 * One WebAssembly function body under construction: the program's scalars and vectors mapped to
 * locals, matrices addressed in linear memory, and the emit helpers the ops' emitters
 * (../ops/*.ts) and the compiler's loops (compile.ts) are written with.
 */
import {
  FEATURES_VECTOR,
  LABEL_SCALAR,
  PREDICTION_SCALAR,
} from '../../../shared/algorithm/program';
import type { Layout } from '../layout';
import { ByteWriter, F64, I32, OP, SIMD, V128, VOID_BLOCK } from './bytes';

export const IMPORTED_FUNCTIONS = [
  'sin',
  'cos',
  'tan',
  'asin',
  'acos',
  'atan',
  'log',
  'uniform',
  'gaussian',
  'fillUniform',
  'fillGaussian',
] as const;
/** Function indices: the imports, then setup, loop, task (exported) and exp (internal). */
export const fn = {
  ...(Object.fromEntries(IMPORTED_FUNCTIONS.map((n, i) => [n, i])) as Record<
    (typeof IMPORTED_FUNCTIONS)[number],
    number
  >),
  setup: IMPORTED_FUNCTIONS.length,
  loop: IMPORTED_FUNCTIONS.length + 1,
  task: IMPORTED_FUNCTIONS.length + 2,
  exp: IMPORTED_FUNCTIONS.length + 3,
};

/** Shuffle masks combining two f64x2 (A, B) into (A.lane0, B.lane0) and (A.lane1, B.lane1). */
export const LOW_LANES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
export const HIGH_LANES = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];

// Parameters of the loop function.
export const P_X = 0;
export const P_Y = 1;
export const P_N = 2;
/** Where to record each example's s1 (0: do not record); the functional-equivalence cache reads it. */
export const P_RECORD = 3;
/** 0: training (Predict, sigmoid, early-stop check, Learn); 1: validation (Predict, count). */
export const P_MODE = 4;
/** Parameters every function is given room for, so local indices are the same in all of them. */
export const PARAMS = 5;

/** One function body under construction, with the program's memory mapped to locals. */
export class FunctionCode {
  readonly w = new ByteWriter();
  /** The feature size, and H = F / 2: the f64x2 chunks of a vector or matrix row. */
  readonly F: number;
  readonly H: number;
  // Local indices.
  readonly iCount: number;
  readonly iRow: number;
  readonly iCorrect: number;
  private readonly sBase: number;
  readonly fTmp: number;
  /** The validation loop's running sum of squared errors (rms-error tasks). */
  readonly fErrorSum: number;
  private readonly vBase: number;
  private readonly vTmp: number;
  private readonly localDecls: Array<[number, number]>;
  private readonly stateBytes: number;

  /**
   * @param unusedParams i32 locals standing in for the loop function's parameters in a function
   *   that has none (setup), so every function numbers its locals the same way.
   */
  constructor(
    private readonly layout: Layout,
    stateBytes: number,
    unusedParams: number,
    /** The registers moved between memory and locals (see registersTouched). */
    private readonly touched: Touched,
  ) {
    const { F, shape } = layout;
    this.F = F;
    this.H = F / 2;
    this.stateBytes = stateBytes;
    let next = PARAMS; // after the loop function's parameters
    this.iCount = next++;
    this.iRow = next++;
    this.iCorrect = next++;
    this.sBase = next;
    next += shape.scalars;
    this.fTmp = next;
    this.fErrorSum = next + 1;
    next += 2;
    this.vBase = next;
    next += shape.vectors * this.H;
    this.vTmp = next;
    const vTmpCount = this.H + 4;
    this.localDecls = [
      [unusedParams + 3, I32],
      [shape.scalars + 2, F64],
      [shape.vectors * this.H + vTmpCount, V128],
    ];
  }

  // --- addresses -------------------------------------------------------------------------------
  private vecBytes(v: number): number {
    return this.stateBytes + 8 * (this.layout.vectorBase + v * this.F);
  }
  matBytes(m: number): number {
    return this.stateBytes + 8 * (this.layout.matrixBase + m * this.F * this.F);
  }
  scratchBytes(): number {
    return this.stateBytes + 8 * this.layout.scratch;
  }

  // --- emit helpers ------------------------------------------------------------------------------
  op(...codes: number[]): this {
    this.w.bytes(codes);
    return this;
  }
  simd(code: number): this {
    this.w.byte(0xfd).u32(code);
    return this;
  }
  get(local: number): this {
    this.w.byte(OP.localGet).u32(local);
    return this;
  }
  set(local: number): this {
    this.w.byte(OP.localSet).u32(local);
    return this;
  }
  tee(local: number): this {
    this.w.byte(OP.localTee).u32(local);
    return this;
  }
  i32c(v: number): this {
    this.w.byte(OP.i32Const).i32(v);
    return this;
  }
  f64c(v: number): this {
    this.w.byte(OP.f64Const).f64(v);
    return this;
  }
  call(index: number): this {
    this.w.byte(OP.call).u32(index);
    return this;
  }
  s(i: number): number {
    return this.sBase + i;
  }
  v(i: number, k: number): number {
    return this.vBase + i * this.H + k;
  }
  t(k: number): number {
    return this.vTmp + k;
  }
  /** v128.load at base (stack i32) + offset. */
  loadV(offset: number): this {
    this.simd(SIMD.v128Load);
    this.w.u32(4).u32(offset);
    return this;
  }
  storeV(offset: number): this {
    this.simd(SIMD.v128Store);
    this.w.u32(4).u32(offset);
    return this;
  }
  loadAbsV(bytes: number): this {
    return this.i32c(0).loadV(bytes);
  }
  loadF(offset: number): this {
    this.w.byte(OP.f64Load).u32(3).u32(offset);
    return this;
  }
  storeF(offset: number): this {
    this.w.byte(OP.f64Store).u32(3).u32(offset);
    return this;
  }
  splat(): this {
    return this.simd(SIMD.f64x2Splat);
  }
  lane(extract: 0 | 1): this {
    this.simd(SIMD.f64x2ExtractLane);
    this.w.byte(extract);
    return this;
  }
  shuffle(mask: readonly number[]): this {
    this.simd(SIMD.i8x16Shuffle);
    this.w.bytes(mask);
    return this;
  }
  constV(a: number, b: number): this {
    this.simd(SIMD.v128Const);
    this.w.f64(a).f64(b);
    return this;
  }

  /** Element i of vector v as an f64 on the stack. */
  vElem(vec: number, i: number): this {
    return this.get(this.v(vec, i >> 1)).lane((i & 1) as 0 | 1);
  }

  /**
   * Runs `body` once per matrix row with the row's byte offset (from the matrix start) in iRow,
   * so row-wise code can use constant memarg offsets plus a dynamic base.
   */
  rowLoop(body: () => void): void {
    const rowBytes = this.F * 8;
    this.i32c(0).set(this.iRow);
    this.op(OP.loop, VOID_BLOCK);
    body();
    this.get(this.iRow).i32c(rowBytes).op(OP.i32Add).tee(this.iRow);
    this.i32c(rowBytes * this.F)
      .op(OP.i32LtU)
      .op(OP.brIf, 0);
    this.op(OP.end);
  }

  /** Elementwise matrix op: out[chunk] = f(in1[chunk], in2[chunk]) for every chunk. */
  matrixMap(out: number, ins: number[], f: () => void): void {
    this.rowLoop(() => {
      for (let k = 0; k < this.H; k++) {
        this.get(this.iRow);
        for (const m of ins) this.get(this.iRow).loadV(this.matBytes(m) + 16 * k);
        f();
        this.storeV(this.matBytes(out) + 16 * k);
      }
    });
  }

  /** Pushes the canonical lane sum of `chunks` f64x2 terms pushed by term(k), as one f64. */
  laneSum(chunks: number, term: (k: number) => void): this {
    term(0);
    for (let k = 1; k < chunks; k++) {
      term(k);
      this.simd(SIMD.f64x2Add);
    }
    return this.tee(this.t(0)).lane(0).get(this.t(0)).lane(1).op(OP.f64Add);
  }

  /**
   * For each pair of rows (2j, 2j+1) of matrix m, pushes chunk j of the vector whose element r is
   * the lane sum of row r's terms, then calls store(j). Uses temps t(1), t(2).
   */
  rowPairs(
    m: number,
    term: (rowBytes: number, k: number) => void,
    store: (j: number) => void,
  ): void {
    const rowBytes = this.F * 8;
    for (let j = 0; j < this.H; j++) {
      for (const [half, tmp] of [
        [0, 1],
        [1, 2],
      ] as const) {
        const row = this.matBytes(m) + (2 * j + half) * rowBytes;
        term(row, 0);
        for (let k = 1; k < this.H; k++) {
          term(row, k);
          this.simd(SIMD.f64x2Add);
        }
        this.set(this.t(tmp));
      }
      this.get(this.t(1)).get(this.t(2)).shuffle(LOW_LANES);
      this.get(this.t(1)).get(this.t(2)).shuffle(HIGH_LANES);
      this.simd(SIMD.f64x2Add);
      store(j);
    }
  }

  copyMatrix(fromBytes: number, toBytes: number): void {
    this.rowLoop(() => {
      for (let k = 0; k < this.H; k++) {
        this.get(this.iRow)
          .get(this.iRow)
          .loadV(fromBytes + 16 * k)
          .storeV(toBytes + 16 * k);
      }
    });
  }

  // --- state ---------------------------------------------------------------------------------------
  loadState(): void {
    const { scalars, vectors } = this.touched;
    for (const i of scalars)
      this.i32c(0)
        .loadF(this.stateBytes + 8 * i)
        .set(this.s(i));
    for (const v of vectors) {
      for (let k = 0; k < this.H; k++) this.loadAbsV(this.vecBytes(v) + 16 * k).set(this.v(v, k));
    }
  }

  storeState(): void {
    const { scalars, vectors } = this.touched;
    for (const i of scalars)
      this.i32c(0)
        .get(this.s(i))
        .storeF(this.stateBytes + 8 * i);
    for (const v of vectors) {
      for (let k = 0; k < this.H; k++)
        this.i32c(0)
          .get(this.v(v, k))
          .storeV(this.vecBytes(v) + 16 * k);
    }
  }

  /** v0 = features at xPtr, s0 = 0: the start of every Predict. */
  loadExample(): void {
    for (let k = 0; k < this.H; k++)
      this.get(P_X)
        .loadV(16 * k)
        .set(this.v(FEATURES_VECTOR, k));
    this.f64c(0).set(this.s(LABEL_SCALAR));
  }

  /** When a record pointer is given, stores s1 there and advances it. */
  recordPrediction(): void {
    this.get(P_RECORD).op(OP.if, VOID_BLOCK);
    this.get(P_RECORD).get(this.s(PREDICTION_SCALAR)).storeF(0);
    this.get(P_RECORD).i32c(8).op(OP.i32Add).set(P_RECORD);
    this.op(OP.end);
  }

  /** Advances xPtr, yPtr and the example counter by one example. */
  nextExample(): void {
    this.get(P_X)
      .i32c(this.F * 8)
      .op(OP.i32Add)
      .set(P_X);
    this.get(P_Y).i32c(8).op(OP.i32Add).set(P_Y);
    this.get(this.iCount).i32c(1).op(OP.i32Add).set(this.iCount);
  }

  /** Pushes sigmoid(s1) = 1 / (1 + exp(-s1)), the same expression as engine.ts's. */
  pushSigmoid(): this {
    return this.f64c(1)
      .f64c(1)
      .get(this.s(PREDICTION_SCALAR))
      .op(OP.f64Neg)
      .call(fn.exp)
      .op(OP.f64Add)
      .op(OP.f64Div);
  }

  // --- ops --------------------------------------------------------------------------------------------
  // --- op helpers: the shapes most ops share ---------------------------------------------------
  /** s[o] = s[a] <code> s[b]. */
  scalar2(a: number, b: number, o: number, code: number): void {
    this.get(this.s(a)).get(this.s(b)).op(code).set(this.s(o));
  }
  /** Vector o, chunk by chunk: each chunk pushed by f(k). */
  vector1(o: number, f: (k: number) => void): void {
    for (let k = 0; k < this.H; k++) {
      f(k);
      this.set(this.v(o, k));
    }
  }
  /** v[o] = v[a] <simd code> v[b], chunk by chunk. */
  vector2(a: number, b: number, o: number, code: number): void {
    this.vector1(o, (k) => this.get(this.v(a, k)).get(this.v(b, k)).simd(code));
  }
  /** M[o] = M[a] <simd code> M[b], chunk by chunk. */
  matrix2(a: number, b: number, o: number, code: number): void {
    this.matrixMap(o, [a, b], () => this.simd(code));
  }
  /** The f64x2 on the stack → 1 where a lane is > 0, else 0. */
  heaviside(): this {
    return this.constV(0, 0).simd(SIMD.f64x2Gt).constV(1, 1).simd(SIMD.v128And);
  }
  /** Pushes the lane sum of vector vec's elements (or of their squares). */
  vectorSum(vec: number, squares: boolean): this {
    return this.laneSum(this.H, (k) => {
      this.get(this.v(vec, k));
      if (squares) this.get(this.v(vec, k)).simd(SIMD.f64x2Mul);
    });
  }
  /** Pushes the lane sum of matrix m's elements (or of their squares), row-major. */
  matrixSum(m: number, squares: boolean): this {
    return this.laneSum((this.F * this.F) / 2, (k) => {
      this.loadAbsV(this.matBytes(m) + 16 * k);
      if (squares) this.loadAbsV(this.matBytes(m) + 16 * k).simd(SIMD.f64x2Mul);
    });
  }
  /** A rowPairs term: chunk k of a row (or its square). */
  rowTerm(squares: boolean): (rowBytes: number, k: number) => void {
    return (row, k) => {
      this.loadAbsV(row + 16 * k);
      if (squares) this.loadAbsV(row + 16 * k).simd(SIMD.f64x2Mul);
    };
  }
  /** Divides the f64x2 on the stack by n in both lanes. */
  divideBy(n: number): this {
    return this.constV(n, n).simd(SIMD.f64x2Div);
  }
  /** sqrt(E[x²] − E[x]²) from the two sums pushed by sum(squares), over n values, into s[o]. */
  standardDeviation(sum: (squares: boolean) => this, n: number, o: number): void {
    sum(false).f64c(n).op(OP.f64Div).set(this.fTmp);
    sum(true).f64c(n).op(OP.f64Div);
    this.get(this.fTmp).get(this.fTmp).op(OP.f64Mul).op(OP.f64Sub).op(OP.f64Sqrt).set(this.s(o));
  }

  finish(): ByteWriter {
    const body = new ByteWriter();
    body.u32(this.localDecls.length);
    for (const [count, type] of this.localDecls) body.u32(count).byte(type);
    body.bytes(this.w.finish());
    body.byte(OP.end);
    return body;
  }
}

/** Scalar and vector addresses, ascending. */
export interface Touched {
  readonly scalars: readonly number[];
  readonly vectors: readonly number[];
}
