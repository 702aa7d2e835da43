/**
 * PROV-O quads -> PROV-JSON. The inverse of from-prov-json.ts: typed nodes become element
 * records, influence nodes become identified (or blank) relations, and unqualified shortcut
 * triples become blank relations unless a qualified node already states them.
 */
import type { Quad, Term } from 'n3';
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

interface Node {
  term: Term;
  properties: Map<string, Term[]>;
  /** `predicate object` of the statements already in `properties`: RDF is a set, the quads may not be. */
  seen: Set<string>;
}

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

function termId(term: Term): string {
  if (term.termType !== 'Literal') return key(term);
  const literal = term as Term & { language: string; datatype: { value: string } };
  return `"${literal.value}"@${literal.language}^^${literal.datatype.value}`;
}

function key(term: Term): string {
  return term.termType === 'BlankNode' ? `_:${term.value}` : term.value;
}

/** Groups quads by graph name ('' for the default graph). */
function byGraph(quads: Iterable<Quad>): Map<string, { name: Term | undefined; quads: Quad[] }> {
  const graphs = new Map<string, { name: Term | undefined; quads: Quad[] }>();
  for (const q of quads) {
    const id = q.graph.termType === 'DefaultGraph' ? '' : key(q.graph);
    let graph = graphs.get(id);
    if (!graph) graphs.set(id, (graph = { name: id ? q.graph : undefined, quads: [] }));
    graph.quads.push(q);
  }
  return graphs;
}

export function quadsToProvJson(quads: Iterable<Quad>, prefixes: Record<string, string> = {}): ToProvJsonResult {
  const warnings: string[] = [];
  const graphs = byGraph(quads);
  const namer = new QualifiedNamer(prefixes);
  const document = new ContainerBuilder(namer, warnings).build(graphs.get('')?.quads ?? []);
  const bundles: Record<string, ProvJsonContainer> = emptyRecord();
  for (const [id, graph] of graphs) {
    if (!id) continue;
    const bundleNamer = new QualifiedNamer(prefixes, namer);
    const bundle = new ContainerBuilder(bundleNamer, warnings).build(graph.quads);
    bundles[namer.name(graph.name!)] = withPrefixes(bundle, bundleNamer);
  }
  const result = withPrefixes(document, namer);
  if (Object.keys(bundles).length) result.bundle = bundles;
  return { document: result, warnings };
}

function withPrefixes(container: ProvJsonContainer, namer: QualifiedNamer): ProvJsonContainer {
  const used = namer.usedPrefixes();
  return Object.keys(used).length ? { prefix: used, ...container } : container;
}

class ContainerBuilder {
  private readonly sections = new Map<string, Record<string, ProvJsonRecord | ProvJsonRecord[]>>();
  private blankCounter = 0;

  constructor(private readonly namer: QualifiedNamer, private readonly warnings: string[]) {}

