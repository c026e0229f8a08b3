import { toPlainDecimal } from './decimal-text';
import { isCalendarDate } from './field-rules';
import type { FieldTypeId } from './field-types';

/**
 * Formula fields: an expression over number, date, duration (and other formula) fields, read by
 * a small hand-written grammar (never `eval`) and worked out with exact decimals.
 *
 *   expression := term (("+" | "-") term)*
 *   term       := unary (("*" | "/") unary)*
 *   unary      := "-" unary | primary
 *   primary    := number | "{" field name "}" | ("min" | "max") "(" expression ("," expression)* ")" | "(" expression ")"
 *
 * The automatic Updated and Created date fields are dates. Kinds: number +-*\/ number is a number; duration +- duration a duration; duration * or / number
 * a duration (number * duration too); duration / duration a number; date - date the days between
 * them (a number); min and max take arguments of one kind and give that kind. Anything else is a
 * type mismatch. A reference to an empty field, or a division by zero, makes the result empty.
 * Pure: no I/O, no clock.
 */

export const FORMULA_MAX_LENGTH = 1000;
/** Decimals kept by a division before the result is rounded to the field's decimals. */
const DIVISION_DECIMALS = 30;
/** Nesting deeper than this is refused, so a hostile expression cannot exhaust the stack. */
const MAX_DEPTH = 50;

export type FormulaKind = 'number' | 'duration' | 'date';

export type FormulaNode =
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'ref'; readonly name: string }
  | { readonly kind: 'neg'; readonly arg: FormulaNode }
  | { readonly kind: 'binary'; readonly op: '+' | '-' | '*' | '/'; readonly left: FormulaNode; readonly right: FormulaNode }
  | { readonly kind: 'call'; readonly fn: 'min' | 'max'; readonly args: readonly FormulaNode[] };

export type FormulaResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

// ---------------------------------------------------------------- parsing

type Token =
  | { readonly t: 'num'; readonly text: string; readonly at: number }
  | { readonly t: 'ref'; readonly name: string; readonly at: number }
  | { readonly t: 'word'; readonly word: string; readonly at: number }
  | { readonly t: 'sym'; readonly sym: string; readonly at: number }
  | { readonly t: 'end'; readonly at: number };

class FormulaSyntaxError extends Error {}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source.charAt(i);
    if (/\s/.test(c)) {
      i += 1;
    } else if (/[0-9.]/.test(c)) {
      const match = /^(?:\d+(?:\.\d*)?|\.\d+)/.exec(source.slice(i));
      if (!match) throw new FormulaSyntaxError(`"${c}" at character ${i + 1} is not a number`);
      tokens.push({ t: 'num', text: match[0], at: i });
      i += match[0].length;
    } else if (c === '{') {
      const close = source.indexOf('}', i + 1);
      if (close < 0) throw new FormulaSyntaxError(`the field reference opened at character ${i + 1} has no closing }`);
      const name = source.slice(i + 1, close).trim();
      if (name === '') throw new FormulaSyntaxError(`the field reference at character ${i + 1} names no field`);
      tokens.push({ t: 'ref', name, at: i });
      i = close + 1;
    } else if (/[A-Za-z]/.test(c)) {
      const match = /^[A-Za-z]+/.exec(source.slice(i));
      const word = match?.[0] ?? c;
      tokens.push({ t: 'word', word, at: i });
      i += word.length;
    } else if ('+-*/(),'.includes(c)) {
      tokens.push({ t: 'sym', sym: c, at: i });
      i += 1;
    } else {
      throw new FormulaSyntaxError(`"${c}" at character ${i + 1} is not allowed (use numbers, {field names}, + - * /, parentheses, min and max)`);
    }
  }
  tokens.push({ t: 'end', at: source.length });
  return tokens;
}

const describe = (token: Token): string => {
  switch (token.t) {
    case 'num':
      return `the number ${token.text}`;
    case 'ref':
      return `{${token.name}}`;
    case 'word':
      return `"${token.word}"`;
    case 'sym':
      return `"${token.sym}"`;
    case 'end':
      return 'the end';
  }
};

