import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng';
import {
  DslError,
  formatConstant,
  formatInstruction,
  parseProgram,
  parseProgramOrThrow,
  printProgram,
  type ParseError,
  type ParseOptions,
} from './dsl';
import { randomInstruction, randomProgram } from './generate';
import { NUM_OPS, OPS, Op, isFloat32Data } from './ops';
import {
  DEFAULT_MEMORY,
  checkProgram,
  instruction,
  programsEqual,
  type Instruction,
  type MemoryShape,
  type Program,
} from './program';

function program(setup: Instruction[], predict: Instruction[], learn: Instruction[]): Program {
  return { setup, predict, learn };
}

function errorsOf(text: string, opts?: ParseOptions): readonly ParseError[] {
  const r = parseProgram(text, opts);
  if (r.ok) throw new Error(`expected errors for:\n${text}`);
  return r.errors;
}

/** One error, on the given line and column, whose message contains `reason`. */
function expectError(
  text: string,
  line: number,
  column: number,
  reason: string,
  opts?: ParseOptions,
): void {
  const errors = errorsOf(text, opts);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ line, column });
  expect(errors[0]!.message).toContain(reason);
}

/** Wraps instruction lines into a Predict function (line 2 onwards). */
function inPredict(...lines: string[]): string {
  return ['def Predict():', ...lines].join('\n');
}

const NN_TEXT = `def Setup():
  s3 = 0.01
  v2 = gaussian(0, 0.1, n_features)
  m0 = gaussian(0, 0.1, (n_features, n_features))
def Predict():
  v3 = dot(m0, v0)
  v3 = v3 + v1
  v4 = maximum(v3, v5)
  s1 = dot(v4, v2)
def Learn():
  s4 = s0 - s1
  v1[0.53125] = -0.5
  m1[0.03125, 0.96875] = 2
  NoOp()
  v8 = heaviside(v3, 1.0)
  m1 = outer(v7, v0)
  v6 = s4 * v4
  m0 = bcast(v1, axis=0)
  s2 = 1 / s3
`;

const NN_PROGRAM = program(
  [
    instruction(Op.SCALAR_CONST_SET_OP, { out: 3, data: [0.01] }),
    instruction(Op.VECTOR_GAUSSIAN_SET_OP, { out: 2, data: [0, 0.1] }),
    instruction(Op.MATRIX_GAUSSIAN_SET_OP, { out: 0, data: [0, 0.1] }),
  ],
  [
    instruction(Op.MATRIX_VECTOR_PRODUCT_OP, { in1: 0, in2: 0, out: 3 }),
    instruction(Op.VECTOR_SUM_OP, { in1: 3, in2: 1, out: 3 }),
    instruction(Op.VECTOR_MAX_OP, { in1: 3, in2: 5, out: 4 }),
    instruction(Op.VECTOR_INNER_PRODUCT_OP, { in1: 4, in2: 2, out: 1 }),
  ],
  [
    instruction(Op.SCALAR_DIFF_OP, { in1: 0, in2: 1, out: 4 }),
    instruction(Op.VECTOR_CONST_SET_OP, { out: 1, data: [0.53125, -0.5] }),
    instruction(Op.MATRIX_CONST_SET_OP, { out: 1, data: [0.03125, 0.96875, 2] }),
    instruction(Op.NO_OP),
    instruction(Op.VECTOR_HEAVYSIDE_OP, { in1: 3, out: 8 }),
    instruction(Op.VECTOR_OUTER_PRODUCT_OP, { in1: 7, in2: 0, out: 1 }),
    instruction(Op.SCALAR_VECTOR_PRODUCT_OP, { in1: 4, in2: 4, out: 6 }),
    instruction(Op.VECTOR_COLUMN_BROADCAST_OP, { in1: 1, out: 0 }),
    instruction(Op.SCALAR_RECIPROCAL_OP, { in1: 3, out: 2 }),
  ],
);

