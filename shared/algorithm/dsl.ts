/**
 * The program text format: the notation Google's C++ AutoML-Zero prints (`Algorithm::ToReadable`,
 * `Instruction::ToString`), so algorithms can be exchanged with it both ways.
 *
 * ```
 * def Setup():
 *   s3 = 0.01
 * def Predict():
 *   s1 = dot(v0, v5)
 * def Learn():
 *   v1[0.53125] = -0.5
 * ```
 *
 * The C++ prints constants with 6 significant digits; we print as many as an exact round trip
 * needs and read both. Both the printer and the parser are driven by the op table in `ops.ts`:
 * each op's line template is compiled once into a token pattern, and a line is identified by the
 * pattern it matches plus the memory kinds of its addresses.
 *
 * The parser reads text from the network: it never throws (parseProgramOrThrow throws DslError
 * only), runs in time linear in the input, and reports every bad line with line, column and reason.
 */
import { OPS, dataFieldCount, isFloat32Data, type Kind, type OpSpec } from './ops';
import {
  COMPONENTS,
  DEFAULT_MEMORY,
  FIRST_OUT,
  MAX_PROGRAM_LIMITS,
  instruction,
  instructionIssue,
  kindCount,
  type ComponentName,
  type Instruction,
  type MemoryShape,
  type Program,
  type ProgramLimits,
} from './program';

// ---------------------------------------------------------------------------------------------
// Public types

export interface ParseError {
  /** 1-based. */
  readonly line: number;
  /** 1-based, counting characters (tabs count as one). */
  readonly column: number;
  readonly message: string;
}

export interface ParseOptions {
  /** Memory the program must fit; addresses outside it are errors. Default DEFAULT_MEMORY. */
  readonly shape?: MemoryShape;
  /** Instruction count limits per component function. Default MAX_PROGRAM_LIMITS. */
  readonly limits?: ProgramLimits;
  /** Longest accepted text, in bytes. Default DEFAULT_MAX_DSL_BYTES. */
  readonly maxBytes?: number;
}

export type ParseResult =
  | { readonly ok: true; readonly program: Program }
  | { readonly ok: false; readonly errors: readonly ParseError[] };

export const DEFAULT_MAX_DSL_BYTES = 64 * 1024;

/** Past this many errors the rest of the text is not worth reporting. */
const MAX_ERRORS = 100;

export function formatParseError(e: ParseError): string {
  return `line ${e.line}, column ${e.column}: ${e.message}`;
}

export class DslError extends Error {
  readonly errors: readonly ParseError[];

  constructor(errors: readonly ParseError[]) {
    const first = errors[0];
    const head = first ? formatParseError(first) : 'invalid program text';
    super(errors.length > 1 ? `${head} (and ${errors.length - 1} more errors)` : head);
    this.name = 'DslError';
    this.errors = errors;
  }
}

/** Component function names as the C++ prints them in `def X():`. */
export const COMPONENT_TITLES: Readonly<Record<ComponentName, string>> = {
  setup: 'Setup',
  predict: 'Predict',
  learn: 'Learn',
};

// ---------------------------------------------------------------------------------------------
// Numbers

/**
 * The shortest text that reads back as exactly `value`. float64 fields use JavaScript's shortest
 * round-trip repr; float32 fields the fewest significant digits whose value rounds (Math.fround)
 * back to `value`, so a float32 constant prints as "0.1", not "0.10000000149011612". -0 keeps
 * its sign because it is a different program (1 / -0 is -Infinity).
 */
export function formatConstant(value: number, float32: boolean): string {
  if (Object.is(value, -0)) return '-0';
  if (float32) {
    for (let digits = 1; digits <= 9; digits++) {
      // Re-printing through Number gives JavaScript's plain style ("100", not "1e+2").
      const text = String(Number(value.toPrecision(digits)));
      if (Math.fround(Number(text)) === value) return text;
    }
  }
  return String(value);
}

// ---------------------------------------------------------------------------------------------
// Line templates: one per op, shared by the printer and the parser.

/**
 * The whole line of an op with `{o}` for the output. The indexed constant sets put their index
 * fractions on the left, as the C++ does (`v1[0.5] = -1`).
 */