/** Reads an expression into its tree, or says what is wrong and where. */
export function parseFormula(source: string): FormulaResult<FormulaNode> {
  if (source.trim() === '') return { ok: false, message: 'the formula is empty' };
  if (source.length > FORMULA_MAX_LENGTH) return { ok: false, message: `the formula is longer than ${FORMULA_MAX_LENGTH} characters` };
  try {
    const tokens = tokenize(source);
    let position = 0;
    const peek = (): Token => tokens[position] ?? { t: 'end', at: source.length };
    const next = (): Token => {
      const token = peek();
      position += 1;
      return token;
    };
    const isSym = (token: Token, sym: string) => token.t === 'sym' && token.sym === sym;
    const expect = (sym: string) => {
      const token = next();
      if (!isSym(token, sym)) throw new FormulaSyntaxError(`expected "${sym}" at character ${token.at + 1}, found ${describe(token)}`);
    };
    const at = (depth: number) => {
      if (depth > MAX_DEPTH) throw new FormulaSyntaxError(`the formula nests deeper than ${MAX_DEPTH} levels`);
    };

    const expression = (depth: number): FormulaNode => {
      at(depth);
      let node = term(depth);
      for (let token = peek(); isSym(token, '+') || isSym(token, '-'); token = peek()) {
        next();
        node = { kind: 'binary', op: (token as { sym: '+' | '-' }).sym, left: node, right: term(depth) };
      }
      return node;
    };
    const term = (depth: number): FormulaNode => {
      let node = unary(depth);
      for (let token = peek(); isSym(token, '*') || isSym(token, '/'); token = peek()) {
        next();
        node = { kind: 'binary', op: (token as { sym: '*' | '/' }).sym, left: node, right: unary(depth) };
      }
      return node;
    };
    const unary = (depth: number): FormulaNode => {
      at(depth);
      if (isSym(peek(), '-')) {
        next();
        return { kind: 'neg', arg: unary(depth + 1) };
      }
      return primary(depth);
    };
    const primary = (depth: number): FormulaNode => {
      const token = next();
      if (token.t === 'num') return { kind: 'number', text: token.text };
      if (token.t === 'ref') return { kind: 'ref', name: token.name };
      if (isSym(token, '(')) {
        const inner = expression(depth + 1);
        expect(')');
        return inner;
      }
      if (token.t === 'word') {
        const fn = token.word.toLowerCase();
        if (fn !== 'min' && fn !== 'max') throw new FormulaSyntaxError(`"${token.word}" at character ${token.at + 1} is not a function (min and max are); write field names in braces, e.g. {Budget}`);
        expect('(');
        const args = [expression(depth + 1)];
        while (isSym(peek(), ',')) {
          next();
          args.push(expression(depth + 1));
        }
        expect(')');
        return { kind: 'call', fn, args };
      }
      throw new FormulaSyntaxError(`expected a number, a {field}, min, max or "(" at character ${token.at + 1}, found ${describe(token)}`);
    };

    const tree = expression(0);
    const rest = peek();
    if (rest.t !== 'end') throw new FormulaSyntaxError(`unexpected ${describe(rest)} at character ${rest.at + 1}`);
    return { ok: true, value: tree };
  } catch (error) {
    if (error instanceof FormulaSyntaxError) return { ok: false, message: error.message };
    throw error;
  }
}

/** The field names an expression refers to, each once, in order of appearance. */
export function formulaReferences(node: FormulaNode): string[] {
  const names: string[] = [];
  const visit = (n: FormulaNode) => {
    switch (n.kind) {
      case 'number':
        return;
      case 'ref':
        if (!names.some((name) => name.toLowerCase() === n.name.toLowerCase())) names.push(n.name);
        return;
      case 'neg':
        return visit(n.arg);
      case 'binary':
        visit(n.left);
        return visit(n.right);
      case 'call':
        return n.args.forEach(visit);
    }
  };
  visit(node);
  return names;
}

