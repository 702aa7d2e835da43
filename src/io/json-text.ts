/**
 * Reads JSON text for PROV-JSON and JSON-LD with jsonc-parser's event parser (Microsoft's, VS
 * Code's) in strict JSON mode, because JSON.parse loses what a provenance reader must keep:
 *  - numbers as written: `1.0` and `1` are different literals, and integers past 2^53 round. A
 *    number JSON.parse would change becomes a marked string (json-values.ts, `exactNumber`);
 *  - duplicate keys: JSON.parse silently keeps the last one (a second `"entity"` section dropped
 *    the whole first). Here two objects under one key are merged, another value replaces the
 *    first, and either way a warning names both places;
 *  - hostile keys: objects are built without a prototype (`toString`, `constructor`, `__proto__`
 *    are ordinary keys, never Object.prototype's members) unless `plainObjects` asks for ordinary
 *    objects (the jsonld package calls their methods); `__proto__` is then an own property;
 *  - depth: nesting is bounded (`MAX_DEPTH`), so a hostile `[[[[…` is one error, not a stack overflow.
 * Most documents never need the event parser's care, and JSON.parse is several times faster:
 * {@link parseIfPlain} uses it where a scan proves the result is the same.
 */
import { visit, type ParseErrorCode } from 'jsonc-parser';
import { NUMBER_MARK } from '../prov/json-values.js';
import { Diagnostics, lineColumn } from '../base/diagnostics.js';

/** Deeper than any provenance document needs (PROV-JSON is 7 levels deep, JSON-LD some 20). */
export const MAX_DEPTH = 512;

export interface JsonTextOptions {
  /** Build ordinary objects (with Object.prototype) instead of prototype-less ones. */
  plainObjects?: boolean;
}

/** jsonc-parser's error codes, in words. */
const PROBLEMS: Record<number, string> = {
  1: 'unexpected character',
  2: 'invalid number',
  3: 'expected a property name (a string in double quotes)',
  4: 'expected a value',
  5: "expected ':'",
  6: "expected ',' or '}'",
  7: "expected '}'",
  8: "expected ']'",
  9: 'unexpected content after the end of the document',
  10: 'comments are not allowed in JSON',
  11: 'unterminated comment',
  12: 'unterminated string',
  13: 'unterminated number',
  14: 'invalid \\u escape',
  15: 'invalid escape sequence',
  16: 'invalid character in a string (control characters must be escaped)',
};

class Stop extends Error {}

type Container = Record<string, unknown> | unknown[];

interface Duplicate {
  key: string;
  /** JSON path of the duplicated member (the key last). */
  path: (string | number)[];
  offset: number;
  merged: boolean;
}

/**
 * Parses JSON text; reports the first syntax error through `diagnostics` (which throws unless
 * lenient, in which case undefined is returned) and each duplicate key as a warning.
 */