function lineTemplate(spec: OpSpec): string {
  if (spec.out === null) return spec.text;
  if (spec.data === 'vset') return `{o}[{0}] = ${spec.text}`;
  if (spec.data === 'mset') return `{o}[{0}, {1}] = ${spec.text}`;
  return `{o} = ${spec.text}`;
}

const PLACEHOLDER = /\{([oab012])\}/g;

/** One instruction as the C++ prints it, without the indentation. */
export function formatInstruction(ins: Instruction): string {
  const spec = OPS[ins.op];
  if (!spec) throw new RangeError(`unknown op code ${String(ins.op)}`);
  const f32 = isFloat32Data(spec.data);
  return lineTemplate(spec).replace(PLACEHOLDER, (_match, key: string) => {
    switch (key) {
      case 'o':
        return `${spec.out ?? ''}${ins.out}`;
      case 'a':
        return `${spec.in1 ?? ''}${ins.in1}`;
      case 'b':
        return `${spec.in2 ?? ''}${ins.in2}`;
      default:
        return formatConstant(ins.data[Number(key)]!, f32);
    }
  });
}

/** The whole program in the C++ notation, one instruction per line, ending with a newline. */
export function printProgram(p: Program): string {
  const lines: string[] = [];
  for (const c of COMPONENTS) {
    lines.push(`def ${COMPONENT_TITLES[c]}():`);
    for (const ins of p[c]) lines.push(`  ${formatInstruction(ins)}`);
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Lexer. One line at a time, by character codes: no regular expressions touch input text.

type TokenKind = 'addr' | 'word' | 'num' | 'sym' | 'end';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** 1-based column of the first character. */
  readonly col: number;
  /** num: the unsigned value; addr: the index. */
  readonly value: number;
  /** addr only. */
  readonly addrKind: Kind | null;
}

interface LexError {
  readonly col: number;
  readonly message: string;
}

const C_TAB = 9;
const C_SPACE = 32;
const C_HASH = 35;
const C_DOT = 46;
const C_0 = 48;
const C_9 = 57;

function isDigit(c: number): boolean {
  return c >= C_0 && c <= C_9;
}

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c);
}

/** Single-character punctuation. */
const PUNCT = new Set(['(', ')', ',', '[', ']', '=', ':']);
/**
 * Operator characters. Runs of them lex as one token, so `**` or `//` are reported as unknown
 * operators rather than as confusing pairs.
 */
const OPERATOR_CHARS = new Set(['+', '-', '*', '/', '%', '^', '&', '|', '<', '>', '!', '~', '@']);

