/**
 * Compiles a program to a WebAssembly module with f64x2 SIMD, one module per program.
 *
 * Scalars live in f64 locals and vectors in F/2 v128 locals each for the whole training loop;
 * matrices stay in linear memory. Setup, the training loop (Predict, sigmoid, early-stop check,
 * Learn) and the validation loop are the three exported functions; the loops run entirely inside
 * WebAssembly. Every op reproduces the arithmetic of js-ops.ts (the ops' executable specification) in
 * the same order, so both engines give bit-identical results.
 *
 * Module interface (all imports under "e"):
 *   mem: the shared memory (state at `stateBytes`, datasets elsewhere)
 *   sin cos tan asin acos atan log: Math functions (f64) -> f64 (exp is compiled in: see exp.ts)
 *   uniform gaussian: (a, b) -> f64 from the evaluation's random stream
 *   fillUniform fillGaussian: (byteOffset, count, a, b) -> () fill memory from the stream
 * Exports: setup(); loop(x, y, n, record, mode) for training (mode 0, returns n or -(k+1)) and
 * validation (mode 1, returns the correct count); task(...) = setup, training, validation in one
 * call. A nonzero `record` is where each example's s1 is written (after the sigmoid in training).
 */
import { OPS, floatToIndex, type OpName } from '../../../shared/algorithm/ops';
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
const fn = {
  ...(Object.fromEntries(IMPORTED_FUNCTIONS.map((n, i) => [n, i])) as Record<
    (typeof IMPORTED_FUNCTIONS)[number],
    number
  >),
  setup: IMPORTED_FUNCTIONS.length,
  loop: IMPORTED_FUNCTIONS.length + 1,
  task: IMPORTED_FUNCTIONS.length + 2,
  exp: IMPORTED_FUNCTIONS.length + 3,
};
/** The scalar ops that call a function: the imported Math ones, and exp compiled in. */
const MATH_BY_OP: Partial<Record<OpName, number>> = {
  SCALAR_SIN_OP: fn.sin,
  SCALAR_COS_OP: fn.cos,
  SCALAR_TAN_OP: fn.tan,
  SCALAR_ARCSIN_OP: fn.asin,
  SCALAR_ARCCOS_OP: fn.acos,
  SCALAR_ARCTAN_OP: fn.atan,
  SCALAR_EXP_OP: fn.exp,
  SCALAR_LOG_OP: fn.log,
};

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

/** Shuffle masks combining two f64x2 (A, B) into (A.lane0, B.lane0) and (A.lane1, B.lane1). */
const LOW_LANES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
const HIGH_LANES = [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31];

// Parameters of the loop function.
const P_X = 0;
const P_Y = 1;
const P_N = 2;
/** Where to record each example's s1 (0: do not record); the functional-equivalence cache reads it. */
const P_RECORD = 3;
/** 0: training (Predict, sigmoid, early-stop check, Learn); 1: validation (Predict, count). */
const P_MODE = 4;
/** Parameters every function is given room for, so local indices are the same in all of them. */
const PARAMS = 5;