export function parseJsonText(text: string, diagnostics: Diagnostics, options: JsonTextOptions = {}): unknown {
  // A byte order mark is not JSON, but editors write one; it is read past.
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const source = bom ? text.slice(1) : text;
  const fast = parseIfPlain(source, options);
  if (fast !== NOT_PLAIN) return fast;
  const newObject: () => Record<string, unknown> = options.plainObjects ? () => ({}) : () => Object.create(null) as Record<string, unknown>;
  const stack: Container[] = [];
  const keys: (string | undefined)[] = [];
  const duplicates: Duplicate[] = [];
  let root: unknown;
  let hasRoot = false;
  let key: string | undefined;
  let keyOffset = 0;
  let keyPath: () => (string | number)[] = () => [];
  let failure: { offset: number; problem: string } | undefined;

  const fail = (offset: number, problem: string): never => {
    failure = { offset, problem };
    throw new Stop();
  };

  /** Puts a value where the parser is; returns the container to continue in (a merged object). */
  const place = (value: unknown): unknown => {
    const parent = stack[stack.length - 1];
    if (parent === undefined) {
      root = value;
      hasRoot = true;
      return value;
    }
    if (Array.isArray(parent)) {
      parent.push(value);
      return value;
    }
    const name = key!;
    if (Object.prototype.hasOwnProperty.call(parent, name)) {
      const existing = parent[name];
      const merged = isMergeable(existing) && isMergeable(value);
      // jsonc-parser's path already ends with the key here.
      duplicates.push({ key: name, path: keyPath(), offset: keyOffset, merged });
      if (merged) return existing;
    }
    if (name === '__proto__' && options.plainObjects) Object.defineProperty(parent, name, { value, writable: true, enumerable: true, configurable: true });
    else parent[name] = value;
    return value;
  };

  const open = (container: Container, offset: number) => {
    if (stack.length >= MAX_DEPTH) fail(offset, `nesting deeper than ${MAX_DEPTH} levels`);
    keys.push(key);
    stack.push(place(container) as Container);
    key = undefined;
  };
  const close = () => {
    stack.pop();
    key = keys.pop();
  };

  try {
    visit(source, {
      onObjectBegin: (offset) => open(newObject(), offset),
      onObjectEnd: close,
      onArrayBegin: (offset) => open([], offset),
      onArrayEnd: close,
      onObjectProperty: (property, offset, _length, _line, _character, path) => {
        key = property;
        keyOffset = offset;
        keyPath = path;
      },
      onLiteralValue: (value: unknown, offset, length) => {
        if (typeof value === 'number') value = exactOrMarked(source.slice(offset, offset + length));
        place(value);
      },
      onError: (error: ParseErrorCode, offset) => fail(offset, PROBLEMS[error] ?? 'invalid JSON'),
    }, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
  }
  if (!failure && !hasRoot) failure = { offset: source.length, problem: 'unexpected end of input' };
  if (failure) {
    diagnostics.error(lineColumn(text, failure.offset + bom), `invalid JSON: ${failure.problem}`);
    return undefined;
  }
  if (duplicates.length) reportDuplicates(text, source, bom, duplicates, diagnostics);
  return root;
}

const NOT_PLAIN = Symbol('not plain');

/**
 * The fast path, several times faster than the event parser: JSON.parse, when a scan of the
 * text outside strings shows that it reads the text as the event parser would — no nesting past
 * MAX_DEPTH and (counted after the parse) no duplicate key. Numbers JSON.parse would change are
 * first rewritten in the text as the marked strings the event parser makes of them. Anything
 * else, invalid JSON included, is NOT_PLAIN and goes to the event parser, which says where the
 * problem is.
 */
function parseIfPlain(source: string, options: JsonTextOptions): unknown {
  const scan = scanOutsideStrings(source);
  if (!scan) return NOT_PLAIN;
  let value: unknown;
  try {
    value = JSON.parse(scan.marked.length ? markNumbers(source, scan.marked) : source);
  } catch {
    return NOT_PLAIN;
  }
  // Each ':' outside strings separates a key from its value: fewer own keys after the parse means a duplicate.
  return countKeys(value, !options.plainObjects) === scan.keys ? value : NOT_PLAIN;
}

/** JSON's number grammar (RFC 8259), for the numbers rewritten as strings, which JSON.parse then no longer checks. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

/**
 * Counts the keys (':' outside strings) of JSON text and finds the numbers that are not exact
 * ({@link isExact}) as [start, end) pairs; undefined when nesting is deeper than MAX_DEPTH, a
 * string is unterminated or such a number is not a JSON number.
 */
function scanOutsideStrings(text: string): { keys: number; marked: number[] } | undefined {
  const marked: number[] = [];
  let keys = 0;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = stringEnd(text, i);
      if (i < 0) return undefined;
    } else if (c === 58) keys++;
    else if (c === 123 || c === 91) {
      if (++depth > MAX_DEPTH) return undefined;
    } else if (c === 125 || c === 93) depth--;
    else if ((c >= 48 && c <= 57) || c === 45) {
      // Read in place: most numbers are short integers, which need no copy of their text.
      let end = i + 1;
      let exact = true;
      for (let d; end < text.length && isNumberChar((d = text.charCodeAt(end))); end++) if (d === 46 || d === 101 || d === 69) exact = false;
      if (!exact || end - i > MAX_EXACT_LENGTH) {
        if (!JSON_NUMBER.test(text.slice(i, end))) return undefined;
        marked.push(i, end);
      }
      i = end - 1;
    }
  }
  return { keys, marked };
}

