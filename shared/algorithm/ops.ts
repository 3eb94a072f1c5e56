/**
 * The AutoML-Zero op table: the 65 ops of Real et al. 2020 with the op codes of Google's C++
 * (`instruction.proto`), so programs and op statistics can be compared with it one to one.
 *
 * Each op says which memory kind it reads and writes, which data fields it carries and how the
 * C++ code prints it (`Instruction::ToString`). The printer, the parser and the engines' op
 * definitions (src-worker/eval/ops, keyed by these names) read this table; nothing else lists ops.
 */

/** Memory kinds: scalar, F-vector, F×F matrix (row-major). */
export type Kind = 's' | 'v' | 'm';

/**
 * What an op keeps in its data fields d0..d2.
 * - `none`: nothing.
 * - `const`: d0 = the scalar (float64, the C++ `activation_data_`).
 * - `vset`: d0 = index as a fraction of F in [0, 1), d1 = value (both float32 in the C++).
 * - `mset`: d0 = row fraction, d1 = column fraction, d2 = value (float32).
 * - `uniform`: d0 = low, d1 = high (float32).
 * - `gaussian`: d0 = mean, d1 = standard deviation (float32).
 */
export type DataKind = 'none' | 'const' | 'vset' | 'mset' | 'uniform' | 'gaussian';

export interface OpSpec {
  /** Op code as in AutoML-Zero's `Op` enum. */
  readonly code: number;
  /** Enum name as in AutoML-Zero, e.g. `SCALAR_SUM_OP`. */
  readonly name: string;
  readonly out: Kind | null;
  readonly in1: Kind | null;
  readonly in2: Kind | null;
  readonly data: DataKind;
  /**
   * How the C++ prints the op, after the output: `{a}`/`{b}` are the inputs, `{0}`..`{2}` the
   * data fields. The whole line is `<out> = <template>`, except NO_OP and the indexed sets.
   */
  readonly text: string;
  /** True if the op draws from the evaluation's random stream. */
  readonly random: boolean;
}

// Generic in the name so that OpName below is the union of the 65 literal names and `Op.X` is a
// plain number under noUncheckedIndexedAccess (a typo in an op name is a compile error).
function op<const N extends string>(
  code: number,
  name: N,
  out: Kind | null,
  in1: Kind | null,
  in2: Kind | null,
  text: string,
  data: DataKind = 'none',
): OpSpec & { readonly name: N } {
  return {
    code,
    name,
    out,
    in1,
    in2,
    text,
    data,
    random: data === 'uniform' || data === 'gaussian',
  };
}