describe('printProgram', () => {
  it('prints the C++ notation exactly', () => {
    expect(printProgram(NN_PROGRAM)).toBe(NN_TEXT);
  });

  it('prints an empty program as its three headers', () => {
    expect(printProgram(program([], [], []))).toBe('def Setup():\ndef Predict():\ndef Learn():\n');
  });

  it('prints every op from its table template', () => {
    const rng = new Rng(7);
    for (const spec of OPS) {
      const line = formatInstruction(randomInstruction(rng, spec.code, DEFAULT_MEMORY));
      if (spec.out === null) expect(line).toBe('NoOp()');
      else expect(line.startsWith(spec.out)).toBe(true);
      expect(line).not.toMatch(/[{}]/);
    }
  });

  it('rejects an unknown op', () => {
    expect(() => formatInstruction({ op: 65, in1: 0, in2: 0, out: 0, data: [0, 0, 0] })).toThrow(
      RangeError,
    );
  });
});

describe('formatConstant', () => {
  it('prints float64 constants in shortest round-trip form', () => {
    expect(formatConstant(0.01, false)).toBe('0.01');
    expect(formatConstant(-0, false)).toBe('-0');
    expect(formatConstant(5e-324, false)).toBe('5e-324');
    expect(formatConstant(1e21, false)).toBe('1e+21');
    expect(formatConstant(0.1 + 0.2, false)).toBe('0.30000000000000004');
  });

  it('prints float32 constants with the fewest digits that round back', () => {
    expect(formatConstant(Math.fround(0.1), true)).toBe('0.1');
    expect(formatConstant(Math.fround(-0.894356), true)).toBe('-0.894356');
    expect(formatConstant(Math.fround(100), true)).toBe('100');
    expect(formatConstant(-0, true)).toBe('-0');
    expect(formatConstant(2 ** -149, true)).toBe('1e-45');
    for (const v of [2 ** -149, 3.4028234663852886e38, Math.fround(1 / 3), 1 - 2 ** -24]) {
      expect(Math.fround(Number(formatConstant(v, true)))).toBe(v);
    }
  });
});

describe('round trip', () => {
  function roundTrip(p: Program, shape: MemoryShape = DEFAULT_MEMORY): void {
    const text = printProgram(p);
    const r = parseProgram(text, { shape });
    if (!r.ok) throw new Error(`${JSON.stringify(r.errors)}\n${text}`);
    if (!programsEqual(r.program, p)) throw new Error(`round trip changed the program:\n${text}`);
  }

  it('parse(print(p)) equals p for 5,000 random programs covering every op', () => {
    const rng = new Rng(20240601);
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) {
      const p = randomProgram(rng, DEFAULT_MEMORY, {
        setup: rng.int(6),
        predict: rng.int(8),
        learn: rng.int(8),
      });
      for (const ins of [...p.setup, ...p.predict, ...p.learn]) seen.add(ins.op);
      roundTrip(p);
    }
    expect(seen.size).toBe(NUM_OPS);
  });

  it('round-trips multi-digit addresses in a larger memory', () => {
    const shape: MemoryShape = { scalars: 12, vectors: 30, matrices: 11 };
    const rng = new Rng(99);
    for (let i = 0; i < 500; i++)
      roundTrip(randomProgram(rng, shape, { setup: 3, predict: 5, learn: 5 }), shape);
  });

  it('round-trips edge constants exactly', () => {
    const f64 = [
      -0, 0, 1e-300, 5e-324, -5e-324, 1.7976931348623157e308, -1.7976931348623157e308, -2.5e-7, 0.1,
      1e21, 123456789.125,
    ];
    const f32 = [
      -0,
      0,
      2 ** -149,
      -(2 ** -149),
      3.4028234663852886e38,
      Math.fround(-2.5e-7),
      Math.fround(0.1),
      Math.fround(1e-7),
    ];
    const fractions = [0, -0, 2 ** -149, 0.5, 1 - 2 ** -24];
    const setup: Instruction[] = [];
    for (const c of f64) setup.push(instruction(Op.SCALAR_CONST_SET_OP, { out: 2, data: [c] }));
    for (const c of f32) {
      setup.push(instruction(Op.VECTOR_UNIFORM_SET_OP, { out: 3, data: [c, -c] }));
      setup.push(instruction(Op.MATRIX_GAUSSIAN_SET_OP, { out: 1, data: [c, Math.abs(c)] }));
      setup.push(instruction(Op.VECTOR_CONST_SET_OP, { out: 4, data: [0.25, c] }));
    }
    for (const f of fractions) {
      setup.push(instruction(Op.VECTOR_CONST_SET_OP, { out: 4, data: [f, 1] }));
      setup.push(instruction(Op.MATRIX_CONST_SET_OP, { out: 0, data: [f, f, -1] }));
    }
    const p = program(setup, [], []);
    expect(checkProgram(p)).toEqual([]);
    roundTrip(p);
    const printed = printProgram(p);
    expect(printed).toContain('s2 = -0\n');
    expect(printed).toContain('s2 = 5e-324\n');
    expect(printed).toContain('s2 = 1.7976931348623157e+308\n');
  });
});