/** One function body under construction, with the program's memory mapped to locals. */
class FunctionCode {
  readonly w = new ByteWriter();
  private readonly F: number;
  private readonly H: number;
  // Local indices.
  readonly iCount: number;
  readonly iRow: number;
  readonly iCorrect: number;
  private readonly sBase: number;
  readonly fTmp: number;
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
  private scratchBytes(): number {
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
  instruction(ins: Instruction): void {
    const { F, H } = this;
    const FF = F * F;
    const { in1: a, in2: b, out: o } = ins;
    const [d0, d1, d2] = ins.data;
    const scalar2 = (code: number) => this.get(this.s(a)).get(this.s(b)).op(code).set(this.s(o));
    const vector1 = (f: (k: number) => void) => {
      for (let k = 0; k < H; k++) {
        f(k);
        this.set(this.v(o, k));
      }
    };
    const vector2 = (code: number) =>
      vector1((k) => this.get(this.v(a, k)).get(this.v(b, k)).simd(code));
    const matrix2 = (code: number) => this.matrixMap(o, [a, b], () => this.simd(code));
    const heavisideV = () => this.constV(0, 0).simd(SIMD.f64x2Gt).constV(1, 1).simd(SIMD.v128And);
    const vecSum = (vec: number, sq: boolean) =>
      this.laneSum(H, (k) => {
        this.get(this.v(vec, k));
        if (sq) this.get(this.v(vec, k)).simd(SIMD.f64x2Mul);
      });
    const flatSum = (m: number, sq: boolean) =>
      this.laneSum(FF / 2, (k) => {
        this.loadAbsV(this.matBytes(m) + 16 * k);
        if (sq) this.loadAbsV(this.matBytes(m) + 16 * k).simd(SIMD.f64x2Mul);
      });
    const rowTerm = (sq: boolean) => (row: number, k: number) => {
      this.loadAbsV(row + 16 * k);
      if (sq) this.loadAbsV(row + 16 * k).simd(SIMD.f64x2Mul);
    };
    const setOut = (j: number) => this.set(this.v(o, j));
    const divF = (n: number) => this.constV(n, n).simd(SIMD.f64x2Div);

    const name = OPS[ins.op]?.name;
    if (name === undefined) throw new RangeError(`unknown op ${ins.op}`);
    switch (name) {
      case 'NO_OP':
        return;
      case 'SCALAR_SUM_OP':
        scalar2(OP.f64Add);
        return;
      case 'SCALAR_DIFF_OP':
        scalar2(OP.f64Sub);
        return;
      case 'SCALAR_PRODUCT_OP':
        scalar2(OP.f64Mul);
        return;
      case 'SCALAR_DIVISION_OP':
        scalar2(OP.f64Div);
        return;
      case 'SCALAR_ABS_OP':
        this.get(this.s(a)).op(OP.f64Abs).set(this.s(o));
        return;
      case 'SCALAR_RECIPROCAL_OP':
        this.f64c(1).get(this.s(a)).op(OP.f64Div).set(this.s(o));
        return;
      case 'SCALAR_SIN_OP':
      case 'SCALAR_COS_OP':
      case 'SCALAR_TAN_OP':
      case 'SCALAR_ARCSIN_OP':
      case 'SCALAR_ARCCOS_OP':
      case 'SCALAR_ARCTAN_OP':
      case 'SCALAR_EXP_OP':
      case 'SCALAR_LOG_OP':
        this.get(this.s(a)).call(MATH_BY_OP[name]!).set(this.s(o));
        return;
      case 'SCALAR_HEAVYSIDE_OP':
        this.get(this.s(a)).f64c(0).op(OP.f64Ge, OP.f64ConvertI32U).set(this.s(o));
        return;
      case 'VECTOR_HEAVYSIDE_OP':
        vector1((k) => {
          this.get(this.v(a, k));
          heavisideV();
        });
        return;
      case 'MATRIX_HEAVYSIDE_OP':
        this.matrixMap(o, [a], heavisideV);
        return;
      case 'SCALAR_VECTOR_PRODUCT_OP':
        this.get(this.s(a)).splat().set(this.t(0));
        vector1((k) => this.get(this.t(0)).get(this.v(b, k)).simd(SIMD.f64x2Mul));
        return;
      case 'SCALAR_BROADCAST_OP':
        this.get(this.s(a)).splat().set(this.t(0));
        vector1(() => this.get(this.t(0)));
        return;
      case 'VECTOR_RECIPROCAL_OP':
        vector1((k) => this.constV(1, 1).get(this.v(a, k)).simd(SIMD.f64x2Div));
        return;
      case 'VECTOR_NORM_OP':
        vecSum(a, true).op(OP.f64Sqrt).set(this.s(o));
        return;
      case 'VECTOR_ABS_OP':
        vector1((k) => this.get(this.v(a, k)).simd(SIMD.f64x2Abs));
        return;
      case 'VECTOR_SUM_OP':
        vector2(SIMD.f64x2Add);
        return;
      case 'VECTOR_DIFF_OP':
        vector2(SIMD.f64x2Sub);
        return;
      case 'VECTOR_PRODUCT_OP':
        vector2(SIMD.f64x2Mul);
        return;
      case 'VECTOR_DIVISION_OP':
        vector2(SIMD.f64x2Div);
        return;
      case 'VECTOR_INNER_PRODUCT_OP':
        this.laneSum(H, (k) => this.get(this.v(a, k)).get(this.v(b, k)).simd(SIMD.f64x2Mul));
        this.set(this.s(o));
        return;
      case 'VECTOR_OUTER_PRODUCT_OP': // outer: row r = splat(a[r]) * b
        for (let r = 0; r < F; r++) {
          this.vElem(a, r).splat().set(this.t(0));
          for (let k = 0; k < H; k++) {
            this.i32c(0).get(this.t(0)).get(this.v(b, k)).simd(SIMD.f64x2Mul);
            this.storeV(this.matBytes(o) + r * F * 8 + 16 * k);
          }
        }
        return;
      case 'SCALAR_MATRIX_PRODUCT_OP':
        this.get(this.s(a)).splat().set(this.t(0));
        this.matrixMap(o, [b], () => this.get(this.t(0)).simd(SIMD.f64x2Mul));
        return;
      case 'MATRIX_RECIPROCAL_OP':
        this.matrixMap(o, [a], () => {
          this.set(this.t(0)).constV(1, 1).get(this.t(0)).simd(SIMD.f64x2Div);
        });
        return;
      case 'MATRIX_VECTOR_PRODUCT_OP': // dot(M, x): results in temps t(4..), then copied (out may be x)
        this.rowPairs(
          a,
          (row, k) =>
            this.loadAbsV(row + 16 * k)
              .get(this.v(b, k))
              .simd(SIMD.f64x2Mul),
          (j) => this.set(this.t(4 + j)),
        );
        for (let j = 0; j < H; j++) this.get(this.t(4 + j)).set(this.v(o, j));
        return;
      case 'VECTOR_COLUMN_BROADCAST_OP': // column broadcast: M[r][c] = x[r]
        for (let r = 0; r < F; r++) {
          this.vElem(a, r).splat().set(this.t(0));
          for (let k = 0; k < H; k++)
            this.i32c(0)
              .get(this.t(0))
              .storeV(this.matBytes(o) + r * F * 8 + 16 * k);
        }
        return;
      case 'VECTOR_ROW_BROADCAST_OP': // row broadcast: M[r][c] = x[c]
        for (let r = 0; r < F; r++) {
          for (let k = 0; k < H; k++)
            this.i32c(0)
              .get(this.v(a, k))
              .storeV(this.matBytes(o) + r * F * 8 + 16 * k);
        }
        return;
      case 'MATRIX_NORM_OP':
        flatSum(a, true).op(OP.f64Sqrt).set(this.s(o));
        return;
      case 'MATRIX_COLUMN_NORM_OP': {
        // column norms: rows accumulated in order, per column
        const rowBytes = F * 8;
        for (let k = 0; k < H; k++) {
          for (let r = 0; r < F; r++) {
            const at = this.matBytes(a) + r * rowBytes + 16 * k;
            this.loadAbsV(at).loadAbsV(at).simd(SIMD.f64x2Mul);
            if (r > 0) this.simd(SIMD.f64x2Add);
          }
          this.simd(SIMD.f64x2Sqrt).set(this.v(o, k));
        }
        return;
      }
      case 'MATRIX_ROW_NORM_OP':
        this.rowPairs(a, rowTerm(true), (j) => {
          this.simd(SIMD.f64x2Sqrt);
          setOut(j);
        });
        return;
      case 'MATRIX_TRANSPOSE_OP': {
        // transpose by 2×2 blocks, through scratch when in place
        const target = o === a ? this.scratchBytes() : this.matBytes(o);
        const rowBytes = F * 8;
        for (let i = 0; i < H; i++) {
          for (let j = 0; j < H; j++) {
            // out rows 2i, 2i+1, chunk j  <-  in rows 2j, 2j+1, chunk i
            const in0 = this.matBytes(a) + 2 * j * rowBytes + 16 * i;
            const in1 = in0 + rowBytes;
            const out0 = target + 2 * i * rowBytes + 16 * j;
            this.i32c(0).loadAbsV(in0).loadAbsV(in1).shuffle(LOW_LANES).storeV(out0);
            this.i32c(0)
              .loadAbsV(in0)
              .loadAbsV(in1)
              .shuffle(HIGH_LANES)
              .storeV(out0 + rowBytes);
          }
        }
        if (o === a) this.copyMatrix(target, this.matBytes(o));
        return;
      }
      case 'MATRIX_ABS_OP':
        this.matrixMap(o, [a], () => this.simd(SIMD.f64x2Abs));
        return;
      case 'MATRIX_SUM_OP':
        matrix2(SIMD.f64x2Add);
        return;
      case 'MATRIX_DIFF_OP':
        matrix2(SIMD.f64x2Sub);
        return;
      case 'MATRIX_PRODUCT_OP':
        matrix2(SIMD.f64x2Mul);
        return;
      case 'MATRIX_DIVISION_OP':
        matrix2(SIMD.f64x2Div);
        return;
      case 'MATRIX_MATRIX_PRODUCT_OP': {
        // matmul: out row r = sum over k in order of A[r][k] * B row k
        const target = o === a || o === b ? this.scratchBytes() : this.matBytes(o);
        const rowBytes = F * 8;
        this.rowLoop(() => {
          for (let k = 0; k < F; k++) {
            this.get(this.iRow)
              .loadF(this.matBytes(a) + 8 * k)
              .splat()
              .set(this.t(0));
            for (let j = 0; j < H; j++) {
              if (k > 0) this.get(this.t(4 + j));
              this.get(this.t(0))
                .loadAbsV(this.matBytes(b) + k * rowBytes + 16 * j)
                .simd(SIMD.f64x2Mul);
              if (k > 0) this.simd(SIMD.f64x2Add);
              this.set(this.t(4 + j));
            }
          }
          for (let j = 0; j < H; j++)
            this.get(this.iRow)
              .get(this.t(4 + j))
              .storeV(target + 16 * j);
        });
        if (target !== this.matBytes(o)) this.copyMatrix(target, this.matBytes(o));
        return;
      }
      case 'SCALAR_MIN_OP':
        scalar2(OP.f64Min);
        return;
      case 'VECTOR_MIN_OP':
        vector2(SIMD.f64x2Min);
        return;
      case 'MATRIX_MIN_OP':
        matrix2(SIMD.f64x2Min);
        return;
      case 'SCALAR_MAX_OP':
        scalar2(OP.f64Max);
        return;
      case 'VECTOR_MAX_OP':
        vector2(SIMD.f64x2Max);
        return;
      case 'MATRIX_MAX_OP':
        matrix2(SIMD.f64x2Max);
        return;
      case 'VECTOR_MEAN_OP':
        vecSum(a, false).f64c(F).op(OP.f64Div).set(this.s(o));
        return;
      case 'MATRIX_MEAN_OP':
        flatSum(a, false).f64c(FF).op(OP.f64Div).set(this.s(o));
        return;
      case 'MATRIX_ROW_MEAN_OP':
        this.rowPairs(a, rowTerm(false), (j) => {
          divF(F);
          setOut(j);
        });
        return;
      case 'MATRIX_ROW_ST_DEV_OP': // row std: sqrt(sumsq/F - mean*mean) per row, sums into temps first
        this.rowPairs(a, rowTerm(false), (j) => {
          divF(F);
          this.set(this.t(4 + j));
        });
        this.rowPairs(a, rowTerm(true), (j) => {
          divF(F);
          this.get(this.t(4 + j))
            .get(this.t(4 + j))
            .simd(SIMD.f64x2Mul)
            .simd(SIMD.f64x2Sub);
          this.simd(SIMD.f64x2Sqrt);
          setOut(j);
        });
        return;
      case 'VECTOR_ST_DEV_OP':
        vecSum(a, false).f64c(F).op(OP.f64Div).set(this.fTmp);
        vecSum(a, true).f64c(F).op(OP.f64Div);
        this.get(this.fTmp)
          .get(this.fTmp)
          .op(OP.f64Mul)
          .op(OP.f64Sub)
          .op(OP.f64Sqrt)
          .set(this.s(o));
        return;
      case 'MATRIX_ST_DEV_OP':
        flatSum(a, false).f64c(FF).op(OP.f64Div).set(this.fTmp);
        flatSum(a, true).f64c(FF).op(OP.f64Div);
        this.get(this.fTmp)
          .get(this.fTmp)
          .op(OP.f64Mul)
          .op(OP.f64Sub)
          .op(OP.f64Sqrt)
          .set(this.s(o));
        return;
      case 'SCALAR_CONST_SET_OP':
        this.f64c(d0).set(this.s(o));
        return;
      case 'VECTOR_CONST_SET_OP': {
        const i = floatToIndex(d0, F);
        this.get(this.v(o, i >> 1))
          .f64c(d1)
          .simd(SIMD.f64x2ReplaceLane);
        this.w.byte(i & 1);
        this.set(this.v(o, i >> 1));
        return;
      }
      case 'MATRIX_CONST_SET_OP':
        this.i32c(0)
          .f64c(d2)
          .storeF(this.matBytes(o) + 8 * (floatToIndex(d0, F) * F + floatToIndex(d1, F)));
        return;
      case 'SCALAR_UNIFORM_SET_OP':
        this.f64c(d0).f64c(d1).call(fn.uniform).set(this.s(o));
        return;
      case 'SCALAR_GAUSSIAN_SET_OP':
        this.f64c(d0).f64c(d1).call(fn.gaussian).set(this.s(o));
        return;
      case 'VECTOR_UNIFORM_SET_OP':
      case 'VECTOR_GAUSSIAN_SET_OP': {
        const fill = ins.op === 60 ? fn.fillUniform : fn.fillGaussian;
        this.i32c(this.scratchBytes()).i32c(F).f64c(d0).f64c(d1).call(fill);
        vector1((k) => this.loadAbsV(this.scratchBytes() + 16 * k));
        return;
      }
      case 'MATRIX_UNIFORM_SET_OP':
      case 'MATRIX_GAUSSIAN_SET_OP': {
        const fill = ins.op === 61 ? fn.fillUniform : fn.fillGaussian;
        this.i32c(this.matBytes(o)).i32c(FF).f64c(d0).f64c(d1).call(fill);
        return;
      }
      default: {
        // Every op of ops.ts has a case: a new op without one does not compile.
        const missing: never = name;
        throw new RangeError(`no emitter for ${String(missing)}`);
      }
    }
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
interface Touched {
  readonly scalars: readonly number[];
  readonly vectors: readonly number[];
}

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
  for (const ins of p.setup) f.instruction(ins);
  f.storeState();
  return f.finish();
}

/**
 * loop(x, y, n, record, mode): the first n examples of a split, in order. Training mode runs
 * Predict, the sigmoid, the early-stop check and Learn, and returns n, or -(k+1) when example k
 * stopped it; validation mode runs Predict and returns how many 0/1 predictions were correct.
 * Predict is emitted once for both modes, which keeps modules small and compiling fast.
 */
function loopFunction(p: Program, layout: Layout, stateBytes: number): ByteWriter {
  const f = new FunctionCode(layout, stateBytes, 0, registersTouched(p));
  f.loadState();
  f.i32c(0).set(f.iCount);
  f.i32c(0).set(f.iCorrect);
  f.op(OP.block, VOID_BLOCK, OP.loop, VOID_BLOCK);
  f.get(f.iCount).get(P_N).op(OP.i32GeU).op(OP.brIf, 1);
  f.loadExample();
  for (const ins of p.predict) f.instruction(ins);
  f.get(P_MODE).op(OP.if, VOID_BLOCK);
  {
    // Validation: correct += (label > 0.5) == (sigmoid(s1) > 0.5). The sigmoid is not stored, so
    // validation leaves s1 as Predict wrote it, for the next example's Predict.
    f.recordPrediction();
    f.get(f.iCorrect);
    f.get(P_Y).loadF(0).f64c(0.5).op(OP.f64Gt);
    f.pushSigmoid().f64c(0.5).op(OP.f64Gt, OP.i32Eq, OP.i32Add).set(f.iCorrect);
  }
  f.op(OP.else);
  {
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
    // Early stop when |label - prediction| is NaN or above the bound: keep the state, return -(k+1).
    const err = f.fTmp;
    f.get(P_Y).loadF(0).get(f.s(PREDICTION_SCALAR)).op(OP.f64Sub, OP.f64Abs).tee(err);
    f.get(err).op(OP.f64Ne).get(err).f64c(MAX_ABS_ERROR).op(OP.f64Gt, OP.i32Or);
    f.op(OP.if, VOID_BLOCK);
    f.storeState();
    f.i32c(-1).get(f.iCount).op(OP.i32Sub, OP.return);
    f.op(OP.end);
    if (!squashAlways) f.op(OP.end);
    f.get(P_Y).loadF(0).set(f.s(LABEL_SCALAR));
    for (const ins of p.learn) f.instruction(ins);
  }
  f.op(OP.end);
  f.nextExample();
  f.op(OP.br, 0, OP.end, OP.end);
  f.storeState();
  // mode ? correct : n
  f.get(f.iCorrect).get(P_N).get(P_MODE).op(OP.select);
  return f.finish();
}

/**
 * task(xT, yT, nT, xV, yV, nV, record): Setup, training on nT examples, then validation on nV
 * examples, in one call from JavaScript (each call into a new instance goes through V8's slow
 * generic wrapper). Returns the correct count, or -(k+1) if training stopped at example k.
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
export function compileProgram(p: Program, layout: Layout, stateBytes: number): Uint8Array {
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
      s.sized(loopFunction(p, layout, stateBytes));
      s.sized(TASK_FUNCTION);
      s.sized(EXP_FUNCTION);
    });
  });
}
