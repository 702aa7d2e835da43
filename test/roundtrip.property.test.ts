/**
 * Property-based round trips between PROV-JSON and PROV-O RDF, over random but valid PROV-JSON
 * documents: every element and relation kind, identified and blank relation ids, optional formal
 * attributes, every kind of attribute value, several records under one id, and bundles with
 * prefixes of their own.
 *
 *  (a) PROV-JSON -> RDF -> PROV-JSON says the same (equal provStatements);
 *  (b) RDF -> each RDF text format -> RDF is isomorphic;
 *  (c) PROV-JSON -> RDF -> PROV-JSON -> RDF is isomorphic to the first RDF.
 *
 * Deliberate limits of the mapping, which the properties account for:
 *  - An unidentified relation whose only attributes are its two formal ends becomes the plain
 *    PROV-O triple (`:a prov:used :e`) and comes back as a relation with a fresh blank id.
 *    provStatements ignores blank relation ids, so (a) holds; (c) holds because the fresh blank
 *    relation becomes the same plain triple.
 *  - Identified specializationOf/alternateOf/hadMember/mentionOf lose their id: PROV-O has no
 *    node for them, only a triple. provStatements treats them as anonymous already.
 *  - The generator (class Builder) avoids what the two notations cannot both say: bare
 *    floats (JSON.stringify cannot write `1.0`, and provStatements reads an integral bare number
 *    as xsd:int), bare integers beyond 32 bits (provStatements reads every bare integer as
 *    xsd:int, we write xsd:long), typed time values (prov:time is always xsd:dateTime in RDF),
 *    one id under two element kinds, attributes on relations PROV-O does not qualify, and several
 *    hadMember/mentionOf records for one collection/entity in one bundle (PROV-O cannot say
 *    which member or bundle belongs to which record).
 *  - Language tags are generated in lower case: n3 lower-cases them (`en-GB` becomes `en-gb`), as
 *    RDF 1.1 allows (tags are case-insensitive), while provStatements compares them exactly.
 *  - A blank relation that says no more than its two ends is left out where a qualified relation
 *    of the same kind between the same two ends states it already: the reader turns it into the
 *    shortcut triple, and the writer drops shortcut triples that a qualified node implies.
 *  - RDF graphs are sets: quads are compared without duplicates (several records under one id
 *    repeat `rdf:type`, and JSON-LD drops repeats).
 */
import fc from 'fast-check';
import type { Quad, Term } from 'n3';
import { isomorphic } from 'rdf-isomorphic';
import { describe, expect, it } from 'vitest';
import type { ProvDataset } from '../src/io/dataset.js';
import type { Format } from '../src/io/formats.js';
import { readProv } from '../src/io/read.js';
import { quadsFor, writeProv } from '../src/io/write.js';
import { provStatements } from './support/prov-statements.js';

type Json = Record<string, unknown>;

const NUM_RUNS = Number(process.env.REPROV_PROPERTY_RUNS ?? 200);

// ---------------------------------------------------------------------------------------------
// Plans: the shape of a document as plain data (indices rather than names), so that fast-check
// shrinks them well; Builder turns a plan into a PROV-JSON document.

type ElementKind = 'entity' | 'activity' | 'agent';
type RelationKind =
  | 'wasGeneratedBy' | 'used' | 'wasInformedBy' | 'wasStartedBy' | 'wasEndedBy' | 'wasInvalidatedBy'
  | 'wasDerivedFrom' | 'wasAttributedTo' | 'wasAssociatedWith' | 'actedOnBehalfOf' | 'wasInfluencedBy'
  | 'specializationOf' | 'alternateOf' | 'hadMember' | 'mentionOf';

const RELATION_KINDS: readonly RelationKind[] = [
  'wasGeneratedBy', 'used', 'wasInformedBy', 'wasStartedBy', 'wasEndedBy', 'wasInvalidatedBy',
  'wasDerivedFrom', 'wasAttributedTo', 'wasAssociatedWith', 'actedOnBehalfOf', 'wasInfluencedBy',
  'specializationOf', 'alternateOf', 'hadMember', 'mentionOf',
];