describe('parseProgram: accepted input', () => {
  it('reads the NN example to the right ops', () => {
    const p = parseProgramOrThrow(NN_TEXT);
    expect(programsEqual(p, NN_PROGRAM)).toBe(true);
    const names = (list: readonly Instruction[]) => list.map((i) => OPS[i.op]!.name);
    expect(names(p.learn)).toEqual([
      'SCALAR_DIFF_OP',
      'VECTOR_CONST_SET_OP',
      'MATRIX_CONST_SET_OP',
      'NO_OP',
      'VECTOR_HEAVYSIDE_OP',
      'VECTOR_OUTER_PRODUCT_OP',
      'SCALAR_VECTOR_PRODUCT_OP',
      'VECTOR_COLUMN_BROADCAST_OP',
      'SCALAR_RECIPROCAL_OP',
    ]);
  });

  it('reads the DESIGN example lines', () => {
    const text = [
      'def Setup():',
      '  v5 = uniform(-0.894356, -0.22167, n_features)',
      'def Predict():',
      '  s1 = dot(v0, v5)',
      '  v4 = maximum(v2, v3)',
      'def Learn():',
      '  m1 = outer(v3, v2)',
      '  v8 = heaviside(v3, 1.0)',
      '  v1 = s0 * v0',
    ].join('\n');
    const p = parseProgramOrThrow(text);
    expect(p.setup).toEqual([
      instruction(Op.VECTOR_UNIFORM_SET_OP, { out: 5, data: [-0.894356, -0.22167] }),
    ]);
    expect(p.setup[0]!.data[0]).toBe(Math.fround(-0.894356));
    expect(p.predict.map((i) => i.op)).toEqual([Op.VECTOR_INNER_PRODUCT_OP, Op.VECTOR_MAX_OP]);
    expect(p.learn.map((i) => i.op)).toEqual([
      Op.VECTOR_OUTER_PRODUCT_OP,
      Op.VECTOR_HEAVYSIDE_OP,
      Op.SCALAR_VECTOR_PRODUCT_OP,
    ]);
    expect(p.learn[2]).toEqual(
      instruction(Op.SCALAR_VECTOR_PRODUCT_OP, { in1: 0, in2: 0, out: 1 }),
    );
  });

  it('tells ops apart by output and input kinds', () => {
    const cases: [string, number][] = [
      ['s1 = dot(v1, v2)', Op.VECTOR_INNER_PRODUCT_OP],
      ['v1 = dot(m1, v2)', Op.MATRIX_VECTOR_PRODUCT_OP],
      ['v1 = norm(m1, axis=0)', Op.MATRIX_COLUMN_NORM_OP],
      ['v1 = norm(m1, axis=1)', Op.MATRIX_ROW_NORM_OP],
      ['s1 = norm(v1)', Op.VECTOR_NORM_OP],
      ['s1 = norm(m1)', Op.MATRIX_NORM_OP],
      ['v1 = s2 * v3', Op.SCALAR_VECTOR_PRODUCT_OP],
      ['m1 = s2 * m0', Op.SCALAR_MATRIX_PRODUCT_OP],
      ['m1 = m0 * m1', Op.MATRIX_PRODUCT_OP],
      ['s1 = s2 * s3', Op.SCALAR_PRODUCT_OP],
      ['m1 = 1 / m0', Op.MATRIX_RECIPROCAL_OP],
      ['v1 = 1 / v0', Op.VECTOR_RECIPROCAL_OP],
      ['v1 = bcast(s2)', Op.SCALAR_BROADCAST_OP],
      ['m1 = bcast(v1, axis=1)', Op.VECTOR_ROW_BROADCAST_OP],
      ['v1 = uniform(-1, 1, n_features)', Op.VECTOR_UNIFORM_SET_OP],
      ['m1 = uniform(-1, 1, (n_features, n_features))', Op.MATRIX_UNIFORM_SET_OP],
      ['s1 = uniform(-1, 1)', Op.SCALAR_UNIFORM_SET_OP],
      ['s1 = gaussian(0, 1)', Op.SCALAR_GAUSSIAN_SET_OP],
      ['s1 = mean(m1)', Op.MATRIX_MEAN_OP],
      ['v1 = std(m1, axis=1)', Op.MATRIX_ROW_ST_DEV_OP],
      ['s2 = heaviside(s1, 1.0)', Op.SCALAR_HEAVYSIDE_OP],
      ['m0 = heaviside(m1, 1.0)', Op.MATRIX_HEAVYSIDE_OP],
      ['s1 = 1', Op.SCALAR_CONST_SET_OP],
      ['s1 = 1 / s1', Op.SCALAR_RECIPROCAL_OP],
    ];
    for (const [line, op] of cases) {
      const p = parseProgramOrThrow(inPredict(line));
      expect([line, p.predict[0]!.op]).toEqual([line, op]);
    }
  });

  it('reads C++-style constants and other number spellings', () => {
    const values: [string, number][] = [
      ['0.01', 0.01],
      ['1e-05', 1e-5],
      ['1e+20', 1e20],
      ['1E5', 1e5],
      ['.5', 0.5],
      ['-.5', -0.5],
      ['5.', 5],
      ['-0', -0],
      ['0.010', 0.01],
      ['1e-2', 0.01],
      ['007', 7],
      ['-2.5e-7', -2.5e-7],
    ];
    for (const [text, value] of values) {
      const p = parseProgramOrThrow(inPredict(`s3 = ${text}`));
      expect(Object.is(p.predict[0]!.data[0], value)).toBe(true);
    }
    const p = parseProgramOrThrow(
      inPredict('v1 = heaviside(v3, 1)', 's2 = heaviside(s1, 1e0)', 'm1 = bcast(v1, axis=0.0)'),
    );
    expect(p.predict.map((i) => i.op)).toEqual([
      Op.VECTOR_HEAVYSIDE_OP,
      Op.SCALAR_HEAVYSIDE_OP,
      Op.VECTOR_COLUMN_BROADCAST_OP,
    ]);
  });

  it('rounds float32 fields with Math.fround', () => {
    const p = parseProgramOrThrow(
      inPredict('v2 = gaussian(0.1, 0.333333333333, n_features)', 'v1[0.3] = 0.7'),
    );
    expect(p.predict[0]!.data).toEqual([Math.fround(0.1), Math.fround(0.333333333333), 0]);
    expect(p.predict[1]!.data).toEqual([Math.fround(0.3), Math.fround(0.7), 0]);
    // float64 constants stay exact.
    expect(parseProgramOrThrow(inPredict('s2 = 0.1')).predict[0]!.data[0]).toBe(0.1);
  });

  it('ignores formatting: indentation, spacing, blank lines, comments, CRLF', () => {
    const messy = [
      '# a learning algorithm',
      '',
      'def   Setup( ) :   # init',
      '\t s3=0.010',
      '        v2 = gaussian( 0 ,1e-1 , n_features )',
      'm0=gaussian(0,.1,(n_features,n_features))',
      '',
      'def Predict():',
      'v3=dot(m0,v0)',
      '      v3 = v3+v1',
      '  v4 = maximum(v3,v5)  ',
      '  s1 = dot(v4, v2)#prediction',
      'def Learn():',
      '  s4 = s0-s1',
      '  v1[ 0.53125 ] = - 0.5',
      '  m1[0.03125,0.96875]=2.0',
      '  NoOp( )',
      '  v8 = heaviside(v3, 1.0)',
      '  m1 = outer(v7, v0)',
      '  v6 = s4*v4',
      '  m0 = bcast(v1, axis = 0)',
      '  s2 = 1/s3',
      '   ',
    ].join('\r\n');
    const p = parseProgramOrThrow(messy);
    expect(programsEqual(p, NN_PROGRAM)).toBe(true);
  });

  it('treats a missing function as empty', () => {
    expect(parseProgramOrThrow('')).toEqual({ setup: [], predict: [], learn: [] });
    expect(parseProgramOrThrow('# nothing\n\n')).toEqual({ setup: [], predict: [], learn: [] });
    const p = parseProgramOrThrow('def Learn():\n  s2 = s0 - s1\n');
    expect(p.setup).toEqual([]);
    expect(p.predict).toEqual([]);
    expect(p.learn).toHaveLength(1);
    expect(parseProgramOrThrow('def Setup():\ndef Learn():\n  NoOp()').learn).toEqual([
      instruction(Op.NO_OP),
    ]);
  });

  it('checks addresses against the given memory shape', () => {
    const shape: MemoryShape = { scalars: 20, vectors: 3, matrices: 1 };
    expect(parseProgramOrThrow(inPredict('s19 = s12 + s0'), { shape }).predict[0]).toEqual(
      instruction(Op.SCALAR_SUM_OP, { in1: 12, in2: 0, out: 19 }),
    );
    expectError(inPredict('v3 = v1 + v2'), 2, 1, 'this memory has v0..v2', { shape });
  });
});

