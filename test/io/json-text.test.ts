import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../../src/base/diagnostics.js';
import { parseJsonText } from '../../src/io/json-text.js';
import { NUMBER_MARK } from '../../src/prov/json-values.js';

const parse = (text: string, plainObjects = false) => {
  const diagnostics = new Diagnostics('doc.json', true);
  const value = parseJsonText(text, diagnostics, { plainObjects });
  return { value, diagnostics };
};

// parseJsonText reads most documents with JSON.parse after a scan outside strings; these cases
// are the ones where that scan could be fooled, and must read as the event parser reads them.
describe('parseJsonText', () => {
  it('keeps numbers JSON.parse would change as written, beside exact ones and number-like strings', () => {
    const { value, diagnostics } = parse('{"a": 1.0, "b": [2e3, -0.5, 12345678901234567890, -123456789012345], "c": 7, "d": "1.5", "e": -0, "f": 1E+2}');
    expect(value).toEqual({
      a: `${NUMBER_MARK}1.0`,
      b: [`${NUMBER_MARK}2e3`, `${NUMBER_MARK}-0.5`, `${NUMBER_MARK}12345678901234567890`, `${NUMBER_MARK}-123456789012345`],
      c: 7, d: '1.5', e: -0, f: `${NUMBER_MARK}1E+2`,
    });
    expect(diagnostics.warnings).toEqual([]);
  });

  it('reads strings with escaped quotes, backslashes and colons as strings', () => {
    const text = String.raw`{"x\\": 1.5, "q\"1.5:": "a\\\"b:2.5", "t": [true, false, null]}`;
    const { value } = parse(text);
    expect(value).toEqual(JSON.parse(text.replace('1.5,', `"\\u0000number:1.5",`)));
  });

  it('builds objects without a prototype; __proto__ and constructor are ordinary keys', () => {
    const { value } = parse('{"__proto__": {"polluted": 1}, "constructor": 2, "inner": {"toString": 3.5}}');
    const doc = value as Record<string, Record<string, unknown>>;
    expect(Object.getPrototypeOf(doc)).toBeNull();
    expect(Object.getPrototypeOf(doc.inner)).toBeNull();
    expect(Object.keys(doc)).toEqual(['__proto__', 'constructor', 'inner']);
    expect(doc.inner!.toString).toBe(`${NUMBER_MARK}3.5`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const plain = parse('{"__proto__": {"polluted": 1}}', true).value as object;
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
    expect(Object.hasOwn(plain, '__proto__')).toBe(true);
  });

  it('still warns about duplicate keys, also where a colon sits inside a string', () => {
    const { value, diagnostics } = parse('{"a:b": "c:d", "a": 1.5,\n "a": 2}');
    expect(value).toEqual({ 'a:b': 'c:d', a: 2 });
    expect(diagnostics.warnings.map((w) => w.location)).toEqual(['2:2']);
  });

  it.each([
    ['{"a": 1.}', '1:7'], ['{"a": 01.5}', '1:8'], ['{"a": 1.2.3}', '1:10'], ['{"a": -}', '1:7'], ['{"a": .5}', '1:7'],
    ['{"a": 1e}', '1:7'], ['{"a": "1.5}', '1:7'], ['{"a": 1.5,}', '1:11'], ['{"a\\": 1.5}', '1:2'],
  ])('reports the invalid %s at a line:column', (text, location) => {
    const { value, diagnostics } = parse(text);
    expect(value).toBeUndefined();
    expect(diagnostics.skipped).toHaveLength(1);
    expect(diagnostics.skipped[0]!.location).toBe(location);
    expect(diagnostics.skipped[0]!.message).toMatch(/^invalid JSON: /);
  });

  it('bounds nesting at 512 levels', () => {
    const { diagnostics } = parse(`${'['.repeat(513)}1.5${']'.repeat(513)}`);
    expect(diagnostics.skipped[0]!.message).toMatch(/nesting deeper than 512/);
    const deepest = parse(`${'[{"a":'.repeat(256)}1.5${'}]'.repeat(256)}`);
    expect(deepest.diagnostics.skipped).toEqual([]);
    let value = deepest.value;
    for (let i = 0; i < 256; i++) value = (value as Record<string, unknown>[])[0]!.a;
    expect(value).toBe(`${NUMBER_MARK}1.5`);
  });
});
