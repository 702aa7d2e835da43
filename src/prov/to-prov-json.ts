/**
 * PROV-O quads -> PROV-JSON. The inverse of from-prov-json.ts: typed nodes become element
 * records, influence nodes become identified (or blank) relations, and unqualified shortcut
 * triples become blank relations unless a qualified node already states them.
 */
import { DataFactory, termFromId, termToId, type Quad, type Term } from 'n3';
import { chunkedWriter, type TextSink } from '../base/output.js';
import { PROV, RDF_TYPE, XSD, XSD_STRING, RDF_LANG_STRING } from './namespaces.js';

const XSD_DATETIME = `${XSD}dateTime`;
import { DERIVATION_SUBTYPES, ELEMENTS, GENERIC_ATTRIBUTES, RELATIONS, type ElementSpec, type RelationSpec } from './relations.js';
import { QualifiedNamer } from './qualified-namer.js';

export type ProvJsonValue = string | { $: string; type?: string; lang?: string };
export type ProvJsonRecord = Record<string, ProvJsonValue | ProvJsonValue[]>;
export interface ProvJsonContainer {
  prefix?: Record<string, string>;
  [kind: string]: unknown;
}

export interface ToProvJsonResult {
  document: ProvJsonContainer;
  /** Things RDF can say that PROV-JSON cannot, which were left out. */
  warnings: string[];
}

/**
 * A statement's object as n3's id string (`"v"^^dt`, `_:b`, the IRI): a string costs less than
 * a term object and compares with `===`. An IRI whose id would read back as another kind of term
 * (`_:x`, `"x`, `<x`, ...; or empty) stays a term.
 */