describe('parseProgram: rejected input', () => {
  it('unknown function', () => {
    expectError(inPredict('  s1 = dott(v0, v1)'), 2, 8, "unknown function 'dott'");
    expectError(inPredict('  Noop()'), 2, 3, "unknown function 'Noop'");
  });

  it('unknown operator', () => {
    expectError(inPredict('  s1 = s2 ** s3'), 2, 11, "unknown operator '**'");
    expectError(inPredict('  s1 = s2 % s3'), 2, 11, "unknown operator '%'");
  });

  it('unexpected characters and malformed numbers', () => {
    expectError(inPredict('  s1 = s2 ; s3'), 2, 11, "unexpected character ';'");
    expectError(inPredict('  s1 = 0x10'), 2, 8, "malformed number '0x10'");
    expectError(inPredict('  s1 = 1.2.3'), 2, 8, "malformed number '1.2.3'");
    expectError(inPredict('  s1 = 1e'), 2, 8, "malformed number '1e'");
    expectError(inPredict('  s1 = .'), 2, 8, "unexpected character '.'");
  });

  it('wrong operand kind for the output', () => {
    expectError(inPredict('  s1 = dot(m1, v2)'), 2, 12, 'wrong operand kinds');
    expectError(inPredict('  s1 = dot(m1, v2)'), 2, 12, "'s = dot(m, v)'");
    expectError(inPredict('  s1 = outer(v1, v2)'), 2, 3, 'm = outer(v, v)');
    expectError(inPredict('  v1 = v2 + s3'), 2, 13, 'wrong operand kinds');
    expectError(inPredict('  s1[0.5] = 2'), 2, 3, 'wrong operand kinds');
    expectError(inPredict('  m1 = norm(m1, axis=0)'), 2, 3, 'v = norm(m, axis=0)');
  });

  it('address out of range or read-only', () => {
    expectError(inPredict('  s9 = s1 + s2'), 2, 3, "'s9' is out of range: this memory has s0..s4");
    expectError(inPredict('  s2 = s1 + s5'), 2, 13, "'s5' is out of range");
    expectError(inPredict('  v1 = v9 + v2'), 2, 8, "'v9' is out of range");
    expectError(
      inPredict('  m2 = transpose(m0)'),
      2,
      3,
      "'m2' is out of range: this memory has m0..m1",
    );
    expectError(inPredict('  s0 = s1 + s2'), 2, 3, 's0 is read-only (it holds the label)');
    expectError(inPredict('  v0 = v1 + v2'), 2, 3, 'v0 is read-only (it holds the features)');
    expectError(inPredict('  v0[0.5] = 1'), 2, 3, 'v0 is read-only');
    expectError(inPredict('  s99999999999999999999 = s1 + s2'), 2, 3, 'out of range');
    expectError(inPredict('  s01 = s1 + s2'), 2, 3, 'leading zero');
    expectError(inPredict('  m0 = m0 + m0'), 2, 3, 'this memory has no matrices', {
      shape: { scalars: 5, vectors: 9, matrices: 0 },
    });
  });

  it('non-finite constants', () => {
    expectError(inPredict('  s1 = inf'), 2, 8, 'finite');
    expectError(inPredict('  s1 = -inf'), 2, 9, 'finite');
    expectError(inPredict('  s1 = nan'), 2, 8, 'finite');
    expectError(inPredict('  s1 = 1e999'), 2, 8, "constant '1e999' is not a finite number");
    expectError(inPredict('  v1 = uniform(-1e999, 1, n_features)'), 2, 16, 'not a finite number');
    expectError(
      inPredict('  v1 = uniform(1e39, 1, n_features)'),
      2,
      16,
      'too large for a float32 field',
    );
  });

  it('index fractions outside [0, 1)', () => {
    expectError(inPredict('  v1[1] = 2'), 2, 6, "index fraction '1' is outside [0, 1)");
    expectError(inPredict('  v1[-0.25] = 2'), 2, 6, 'outside [0, 1)');
    expectError(inPredict('  m1[0.5, 1.5] = 2'), 2, 11, "index fraction '1.5'");
    expectError(inPredict('  m1[0.99999999, 0.5] = 2'), 2, 6, 'rounds to 1 as float32');
  });

  it('negative gaussian standard deviation', () => {
    expectError(inPredict('  v1 = gaussian(0, -0.1, n_features)'), 2, 20, 'standard deviation');
    expectError(inPredict('  s1 = gaussian(-1, -1)'), 2, 21, 'is negative');
    // -0 is not negative.
    expect(parseProgram(inPredict('  s1 = gaussian(0, -0)')).ok).toBe(true);
  });

  it('trailing garbage and incomplete lines', () => {
    expectError(
      inPredict('  s1 = s2 + s3 s4'),
      2,
      16,
      "unexpected 's4' after the end of the instruction",
    );
    expectError(inPredict('  NoOp() x'), 2, 10, 'after the end of the instruction');
    expectError(inPredict('  s1 = s2 +'), 2, 12, 'incomplete instruction');
    expectError(inPredict('  s1 = s2'), 2, 10, "expected '+', '-', '*' or '/'");
    expectError(inPredict('  s1 = dot(v1)'), 2, 14, "expected ','");
    expectError(inPredict('  v1 = heaviside(v1, 2.0)'), 2, 22, "expected '1.0', found '2.0'");
    expectError(inPredict('  s1 dot(v1, v2)'), 2, 6, "expected '=' or '['");
    expectError(inPredict('  x = 3'), 2, 3, "found 'x'");
  });

  it('non-ASCII and control characters, even in comments', () => {
    expectError(inPredict('  s1 = s2 + s3 # café'), 2, 21, 'non-ASCII character U+00E9');
    expectError(inPredict('  s1 = s2 + s3 \u{1F600}'), 2, 16, 'non-ASCII character U+1F600');
    expectError(inPredict('  s1 = s2\u0000 + s3'), 2, 10, 'control character U+0000');
    expectError(inPredict('  s1 = s2\r + s3'), 2, 10, 'control character U+000D');
    expectError(inPredict('  s1 = s2\u007f'), 2, 10, 'control character U+007F');
  });

  it('headers: unknown, duplicated, out of order, malformed; instructions before any header', () => {
    expectError('  s1 = s2 + s3\ndef Setup():', 1, 3, 'instruction outside a function');
    expectError(
      '  s1 = s2 + s3\n  s2 = s1 + s1\ndef Setup():',
      1,
      3,
      'instruction outside a function',
    );
    expectError('defSetup():\n  s1 = s2 + s3\n', 1, 1, "unknown function 'defSetup'");
    expectError('def Setup():\ndef Train():', 2, 5, "unknown component function 'Train'");
    expectError('def Setup():\ndef Setup():', 2, 5, 'Setup is defined twice');
    expectError(
      'def Learn():\ndef Predict():',
      2,
      5,
      'def Predict(): must come before def Learn():',
    );
    expectError('def Setup()', 1, 12, "expected ':'");
    expectError('def Setup():  x', 1, 15, "unexpected 'x' after the header");
    expectError('def', 1, 4, 'incomplete header');
  });

  it('too many instructions for the limits', () => {
    const limits = { setup: 1, predict: 2, learn: 3 };
    const text = inPredict('  NoOp()', '  NoOp()', '  NoOp()', '  NoOp()');
    expectError(text, 4, 3, 'too many instructions in Predict: the limit is 2', { limits });
    expect(parseProgram(inPredict('  NoOp()', '  NoOp()'), { limits }).ok).toBe(true);
  });

  it('text over maxBytes', () => {
    const big = `def Predict():\n${'  NoOp()\n'.repeat(8000)}`;
    expect(big.length).toBeGreaterThan(64 * 1024);
    const errors = errorsOf(big);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain('longer than 65536 bytes');
    // 65536 = 15 + 9 * 7280 + 1: the first byte past the limit is on line 7282, column 2.
    expect(errors[0]).toMatchObject({ line: 7282, column: 2 });
    expectError('def Setup():\n  s1 = 1\n', 2, 2, 'longer than 14 bytes', { maxBytes: 14 });
    expect(parseProgram('def Setup():\n', { maxBytes: 13 }).ok).toBe(true);
  });

  it('reports every bad line, in order', () => {
    const errors = errorsOf(inPredict('  s1 = dott(v0)', '  s1 = s2 + s3', '  s9 = s1 + s2'));
    expect(errors.map((e) => [e.line, e.column])).toEqual([
      [2, 8],
      [4, 3],
    ]);
  });

  it('caps the number of errors', () => {
    const errors = errorsOf(inPredict(...Array.from({ length: 500 }, () => 'bad')));
    expect(errors.length).toBe(101);
    expect(errors[100]!.message).toContain('too many errors');
  });

  it('rejects a non-string without throwing', () => {
    expect(parseProgram(42 as unknown as string)).toEqual({
      ok: false,
      errors: [{ line: 1, column: 1, message: 'program text must be a string' }],
    });
  });
});