/** Indexed by op code. */
export const OPS = [
  op(0, 'NO_OP', null, null, null, 'NoOp()'),
  op(1, 'SCALAR_SUM_OP', 's', 's', 's', '{a} + {b}'),
  op(2, 'SCALAR_DIFF_OP', 's', 's', 's', '{a} - {b}'),
  op(3, 'SCALAR_PRODUCT_OP', 's', 's', 's', '{a} * {b}'),
  op(4, 'SCALAR_DIVISION_OP', 's', 's', 's', '{a} / {b}'),
  op(5, 'SCALAR_ABS_OP', 's', 's', null, 'abs({a})'),
  op(6, 'SCALAR_RECIPROCAL_OP', 's', 's', null, '1 / {a}'),
  op(7, 'SCALAR_SIN_OP', 's', 's', null, 'sin({a})'),
  op(8, 'SCALAR_COS_OP', 's', 's', null, 'cos({a})'),
  op(9, 'SCALAR_TAN_OP', 's', 's', null, 'tan({a})'),
  op(10, 'SCALAR_ARCSIN_OP', 's', 's', null, 'arcsin({a})'),
  op(11, 'SCALAR_ARCCOS_OP', 's', 's', null, 'arccos({a})'),
  op(12, 'SCALAR_ARCTAN_OP', 's', 's', null, 'arctan({a})'),
  op(13, 'SCALAR_EXP_OP', 's', 's', null, 'exp({a})'),
  op(14, 'SCALAR_LOG_OP', 's', 's', null, 'log({a})'),
  op(15, 'SCALAR_HEAVYSIDE_OP', 's', 's', null, 'heaviside({a}, 1.0)'),
  op(16, 'VECTOR_HEAVYSIDE_OP', 'v', 'v', null, 'heaviside({a}, 1.0)'),
  op(17, 'MATRIX_HEAVYSIDE_OP', 'm', 'm', null, 'heaviside({a}, 1.0)'),
  op(18, 'SCALAR_VECTOR_PRODUCT_OP', 'v', 's', 'v', '{a} * {b}'),
  op(19, 'SCALAR_BROADCAST_OP', 'v', 's', null, 'bcast({a})'),
  op(20, 'VECTOR_RECIPROCAL_OP', 'v', 'v', null, '1 / {a}'),
  op(21, 'VECTOR_NORM_OP', 's', 'v', null, 'norm({a})'),
  op(22, 'VECTOR_ABS_OP', 'v', 'v', null, 'abs({a})'),
  op(23, 'VECTOR_SUM_OP', 'v', 'v', 'v', '{a} + {b}'),
  op(24, 'VECTOR_DIFF_OP', 'v', 'v', 'v', '{a} - {b}'),
  op(25, 'VECTOR_PRODUCT_OP', 'v', 'v', 'v', '{a} * {b}'),
  op(26, 'VECTOR_DIVISION_OP', 'v', 'v', 'v', '{a} / {b}'),
  op(27, 'VECTOR_INNER_PRODUCT_OP', 's', 'v', 'v', 'dot({a}, {b})'),
  op(28, 'VECTOR_OUTER_PRODUCT_OP', 'm', 'v', 'v', 'outer({a}, {b})'),
  op(29, 'SCALAR_MATRIX_PRODUCT_OP', 'm', 's', 'm', '{a} * {b}'),
  op(30, 'MATRIX_RECIPROCAL_OP', 'm', 'm', null, '1 / {a}'),
  op(31, 'MATRIX_VECTOR_PRODUCT_OP', 'v', 'm', 'v', 'dot({a}, {b})'),
  op(32, 'VECTOR_COLUMN_BROADCAST_OP', 'm', 'v', null, 'bcast({a}, axis=0)'),
  op(33, 'VECTOR_ROW_BROADCAST_OP', 'm', 'v', null, 'bcast({a}, axis=1)'),
  op(34, 'MATRIX_NORM_OP', 's', 'm', null, 'norm({a})'),
  op(35, 'MATRIX_COLUMN_NORM_OP', 'v', 'm', null, 'norm({a}, axis=0)'),
  op(36, 'MATRIX_ROW_NORM_OP', 'v', 'm', null, 'norm({a}, axis=1)'),
  op(37, 'MATRIX_TRANSPOSE_OP', 'm', 'm', null, 'transpose({a})'),
  op(38, 'MATRIX_ABS_OP', 'm', 'm', null, 'abs({a})'),
  op(39, 'MATRIX_SUM_OP', 'm', 'm', 'm', '{a} + {b}'),
  op(40, 'MATRIX_DIFF_OP', 'm', 'm', 'm', '{a} - {b}'),
  op(41, 'MATRIX_PRODUCT_OP', 'm', 'm', 'm', '{a} * {b}'),
  op(42, 'MATRIX_DIVISION_OP', 'm', 'm', 'm', '{a} / {b}'),
  op(43, 'MATRIX_MATRIX_PRODUCT_OP', 'm', 'm', 'm', 'matmul({a}, {b})'),
  op(44, 'SCALAR_MIN_OP', 's', 's', 's', 'minimum({a}, {b})'),
  op(45, 'VECTOR_MIN_OP', 'v', 'v', 'v', 'minimum({a}, {b})'),
  op(46, 'MATRIX_MIN_OP', 'm', 'm', 'm', 'minimum({a}, {b})'),
  op(47, 'SCALAR_MAX_OP', 's', 's', 's', 'maximum({a}, {b})'),
  op(48, 'VECTOR_MAX_OP', 'v', 'v', 'v', 'maximum({a}, {b})'),
  op(49, 'MATRIX_MAX_OP', 'm', 'm', 'm', 'maximum({a}, {b})'),
  op(50, 'VECTOR_MEAN_OP', 's', 'v', null, 'mean({a})'),
  op(51, 'MATRIX_MEAN_OP', 's', 'm', null, 'mean({a})'),
  op(52, 'MATRIX_ROW_MEAN_OP', 'v', 'm', null, 'mean({a}, axis=1)'),
  op(53, 'MATRIX_ROW_ST_DEV_OP', 'v', 'm', null, 'std({a}, axis=1)'),
  op(54, 'VECTOR_ST_DEV_OP', 's', 'v', null, 'std({a})'),
  op(55, 'MATRIX_ST_DEV_OP', 's', 'm', null, 'std({a})'),
  op(56, 'SCALAR_CONST_SET_OP', 's', null, null, '{0}', 'const'),
  op(57, 'VECTOR_CONST_SET_OP', 'v', null, null, '{1}', 'vset'),
  op(58, 'MATRIX_CONST_SET_OP', 'm', null, null, '{2}', 'mset'),
  op(59, 'SCALAR_UNIFORM_SET_OP', 's', null, null, 'uniform({0}, {1})', 'uniform'),
  op(60, 'VECTOR_UNIFORM_SET_OP', 'v', null, null, 'uniform({0}, {1}, n_features)', 'uniform'),
  op(
    61,
    'MATRIX_UNIFORM_SET_OP',
    'm',
    null,
    null,
    'uniform({0}, {1}, (n_features, n_features))',
    'uniform',
  ),
  op(62, 'SCALAR_GAUSSIAN_SET_OP', 's', null, null, 'gaussian({0}, {1})', 'gaussian'),
  op(63, 'VECTOR_GAUSSIAN_SET_OP', 'v', null, null, 'gaussian({0}, {1}, n_features)', 'gaussian'),
  op(
    64,
    'MATRIX_GAUSSIAN_SET_OP',
    'm',
    null,
    null,
    'gaussian({0}, {1}, (n_features, n_features))',
    'gaussian',
  ),
] as const satisfies readonly OpSpec[];

