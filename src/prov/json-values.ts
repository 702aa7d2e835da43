/**
 * PROV-JSON attribute values (section 2.3 of the PROV-JSON submission) as RDF terms.
 */
import { DataFactory, Literal, type NamedNode } from 'n3';
import { XSD, RDF_LANG_STRING } from './namespaces.js';
import type { NamespaceScope } from './namespace-scope.js';

const { namedNode } = DataFactory;

/**
 * A JSON number that JSON.parse would change (`1.0`, `2e3`, `12345678901234567890`) is read as
 * this mark followed by the number as written (io/json-text.ts). NUL cannot occur unescaped in
 * JSON text, so no real string in a document starts with it unless written as `\u0000`.
 */
export const NUMBER_MARK = '\u0000number:';

/** The source text of a number JSON.parse would have changed, or undefined. */
export function exactNumber(value: unknown): string | undefined {
  return typeof value === 'string' && value.startsWith(NUMBER_MARK) ? value.slice(NUMBER_MARK.length) : undefined;
}

/**
 * A member of a parsed object, only when the object has it as its own: `toString` or
 * `constructor` in a document are keys like any other, never Object.prototype's members.
 */
export function own(object: object, key: string): unknown {
  return Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

/** A lookup in a table of known names that a document's key can never reach past (`constructor`, `__proto__`). */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** A string that is a string in the document (not a marked number). */
export function isText(value: unknown): value is string {
  return typeof value === 'string' && !value.startsWith(NUMBER_MARK);
}

const XSD_STRING = `${XSD}string`;
const XSD_INT = namedNode(`${XSD}int`);
const XSD_LONG = namedNode(`${XSD}long`);
const XSD_INTEGER = namedNode(`${XSD}integer`);
const XSD_DOUBLE = namedNode(`${XSD}double`);
const XSD_BOOLEAN = namedNode(`${XSD}boolean`);
const XSD_DATETIME = namedNode(`${XSD}dateTime`);
const QUALIFIED_NAME_TYPES = new Set(['prov:QUALIFIED_NAME', 'xsd:QName']);
const INTERNATIONALIZED = 'prov:InternationalizedString';
const PLAIN = namedNode(XSD_STRING);
const INT_RANGE = 2 ** 31;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/**
 * An n3 Literal that keeps its lexical form and datatype. n3's own keeps only its id
 * (`"v"^^dt`) and reads them back out of it, with a scan and a new NamedNode, at every access;
 * a writer asks for each once per literal it writes. The id is n3's, so the term is equal to
 * (and stored as) the one n3 would make.
 */
class KnownLiteral extends Literal {
  constructor(readonly lexicalForm: string, readonly datatypeNode: NamedNode) {
    super(datatypeNode.value === XSD_STRING ? `"${lexicalForm}"` : `"${lexicalForm}"^^${datatypeNode.value}`);
  }
}
// Accessors, as n3 declares them: its typings call them properties, which a subclass cannot redeclare as accessors.
Object.defineProperties(KnownLiteral.prototype, {
  value: { get(this: KnownLiteral) { return this.lexicalForm; } },
  language: { get: () => '' },
  direction: { get: () => '' },
  datatype: { get(this: KnownLiteral) { return this.datatypeNode; } },
  datatypeString: { get(this: KnownLiteral) { return this.datatypeNode.value; } },
});

/**
 * n3's `literal(text, datatype)`. A datatype IRI with a quote in it stays n3's own: n3 reads the
 * lexical form back up to the last quote, and the output stays what n3 writes for it.
 */
function literal(text: string, datatype: NamedNode | string = PLAIN): Literal {
  if (typeof datatype === 'string' || datatype.value.includes('"')) return DataFactory.literal(text, datatype);
  return new KnownLiteral(text, datatype);
}

/**
 * The datatype of a bare JSON number: xsd:int, xsd:long beyond 32 bits, xsd:integer beyond 64
 * bits (the range is decided on the digits as written, never on a rounded double), xsd:double
 * with a fraction or exponent.
 */
function numberLiteral(text: string): Literal {
  if (/[.eE]/.test(text) || text === 'NaN' || text.includes('Infinity')) return literal(text, XSD_DOUBLE);
  if (text.length <= 9) {
    const value = Number(text);
    if (value >= -INT_RANGE && value < INT_RANGE) return literal(text, XSD_INT);
  }
  if (!/^-?\d+$/.test(text)) return literal(text, XSD_DOUBLE);
  const value = BigInt(text);
  if (value >= -BigInt(INT_RANGE) && value < BigInt(INT_RANGE)) return literal(text, XSD_INT);
  return literal(text, value >= LONG_MIN && value <= LONG_MAX ? XSD_LONG : XSD_INTEGER);
}

export type ValueResult = { term: Literal | NamedNode } | { error: string };

/** Converts one attribute value (not an array) to an RDF term. */
export function valueToTerm(value: unknown, scope: NamespaceScope, asTime = false): ValueResult {
  switch (typeof value) {
    case 'string': {
      const number = exactNumber(value);
      if (number !== undefined) return { term: numberLiteral(number) };
      return { term: asTime ? literal(value, XSD_DATETIME) : literal(value) };
    }
    case 'number':
      return Number.isFinite(value) ? { term: numberLiteral(String(value)) } : { error: `${value} is not a valid number` };
    case 'boolean':
      return { term: literal(String(value), XSD_BOOLEAN) };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { error: `expected a string, number, boolean or {"$": ...} object, found ${describe(value)}` };
  }
  const typed = { $: own(value, '$'), type: own(value, 'type'), lang: own(value, 'lang') };
  const lexical = typed.$;
  if (lexical === undefined) return { error: 'typed value has no "$" member' };
  const number = exactNumber(lexical);
  const text = number ?? (typeof lexical === 'object' ? undefined : String(lexical));
  if (text === undefined) return { error: `"$" must be a string, number or boolean, found ${describe(lexical)}` };
  if (typed.type !== undefined && typeof typed.type !== 'string') return { error: '"type" must be a string' };
  if (typed.lang !== undefined && typeof typed.lang !== 'string') return { error: '"lang" must be a string' };
  const type = typed.type as string | undefined;
  if (typed.lang) {
    if (type !== undefined && type !== INTERNATIONALIZED && type !== 'xsd:string' && type !== 'rdf:langString') {
      return { error: `a value with "lang" cannot have type '${type}'` };
    }
    return { term: literal(text, typed.lang as string) };
  }
  if (type === undefined || type === INTERNATIONALIZED) {
    if (isText(lexical)) return { term: asTime ? literal(text, XSD_DATETIME) : literal(text) };
    if (typeof lexical === 'boolean') return { term: literal(text, XSD_BOOLEAN) };
    return { term: numberLiteral(text) };
  }
  if (QUALIFIED_NAME_TYPES.has(type)) {
    const resolved = scope.resolve(text);
    if ('error' in resolved) return resolved;
    if ('blank' in resolved) return { error: `a qualified name value cannot be a blank node ('${text}')` };
    return { term: namedNode(resolved.iri) };
  }
  const datatype = scope.resolve(type);
  if (!('iri' in datatype)) return { error: 'error' in datatype ? `datatype: ${datatype.error}` : `datatype '${type}' is a blank node` };
  if (datatype.iri === RDF_LANG_STRING) return { error: 'an rdf:langString value needs "lang"' };
  return { term: literal(text, namedNode(datatype.iri)) };
}

/** How a JSON value is named in error messages: `number 7`, `string "abc"`, `an array`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  const number = exactNumber(value);
  if (number !== undefined) return `number ${number}`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  return `${typeof value} ${String(value)}`;
}