/** Subject and object attribute of each relation kind. */
const ENDS: Record<RelationKind, [string, string]> = {
  wasGeneratedBy: ['prov:entity', 'prov:activity'],
  used: ['prov:activity', 'prov:entity'],
  wasInformedBy: ['prov:informed', 'prov:informant'],
  wasStartedBy: ['prov:activity', 'prov:trigger'],
  wasEndedBy: ['prov:activity', 'prov:trigger'],
  wasInvalidatedBy: ['prov:entity', 'prov:activity'],
  wasDerivedFrom: ['prov:generatedEntity', 'prov:usedEntity'],
  wasAttributedTo: ['prov:entity', 'prov:agent'],
  wasAssociatedWith: ['prov:activity', 'prov:agent'],
  actedOnBehalfOf: ['prov:delegate', 'prov:responsible'],
  wasInfluencedBy: ['prov:influencee', 'prov:influencer'],
  specializationOf: ['prov:specificEntity', 'prov:generalEntity'],
  alternateOf: ['prov:alternate1', 'prov:alternate2'],
  hadMember: ['prov:collection', 'prov:entity'],
  mentionOf: ['prov:specificEntity', 'prov:generalEntity'],
};
/** PROV-O subclasses of each element class, written as a prov:type. */
const SUBCLASSES: Record<ElementKind, string[]> = {
  entity: ['prov:Plan', 'prov:Collection', 'prov:EmptyCollection', 'prov:Bundle'],
  activity: [],
  agent: ['prov:Person', 'prov:Organization', 'prov:SoftwareAgent'],
};
/** Relations PROV-O does not qualify: a triple, no node, no attributes. */
const UNQUALIFIED = new Set<RelationKind>(['specializationOf', 'alternateOf', 'hadMember', 'mentionOf']);
const TIMED = new Set<RelationKind>(['wasGeneratedBy', 'used', 'wasStartedBy', 'wasEndedBy', 'wasInvalidatedBy']);

type ValuePlan =
  | { t: 'string'; v: string }
  | { t: 'int'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'untyped'; v: string | number }
  | { t: 'typed'; type: string; v: string | number }
  | { t: 'customType'; ns: number; v: string }
  | { t: 'lang'; v: string; lang: string }
  | { t: 'qname'; ns: number; local: string; xsdQName: boolean };

interface AttributePlan {
  name: { generic: string } | { ns: number; local: string };
  values: ValuePlan[];
}

interface ElementPlan {
  kind: ElementKind;
  /** A PROV-O subclass as prov:type: prov:Person for an agent, prov:Plan for an entity, ... */
  subclass: number | null;
  ns: number;
  local: string;
  records: AttributePlan[][];
  startTime: string | null;
  endTime: string | null;
}

interface RelationRecordPlan {
  subject: number;
  object: number | null;
  members: number[];
  time: string | null;
  /** prov:starter/ender, prov:plan, prov:activity (derivation, delegation). */
  extra: number | null;
  generation: number | null;
  usage: number | null;
  subtype: string | null;
  bundle: number | null;
  attributes: AttributePlan[];
}

interface RelationPlan {
  kind: RelationKind;
  identified: boolean;
  ns: number;
  records: RelationRecordPlan[];
}

interface ContainerPlan {
  elements: ElementPlan[];
  undeclared: number;
  /** Refer to some undeclared things by full IRI (`http://...`, `urn:...`) rather than by qualified name. */
  fullIris: boolean;
  relations: RelationPlan[];
}

interface Namespace { prefix: string; iri: string }

interface BundlePlan {
  prefixes: Namespace[];
  defaultNs: string | null;
  ns: number;
  declareEntity: boolean;
  body: ContainerPlan;
}