type StoredTerm = string | Term;
const ID_LOOKS_LIKE_OTHER_TERM = /^[_?"[<]|^$/;

function store(term: Term): StoredTerm {
  if (term.termType === 'NamedNode' && ID_LOOKS_LIKE_OTHER_TERM.test(term.value)) return term;
  const id = termToId(term);
  // n3 makes a literal's id by concatenation, a tree of pieces of the input: reading a character
  // makes V8 flatten it into one string, and the pieces go (a seventh of the heap at 100k entities).
  id.charCodeAt(0);
  return id;
}

/**
 * `text` as a string of its own: a parser's strings are often slices of its input (N-Triples IRIs),
 * and one slice kept keeps the whole piece of input it was cut from, so all of them the whole input.
 * A concatenation is a new string once read (V8 flattens it, as in {@link store}).
 */
function own(text: string): string {
  const copy = text.charAt(0) + text.slice(1);
  copy.charCodeAt(0);
  return copy;
}

function restore(stored: StoredTerm): Term {
  return typeof stored === 'string' ? termFromId(stored) : stored;
}

/** A key no id string has: those starting with `<` are kept as terms. */
function storedKey(stored: StoredTerm): string {
  return typeof stored === 'string' ? stored : `<${stored.value}`;
}

/**
 * A subject's statements in one array, predicate and object in turn, in the order read (duplicates
 * dropped): a Map and a Set per node, or two arrays each with its spare room, cost more than the
 * statements themselves on large inputs.
 */
interface Node {
  term: Term;
  statements: StoredTerm[];
  /** `predicate object` of the statements, made only once a node has many (RDF is a set, the quads may not be). */
  seen?: Set<string>;
  /** An influence node (written as a relation, not as an element). */
  relation?: boolean;
  /** Whether it has a `prov:qualifiedX` statement (names an influence node). */
  qualifies?: boolean;
}

/** Above this many statements a node checks duplicates with a Set instead of a scan. */
const SCAN_LIMIT = 16;

const TYPE_ATTRIBUTE = 'prov:type';
const ATTRIBUTE_BY_PROPERTY = new Map(Object.entries(GENERIC_ATTRIBUTES).map(([name, iri]) => [iri, name]));
const ELEMENT_BY_CLASS = new Map<string, ElementSpec>(ELEMENTS.flatMap((e) => [e.class, ...e.subclasses].map((c) => [c, e] as const)));
const RELATION_BY_CLASS = new Map<string, RelationSpec>();
const RELATION_BY_QUALIFIED = new Map<string, RelationSpec>();
const RELATION_BY_PROPERTY = new Map<string, RelationSpec>();
/** Derivation subtypes by their class, qualified property and shortcut property. */
const SUBTYPE_BY_IRI = new Map<string, string>();
for (const spec of RELATIONS) {
  RELATION_BY_PROPERTY.set(spec.property, spec);
  if (!spec.qualified) continue;
  RELATION_BY_CLASS.set(spec.qualified.class, spec);
  RELATION_BY_QUALIFIED.set(spec.qualified.property, spec);
}
const DERIVATION = RELATIONS.find((r) => r.kind === 'wasDerivedFrom')!;
for (const [subtype, { qualified, property }] of Object.entries(DERIVATION_SUBTYPES)) {
  RELATION_BY_CLASS.set(subtype, DERIVATION);
  RELATION_BY_QUALIFIED.set(qualified, DERIVATION);
  RELATION_BY_PROPERTY.set(property, DERIVATION);
  for (const iri of [subtype, qualified, property]) SUBTYPE_BY_IRI.set(iri, subtype);
}
const MENTION = RELATIONS.find((r) => r.kind === 'mentionOf')!;
const AS_IN_BUNDLE = `${PROV}asInBundle`;
const TIME_PROPERTIES: Record<string, string> = { [`${PROV}startedAtTime`]: 'prov:startTime', [`${PROV}endedAtTime`]: 'prov:endTime' };

function key(term: Term): string {
  return term.termType === 'BlankNode' ? `_:${term.value}` : term.value;
}

export function quadsToProvJson(quads: Iterable<Quad>, prefixes: Record<string, string> = {}): ToProvJsonResult {
  const builder = new ProvJsonBuilder();
  for (const quad of quads) builder.add(quad);
  return builder.finish(prefixes);
}

/**
 * PROV-JSON from quads handed over one at a time, as a reader parses them: only a compact record
 * of each subject's statements is kept, never the quads. {@link finish} makes the document;
 * {@link writeTo} writes it, holding each record as its JSON text rather than as objects.
 */
export class ProvJsonBuilder {
  /** Nodes by subject, per graph ('' for the default graph), in the order first read. */
  private readonly graphs = new Map<string, { name: Term | undefined; nodes: Map<string, Node> }>([['', { name: undefined, nodes: new Map() }]]);
  /** One string per predicate IRI: a parser makes a new one per statement, and they would all be kept. */
  private readonly predicates = new Map<string, string>();
  /** One string per IRI in object position (`a prov:Entity` is said of most subjects). */
  private readonly iris = new Map<string, string>();
  private last: Node | undefined;
  private lastGraph: unknown;
  /** Whether some statement is an unqualified relation (`:a prov:used :e`). */
  private shortcuts = false;

  add(quad: Quad): void {
    const graphId = quad.graph.termType === 'DefaultGraph' ? '' : key(quad.graph);
    let graph = this.graphs.get(graphId);
    if (!graph) this.graphs.set(graphId, (graph = { name: quad.graph, nodes: new Map() }));
    // A parser hands over one subject term for all of `s p o; p o` (Turtle), and N-Triples names
    // the last subject again: no lookup for those.
    let node = this.last;
    if (node === undefined || this.lastGraph !== graph || !sameSubject(node.term, quad.subject)) {
      const id = key(quad.subject);
      node = graph.nodes.get(id);
      if (!node) {
        const term = quad.subject.termType === 'NamedNode' ? DataFactory.namedNode(own(quad.subject.value)) : quad.subject;
        graph.nodes.set(key(term), (node = { term, statements: [] }));
      }
      this.last = node;
      this.lastGraph = graph;
    }
    let predicate = this.predicates.get(quad.predicate.value);
    if (predicate === undefined) {
      this.predicates.set((predicate = own(quad.predicate.value)), predicate);
      if (RELATION_BY_PROPERTY.has(predicate)) this.shortcuts = true;
    }
    if (RELATION_BY_QUALIFIED.has(predicate)) node.qualifies = true;
    let object = store(quad.object);
    if (typeof object === 'string' && quad.object.termType === 'NamedNode') {
      const same = this.iris.get(object);
      if (same !== undefined) object = same;
      else this.iris.set((object = own(object)), object);
    }
    addStatement(node, predicate, object);
  }

  /** The document of everything added, with `prefixes` (prefix -> namespace IRI) preferred for names. */
  finish(prefixes: Record<string, string> = {}): ToProvJsonResult {
    return this.build(prefixes, false);
  }

  /** Writes the document of everything added as PROV-JSON text, as {@link writeProvJson} writes what {@link finish} returns. */
  writeTo(sink: TextSink, prefixes: Record<string, string> = {}): string[] {
    const { document, warnings } = this.build(prefixes, true);
    writeDocument(document, sink, true);
    return warnings;
  }

  /** `asText`: each record as its JSON text, a third of the memory of its objects at 100k entities. */
  private build(prefixes: Record<string, string>, asText: boolean): ToProvJsonResult {
    const warnings: string[] = [];
    const namer = new QualifiedNamer(prefixes);
    const { nodes } = this.graphs.get('')!;
    this.graphs.delete('');
    // Records as text are indented for where writeDocument puts them: 4 spaces in the document, 8 in a bundle.
    const document = new ContainerBuilder(namer, warnings, this.shortcuts, asText ? '    ' : undefined).build(nodes);
    const bundles: Record<string, ProvJsonContainer> = emptyRecord();
    for (const [id, graph] of this.graphs) {
      this.graphs.delete(id);
      const bundleNamer = new QualifiedNamer(prefixes, namer);
      const bundle = new ContainerBuilder(bundleNamer, warnings, this.shortcuts, asText ? '        ' : undefined).build(graph.nodes);
      bundles[namer.name(graph.name!)] = withPrefixes(bundle, bundleNamer);
    }
    const result = withPrefixes(document, namer);
    if (Object.keys(bundles).length) result.bundle = bundles;
    return { document: result, warnings };
  }
}

function addStatement(node: Node, predicate: string, object: StoredTerm): void {
  const { statements } = node;
  if (node.seen) {
    const statement = `${predicate} ${storedKey(object)}`;
    if (node.seen.has(statement)) return;
    node.seen.add(statement);
  } else {
    for (let i = 0; i < statements.length; i += 2) {
      if (statements[i] === predicate && sameTerm(statements[i + 1]!, object)) return;
    }
    if (statements.length === 2 * SCAN_LIMIT) {
      node.seen = new Set([`${predicate} ${storedKey(object)}`]);
      for (let i = 0; i < statements.length; i += 2) node.seen.add(`${statements[i] as string} ${storedKey(statements[i + 1]!)}`);
    }
  }
  statements.push(predicate, object);
}

function sameSubject(a: Term, b: Term): boolean {
  return a === b || (a.value === b.value && a.termType === b.termType);
}

function sameTerm(a: StoredTerm, b: StoredTerm): boolean {
  return a === b || (typeof a !== 'string' && typeof b !== 'string' && a.value === b.value);
}

function release(node: Node): void {
  node.statements = [];
  node.seen = undefined;
}

/** A node's statements grouped by predicate, predicates in the order first read. */
function properties(node: Node): Map<string, Term[]> {
  const grouped = new Map<string, Term[]>();
  const { statements } = node;
  for (let i = 0; i < statements.length; i += 2) {
    const predicate = statements[i] as string;
    const object = restore(statements[i + 1]!);
    const values = grouped.get(predicate);
    if (values) values.push(object);
    else grouped.set(predicate, [object]);
  }
  return grouped;
}

/** The relation an influence node's first relation class (`a prov:Usage`) names, if any. */
function relationClass(node: Node): RelationSpec | undefined {
  const { statements } = node;
  for (let i = 0; i < statements.length; i += 2) {
    if (statements[i] !== RDF_TYPE) continue;
    const spec = RELATION_BY_CLASS.get(storedValue(statements[i + 1]!));
    if (spec) return spec;
  }
  return undefined;
}

/** A stored term's value, without making the term of an IRI (its id is its value). */
function storedValue(stored: StoredTerm): string {
  if (typeof stored !== 'string') return stored.value;
  const first = stored.charCodeAt(0);
  return first === 34 /* " */ || first === 95 /* _ */ ? termFromId(stored).value : stored;
}

/** The objects of a node's statements with `predicate`, in the order read. */
function valuesOf(node: Node, predicate: string): Term[] {
  const values: Term[] = [];
  const { statements } = node;
  for (let i = 0; i < statements.length; i += 2) if (statements[i] === predicate) values.push(restore(statements[i + 1]!));
  return values;
}

function withPrefixes(container: ProvJsonContainer, namer: QualifiedNamer): ProvJsonContainer {
  const used = namer.usedPrefixes();
  return Object.keys(used).length ? { prefix: used, ...container } : container;
}

class ContainerBuilder {
  /** Records by id per section; Maps, not objects: an object interns every id it is given as a key. */
  private readonly sections = new Map<string, Map<string, ProvJsonRecord | ProvJsonRecord[] | string>>();
  private blankCounter = 0;

  /**
   * @param shortcuts whether some node may have an unqualified relation statement
   * @param textIndent records are held as their JSON text, indented by this, when given
   */
  constructor(private readonly namer: QualifiedNamer, private readonly warnings: string[], private readonly shortcuts: boolean, private readonly textIndent?: string) {}

  build(nodes: Map<string, Node>): ProvJsonContainer {
    // Which node each influence node qualifies: the subject of `?s prov:qualifiedX ?node`.
    const qualifiedBy = new Map<string, { subjects: Term[]; spec: RelationSpec }>();
    for (const node of nodes.values()) {
      if (!node.qualifies) continue;
      for (const [property, objects] of properties(node)) {
        const spec = RELATION_BY_QUALIFIED.get(property);
        if (!spec) continue;
        for (const object of objects) {
          const link = qualifiedBy.get(key(object));
          if (link) link.subjects.push(node.term);
          else qualifiedBy.set(key(object), { subjects: [node.term], spec });
        }
      }
    }

    const stated = new Set<string>(); // `kind subject object` of qualified relations, to skip their shortcuts
    const relationNodes: [Node, RelationSpec, Term[]][] = [];
    for (const [id, node] of nodes) {
      const link = qualifiedBy.get(id);
      const spec = link?.spec ?? relationClass(node);
      if (!spec) continue;
      const subjects = link?.subjects ?? [];
      relationNodes.push([node, spec, subjects]);
      node.relation = true;
      // The shortcuts a qualified relation states are skipped: only known when there are any.
      if (!this.shortcuts) continue;
      const objectProperty = spec.formal.find((f) => f.name === spec.object)!.property;
      for (const object of valuesOf(node, objectProperty)) {
        for (const subject of subjects) stated.add(`${spec.kind} ${key(subject)} ${key(object)}`);
      }
    }

    // A node's statements are let go once its records are made: the two are never all held at once.
    for (const node of nodes.values()) {
      if (node.relation) continue;
      this.subjectNode(node, properties(node), stated);
      release(node);
    }
    nodes.clear();
    for (const [node, spec, subjects] of relationNodes) {
      this.relationNode(node, properties(node), spec, subjects);
      release(node);
    }

    const container: ProvJsonContainer = {};
    const order = [...ELEMENTS.map((e) => e.kind), ...RELATIONS.map((r) => r.kind)];
    for (const kind of order) {
      const records = this.sections.get(kind);
      // Records as text stay a Map (writeDocument writes it in an object's key order).
      if (records) container[kind] = this.textIndent === undefined ? toRecord(records) : records;
    }
    return container;
  }

  /** A node that is not an influence node: element records, shortcut relations, and its attributes. */
  private subjectNode(node: Node, properties: Map<string, Term[]>, stated: Set<string>): void {
    const types = properties.get(RDF_TYPE) ?? [];
    const kinds = [...new Set(types.map((t) => ELEMENT_BY_CLASS.get(t.value)).filter((e): e is ElementSpec => !!e))];
    const attributes: ProvJsonRecord = emptyRecord();
    const dropped: string[] = [];
    const mentions = properties.get(MENTION.property) ?? [];
    const bundles = properties.get(AS_IN_BUNDLE) ?? [];

    for (const [property, objects] of properties) {
      if (RELATION_BY_QUALIFIED.has(property)) continue;
      const shortcut = RELATION_BY_PROPERTY.get(property);
      if (shortcut?.multipleObjects) {
        this.add(shortcut.kind, this.blankId(), { [shortcut.subject]: this.namer.name(node.term), [shortcut.object]: objects.map((o) => this.namer.name(o)) });
        continue;
      }
      if (shortcut) {
        for (const object of objects) {
          if (stated.has(`${shortcut.kind} ${key(node.term)} ${key(object)}`)) continue;
          const record: ProvJsonRecord = {
            [shortcut.subject]: this.namer.name(node.term),
            [shortcut.object]: this.namer.name(object),
          };
          const subtype = SUBTYPE_BY_IRI.get(property);
          if (subtype) record[TYPE_ATTRIBUTE] = { $: this.namer.name({ termType: 'NamedNode', value: subtype } as Term), type: 'prov:QUALIFIED_NAME' };
          if (shortcut === MENTION && mentions.length === 1 && bundles.length === 1) record['prov:bundle'] = this.namer.name(bundles[0]!);
          this.add(shortcut.kind, this.blankId(), record);
        }
        continue;
      }
      if (property === AS_IN_BUNDLE && mentions.length === 1 && bundles.length === 1) continue;
      if (!kinds.length) {
        dropped.push(property);
        continue;
      }
      // prov:startTime/endTime are xsd:dateTime by definition: other values stay plain attributes.
      const formal = Object.hasOwn(TIME_PROPERTIES, property) ? TIME_PROPERTIES[property] : undefined;
      if (formal && kinds.some((k) => k.kind === 'activity') && objects.every(isDateTime)) {
        setValues(attributes, formal, objects.map((o) => o.value));
        continue;
      }
      this.attribute(attributes, node, property, property === RDF_TYPE ? objects.filter((t) => !kinds.some((k) => k.class === t.value)) : objects);
    }
    if (dropped.length) {
      this.warnings.push(`${this.namer.name(node.term)} is not an entity, activity or agent; its ${[...new Set(dropped)].map((p) => this.namer.name({ termType: 'NamedNode', value: p } as Term)).join(', ')} statements have no place in PROV-JSON and were dropped`);
    }
    kinds.forEach((kind, index) => this.add(kind.kind, this.namer.name(node.term), index === 0 ? attributes : {}));
  }

  private relationNode(node: Node, properties: Map<string, Term[]>, spec: RelationSpec, subjects: Term[]): void {
    const byProperty = new Map(spec.formal.map((f) => [f.property, f]));
    const formalValues = new Map<string, string[]>();
    if (subjects.length) formalValues.set(spec.subject, subjects.map((s) => this.namer.name(s)));
    const attributes: ProvJsonRecord = emptyRecord();
    const subtype = (properties.get(RDF_TYPE) ?? []).map((t) => SUBTYPE_BY_IRI.get(t.value)).find((s) => s);
    for (const [property, objects] of properties) {
      const formal = byProperty.get(property);
      if (formal) {
        formalValues.set(formal.name, objects.map((o) => (formal.time ? o.value : this.namer.name(o))));
        continue;
      }
      const values = property === RDF_TYPE
        ? objects.filter((t) => t.value !== spec.qualified?.class || subtype !== undefined)
          .filter((t) => !(subtype && t.value === DERIVATION.qualified!.class))
        : objects;
      this.attribute(attributes, node, property, values);
    }
    // Several values of a formal attribute: PROV-JSON writes several records under one id.
    const count = Math.max(1, ...[...formalValues.values()].map((v) => v.length));
    const records: ProvJsonRecord[] = [];
    for (let i = 0; i < count; i++) {
      const record: ProvJsonRecord = emptyRecord();
      for (const name of [spec.subject, ...spec.formal.map((f) => f.name)]) {
        const values = formalValues.get(name);
        if (values) record[name] = spec.multipleObjects ? values : values[Math.min(i, values.length - 1)]!;
      }
      // A derivation subtype is the node's class: each record must say it, or it reads back as a plain derivation.
      if (i > 0 && subtype) record[TYPE_ATTRIBUTE] = this.value({ termType: 'NamedNode', value: subtype } as Term);
      records.push(i === 0 && !isEmpty(attributes) ? { ...record, ...attributes } : record);
    }
    const id = node.term.termType === 'BlankNode' ? this.blankId() : this.namer.name(node.term);
    this.add(spec.kind, id, records.length === 1 ? records[0]! : records);
  }

  private attribute(record: ProvJsonRecord, node: Node, property: string, objects: Term[]): void {
    if (!objects.length) return;
    const name = ATTRIBUTE_BY_PROPERTY.get(property) ?? this.namer.name({ termType: 'NamedNode', value: property } as Term);
    let values = objects.map((o) => this.value(o));
    // PROV-JSON has no base direction: `"x"@en--ltr` is written as `"x"@en`, once, however many directions it had.
    const directed = objects.filter((o) => o.termType === 'Literal' && (o as Term & { direction: string }).direction);
    if (directed.length) {
      const seen = new Set<string>();
      values = values.filter((v) => !seen.has(JSON.stringify(v)) && !!seen.add(JSON.stringify(v)));
      this.warnings.push(`${this.namer.name(node.term)} ${name}: the base direction of ${directed.map((o) => directedLiteralText(o)).join(', ')} has no place in PROV-JSON and was dropped`);
    }
    setValues(record, name, values);
  }

  private value(term: Term): ProvJsonValue {
    if (term.termType !== 'Literal') return { $: this.namer.name(term), type: 'prov:QUALIFIED_NAME' };
    const literal = term as Term & { language: string; datatype: { value: string } };
    if (literal.language) return { $: literal.value, type: 'prov:InternationalizedString', lang: literal.language };
    const datatype = literal.datatype.value;
    if (datatype === XSD_STRING) return literal.value;
    if (datatype === RDF_LANG_STRING) return literal.value;
    return { $: literal.value, type: this.namer.name({ termType: 'NamedNode', value: datatype } as Term) };
  }

  private blankId(): string {
    return `_:id${++this.blankCounter}`;
  }

  private add(kind: string, id: string, record: ProvJsonRecord | ProvJsonRecord[]): void {
    let section = this.sections.get(kind);
    if (!section) this.sections.set(kind, (section = new Map()));
    const existing = section.get(id);
    if (existing === undefined) {
      section.set(id, this.textIndent === undefined ? record : jsonText(record, this.textIndent));
      return;
    }
    // Two records under one id (rare): the text is read back to make the array.
    const before = typeof existing === 'string' ? JSON.parse(existing) as ProvJsonRecord | ProvJsonRecord[] : existing;
    const all = [...(Array.isArray(before) ? before : [before]), ...(Array.isArray(record) ? record : [record])];
    section.set(id, this.textIndent === undefined ? all : jsonText(all, this.textIndent));
  }
}

/**
 * `JSON.stringify(value, null, 2)` with every line after the first indented by `indent`, made in
 * one pass: stringifying a record and then indenting its text was a fifth of the conversion. The
 * pieces are joined once, into one flat string (`+=` would keep a tree of them per record).
 */
function jsonText(value: unknown, indent: string): string {
  const parts: string[] = [];
  appendJson(parts, value, indent);
  return parts.join('');
}

function appendJson(parts: string[], value: unknown, indent: string): void {
  if (typeof value !== 'object' || value === null) {
    parts.push(JSON.stringify(value));
    return;
  }
  const inner = `${indent}  `;
  const array = Array.isArray(value);
  const names = array ? undefined : Object.keys(value);
  const count = names ? names.length : (value as unknown[]).length;
  if (!count) {
    parts.push(array ? '[]' : '{}');
    return;
  }
  for (let i = 0; i < count; i++) {
    parts.push(i ? `,\n${inner}` : `${array ? '[' : '{'}\n${inner}`);
    if (names) parts.push(JSON.stringify(names[i]), ': ');
    appendJson(parts, names ? (value as Record<string, unknown>)[names[i]!] : (value as unknown[])[i], inner);
  }
  parts.push(`\n${indent}${array ? ']' : '}'}`);
}

function toRecord<T>(map: Map<string, T>): Record<string, T> {
  const record = emptyRecord<T>();
  for (const [id, value] of map) record[id] = value;
  return record;
}

/** A literal with a base direction as Turtle writes it (`"x"@en--ltr`), for messages. */
function directedLiteralText(literal: Term): string {
  const { value, language, direction } = literal as Term & { language: string; direction: string };
  return `${JSON.stringify(value)}@${language}--${direction}`;
}

function isDateTime(term: Term): boolean {
  return term.termType === 'Literal' && (term as Term & { datatype: { value: string } }).datatype.value === XSD_DATETIME;
}

/**
 * An object keyed by ids or attribute names, without a prototype: a node named `constructor` or
 * `__proto__` is an ordinary key, never Object.prototype's member.
 */
function emptyRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function isEmpty(record: ProvJsonRecord): boolean {
  for (const _ in record) return false;
  return true;
}

function setValues(record: ProvJsonRecord, name: string, values: ProvJsonValue[]): void {
  const existing = record[name];
  const all = existing === undefined ? values : [...(Array.isArray(existing) ? existing : [existing]), ...values];
  record[name] = all.length === 1 ? all[0]! : all;
}



/**
 * Writes `document` as `JSON.stringify(document, null, 2)` and a newline would, in chunks of about
 * a megabyte: the text of a large document is never one string beside the document.
 */
export function writeProvJson(document: ProvJsonContainer, sink: TextSink): void {
  writeDocument(document, sink, false);
}

/** Whether `key` is an array index (an object holds those first, ascending). */
function isIndex(key: string): boolean {
  const first = key.charCodeAt(0);
  return first >= 48 && first <= 57 && /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 2 ** 32 - 1;
}

function someIndex(keys: Iterable<string>): boolean {
  for (const key of keys) if (isIndex(key)) return true;
  return false;
}

/** Keys in the order an object holds them: array indices first, ascending, then the others as added. */
function inObjectKeyOrder(keys: string[]): string[] {
  const indices = keys.filter(isIndex);
  return [...indices.sort((a, b) => Number(a) - Number(b)), ...keys.filter((key) => !isIndex(key))];
}

/** `recordsAsText`: the records in the sections are their JSON text already, indented (ProvJsonBuilder.writeTo). */
function writeDocument(document: ProvJsonContainer, sink: TextSink, recordsAsText: boolean): void {
  const out = chunkedWriter(sink);
  const write = out.write;
  const writeJson = (value: unknown, indent: string) => {
    const text = JSON.stringify(value, null, 2);
    write(text.includes('\n') ? text.replaceAll('\n', `\n${indent}`) : text);
  };
  const writeText = (text: unknown) => write(text as string);
  const writeObject = (object: Record<string, unknown> | Map<string, unknown>, indent: string, writeValue: (value: unknown, indent: string, name: string) => void) => {
    // A Map's entries in an object's key order: as they are, unless some id reads as an array index.
    const entries = object instanceof Map
      ? (someIndex(object.keys()) ? inObjectKeyOrder([...object.keys()]).map((name) => [name, object.get(name)] as const) : object.entries())
      : Object.entries(object);
    const inner = `${indent}  `;
    let first = true;
    for (const [name, value] of entries) {
      write(`${first ? '{' : ','}\n${inner}${JSON.stringify(name)}: `);
      writeValue(value, inner, name);
      first = false;
    }
    write(first ? '{}' : `\n${indent}}`);
  };
  // A container is written section by section and a section record by record; a record is stringified whole.
  const writeContainer = (container: unknown, indent: string): void => writeObject(container as Record<string, unknown>, indent, (section, inner, name) => {
    if (name === 'bundle') writeObject(section as Record<string, unknown>, inner, writeContainer);
    else if (name === 'prefix') writeJson(section, inner);
    else writeObject(section as Map<string, unknown>, inner, recordsAsText ? writeText : writeJson);
  });
  writeContainer(document, '');
  write('\n');
  out.end();
}