/**
 * The expression with every reference to `from` (names compare ignoring case) written as `to`:
 * a renamed field keeps its formulas. Text outside references is kept as it is.
 */
export function renameFormulaReference(source: string, from: string, to: string): string {
  return source.replace(/\{([^}]*)\}/g, (whole, name: string) => (name.trim().toLowerCase() === from.trim().toLowerCase() ? `{${to}}` : whole));
}

// ---------------------------------------------------------------- kinds

/** What a reference names: the field's type, and for a formula field the kind of its result. */
export interface FormulaOperand {
  readonly name: string;
  readonly type: FieldTypeId;
  /** For formula fields: the kind of its result (undefined while it cannot be worked out). */
  readonly kind?: FormulaKind;
}

const ARTICLE: Record<FormulaKind, string> = { number: 'a number', duration: 'a duration', date: 'a date' };

/** The kind of a field usable in formulas, or undefined for types formulas cannot use. */
function operandKind(operand: FormulaOperand): FormulaKind | undefined {
  if (operand.type === 'number' || operand.type === 'duration' || operand.type === 'date') return operand.type;
  // The automatic date fields are dates too: `{Updated} - {Start date}`.
  if (operand.type === 'updated' || operand.type === 'created') return 'date';
  if (operand.type === 'formula') return operand.kind;
  return undefined;
}

/** The kind of the expression's result, or the first type mismatch (naming the field concerned). */
export function formulaKind(node: FormulaNode, lookup: (name: string) => FormulaOperand | undefined): FormulaResult<FormulaKind> {
  class Mismatch extends Error {}
  const kindOf = (n: FormulaNode): FormulaKind => {
    switch (n.kind) {
      case 'number':
        return 'number';
      case 'ref': {
        const operand = lookup(n.name);
        if (!operand) throw new Mismatch(`there is no field named "${n.name}"`);
        const kind = operandKind(operand);
        if (!kind) throw new Mismatch(`{${operand.name}} is a ${operand.type} field; formulas can use number, date, duration, formula, Updated and Created date fields`);
        return kind;
      }
      case 'neg': {
        const kind = kindOf(n.arg);
        if (kind === 'date') throw new Mismatch('a date cannot be negated');
        return kind;
      }
      case 'binary': {
        const left = kindOf(n.left);
        const right = kindOf(n.right);
        const pair = `${left} ${n.op} ${right}`;
        switch (pair) {
          case 'number + number':
          case 'number - number':
          case 'number * number':
          case 'number / number':
          case 'duration / duration':
          case 'date - date':
            return 'number';
          case 'duration + duration':
          case 'duration - duration':
          case 'duration * number':
          case 'number * duration':
          case 'duration / number':
            return 'duration';
          default: {
            const verb = { '+': 'add', '-': 'subtract', '*': 'multiply', '/': 'divide' }[n.op];
            const hint = left === 'date' || right === 'date' ? ' (dates can only be subtracted from each other, giving days, or compared with min and max)' : '';
            throw new Mismatch(`cannot ${verb} ${ARTICLE[left]} and ${ARTICLE[right]} (${describeNode(n.left)} ${n.op} ${describeNode(n.right)})${hint}`);
          }
        }
      }
      case 'call': {
        const kinds = n.args.map(kindOf);
        const first = kinds[0] ?? 'number';
        const other = kinds.find((k) => k !== first);
        if (other) throw new Mismatch(`${n.fn} needs arguments of one kind, got ${ARTICLE[first]} and ${ARTICLE[other]}`);
        return first;
      }
    }
  };
  try {
    return { ok: true, value: kindOf(node) };
  } catch (error) {
    if (error instanceof Mismatch) return { ok: false, message: error.message };
    throw error;
  }
}

function describeNode(n: FormulaNode): string {
  switch (n.kind) {
    case 'number':
      return n.text;
    case 'ref':
      return `{${n.name}}`;
    case 'call':
      return `${n.fn}(…)`;
    default:
      return '(…)';
  }
}