interface DocumentPlan {
  prefixes: Namespace[];
  defaultNs: string | null;
  /** Also declare `prov` and `xsd`, as some writers do. */
  declarePredefined: boolean;
  body: ContainerPlan;
  bundles: BundlePlan[];
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const NAMESPACE_IRIS = [
  'http://example.org/', 'http://example.org/a/', 'http://example.org/ns#', 'https://example.com/path/to/',
  'http://example.net/vocab#', 'urn:example:', 'http://example.org/ns-', 'http://example.org/%C3%A9t%C3%A9/',
  'http://example.org/b/', 'http://example.edu/~user/', 'tag:example.org,2024:',
  // Not absolute IRIs (yProv4ML writes these): read as urn:reprov:ns:<value>: with a warning.
  'yProv4ML', 'my ns/',
];
const prefixName = fc.constantFrom('ex', 'ex2', 'foo', 'a_b', 'x-y', 'n1', 'ml', 'Ex', 'p.q', 'é');
const namespaces = (maxLength: number, minLength: number) => fc.uniqueArray(
  fc.record({ prefix: prefixName, iri: fc.constantFrom(...NAMESPACE_IRIS) }),
  { minLength, maxLength, selector: (n) => n.prefix },
).filter((ns) => new Set(ns.map((n) => n.iri)).size === ns.length);

/** Local parts of qualified names, some awkward for Turtle (leading digit, dots, dashes). */
const localName = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,4}$/) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,4}$/) },
  { weight: 1, arbitrary: fc.constantFrom('e1', 'a.b', 'x-1', '_u', '1st', 'end.', 'dash-', 'ünï', 'A_B.c', 'a:b', 'x%41', 'Original model', 'a<b>{c}') },
);

const TRICKY_STRINGS = [
  '', ' ', 'a"b', "it's", 'line1\nline2', 'cr\r\nlf', 'tab\tbed', 'back\\slash', '"""', "'''", '\\u0041',
  'émoji 🎉', '日本語', 'ends with space ', '@en', '^^xsd:int', '<http://example.org/>', '_:b1', 'ex:e1', '\u0007bell',
];
const text = fc.oneof(
  { weight: 2, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 2, arbitrary: fc.constantFrom(...TRICKY_STRINGS) },
);
const TIMES = ['2011-11-16T16:05:00', '2012-03-02T10:30:00.000Z', '2020-01-01T00:00:00+01:00', '1999-12-31T23:59:59.999-05:00', 'not a time'];
const time = fc.constantFrom(...TIMES);

const TYPED: [string, fc.Arbitrary<string | number>][] = [
  ['xsd:string', text],
  ['prov:InternationalizedString', text],
  ['xsd:int', fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.integer().map(String))],
  ['xsd:long', fc.constantFrom('12345678901', '-9223372036854775808')],
  ['xsd:integer', fc.constantFrom('0', '123456789012345678901234567890')],
  ['xsd:double', fc.constantFrom('1.0', '1.5E3', '-0.0', 'NaN', 'INF', '-INF', '3.141592653589793')],
  ['xsd:float', fc.constantFrom('0.5', '1e10')],
  ['xsd:decimal', fc.constantFrom('3.14', '-0.001', '10')],
  ['xsd:boolean', fc.constantFrom('true', 'false', '1', '0')],
  ['xsd:dateTime', time],
  ['xsd:date', fc.constantFrom('2020-01-01', '1970-12-31Z')],
  ['xsd:anyURI', fc.constantFrom('http://example.org/x', 'relative/path', 'urn:isbn:0451450523')],
  ['xsd:hexBinary', fc.constantFrom('CAFE', '00ff')],
  ['xsd:base64Binary', fc.constantFrom('AAEC', 'aGVsbG8=')],
];

const value: fc.Arbitrary<ValuePlan> = fc.oneof(
  { weight: 4, arbitrary: text.map((v) => ({ t: 'string' as const, v })) },
  { weight: 2, arbitrary: fc.integer().map((v) => ({ t: 'int' as const, v })) },
  { weight: 1, arbitrary: fc.boolean().map((v) => ({ t: 'bool' as const, v })) },
  { weight: 1, arbitrary: fc.oneof(text, fc.integer({ min: -99, max: 99 })).map((v) => ({ t: 'untyped' as const, v })) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(...TYPED).chain(([type, lexical]) => lexical.map((v) => ({ t: 'typed' as const, type, v }))),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('customType' as const), ns: fc.nat(), v: text }) },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('lang' as const), v: text, lang: fc.constantFrom('en', 'en-gb', 'de-ch', 'fr', 'zh-hant-tw', 'x-private') }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('qname' as const), ns: fc.nat(), local: localName, xsdQName: fc.constant(false) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('qname' as const), ns: fc.nat(), local: localName, xsdQName: fc.constant(true) }) },
);