function describeChar(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Shortens echoed input so a hostile 60 KB token does not end up in a log line. */
function quote(text: string): string {
  return `'${text.length > 24 ? `${text.slice(0, 21)}...` : text}'`;
}

/**
 * Splits one line (without its line break) into tokens, ending with an `end` token. `#` starts
 * a comment, but the comment is still checked for non-ASCII and control characters: the format
 * is ASCII throughout, which also makes its byte length its character length.
 */
function lexLine(line: string, tokens: Token[]): LexError | null {
  const n = line.length;
  let i = 0;
  let endCol = 1;
  let comment = false;
  while (i < n) {
    const c = line.charCodeAt(i);
    if ((c < 32 && c !== C_TAB) || c === 127)
      return { col: i + 1, message: `control character ${describeChar(c)}` };
    if (c > 127) {
      const cp = line.codePointAt(i) ?? c;
      return {
        col: i + 1,
        message: `non-ASCII character ${describeChar(cp)}: the format is ASCII only`,
      };
    }
    if (comment || c === C_SPACE || c === C_TAB) {
      i++;
      continue;
    }
    if (c === C_HASH) {
      comment = true;
      i++;
      continue;
    }
    const start = i;
    const ch = line[i]!;
    if (isIdentStart(c)) {
      while (i < n && isIdentPart(line.charCodeAt(i))) i++;
      const text = line.slice(start, i);
      const addr = lexAddress(text);
      if (addr === 'leading-zero') {
        return { col: start + 1, message: `address ${quote(text)} has a leading zero` };
      }
      tokens.push(
        addr
          ? { kind: 'addr', text, col: start + 1, value: addr.index, addrKind: addr.kind }
          : { kind: 'word', text, col: start + 1, value: 0, addrKind: null },
      );
    } else if (isDigit(c) || (c === C_DOT && i + 1 < n && isDigit(line.charCodeAt(i + 1)))) {
      while (i < n && isDigit(line.charCodeAt(i))) i++;
      if (i < n && line.charCodeAt(i) === C_DOT) {
        i++;
        while (i < n && isDigit(line.charCodeAt(i))) i++;
      }
      const e = i < n ? line.charCodeAt(i) : 0;
      if (e === 101 || e === 69) {
        let k = i + 1;
        const sign = k < n ? line.charCodeAt(k) : 0;
        if (sign === 43 || sign === 45) k++;
        if (k < n && isDigit(line.charCodeAt(k))) {
          while (k < n && isDigit(line.charCodeAt(k))) k++;
          i = k;
        }
      }
      // Anything glued on (0x10, 1.2.3, 1e, 5abc) is one malformed number, not two tokens.
      if (i < n && (isIdentPart(line.charCodeAt(i)) || line.charCodeAt(i) === C_DOT)) {
        while (i < n && (isIdentPart(line.charCodeAt(i)) || line.charCodeAt(i) === C_DOT)) i++;
        return { col: start + 1, message: `malformed number ${quote(line.slice(start, i))}` };
      }
      const text = line.slice(start, i);
      tokens.push({ kind: 'num', text, col: start + 1, value: Number(text), addrKind: null });
    } else if (PUNCT.has(ch)) {
      i++;
      tokens.push({ kind: 'sym', text: ch, col: start + 1, value: 0, addrKind: null });
    } else if (OPERATOR_CHARS.has(ch)) {
      while (i < n && OPERATOR_CHARS.has(line[i]!)) i++;
      tokens.push({
        kind: 'sym',
        text: line.slice(start, i),
        col: start + 1,
        value: 0,
        addrKind: null,
      });
    } else {
      return { col: start + 1, message: `unexpected character '${ch}'` };
    }
    endCol = i + 1;
  }
  tokens.push({ kind: 'end', text: '', col: endCol, value: 0, addrKind: null });
  return null;
}

/** `s3`, `v12`, `m0` → kind and index; other identifiers → null. */
function lexAddress(text: string): { kind: Kind; index: number } | 'leading-zero' | null {
  const k = text[0];
  if ((k !== 's' && k !== 'v' && k !== 'm') || text.length < 2) return null;
  for (let i = 1; i < text.length; i++) if (!isDigit(text.charCodeAt(i))) return null;
  if (text.length > 2 && text[1] === '0') return 'leading-zero';
  // Long digit strings become huge (or Infinity) and fail the range check with their own text.
  return { kind: k, index: Number(text.slice(1)) };
}

// ---------------------------------------------------------------------------------------------
// Patterns compiled from the op table

type Role = 'out' | 'in1' | 'in2';

type Elem =
  | { readonly t: 'addr'; readonly role: Role; readonly kind: Kind }
  | { readonly t: 'num'; readonly field: 0 | 1 | 2 }
  | { readonly t: 'lit'; readonly value: number; readonly text: string }
  | { readonly t: 'word'; readonly text: string }
  | { readonly t: 'sym'; readonly text: string };

interface Pattern {
  readonly spec: OpSpec;
  readonly elems: readonly Elem[];
}

function compilePattern(spec: OpSpec): Pattern {
  const template = lineTemplate(spec);
  const elems: Elem[] = [];
  const literal = (piece: string): void => {
    const toks: Token[] = [];
    const err = lexLine(piece, toks);
    if (err) throw new Error(`op table: bad template for ${spec.name}: ${err.message}`);
    for (const tok of toks) {
      if (tok.kind === 'end') continue;
      if (tok.kind === 'num') elems.push({ t: 'lit', value: tok.value, text: tok.text });
      else if (tok.kind === 'word') elems.push({ t: 'word', text: tok.text });
      else if (tok.kind === 'sym') elems.push({ t: 'sym', text: tok.text });
      else throw new Error(`op table: template for ${spec.name} holds a fixed address`);
    }
  };
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    literal(template.slice(last, m.index));
    const key = m[1]!;
    const role: Role | null =
      key === 'o' ? 'out' : key === 'a' ? 'in1' : key === 'b' ? 'in2' : null;
    if (role) {
      const kind = spec[role];
      if (!kind) throw new Error(`op table: ${spec.name} prints ${role} but has none`);
      elems.push({ t: 'addr', role, kind });
    } else {
      elems.push({ t: 'num', field: Number(key) as 0 | 1 | 2 });
    }
    last = m.index + m[0].length;
  }
  literal(template.slice(last));
  return { spec, elems };
}

