/**
 * Exact differences of two numbers as recorded (their decimal text), for `reprov diff`'s deltas.
 * A delta computed in doubles is rounded twice: `0.3 − 0.1` is `0.19999999999999998`, and a delta
 * cut to a few significant digits hides what differs (`487010304 − 0` printed as `487010000`).
 * Here both values are read as exact decimals (big.js), so the delta of integers is exact whatever
 * their size, and the delta of decimals has exactly the digits the two values hold, never fewer:
 * two distinct values never show a zero or a rounded delta.
 */
import Big from 'big.js';

/** Longer texts (and exponents past this) are not done exactly: a hostile `1e999999999` must not make a number of a billion digits. */
const MAX_TEXT = 400;
const MAX_EXPONENT = 400;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(?:[eE]([+-]?\d{1,6}))?$/;

/** The decimal `text` is written as, or undefined when it is not a finite decimal number of a sane size. */
function writtenValue(text: string): Big | undefined {
  const trimmed = text.trim();
  const match = trimmed.length <= MAX_TEXT ? NUMBER.exec(trimmed) : null;
  if (!match || Math.abs(Number(match[2] ?? 0)) > MAX_EXPONENT) return undefined;
  return new Big(trimmed.replace(/^\+/, ''));
}

/**
 * An integer past 2^53 written as a double's shortest text (`1152921504606847000`, for 2^60) is
 * that double's integer (1152921504606846976): so 2^60 and 2^60 + 256 differ by 256. An integer
 * written with more digits than a double holds is taken as written (an xsd:integer).
 */
function asInteger(text: string, written: Big): Big {
  const n = Number(text.trim());
  return Math.abs(n) > Number.MAX_SAFE_INTEGER && written.eq(new Big(String(n))) ? new Big(BigInt(n).toString()) : written;
}

const isInteger = (value: Big): boolean => value.eq(value.round(0, Big.roundDown));

/**
 * `b − a` exactly, as decimal text (`-0.2` for negative; plain while short, else scientific:
 * `2.5e-17`), or undefined when either is not a finite number written in decimal (`NaN`, `inf`,
 * a digest, `0x10`). Two integers differ by their exact integer difference (as read by
 * `asInteger`); otherwise the two texts by their exact decimal difference (0.3 − 0.1 is 0.2).
 */
export function decimalDifference(a: string, b: string): string | undefined {
  let x = writtenValue(a);
  let y = writtenValue(b);
  if (!x || !y) return undefined;
  if (isInteger(x) && isInteger(y)) {
    x = asInteger(a, x);
    y = asInteger(b, y);
  }
  return y.minus(x).toString();
}