const attributeName = fc.oneof(
  fc.constantFrom('prov:type', 'prov:label', 'prov:value', 'prov:location', 'prov:role').map((generic) => ({ generic })),
  fc.record({ ns: fc.nat(), local: fc.stringMatching(/^[a-z][A-Za-z0-9]{0,5}$/) }),
);
const attribute: fc.Arbitrary<AttributePlan> = fc.record({ name: attributeName, values: fc.array(value, { minLength: 1, maxLength: 3 }) });
const attributes = (maxLength: number) => fc.array(attribute, { maxLength });

const element: fc.Arbitrary<ElementPlan> = fc.record({
  kind: fc.constantFrom<ElementKind>('entity', 'activity', 'agent'),
  ns: fc.nat(),
  local: localName,
  subclass: fc.option(fc.nat(), { freq: 3 }),
  records: fc.array(attributes(3), { minLength: 1, maxLength: 2 }),
  startTime: fc.option(time),
  endTime: fc.option(time),
});

const relationRecord: fc.Arbitrary<RelationRecordPlan> = fc.record({
  subject: fc.nat(),
  object: fc.option(fc.nat(), { freq: 8 }),
  members: fc.uniqueArray(fc.nat({ max: 7 }), { minLength: 1, maxLength: 3 }),
  time: fc.option(time),
  extra: fc.option(fc.nat()),
  generation: fc.option(fc.nat(), { freq: 3 }),
  usage: fc.option(fc.nat(), { freq: 3 }),
  subtype: fc.option(fc.constantFrom('prov:Revision', 'prov:Quotation', 'prov:PrimarySource'), { freq: 2 }),
  bundle: fc.option(fc.nat()),
  attributes: attributes(2),
});

const relation: fc.Arbitrary<RelationPlan> = fc.record({
  kind: fc.constantFrom(...RELATION_KINDS),
  identified: fc.boolean(),
  ns: fc.nat(),
  records: fc.array(relationRecord, { minLength: 1, maxLength: 2 }),
});

const container = (maxElements: number, maxRelations: number): fc.Arbitrary<ContainerPlan> => fc.record({
  elements: fc.array(element, { maxLength: maxElements }),
  undeclared: fc.integer({ min: 1, max: 2 }),
  fullIris: fc.boolean(),
  relations: fc.array(relation, { maxLength: maxRelations }),
});

const documentPlan: fc.Arbitrary<DocumentPlan> = fc.record({
  prefixes: namespaces(3, 1),
  defaultNs: fc.option(fc.constantFrom(...NAMESPACE_IRIS), { freq: 2 }),
  declarePredefined: fc.boolean(),
  body: container(5, 8),
  bundles: fc.oneof(
    { weight: 3, arbitrary: fc.constant<BundlePlan[]>([]) },
    {
      weight: 2,
      arbitrary: fc.array(fc.record({
        prefixes: namespaces(2, 0),
        defaultNs: fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...NAMESPACE_IRIS) }),
        ns: fc.nat(),
        declareEntity: fc.boolean(),
        body: container(3, 5),
      }), { minLength: 1, maxLength: 2 }),
    },
  ),
});

// ---------------------------------------------------------------------------------------------
// Plan -> PROV-JSON

/** The names a container can write qualified names with: its prefixes, and '' for the default namespace. */
class Names {
  constructor(readonly prefixes: string[], private readonly namespaceOf: Map<string, string>) {}

  /** A prefix that is not the default namespace, or undefined when there is none. */
  prefixed(ns: number): string | undefined {
    const named = this.prefixes.filter((p) => p !== '');
    return named.length ? named[ns % named.length] : undefined;
  }

  qualify(ns: number, local: string): string {
    const prefix = this.prefixes[ns % this.prefixes.length]!;
    // In the default namespace, `a:b` would read as prefix `a`.
    if (prefix === '' && local.includes(':')) return `${this.prefixed(ns)}:${local}`;
    return prefix === '' ? local : `${prefix}:${local}`;
  }

  /** The IRI a qualified name resolves to (for telling identifiers apart). */
  iri(name: string): string {
    const colon = name.indexOf(':');
    if (colon === -1) return this.namespaceOf.get('')! + name;
    const namespace = this.namespaceOf.get(name.slice(0, colon));
    return namespace === undefined ? name : namespace + name.slice(colon + 1);
  }