// ---------------------------------------------------------------- exact decimals

/** `n / 10^scale`, exactly. */
export interface Decimal {
  readonly n: bigint;
  readonly scale: number;
}

const TEN = 10n;
const pow10 = (exponent: number): bigint => TEN ** BigInt(exponent);

function decimalOfText(text: string): Decimal {
  const negative = text.startsWith('-');
  const unsigned = text.replace(/^[+-]/, '');
  const [whole = '', fraction = ''] = unsigned.split('.');
  const n = BigInt(`${whole || '0'}${fraction}`);
  return { n: negative ? -n : n, scale: fraction.length };
}

const decimalOfNumber = (value: number): Decimal => decimalOfText(toPlainDecimal(value));

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.n * pow10(scale - a.scale), b.n * pow10(scale - b.scale), scale];
}

/** Rounds `n / divisor` half away from zero. */
function divideRounded(n: bigint, divisor: bigint): bigint {
  const negative = n < 0n !== divisor < 0n;
  const absN = n < 0n ? -n : n;
  const absD = divisor < 0n ? -divisor : divisor;
  let quotient = absN / absD;
  if ((absN % absD) * 2n >= absD) quotient += 1n;
  return negative ? -quotient : quotient;
}

/** The decimal with `scale` fraction digits, rounding half away from zero. */
function rescale(a: Decimal, scale: number): Decimal {
  if (scale >= a.scale) return { n: a.n * pow10(scale - a.scale), scale };
  return { n: divideRounded(a.n, pow10(a.scale - scale)), scale };
}

const add = (a: Decimal, b: Decimal): Decimal => {
  const [x, y, scale] = align(a, b);
  return { n: x + y, scale };
};
const negate = (a: Decimal): Decimal => ({ n: -a.n, scale: a.scale });
/**
 * Past this many decimals a product is rounded: repeated products and quotients would otherwise
 * grow without bound, and no field shows more than 6.
 */
const MAX_SCALE = 40;
const bounded = (a: Decimal): Decimal => (a.scale > MAX_SCALE ? rescale(a, MAX_SCALE) : a);
const multiply = (a: Decimal, b: Decimal): Decimal => bounded({ n: a.n * b.n, scale: a.scale + b.scale });
/** undefined for a division by zero. */
function divide(a: Decimal, b: Decimal): Decimal | undefined {
  if (b.n === 0n) return undefined;
  // a / b = (a.n * 10^(b.scale + D)) / b.n, at scale a.scale + D.
  return bounded({ n: divideRounded(a.n * pow10(b.scale + DIVISION_DECIMALS), b.n), scale: a.scale + DIVISION_DECIMALS });
}
function compare(a: Decimal, b: Decimal): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The decimal as text with exactly `decimals` fraction digits (half away from zero); no "-0". */
export function formatDecimal(a: Decimal, decimals: number): string {
  const { n } = rescale(a, decimals);
  const negative = n < 0n;
  const digits = (negative ? -n : n).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const magnitude = decimals > 0 ? `${whole}.${digits.slice(digits.length - decimals)}` : whole;
  return negative && /[1-9]/.test(magnitude) ? `-${magnitude}` : magnitude;
}

// ---------------------------------------------------------------- dates as day numbers

