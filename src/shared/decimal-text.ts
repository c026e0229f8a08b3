/**
 * Decimal text for JS numbers without float traps. Everything works on the shortest text that
 * reads back as the same number (what `String(n)` gives), so 1.005 is treated as the 1.005 the
 * user typed, not as the 1.00499999999999989... the double holds; `toFixed` would round that down.
 */

/** Matches a plain decimal: optional sign, digits, optional fraction; no exponent, no grouping. */
export const PLAIN_DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

interface DecimalDigits {
  readonly negative: boolean;
  readonly integer: string;
  readonly fraction: string;
}

/** Splits a finite number's shortest text into digits, spelling out any exponent. */
function digitsOf(value: number): DecimalDigits {
  const text = String(Math.abs(value));
  const [mantissa = '', exponentText] = text.split('e');
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  const [whole = '', fraction = ''] = mantissa.split('.');
  const digits = whole + fraction;
  const point = whole.length + exponent;
  const negative = value < 0;
  if (point <= 0) return { negative, integer: '0', fraction: '0'.repeat(-point) + digits };
  if (point >= digits.length) return { negative, integer: digits + '0'.repeat(point - digits.length), fraction: '' };
  return { negative, integer: digits.slice(0, point), fraction: digits.slice(point) };
}

/** The number as plain decimal text, never in exponent notation: 1e21 -> "1000000000000000000000". */
export function toPlainDecimal(value: number): string {
  const { negative, integer, fraction } = digitsOf(value);
  const magnitude = fraction ? `${integer}.${fraction}` : integer;
  return negative && /[1-9]/.test(magnitude) ? `-${magnitude}` : magnitude;
}

/** Significant fraction digits of plain decimal text: "1.500" has 1, "2" and "2." have 0. */
export function countDecimalsOfText(text: string): number {
  const fraction = text.split('.')[1] ?? '';
  return fraction.replace(/0+$/, '').length;
}

/**
 * Significant digits of plain decimal text, leading and trailing zeros not counted: "0.0120" has 2,
 * "1000" has 1. A double holds any decimal of at most 15 significant digits exactly.
 */
export function countSignificantDigitsOfText(text: string): number {
  const digits = text.replace(/[^0-9]/g, '').replace(/^0+/, '').replace(/0+$/, '');
  return digits.length;
}

/**
 * The number with exactly `decimals` fraction digits, rounding half away from zero on its
 * decimal text: (1.005, 2) -> "1.01", (-2.5, 0) -> "-3", (23, 3) -> "23.000". A result that rounds
 * to zero has no sign: (-0.004, 2) -> "0.00".
 */
export function formatFixedDecimals(value: number, decimals: number): string {
  const { negative, integer, fraction } = digitsOf(value);
  let kept = integer + fraction.slice(0, decimals).padEnd(decimals, '0');
  const firstDropped = fraction.charAt(decimals);
  if (firstDropped >= '5') {
    // BigInt keeps the carry exact however many digits there are (999.995 -> 1000.00).
    kept = (BigInt(kept) + 1n).toString().padStart(kept.length, '0');
  }
  const whole = kept.slice(0, kept.length - decimals) || '0';
  const magnitude = decimals > 0 ? `${whole}.${kept.slice(kept.length - decimals)}` : whole;
  return negative && /[1-9]/.test(magnitude) ? `-${magnitude}` : magnitude;
}