/** 0-9 - + . e E */
function isNumberChar(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 101 || c === 69;
}

/** The text with each [start, end) number in `marked` written as the JSON string of its marked form. */
function markNumbers(text: string, marked: readonly number[]): string {
  const mark = JSON.stringify(NUMBER_MARK).slice(0, -1);
  let out = '';
  let from = 0;
  for (let k = 0; k < marked.length; k += 2) {
    out += `${text.slice(from, marked[k])}${mark}${text.slice(marked[k], marked[k + 1])}"`;
    from = marked[k + 1]!;
  }
  return out + text.slice(from);
}

/** The index of the quote closing the string that opens at `start`; -1 when there is none. */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}

/** Counts the own keys of every object in a parsed value, detaching each from Object.prototype when `bare`. */
function countKeys(value: unknown, bare: boolean): number {
  if (typeof value !== 'object' || value === null) return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object' && item !== null) count += countKeys(item, bare);
    }
    return count;
  }
  if (bare) Object.setPrototypeOf(value, null);
  for (const key in value) {
    count++;
    // Most values are strings and numbers: no call for them.
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === 'object' && item !== null) count += countKeys(item, bare);
  }
  return count;
}

function isMergeable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A number as written in JSON text: a number when JSON.parse keeps it as written, else the marked text (json-values.ts). */
export function exactOrMarked(written: string): number | string {
  return isExact(written) ? Number(written) : NUMBER_MARK + written;
}

/** The longest integer ({@link isExact}) that JSON.parse keeps as written. */
const MAX_EXACT_LENGTH = 15;

/** A number JSON.parse keeps as written: an integer of at most 15 characters. */
function isExact(written: string): boolean {
  if (written.length > MAX_EXACT_LENGTH) return false;
  for (let i = 0; i < written.length; i++) {
    const c = written.charCodeAt(i);
    if (c === 46 || c === 101 || c === 69) return false; // . e E
  }
  return true;
}

/** Warns about each duplicate key, naming where it is and where it was first. */
function reportDuplicates(text: string, source: string, bom: number, duplicates: Duplicate[], diagnostics: Diagnostics): void {
  // Where each duplicated key first occurs: found by a second pass, only for documents that have one.
  const wanted = new Map(duplicates.map((d) => [pathKey(d.path), -1]));
  visit(source, {
    onObjectProperty: (property, offset, _length, _line, _character, path) => {
      const id = pathKey([...path(), property]);
      if (wanted.get(id) === -1) wanted.set(id, offset);
    },
  });
  for (const duplicate of duplicates.slice(0, 20)) {
    const first = wanted.get(pathKey(duplicate.path)) ?? -1;
    const firstAt = first >= 0 ? lineColumn(text, first + bom) : 'an earlier line';
    const name = JSON.stringify(duplicate.key.length > 60 ? `${duplicate.key.slice(0, 60)}…` : duplicate.key);
    const outcome = duplicate.merged ? 'the two objects are merged' : `this value replaces the one at ${firstAt}`;
    diagnostics.warn(lineColumn(text, duplicate.offset + bom), `duplicate key ${name} (first at ${firstAt}): ${outcome}`);
  }
  if (duplicates.length > 20) diagnostics.warn('', `${duplicates.length - 20} more duplicate keys`);
}

function pathKey(path: readonly (string | number)[]): string {
  return JSON.stringify(path);
}