const PATTERNS: readonly Pattern[] = OPS.map(compilePattern);

/** Names that are only ever followed by `(`: a call to anything else is an unknown function. */
const FUNCTION_NAMES = new Set<string>();
const OPERATORS = new Set<string>();
for (const p of PATTERNS) {
  p.elems.forEach((e, i) => {
    const next = p.elems[i + 1];
    if (e.t === 'word' && next?.t === 'sym' && next.text === '(') FUNCTION_NAMES.add(e.text);
    if (e.t === 'sym' && OPERATOR_CHARS.has(e.text[0]!)) OPERATORS.add(e.text);
  });
}

// Two ops with the same line and operand kinds could not be told apart; the table must not
// allow that (the parser relies on "at most one exact match").
{
  const seen = new Map<string, string>();
  for (const p of PATTERNS) {
    const key = p.elems
      .map((e) =>
        e.t === 'addr'
          ? `@${e.kind}`
          : e.t === 'num'
            ? '#'
            : e.t === 'lit'
              ? `=${e.value}`
              : e.text,
      )
      .join(' ');
    const other = seen.get(key);
    if (other) throw new Error(`op table: ${other} and ${p.spec.name} print alike`);
    seen.set(key, p.spec.name);
  }
}

/** A line's shape with kinds only, e.g. `v = dot(m, v)`; used in error messages. */
function renderForm(spec: OpSpec, kinds: Partial<Record<Role, Kind>>): string {
  return lineTemplate(spec).replace(PLACEHOLDER, (_m, key: string) => {
    if (key === 'o') return kinds.out ?? spec.out ?? '?';
    if (key === 'a') return kinds.in1 ?? spec.in1 ?? '?';
    if (key === 'b') return kinds.in2 ?? spec.in2 ?? '?';
    return 'c';
  });
}

// ---------------------------------------------------------------------------------------------
// Matching

interface BoundAddr {
  readonly role: Role;
  readonly kind: Kind;
  readonly tok: Token;
}

interface BoundNum {
  readonly value: number;
  /** The sign token when there is one, so errors point at the start of the constant. */
  readonly tok: Token;
  readonly text: string;
}

interface Binding {
  readonly addrs: BoundAddr[];
  readonly nums: (BoundNum | undefined)[];
}

type MatchResult =
  | { readonly ok: true; readonly binding: Binding }
  | { readonly ok: false; readonly at: number; readonly expected: string };

/**
 * Matches a pattern against a line's tokens, ignoring the kinds of addresses (those are checked
 * afterwards, so that `s1 = dot(m1, v2)` gets "wrong kinds" rather than "syntax error").
 * Each element consumes at most two tokens, so a line costs O(pattern length) per op.
 */
function matchPattern(p: Pattern, toks: readonly Token[]): MatchResult {
  const addrs: BoundAddr[] = [];
  const nums: (BoundNum | undefined)[] = [undefined, undefined, undefined];
  let i = 0;
  for (const e of p.elems) {
    const tok = toks[i]!;
    switch (e.t) {
      case 'addr':
        if (tok.kind !== 'addr') return { ok: false, at: i, expected: 'an address' };
        addrs.push({ role: e.role, kind: e.kind, tok });
        i++;
        break;
      case 'num': {
        let negative = false;
        if (tok.kind === 'sym' && tok.text === '-') {
          negative = true;
          i++;
        }
        const digits = toks[i]!;
        if (digits.kind !== 'num') return { ok: false, at: i, expected: 'a number' };
        nums[e.field] = {
          value: negative ? -digits.value : digits.value,
          tok,
          text: negative ? `-${digits.text}` : digits.text,
        };
        i++;
        break;
      }
      case 'lit':
        if (tok.kind !== 'num' || tok.value !== e.value)
          return { ok: false, at: i, expected: `'${e.text}'` };
        i++;
        break;
      case 'word':
        if (tok.kind !== 'word' || tok.text !== e.text)
          return { ok: false, at: i, expected: `'${e.text}'` };
        i++;
        break;
      case 'sym':
        if (tok.kind !== 'sym' || tok.text !== e.text)
          return { ok: false, at: i, expected: `'${e.text}'` };
        i++;
        break;
    }
  }
  if (toks[i]!.kind !== 'end') return { ok: false, at: i, expected: 'end of line' };
  return { ok: true, binding: { addrs, nums } };
}