  child(prefixes: Namespace[], defaultNs: string | null): Names {
    const namespaceOf = new Map(this.namespaceOf);
    for (const { prefix, iri } of prefixes) namespaceOf.set(prefix, iri);
    if (defaultNs !== null) namespaceOf.set('', defaultNs);
    return new Names([...namespaceOf.keys()].filter((p) => !['prov', 'xsd', 'rdf', 'rdfs'].includes(p)), namespaceOf);
  }

  static root(prefixes: Namespace[], defaultNs: string | null): Names {
    return new Names([], new Map([
      ['prov', 'http://www.w3.org/ns/prov#'], ['xsd', 'http://www.w3.org/2001/XMLSchema#'],
      ['rdf', 'http://www.w3.org/1999/02/22-rdf-syntax-ns#'], ['rdfs', 'http://www.w3.org/2000/01/rdf-schema#'],
    ])).child(prefixes, defaultNs);
  }
}

function prefixObject(prefixes: Namespace[], defaultNs: string | null): Record<string, string> {
  const object: Record<string, string> = Object.fromEntries(prefixes.map((n) => [n.prefix, n.iri]));
  if (defaultNs !== null) object.default = defaultNs;
  return object;
}

class Builder {
  private blank = 0;
  private identifiers = 0;

  document(plan: DocumentPlan): Json {
    const names = Names.root(plan.prefixes, plan.defaultNs);
    const doc: Json = { prefix: prefixObject(plan.prefixes, plan.defaultNs) };
    if (plan.declarePredefined) Object.assign(doc.prefix as Json, { prov: 'http://www.w3.org/ns/prov#', xsd: 'http://www.w3.org/2001/XMLSchema#' });
    const bundleIds = plan.bundles.map((b, i) => `${names.prefixed(b.ns)}:bundle${i + 1}`);
    const bundleEntities = plan.bundles.flatMap((b, i) => (b.declareEntity ? [bundleIds[i]!] : []));
    this.container(doc, plan.body, names, bundleIds, bundleEntities);
    if (plan.bundles.length) {
      const bundles: Json = {};
      plan.bundles.forEach((bundle, i) => {
        const body: Json = {};
        if (bundle.prefixes.length || bundle.defaultNs !== null) body.prefix = prefixObject(bundle.prefixes, bundle.defaultNs);
        this.container(body, bundle.body, names.child(bundle.prefixes, bundle.defaultNs), bundleIds, []);
        bundles[bundleIds[i]!] = body;
      });
      doc.bundle = bundles;
    }
    return doc;
  }