export const NUM_OPS: number = OPS.length; // 65

/** Named op codes, for code that builds programs by hand (baselines, tests). */
export const Op = Object.freeze(
  Object.fromEntries(OPS.map((o) => [o.name, o.code])) as Record<string, number>,
) as Readonly<Record<OpName, number>>;
export type OpName = (typeof OPS)[number]['name'] & string;

const byName = new Map<string, OpSpec>(OPS.map((o) => [o.name, o]));

export function opByName(name: string): OpSpec | undefined {
  return byName.get(name);
}

/** How many data fields an op kind uses. */
export function dataFieldCount(kind: DataKind): number {
  switch (kind) {
    case 'none':
      return 0;
    case 'const':
      return 1;
    case 'vset':
    case 'uniform':
    case 'gaussian':
      return 2;
    case 'mset':
      return 3;
  }
}

/**
 * Data fields the C++ stores as `float` (32-bit). We keep them float32-exact, so a program's
 * constants mean the same thing here and there, and print them with the fewest digits that
 * round-trip through float32.
 */
export function isFloat32Data(kind: DataKind): boolean {
  return kind !== 'none' && kind !== 'const';
}

/**
 * AutoML-Zero's `FloatToIndex`: an index stored as a fraction of F, so that programs are
 * independent of the feature size. float32 arithmetic as in the C++.
 */
export function floatToIndex(fraction: number, featureSize: number): number {
  return Math.trunc(Math.fround(Math.fround(featureSize) * Math.fround(fraction)));
}

/** AutoML-Zero's `IndexToFloat`, the inverse used when writing an index. */
export function indexToFloat(index: number, featureSize: number): number {
  return Math.fround((index + 0.5) / featureSize);
}