/** Days since 1970-01-01 of a calendar date (proleptic Gregorian), exact for years 1-9999. */
function dayNumber(date: string): number {
  const [y0, m, d] = date.split('-').map(Number) as [number, number, number];
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function dateOfDayNumber(days: number): string {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

// ---------------------------------------------------------------- evaluation

/** A value inside an evaluation: numbers and durations (ms) as exact decimals, dates as day numbers. */
export type FormulaValue = { readonly kind: 'number' | 'duration'; readonly value: Decimal } | { readonly kind: 'date'; readonly day: number };

/** What a reference holds for the evaluation; undefined is empty. */
export type FormulaInput = (name: string) => FormulaValue | undefined;

/** A stored number, duration or date value as a formula operand; anything else is empty. */
export function formulaValueOf(type: 'number' | 'duration' | 'date', stored: unknown): FormulaValue | undefined {
  if (type === 'date') return typeof stored === 'string' && isCalendarDate(stored) ? { kind: 'date', day: dayNumber(stored) } : undefined;
  return typeof stored === 'number' && Number.isFinite(stored) ? { kind: type, value: decimalOfNumber(stored) } : undefined;
}

/** A formula's result as text (payload format) read back as an operand of another formula. */
export function formulaValueOfText(kind: FormulaKind, text: string | null): FormulaValue | undefined {
  if (text === null) return undefined;
  if (kind === 'date') return isCalendarDate(text) ? { kind: 'date', day: dayNumber(text) } : undefined;
  return /^-?\d+(?:\.\d+)?$/.test(text) ? { kind, value: decimalOfText(text) } : undefined;
}

/**
 * Works the (kind-checked) expression out; undefined when a field it uses is empty or it divides
 * by zero.
 */
export function evaluateFormula(node: FormulaNode, input: FormulaInput): FormulaValue | undefined {
  class Empty extends Error {}
  const num = (v: FormulaValue): Decimal => {
    if (v.kind === 'date') throw new Empty();
    return v.value;
  };
  const binary = (op: '+' | '-' | '*' | '/', left: FormulaValue, right: FormulaValue): FormulaValue => {
    if (left.kind === 'date' && right.kind === 'date') return { kind: 'number', value: { n: BigInt(left.day - right.day), scale: 0 } };
    const [a, b] = [num(left), num(right)];
    const duration = left.kind === 'duration' || right.kind === 'duration';
    switch (op) {
      case '+':
        return { kind: duration ? 'duration' : 'number', value: add(a, b) };
      case '-':
        return { kind: duration ? 'duration' : 'number', value: add(a, negate(b)) };
      case '*':
        return { kind: duration ? 'duration' : 'number', value: multiply(a, b) };
      case '/': {
        const quotient = divide(a, b);
        if (!quotient) throw new Empty();
        // duration / duration is a plain number; duration / number a duration.
        return { kind: left.kind === 'duration' && right.kind !== 'duration' ? 'duration' : 'number', value: quotient };
      }
    }
  };
  const evaluate = (n: FormulaNode): FormulaValue => {
    switch (n.kind) {
      case 'number':
        return { kind: 'number', value: decimalOfText(n.text) };
      case 'ref': {
        const value = input(n.name);
        if (!value) throw new Empty();
        return value;
      }
      case 'neg': {
        const v = evaluate(n.arg);
        return { kind: v.kind === 'date' ? 'number' : v.kind, value: negate(num(v)) };
      }
      case 'binary':
        return binary(n.op, evaluate(n.left), evaluate(n.right));
      case 'call': {
        const values = n.args.map(evaluate);
        const better = (a: FormulaValue, b: FormulaValue): boolean => {
          const order = a.kind === 'date' && b.kind === 'date' ? a.day - b.day : compare(num(a), num(b));
          return n.fn === 'min' ? order < 0 : order > 0;
        };
        return values.reduce((best, v) => (better(v, best) ? v : best));
      }
    }
  };
  try {
    return evaluate(node);
  } catch (error) {
    if (error instanceof Empty) return undefined;
    throw error;
  }
}

/**
 * A result in payload format: a number with the field's decimals, a duration in whole
 * milliseconds, a date as yyyy-mm-dd; null when empty or out of the calendar.
 */
export function formatFormulaValue(value: FormulaValue | undefined, decimals: number): string | null {
  if (!value) return null;
  if (value.kind === 'date') {
    const text = dateOfDayNumber(value.day);
    return isCalendarDate(text) ? text : null;
  }
  return formatDecimal(value.value, value.kind === 'duration' ? 0 : decimals);
}