  private container(out: Json, plan: ContainerPlan, names: Names, bundleIds: string[], bundleEntities: string[]): void {
    const taken = new Set<string>();
    const fresh = (ns: number, local: string): string => {
      let name = names.qualify(ns, local);
      while (taken.has(names.iri(name))) name = names.qualify(ns, `${local}_${++this.identifiers}`);
      taken.add(names.iri(name));
      return name;
    };
    for (const id of bundleEntities) taken.add(names.iri(id));
    const add = (kind: string, id: string, body: Json | Json[]) => {
      const section = (out[kind] ??= {}) as Json;
      section[id] = body;
    };

    // Elements: one kind per id.
    const elementIds: string[] = [];
    for (const e of plan.elements) {
      const id = fresh(e.ns, e.local);
      elementIds.push(id);
      const records = e.records.map((r) => this.attributes(r, names));
      const subclasses = SUBCLASSES[e.kind];
      if (e.subclass !== null && subclasses.length) {
        const subclass = { $: subclasses[e.subclass % subclasses.length]!, type: 'prov:QUALIFIED_NAME' };
        const type = records[0]!['prov:type'];
        records[0]!['prov:type'] = type === undefined ? subclass : [...(Array.isArray(type) ? type : [type]), subclass];
      }
      if (e.kind === 'activity') {
        if (e.startTime !== null) records[0]!['prov:startTime'] = e.startTime;
        if (e.endTime !== null) records[0]!['prov:endTime'] = e.endTime;
      }
      add(e.kind, id, records.length === 1 ? records[0]! : records);
    }
    for (const id of bundleEntities) add('entity', id, { 'prov:type': { $: 'prov:Bundle', type: 'prov:QUALIFIED_NAME' } });
    const pool = [...elementIds];
    for (let i = 0; i < plan.undeclared; i++) pool.push(fresh(i, `undeclared${i + 1}`));
    if (plan.fullIris) pool.push(`http://example.org/full/iri${++this.identifiers}`, `urn:uuid:0000-${++this.identifiers}`);
    const ref = (n: number) => pool[n % pool.length]!;

    // Relation ids first, so that derivations can name generations and usages.
    const relationIds = plan.relations.map((r) => (r.identified ? fresh(r.ns, 'rel') : `_:b${++this.blank}`));
    const identifiedOf = (kind: RelationKind) => plan.relations.flatMap((r, i) => (r.kind === kind && r.identified ? [relationIds[i]!] : []));
    const generations = identifiedOf('wasGeneratedBy');
    const usages = identifiedOf('used');
    const generationRef = (n: number) => (generations.length ? generations[n % generations.length]! : fresh(n, 'generation'));
    const usageRef = (n: number) => (usages.length ? usages[n % usages.length]! : fresh(n, 'usage'));

    // One hadMember / mentionOf per collection / entity (see the header).
    const collections = new Set<string>();
    const mentioning = new Set<string>();

    const built: { kind: RelationKind; id: string; records: Json[] }[] = [];
    plan.relations.forEach((r, index) => {
      const [subjectName, objectName] = ENDS[r.kind];
      const records: Json[] = [];
      for (const p of r.records) {
        const record: Json = { [subjectName]: ref(p.subject) };
        if (r.kind === 'hadMember') {
          if (collections.has(ref(p.subject))) continue;
          collections.add(ref(p.subject));
          const members = [...new Set(p.members.map(ref))];
          record[objectName] = members.length === 1 ? members[0]! : members;
          records.push(record);
          continue;
        }
        if (r.kind === 'mentionOf') {
          if (mentioning.has(ref(p.subject))) continue;
          mentioning.add(ref(p.subject));
        }
        // Unqualified relations need their object; the others may leave it out.
        const object = UNQUALIFIED.has(r.kind) ? (p.object ?? p.subject + 1) : p.object;
        if (object !== null) record[objectName] = ref(object);
        if (UNQUALIFIED.has(r.kind)) {
          if (r.kind === 'mentionOf' && p.bundle !== null && bundleIds.length) record['prov:bundle'] = bundleIds[p.bundle % bundleIds.length]!;
          records.push(record);
          continue;
        }
        if (TIMED.has(r.kind) && p.time !== null) record['prov:time'] = p.time;
        if (p.extra !== null) {
          const extraName = { wasStartedBy: 'prov:starter', wasEndedBy: 'prov:ender', wasAssociatedWith: 'prov:plan', wasDerivedFrom: 'prov:activity', actedOnBehalfOf: 'prov:activity' }[r.kind as string];
          if (extraName) record[extraName] = ref(p.extra);
        }
        Object.assign(record, this.attributes(p.attributes, names));
        if (r.kind === 'wasDerivedFrom') {
          if (p.generation !== null) record['prov:generation'] = generationRef(p.generation);
          if (p.usage !== null) record['prov:usage'] = usageRef(p.usage);
          // One relation has one class: every record under an id takes the first record's subtype
          // (records mixing Derivation and Revision under one id say two incompatible things).
          const relationSubtype = r.records[0]!.subtype;
          if (relationSubtype !== null) {
            const subtype = { $: relationSubtype, type: 'prov:QUALIFIED_NAME' };
            const type = record['prov:type'];
            record['prov:type'] = type === undefined ? subtype : [...(Array.isArray(type) ? type : [type]), subtype];
          }
        }
        records.push(record);
      }
      built.push({ kind: r.kind, id: relationIds[index]!, records });
    });

    // A blank relation that says no more than its two ends is the shortcut triple, which a
    // qualified relation between the same two ends already states: leave it out (see the header).
    // The records under one identifier are one relation: it relates each of their subjects to
    // each of their objects.
    const isShortcut = (kind: RelationKind, id: string, record: Json) =>
      !UNQUALIFIED.has(kind) && id.startsWith('_:') && typeof record[ENDS[kind][1]] === 'string' &&
      Object.keys(record).every((k) => ENDS[kind].includes(k));
    const ends = (kind: RelationKind, records: Json[], end: 0 | 1) =>
      records.map((record) => record[ENDS[kind][end]]).filter((v): v is string => typeof v === 'string').map((v) => names.iri(v));
    const key = (kind: RelationKind, record: Json) => `${kind} ${ends(kind, [record], 0)[0]} ${ends(kind, [record], 1)[0]}`;
    const stated = new Set<string>();
    for (const { kind, id, records } of built) {
      if (UNQUALIFIED.has(kind)) continue;
      const qualified = records.filter((record) => !isShortcut(kind, id, record));
      for (const group of id.startsWith('_:') ? qualified.map((r) => [r]) : [qualified]) {
        for (const subject of ends(kind, group, 0)) for (const object of ends(kind, group, 1)) stated.add(`${kind} ${subject} ${object}`);
      }
    }
    for (const { kind, id, records } of built) {
      const kept = records.filter((record) => !(isShortcut(kind, id, record) && stated.has(key(kind, record))));
      if (kept.length) add(kind, id, kept.length === 1 ? kept[0]! : kept);
    }
  }

