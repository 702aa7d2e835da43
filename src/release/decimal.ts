/**
 * Exact differences of two numbers as recorded (their decimal text), for `reprov diff`'s deltas.
 * A delta computed in doubles is rounded twice: `0.3 − 0.1` is `0.19999999999999998`, and a delta
 * cut to a few significant digits hides what differs (`487010304 − 0` printed as `487010000`).
 * Here both values are read as exact decimals (BigInt digits and a power of ten), so the delta of
 * integers is exact whatever their size, and the delta of decimals has exactly the digits the two
 * values hold, never fewer: two distinct values never show a zero or a rounded delta.
 */

/** A finite decimal `digits × 10^exponent`. */
interface Decimal {
  digits: bigint;
  exponent: number;
}

/** Longer texts (and exponents past this) are not done exactly: a hostile `1e999999999` must not make a BigInt of a billion digits. */
const MAX_TEXT = 400;
const MAX_EXPONENT = 400;

const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,6}))?$/;

function parseDecimal(text: string): Decimal | undefined {
  const trimmed = text.trim();
  if (trimmed.length > MAX_TEXT) return undefined;
  const match = NUMBER.exec(trimmed);
  if (!match) return undefined;
  const [, sign = '', whole = '', fraction = '', exp = '0'] = match;
  if (!whole && !fraction) return undefined;
  const exponent = Number(exp) - fraction.length;
  if (Math.abs(exponent) > MAX_EXPONENT + MAX_TEXT) return undefined;
  const digits = BigInt(`${whole}${fraction}` || '0');
  return { digits: sign === '-' ? -digits : digits, exponent };
}

/**
 * `b − a` exactly, as decimal text without a sign for positive values (`-0.2` for negative), or
 * undefined when either is not a finite number written in decimal (`NaN`, `inf`, a digest).
 *
 * Two integers (`487010304`, `1e+21`) differ by their exact integer difference: past 2^53 a value
 * written as a double's shortest text (`1152921504606847000`, for 2^60) is that double's integer
 * (1152921504606846976), so 2^60 and 2^60 + 256 differ by 256; an integer written with more digits
 * than a double holds is taken as written. Otherwise the two texts differ by their exact decimal
 * difference (0.3 − 0.1 is 0.2).
 */
export function decimalDifference(a: string, b: string): string | undefined {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  if (!x || !y) return undefined;
  const ix = exactInteger(a, x);
  const iy = exactInteger(b, y);
  if (ix !== undefined && iy !== undefined) return formatDecimal({ digits: iy - ix, exponent: 0 });
  const exponent = Math.min(x.exponent, y.exponent);
  if (Math.max(x.exponent, y.exponent) - exponent > 2 * MAX_EXPONENT) return undefined;
  const scale = (d: Decimal) => d.digits * 10n ** BigInt(d.exponent - exponent);
  return formatDecimal({ digits: scale(y) - scale(x), exponent });
}

/** Trailing zeros of the digits moved into the exponent: `1.50` and `1.5` normalise alike. */
function normalise({ digits, exponent }: Decimal): Decimal {
  if (digits === 0n) return { digits, exponent: 0 };
  while (digits % 10n === 0n) {
    digits /= 10n;
    exponent++;
  }
  return { digits, exponent };
}

/** The integer a value is, when it is one (see decimalDifference); undefined for a fraction. */
function exactInteger(text: string, decimal: Decimal): bigint | undefined {
  const n = Number(text.trim());
  if (!Number.isFinite(n)) return undefined;
  const d = normalise(decimal);
  const written = d.exponent >= 0 && d.exponent <= MAX_EXPONENT ? d.digits * 10n ** BigInt(d.exponent) : undefined;
  if (Number.isInteger(n) && Math.abs(n) > Number.MAX_SAFE_INTEGER) {
    const shortest = normalise(parseDecimal(String(n))!);
    // More digits than the double's shortest text: an integer written exactly (xsd:integer), not a double.
    const exact = written !== undefined && (shortest.digits !== d.digits || shortest.exponent !== d.exponent);
    return exact ? written : BigInt(n);
  }
  return written;
}

/**
 * A decimal as text with all its significant digits: plain (`487010304`, `0.2`, `-0.000125`)
 * while that stays short, else scientific (`1.0000000000000000000001e+30`, `2.5e-17`).
 */
function formatDecimal({ digits, exponent }: Decimal): string {
  if (digits === 0n) return '0';
  const negative = digits < 0n;
  let text = (negative ? -digits : digits).toString();
  // Trailing zeros of the digits are not significant: move them into the exponent.
  const stripped = text.replace(/0+$/, '');
  exponent += text.length - stripped.length;
  text = stripped;
  const sign = negative ? '-' : '';
  const magnitude = text.length + exponent; // digits before the decimal point
  if (exponent >= 0 && magnitude <= 21) return `${sign}${text}${'0'.repeat(exponent)}`;
  if (exponent < 0 && magnitude > 0 && magnitude <= 21) return `${sign}${text.slice(0, magnitude)}.${text.slice(magnitude)}`;
  if (exponent < 0 && magnitude <= 0 && magnitude > -6) return `${sign}0.${'0'.repeat(-magnitude)}${text}`;
  const power = magnitude - 1;
  return `${sign}${text[0]}${text.length > 1 ? `.${text.slice(1)}` : ''}e${power >= 0 ? '+' : '-'}${Math.abs(power)}`;
}