function listOr(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]!}`;
}

const NON_FINITE_WORDS = new Set(['inf', 'infinity', 'nan']);

/** The message for the token where every pattern stopped matching. */
function syntaxMessage(toks: readonly Token[], at: number, expected: ReadonlySet<string>): string {
  const tok = toks[at]!;
  const next = toks[at + 1];
  // Only where a call could start: `s1 = s2 foo(s3)` is trailing garbage, not an unknown function.
  const wantsCall = [...FUNCTION_NAMES].some((name) => expected.has(`'${name}'`));
  if (
    tok.kind === 'word' &&
    next?.kind === 'sym' &&
    next.text === '(' &&
    wantsCall &&
    !FUNCTION_NAMES.has(tok.text)
  ) {
    return `unknown function ${quote(tok.text)}`;
  }
  if (tok.kind === 'sym' && OPERATOR_CHARS.has(tok.text[0]!) && !OPERATORS.has(tok.text)) {
    return `unknown operator ${quote(tok.text)}`;
  }
  if (
    tok.kind === 'word' &&
    NON_FINITE_WORDS.has(tok.text.toLowerCase()) &&
    expected.has('a number')
  ) {
    return `constants must be finite numbers, found ${quote(tok.text)}`;
  }
  const want = expected.size > 5 ? 'an expression' : listOr([...expected]);
  if (tok.kind === 'end') return `incomplete instruction: expected ${want}`;
  if (expected.size === 1 && expected.has('end of line')) {
    return `unexpected ${quote(tok.text)} after the end of the instruction`;
  }
  return `expected ${want}, found ${quote(tok.text)}`;
}

const KIND_NAMES: Readonly<Record<Kind, string>> = { s: 'scalars', v: 'vectors', m: 'matrices' };

function addressProblem(a: BoundAddr, shape: MemoryShape): string | null {
  const count = kindCount(shape, a.kind);
  const index = a.tok.value;
  const k = a.kind;
  if (!(index < count)) {
    const has = count > 0 ? `${k}0..${k}${count - 1}` : `no ${KIND_NAMES[k]}`;
    return `address ${quote(a.tok.text)} is out of range: this memory has ${has}`;
  }
  const first = a.role === 'out' ? FIRST_OUT[k] : 0;
  if (index < first) {
    const why =
      k === 's' && index === 0
        ? ' (it holds the label)'
        : k === 'v' && index === 0
          ? ' (it holds the features)'
          : '';
    const range =
      first < count
        ? `writable ${KIND_NAMES[k]} are ${k}${first}..${k}${count - 1}`
        : `no ${KIND_NAMES[k]} are writable`;
    return `${a.tok.text} is read-only${why}: ${range}`;
  }
  return null;
}

function dataProblem(spec: OpSpec, field: number, num: BoundNum): string | null {
  const shown = quote(num.text);
  if (!Number.isFinite(num.value)) return `constant ${shown} is not a finite number`;
  if (!isFloat32Data(spec.data)) return null;
  const v = Math.fround(num.value);
  if (!Number.isFinite(v)) return `constant ${shown} is too large for a float32 field`;
  const isFraction = (spec.data === 'vset' && field === 0) || (spec.data === 'mset' && field <= 1);
  if (isFraction && !(v >= 0 && v < 1)) {
    const rounded = num.value < 1 && v >= 1 ? ' (it rounds to 1 as float32)' : '';
    return `index fraction ${shown} is outside [0, 1)${rounded}`;
  }
  if (spec.data === 'gaussian' && field === 1 && v < 0)
    return `gaussian standard deviation ${shown} is negative`;
  return null;
}

interface LineProblem {
  readonly col: number;
  readonly message: string;
}

function parseInstruction(toks: readonly Token[], shape: MemoryShape): Instruction | LineProblem {
  let furthest = -1;
  const expected = new Set<string>();
  const matches: { p: Pattern; b: Binding }[] = [];
  for (const p of PATTERNS) {
    const r = matchPattern(p, toks);
    if (r.ok) {
      matches.push({ p, b: r.binding });
    } else if (r.at > furthest) {
      furthest = r.at;
      expected.clear();
      expected.add(r.expected);
    } else if (r.at === furthest) {
      expected.add(r.expected);
    }
  }
  if (matches.length === 0) {
    return { col: toks[furthest]!.col, message: syntaxMessage(toks, furthest, expected) };
  }

  let exact: { p: Pattern; b: Binding } | null = null;
  let mismatch: Token | null = null;
  for (const m of matches) {
    const bad = m.b.addrs.find((a) => a.tok.addrKind !== a.kind);
    if (!bad) {
      exact = m;
      break;
    }
    // Point at the operand of the closest candidate: the one agreeing longest.
    if (!mismatch || bad.tok.col > mismatch.col) mismatch = bad.tok;
  }
  if (!exact) {
    const first = matches[0]!;
    const actual: Partial<Record<Role, Kind>> = {};
    for (const a of first.b.addrs) actual[a.role] = a.tok.addrKind ?? a.kind;
    const forms = matches.map((m) => renderForm(m.p.spec, {}));
    return {
      col: mismatch!.col,
      message:
        `wrong operand kinds: no op computes '${renderForm(first.p.spec, actual)}' ` +
        `(valid: ${forms.join(', ')})`,
    };
  }

  const { spec } = exact.p;
  const args: { in1?: number; in2?: number; out?: number } = {};
  for (const a of exact.b.addrs) {
    const problem = addressProblem(a, shape);
    if (problem) return { col: a.tok.col, message: problem };
    args[a.role] = a.tok.value;
  }
  const data = [0, 0, 0];
  for (let f = 0; f < dataFieldCount(spec.data); f++) {
    const num = exact.b.nums[f]!;
    const problem = dataProblem(spec, f, num);
    if (problem) return { col: num.tok.col, message: problem };
    data[f] = num.value;
  }
  // instruction() rounds float32 fields, the IR invariant.
  const ins = instruction(spec.code, { ...args, data });
  const issue = instructionIssue(ins, shape);
  // Every rule of instructionIssue is checked above with a position; this is the backstop.
  if (issue) return { col: toks[0]!.col, message: issue };
  return ins;
}

// ---------------------------------------------------------------------------------------------
// Program

const TITLE_TO_COMPONENT = new Map<string, ComponentName>(
  COMPONENTS.map((c) => [COMPONENT_TITLES[c], c] as const),
);

/** Line and column of a character offset, for the size error. Scans at most `offset` chars. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function parseHeader(
  toks: readonly Token[],
  current: ComponentName | null,
  seen: ReadonlySet<ComponentName>,
): ComponentName | LineProblem {
  const name = toks[1]!;
  if (name.kind === 'end')
    return { col: name.col, message: 'incomplete header: expected Setup, Predict or Learn' };
  const component = name.kind === 'word' ? TITLE_TO_COMPONENT.get(name.text) : undefined;
  if (!component) {
    return {
      col: name.col,
      message: `unknown component function ${quote(name.text)}: expected Setup, Predict or Learn`,
    };
  }
  const shape = ['(', ')', ':'];
  for (let i = 0; i < shape.length; i++) {
    const tok = toks[i + 2]!;
    if (tok.kind !== 'sym' || tok.text !== shape[i]) {
      const found = tok.kind === 'end' ? 'end of line' : quote(tok.text);
      return {
        col: tok.col,
        message: `expected '${shape[i]!}' in 'def ${name.text}():', found ${found}`,
      };
    }
  }
  const tail = toks[5]!;
  if (tail.kind !== 'end')
    return { col: tail.col, message: `unexpected ${quote(tail.text)} after the header` };
  if (seen.has(component)) return { col: name.col, message: `${name.text} is defined twice` };
  if (current && COMPONENTS.indexOf(component) < COMPONENTS.indexOf(current)) {
    return {
      col: name.col,
      message: `def ${name.text}(): must come before def ${COMPONENT_TITLES[current]}(): (order is Setup, Predict, Learn)`,
    };
  }
  return component;
}

function parseText(text: unknown, opts: ParseOptions): ParseResult {
  const shape = opts.shape ?? DEFAULT_MEMORY;
  const limits = opts.limits ?? MAX_PROGRAM_LIMITS;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_DSL_BYTES;
  if (typeof text !== 'string') {
    return {
      ok: false,
      errors: [{ line: 1, column: 1, message: 'program text must be a string' }],
    };
  }
  // UTF-16 length never exceeds UTF-8 length, so this bound is safe; any non-ASCII text that
  // passes it is rejected below anyway, making length and byte count the same for accepted text.
  if (text.length > maxBytes) {
    const at = positionOf(text, maxBytes);
    return {
      ok: false,
      errors: [{ ...at, message: `program text is longer than ${maxBytes} bytes` }],
    };
  }

  const errors: ParseError[] = [];
  const out: Record<ComponentName, Instruction[]> = { setup: [], predict: [], learn: [] };
  const seen = new Set<ComponentName>();
  // After a broken header, or stray lines before the first one, we keep checking lines but do not
  // know where they belong.
  let current: ComponentName | null = null;
  let lostSection = false;
  const limitReported = new Set<ComponentName>();
  let lineNo = 0;
  let start = 0;
  const add = (line: number, column: number, message: string): void => {
    if (errors.length < MAX_ERRORS) errors.push({ line, column, message });
    else if (errors.length === MAX_ERRORS)
      errors.push({ line, column, message: 'too many errors, stopped here' });
  };

  while (start <= text.length && errors.length <= MAX_ERRORS) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    let end = nl;
    if (end > start && text.charCodeAt(end - 1) === 13) end--; // CRLF
    lineNo++;
    const line = text.slice(start, end);
    start = nl + 1;

    const toks: Token[] = [];
    const lexError = lexLine(line, toks);
    if (lexError) {
      add(lineNo, lexError.col, lexError.message);
      continue;
    }
    const first = toks[0]!;
    if (first.kind === 'end') continue;

    if (first.kind === 'word' && first.text === 'def') {
      const r = parseHeader(toks, current, seen);
      if (typeof r === 'string') {
        seen.add(r);
        current = r;
        lostSection = false;
      } else {
        add(lineNo, r.col, r.message);
        lostSection = true;
      }
      continue;
    }

    const r = parseInstruction(toks, shape);
    if (!('op' in r)) {
      add(lineNo, r.col, r.message);
      if (current === null) lostSection = true;
      continue;
    }
    if (current === null && !lostSection) {
      // Reported once: the lines that follow would only repeat it.
      add(
        lineNo,
        first.col,
        "instruction outside a function: start with 'def Setup():', 'def Predict():' or 'def Learn():'",
      );
      lostSection = true;
      continue;
    }
    if (current === null || lostSection) continue;
    const list = out[current];
    list.push(r);
    if (list.length > limits[current] && !limitReported.has(current)) {
      limitReported.add(current);
      add(
        lineNo,
        first.col,
        `too many instructions in ${COMPONENT_TITLES[current]}: the limit is ${limits[current]}`,
      );
    }
  }

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, program: out };
}

/**
 * Reads a program in the C++ notation (or ours). Never throws: an unexpected internal failure is
 * reported as an error too, since the text may come from anyone.
 */
export function parseProgram(text: string, opts: ParseOptions = {}): ParseResult {
  try {
    return parseText(text, opts);
  } catch (e) {
    return {
      ok: false,
      errors: [{ line: 1, column: 1, message: `internal parser error: ${String(e)}` }],
    };
  }
}

/** Like parseProgram, but returns the program or throws a DslError (and nothing else). */
export function parseProgramOrThrow(text: string, opts: ParseOptions = {}): Program {
  const r = parseProgram(text, opts);
  if (!r.ok) throw new DslError(r.errors);
  return r.program;
}