describe('parseProgramOrThrow', () => {
  it('throws a DslError carrying the errors', () => {
    const text = 'def Setup():\ndef Predict():\n   s1 = dott(v0, v1)\n  s9 = s1 + s2\n';
    let caught: unknown;
    try {
      parseProgramOrThrow(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DslError);
    const err = caught as DslError;
    expect(err.message).toBe("line 3, column 9: unknown function 'dott' (and 1 more errors)");
    expect(err.errors).toHaveLength(2);
    expect(err.errors[1]).toMatchObject({ line: 4, column: 3 });
    expect(() => parseProgramOrThrow('def Setup():\ndef Predict():\n   s1 = dott(v0, v1)')).toThrow(
      "line 3, column 9: unknown function 'dott'",
    );
  });
});

describe('hostile input', () => {
  /** A small seeded character-level mutator over valid program text. */
  function mutate(rng: Rng, text: string): string {
    const alphabet = 'svm0123456789.,()[]=+-*/#:eE_ axisdefnNoOp\n\t\r\u00e9\u0000';
    let t = text;
    const edits = 1 + rng.int(6);
    for (let k = 0; k < edits; k++) {
      const at = rng.int(t.length + 1);
      switch (rng.int(4)) {
        case 0:
          t = t.slice(0, at) + t.slice(at + 1 + rng.int(3));
          break;
        case 1:
          t = t.slice(0, at) + alphabet[rng.int(alphabet.length)]! + t.slice(at);
          break;
        case 2: {
          const b = rng.int(t.length + 1);
          const [i, j] = at < b ? [at, b] : [b, at];
          if (j < t.length) t = t.slice(0, i) + t[j]! + t.slice(i + 1, j) + t[i]! + t.slice(j + 1);
          break;
        }
        default:
          t =
            t.slice(0, at) + t.slice(at, at + 1 + rng.int(20)).repeat(1 + rng.int(3)) + t.slice(at);
      }
    }
    return t;
  }

  it('2,000 mutations of valid text never throw anything but DslError', () => {
    const rng = new Rng(4242);
    let accepted = 0;
    const started = performance.now();
    for (let i = 0; i < 2000; i++) {
      const base =
        i % 2 === 0
          ? NN_TEXT
          : printProgram(randomProgram(rng, DEFAULT_MEMORY, { setup: 3, predict: 5, learn: 5 }));
      const text = mutate(rng, base);
      const r = parseProgram(text);
      if (r.ok) {
        accepted++;
        expect(checkProgram(r.program)).toEqual([]);
        // Whatever was accepted prints and reads back to itself.
        expect(programsEqual(parseProgramOrThrow(printProgram(r.program)), r.program)).toBe(true);
      } else {
        expect(r.errors.length).toBeGreaterThan(0);
        for (const e of r.errors) {
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.column).toBeGreaterThanOrEqual(1);
          expect(e.message).not.toContain('internal parser error');
        }
      }
      try {
        parseProgramOrThrow(text);
      } catch (e) {
        expect(e).toBeInstanceOf(DslError);
      }
    }
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(2000);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('parses worst-case inputs in linear time', () => {
    const limit = 64 * 1024;
    const makers: Record<string, (n: number) => string> = {
      parens: (n) => `def Predict():\n  s1 = ${'('.repeat(n)}`,
      digits: (n) => `def Predict():\n  s1 = ${'9'.repeat(n)}`,
      tokens: (n) => `def Predict():\n  s1 = ${'s2 + '.repeat(Math.floor(n / 5))}`,
      valid: (n) => `def Predict():\n${'  s1 = dot(v1, v2)\n'.repeat(Math.floor(n / 19))}`,
      lines: (n) => `def Predict():\n${'  s1 = dot(m1, v2)\n'.repeat(Math.floor(n / 19))}`,
      garbage: (n) =>
        `def Predict():\n${'v1[0.5 = dot(m1, v2, n_features)\n'.repeat(Math.floor(n / 34))}`,
      comment: (n) => `# ${'x'.repeat(n)}`,
      operators: (n) => `def Predict():\n  s1 = s2 ${'-'.repeat(n)} s3`,
      deflines: (n) => 'def Setup():\n'.repeat(Math.floor(n / 13)),
    };
    const time = (text: string): number => {
      let best = Infinity;
      for (let k = 0; k < 3; k++) {
        const t0 = performance.now();
        parseProgram(text);
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    };
    for (const [name, make] of Object.entries(makers)) {
      const small = make(limit / 8 - 100);
      const large = make(limit - 100);
      expect(large.length).toBeLessThanOrEqual(limit);
      time(small); // warm up
      const ts = time(small);
      const tl = time(large);
      expect([name, tl < 500]).toEqual([name, true]);
      // 8x the input: linear is ~8x, quadratic would be ~64x. Small absolute times are noise.
      const ratio = tl / Math.max(ts, 0.5);
      if (tl > 20 && ratio >= 24)
        throw new Error(`${name}: 8x the input took ${ratio.toFixed(1)}x the time`);
    }
  });

  it('rejects a huge text without reading all of it', () => {
    const huge = 'x'.repeat(10_000_000);
    const t0 = performance.now();
    const r = parseProgram(huge);
    expect(r.ok).toBe(false);
    expect(performance.now() - t0).toBeLessThan(100);
  });
});

describe('table-driven parsing', () => {
  it('every op prints and parses back to itself', () => {
    const rng = new Rng(3);
    for (const spec of OPS) {
      for (let k = 0; k < 20; k++) {
        const ins = randomInstruction(rng, spec.code, DEFAULT_MEMORY);
        const p = parseProgramOrThrow(inPredict(formatInstruction(ins)));
        expect(p.predict).toHaveLength(1);
        expect(p.predict[0]).toEqual(ins);
        if (isFloat32Data(spec.data))
          for (const d of p.predict[0]!.data) expect(Math.fround(d)).toBe(d);
      }
    }
  });
});