  build(quads: Quad[]): ProvJsonContainer {
    const nodes = new Map<string, Node>();
    for (const q of quads) {
      const id = key(q.subject);
      let node = nodes.get(id);
      if (!node) nodes.set(id, (node = { term: q.subject, properties: new Map(), seen: new Set() }));
      const statement = `${q.predicate.value} ${termId(q.object)}`;
      if (node.seen.has(statement)) continue;
      node.seen.add(statement);
      const values = node.properties.get(q.predicate.value);
      if (values) values.push(q.object);
      else node.properties.set(q.predicate.value, [q.object]);
    }

    // Which node each influence node qualifies: the subject of `?s prov:qualifiedX ?node`.
    const qualifiedBy = new Map<string, { subjects: Term[]; spec: RelationSpec }>();
    for (const node of nodes.values()) {
      for (const [property, objects] of node.properties) {
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
    for (const node of nodes.values()) {
      const types = node.properties.get(RDF_TYPE) ?? [];
      const link = qualifiedBy.get(key(node.term));
      const spec = link?.spec ?? types.map((t) => RELATION_BY_CLASS.get(t.value)).find((s) => s);
      if (!spec) continue;
      const subjects = link?.subjects ?? [];
      relationNodes.push([node, spec, subjects]);
      const objectProperty = spec.formal.find((f) => f.name === spec.object)!.property;
      for (const object of node.properties.get(objectProperty) ?? []) {
        for (const subject of subjects) stated.add(`${spec.kind} ${key(subject)} ${key(object)}`);
      }
    }
    const relationIds = new Set(relationNodes.map(([node]) => key(node.term)));

    for (const node of nodes.values()) {
      if (relationIds.has(key(node.term))) continue;
      this.subjectNode(node, stated);
    }
    for (const [node, spec, subjects] of relationNodes) this.relationNode(node, spec, subjects);

    const container: ProvJsonContainer = {};
    const order = [...ELEMENTS.map((e) => e.kind), ...RELATIONS.map((r) => r.kind)];
    for (const kind of order) {
      const records = this.sections.get(kind);
      if (records) container[kind] = records;
    }
    return container;
  }

  /** A node that is not an influence node: element records, shortcut relations, and its attributes. */
  private subjectNode(node: Node, stated: Set<string>): void {
    const types = node.properties.get(RDF_TYPE) ?? [];
    const kinds = [...new Set(types.map((t) => ELEMENT_BY_CLASS.get(t.value)).filter((e): e is ElementSpec => !!e))];
    const attributes: ProvJsonRecord = emptyRecord();
    const dropped: string[] = [];
    const mentions = node.properties.get(MENTION.property) ?? [];
    const bundles = node.properties.get(AS_IN_BUNDLE) ?? [];

    for (const [property, objects] of node.properties) {
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
      this.attribute(attributes, property, property === RDF_TYPE ? objects.filter((t) => !kinds.some((k) => k.class === t.value)) : objects);
    }
    if (dropped.length) {
      this.warnings.push(`${this.namer.name(node.term)} is not an entity, activity or agent; its ${[...new Set(dropped)].map((p) => this.namer.name({ termType: 'NamedNode', value: p } as Term)).join(', ')} statements have no place in PROV-JSON and were dropped`);
    }
    kinds.forEach((kind, index) => this.add(kind.kind, this.namer.name(node.term), index === 0 ? attributes : {}));
  }

  private relationNode(node: Node, spec: RelationSpec, subjects: Term[]): void {
    const byProperty = new Map(spec.formal.map((f) => [f.property, f]));
    const formalValues = new Map<string, string[]>();
    if (subjects.length) formalValues.set(spec.subject, subjects.map((s) => this.namer.name(s)));
    const attributes: ProvJsonRecord = emptyRecord();
    const subtype = (node.properties.get(RDF_TYPE) ?? []).map((t) => SUBTYPE_BY_IRI.get(t.value)).find((s) => s);
    for (const [property, objects] of node.properties) {
      const formal = byProperty.get(property);
      if (formal) {
        formalValues.set(formal.name, objects.map((o) => (formal.time ? o.value : this.namer.name(o))));
        continue;
      }
      const values = property === RDF_TYPE
        ? objects.filter((t) => t.value !== spec.qualified?.class || subtype !== undefined)
          .filter((t) => !(subtype && t.value === DERIVATION.qualified!.class))
        : objects;
      this.attribute(attributes, property, values);
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
      records.push(i === 0 ? { ...record, ...attributes } : record);
    }
    const id = node.term.termType === 'BlankNode' ? this.blankId() : this.namer.name(node.term);
    this.add(spec.kind, id, records.length === 1 ? records[0]! : records);
  }

  private attribute(record: ProvJsonRecord, property: string, objects: Term[]): void {
    if (!objects.length) return;
    const name = ATTRIBUTE_BY_PROPERTY.get(property) ?? this.namer.name({ termType: 'NamedNode', value: property } as Term);
    setValues(record, name, objects.map((o) => this.value(o)));
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
    if (!section) this.sections.set(kind, (section = emptyRecord()));
    const existing = section[id];
    if (existing === undefined) section[id] = record;
    else section[id] = [...(Array.isArray(existing) ? existing : [existing]), ...(Array.isArray(record) ? record : [record])];
  }
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

function setValues(record: ProvJsonRecord, name: string, values: ProvJsonValue[]): void {
  const existing = record[name];
  const all = existing === undefined ? values : [...(Array.isArray(existing) ? existing : [existing]), ...values];
  record[name] = all.length === 1 ? all[0]! : all;
}