  private attributes(plans: AttributePlan[], names: Names): Json {
    const record: Json = {};
    for (const plan of plans) {
      const name = 'generic' in plan.name ? plan.name.generic : names.qualify(plan.name.ns, plan.name.local);
      const values = plan.values.map((v) => this.value(v, names));
      record[name] = values.length === 1 ? values[0] : values;
    }
    return record;
  }

  private value(plan: ValuePlan, names: Names): unknown {
    switch (plan.t) {
      case 'string': case 'int': case 'bool': return plan.v;
      case 'untyped': return { $: plan.v };
      case 'typed': return { $: plan.v, type: plan.type };
      case 'customType': return { $: plan.v, type: `${names.prefixed(plan.ns)}:dt` };
      case 'lang': return { $: plan.v, lang: plan.lang };
      case 'qname': return { $: names.qualify(plan.ns, plan.local), type: plan.xsdQName ? 'xsd:QName' : 'prov:QUALIFIED_NAME' };
    }
  }
}

const provJsonDocument: fc.Arbitrary<Json> = documentPlan.map((plan) => new Builder().document(plan));

// ---------------------------------------------------------------------------------------------
// Helpers

function termKey(term: Term): string {
  if (term.termType === 'Literal') {
    const literal = term as Term & { language: string; datatype: Term };
    return `${JSON.stringify(literal.value)}@${literal.language}^^<${literal.datatype.value}>`;
  }
  if (term.termType === 'BlankNode') return `_:${term.value}`;
  return term.termType === 'DefaultGraph' ? '' : `<${term.value}>`;
}

function quadKey(q: Quad): string {
  return [q.subject, q.predicate, q.object, q.graph].map(termKey).join(' ');
}

/** The quads as a set: RDF graphs hold no duplicates. */
function distinct(quads: Quad[]): Quad[] {
  const seen = new Map<string, Quad>();
  for (const q of quads) if (!seen.has(quadKey(q))) seen.set(quadKey(q), q);
  return [...seen.values()];
}

/** Asserts isomorphism; on failure shows the quads without blank nodes that differ. */
function expectIsomorphic(actual: Quad[], expected: Quad[], what: string): void {
  const a = distinct(actual);
  const b = distinct(expected);
  if (isomorphic(a, b)) return;
  const keys = (qs: Quad[]) => new Set(qs.map(quadKey));
  const [ka, kb] = [keys(a), keys(b)];
  const ground = (k: string) => !k.includes('_:');
  expect({
    what,
    counts: [a.length, b.length],
    missing: [...kb].filter((k) => !ka.has(k) && ground(k)),
    extra: [...ka].filter((k) => !kb.has(k) && ground(k)),
    blankMissing: [...kb].filter((k) => !ground(k)).length,
    blankExtra: [...ka].filter((k) => !ground(k)).length,
  }).toEqual({ what, isomorphic: true });
}

const read = (text: string, format: Format): Promise<ProvDataset> => readProv(text, { format });

const hasBundles = (doc: Json) => doc.bundle !== undefined;

const RDF_FORMATS: readonly Format[] = ['turtle', 'ntriples', 'nquads', 'trig', 'jsonld'];

/** Documents that broke a round trip once (shrunk counterexamples), tried before the random ones. */
const EXAMPLES = {
  /** JSON-LD has no empty term: the default namespace must not become `"": "..."` in the context. */
  defaultNamespaceInJsonLd: { prefix: { default: 'http://example.org/' }, entity: { e1: {} } },
  /** Every record under one derivation id must keep its subtype (prov:Revision), or it is read back as a plain Derivation. */
  revisionInTwoRecords: {
    prefix: { ex: 'http://example.org/' },
    wasDerivedFrom: {
      'ex:d': [
        { 'prov:generatedEntity': 'ex:e2', 'prov:usedEntity': 'ex:e1', 'prov:type': { $: 'prov:Revision', type: 'prov:QUALIFIED_NAME' } },
        { 'prov:generatedEntity': 'ex:e3', 'prov:usedEntity': 'ex:e1', 'prov:type': { $: 'prov:Revision', type: 'prov:QUALIFIED_NAME' } },
      ],
    },
  },
  /**
   * In a bundle, a name in the default namespace with a colon in its local part needs a prefix of
   * its own, which must not be the one the document's writer gives another namespace.
   */
  defaultNamespaceAliasInBundle: {
    prefix: { default: 'http://example.org/' },
    bundle: { bundle1: { entity: { 'http://example.org/a:b': {}, 'http://other.example/x': {} } } },
  },
  /** A relative namespace the writer does not know, with a colon in the local part. */
  relativeNamespaceWithColon: {
    prefix: { ex: 'http://example.org/' },
    bundle: { 'ex:b1': { prefix: { ex: 'yProv4ML' }, entity: { 'ex:a:b': {} } } },
  },
} satisfies Record<string, Json>;
const examples = (...docs: Json[]): [Json][] => docs.map((doc) => [doc]);

// ---------------------------------------------------------------------------------------------

describe('PROV-JSON <-> RDF round trips on random documents', () => {
  it('the generator makes valid documents: readProv reads them with no warning but for relative namespaces', async () => {
    await fc.assert(fc.asyncProperty(provJsonDocument, async (doc) => {
      const dataset = await read(JSON.stringify(doc), 'provjson');
      expect(dataset.warnings.filter((w) => !/is not an absolute IRI/.test(w.message))).toEqual([]);
    }), { numRuns: 50 });
  });

  it('(a) PROV-JSON -> RDF -> PROV-JSON says the same', async () => {
    await fc.assert(fc.asyncProperty(provJsonDocument, async (doc) => {
      const dataset = await read(JSON.stringify(doc), 'provjson');
      const back = JSON.parse(await writeProv(dataset, 'provjson')) as Json;
      expect(provStatements(back)).toEqual(provStatements(doc));
    }), { numRuns: NUM_RUNS, examples: examples(...Object.values(EXAMPLES)) });
  });

  it.each(RDF_FORMATS)('(b) RDF -> %s -> RDF is isomorphic', async (format) => {
    await fc.assert(fc.asyncProperty(provJsonDocument, async (doc) => {
      const dataset = await read(JSON.stringify(doc), 'provjson');
      // Turtle and N-Triples hold one graph: with bundles, compare the merged graph.
      const mergeBundles = hasBundles(doc) && (format === 'turtle' || format === 'ntriples');
      const expected = quadsFor(format, dataset.quads, { mergeBundles });
      const text = await writeProv(dataset, format, { mergeBundles });
      const again = await read(text, format);
      expectIsomorphic(again.quads, expected, `${format}:\n${text}`);
    }), { numRuns: NUM_RUNS, examples: examples(...Object.values(EXAMPLES)) });
  });

  it('(c) PROV-JSON -> RDF -> PROV-JSON -> RDF is isomorphic to the first RDF', async () => {
    await fc.assert(fc.asyncProperty(provJsonDocument, async (doc) => {
      const dataset = await read(JSON.stringify(doc), 'provjson');
      const json = await writeProv(dataset, 'provjson');
      const again = await read(json, 'provjson');
      expectIsomorphic(again.quads, dataset.quads, json);
    }), { numRuns: NUM_RUNS, examples: examples(...Object.values(EXAMPLES)) });
  });
});
