/**
 * PROV-JSON (W3C member submission, 2013) -> PROV-O quads. Quads are handed to a sink as they
 * are made so that a converter can stream them to a writer without holding the graph.
 * The mapping is documented in docs/mapping.md.
 */
import { DataFactory, type BlankNode, type Literal, type NamedNode, type Quad, type Quad_Graph } from 'n3';
import { Diagnostics, jsonPointer } from '../base/diagnostics.js';
import { RDF_TYPE, RELATIVE_NAMESPACE_BASE } from './namespaces.js';
import { NamespaceScope, isAbsoluteIri, resolveRelativeNamespace } from './namespace-scope.js';
import { describe, isText, lookup, own, valueToTerm } from './json-values.js';
import {
  DERIVATION_SUBTYPES, ELEMENT_BY_KIND, GENERIC_ATTRIBUTES, RELATION_BY_KIND,
  type ElementSpec, type RelationSpec,
} from './relations.js';

const { namedNode, blankNode, quad, defaultGraph } = DataFactory;
const RDF_TYPE_NODE = namedNode(RDF_TYPE);

export interface FromProvJsonOptions {
  /** Also write the unqualified shortcut (`:a prov:used :e`) beside each qualified relation. */
  shortcuts?: boolean;
  /** Base for namespaces that are not absolute IRIs (default: `urn:reprov:ns:<value>:`). */
  namespaceBase?: string;
}

export type QuadSink = (quad: Quad) => void;

/** A quad in parts: a writer takes these without a Quad object made only to be taken apart. */
export type StatementSink = (subject: NamedNode | BlankNode, predicate: NamedNode, object: NamedNode | BlankNode | Literal, graph: Quad_Graph) => void;

/** Attribute names whose property is kept, per scope (ProvJsonRecords' attributeNode). */
const ATTRIBUTE_NAMES_KEPT = 4096;

const TOP_LEVEL_KEYS = new Set(['prefix', 'bundle', ...ELEMENT_BY_KIND.keys(), ...RELATION_BY_KIND.keys()]);

/**
 * The prefixes a document declares (document level first, then bundles), resolved to absolute
 * IRIs, for writers that abbreviate. Later duplicates of a prefix with another IRI are dropped.
 */
export function declaredPrefixes(doc: unknown, namespaceBase = RELATIVE_NAMESPACE_BASE): Record<string, string> {
  // No prototype: a prefix named `__proto__` or `constructor` is a key like any other.
  const prefixes: Record<string, string> = Object.create(null);
  const add = (container: unknown) => addDeclaredPrefixes(prefixes, isObject(container) ? own(container, 'prefix') : undefined, namespaceBase);
  add(doc);
  const bundles = isObject(doc) ? own(doc, 'bundle') : undefined;
  if (isObject(bundles)) for (const bundle of Object.values(bundles)) add(bundle);
  return prefixes;
}

/** Adds the prefixes of one "prefix" object to `prefixes` (see {@link declaredPrefixes}); returns those added. */
export function addDeclaredPrefixes(prefixes: Record<string, string>, declared: unknown, namespaceBase = RELATIVE_NAMESPACE_BASE): Record<string, string> {
  const added: Record<string, string> = Object.create(null);
  if (!isObject(declared)) return added;
  for (const [prefix, iri] of Object.entries(declared)) {
    // The default namespace is written as the empty prefix (`:e1` in Turtle).
    const name = prefix === 'default' ? '' : prefix;
    // Only names Turtle can write as a prefix (PN_PREFIX); others are written as full IRIs.
    if (!isText(iri) || Object.hasOwn(prefixes, name) || (name && !/^[A-Za-z][\w.-]*$/.test(name)) || name.endsWith('.')) continue;
    prefixes[name] = added[name] = isAbsoluteIri(iri) ? iri : resolveRelativeNamespace(iri, namespaceBase);
  }
  return added;
}

/** Converts a parsed PROV-JSON document, handing each quad to `emit`. */
export function provJsonToQuads(
  doc: unknown,
  emit: QuadSink,
  diagnostics: Diagnostics,
  options: FromProvJsonOptions = {},
): void {
  provJsonToStatements(doc, (s, p, o, g) => emit(quad(s, p, o, g)), diagnostics, options);
}

/** {@link provJsonToQuads}, each quad handed over in parts. */
export function provJsonToStatements(doc: unknown, emit: StatementSink, diagnostics: Diagnostics, options: FromProvJsonOptions = {}): void {
  if (!isObject(doc)) {
    diagnostics.error('', `a PROV-JSON document must be a JSON object, found ${describe(doc)}`);
    return;
  }
  const converter = new ProvJsonRecords(emit, diagnostics, options);
  const scope = converter.scope(own(doc, 'prefix'), [], undefined);
  converter.container(doc, [], scope, defaultGraph(), true);
}

/** A section's kind: what its records are. */
export type SectionSpec = { element: ElementSpec } | { relation: RelationSpec };

/**
 * The record-by-record conversion, shared by the whole-document reader ({@link provJsonToQuads})
 * and the streaming one (io/prov-json-stream.ts), which hands it one record at a time.
 */
export class ProvJsonRecords {
  private readonly nodes = new Map<string, NamedNode>();
  // Weak: a streamed document of many bundles does not keep every bundle's scope.
  private readonly attributeNodes = new WeakMap<NamespaceScope, Map<string, NamedNode | string>>();

  constructor(
    private readonly emit: StatementSink,
    private readonly diagnostics: Diagnostics,
    private readonly options: FromProvJsonOptions,
  ) {}

  /** The scope of a document or bundle whose "prefix" member is `declared` (undefined: none). */
  scope(declared: unknown, path: string[], parent: NamespaceScope | undefined): NamespaceScope {
    const scope = new NamespaceScope(parent);
    if (declared === undefined) return scope;
    if (!isObject(declared)) {
      this.diagnostics.error(jsonPointer(...path, 'prefix'), `"prefix" must be an object, found ${describe(declared)}`);
      return scope;
    }
    for (const [prefix, iri] of Object.entries(declared)) {
      const at = jsonPointer(...path, 'prefix', prefix);
      if (!isText(iri)) {
        this.diagnostics.error(at, `a namespace must be a string, found ${describe(iri)}`);
        continue;
      }
      if (isAbsoluteIri(iri)) {
        scope.declare(prefix, iri);
        continue;
      }
      const resolved = resolveRelativeNamespace(iri, this.options.namespaceBase);
      this.diagnostics.warn(at, `namespace '${iri}' is not an absolute IRI; resolved to <${resolved}>`);
      scope.declare(prefix, resolved);
    }
    return scope;
  }

  container(
    container: Record<string, unknown>, path: string[], scope: NamespaceScope, graph: Quad_Graph, isDocument: boolean,
  ): void {
    for (const [key, records] of Object.entries(container)) {
      if (key === 'prefix') continue;
      const at = [...path, key];
      if (key === 'bundle' && isDocument) {
        this.bundles(records, at, scope);
        continue;
      }
      const spec = this.section(key, at);
      if (!spec) continue;
      if (!isObject(records)) {
        this.diagnostics.error(jsonPointer(...at), `"${key}" must be an object keyed by identifier, found ${describe(records)}`);
        continue;
      }
      // Not Object.entries: a section of thousands of records would first become as many [id, body] arrays.
      const ids = Object.keys(records);
      for (let i = 0; i < ids.length; i++) this.record(spec, ids[i]!, records[ids[i]!], at, scope, graph);
    }
  }

  /** What the records of section `key` are (undefined, reported, for a key that is no section). */
  section(key: string, at: string[]): SectionSpec | undefined {
    const spec = this.sectionSpec(key);
    if (spec) return spec;
    const problem = key === 'bundle' ? 'bundles cannot be nested' : `unknown key '${key}'; expected one of ${[...TOP_LEVEL_KEYS].join(', ')}`;
    this.diagnostics.error(jsonPointer(...at), problem);
    return undefined;
  }

  /** What the records of section `key` are; undefined when `key` is no section. */
  sectionSpec(key: string): SectionSpec | undefined {
    const element = ELEMENT_BY_KIND.get(key);
    if (element) return { element };
    const relation = RELATION_BY_KIND.get(key);
    return relation ? { relation } : undefined;
  }

  /** Converts the record(s) under `id` in the section at `at`. */
  record(spec: SectionSpec, id: string, body: unknown, at: string[], scope: NamespaceScope, graph: Quad_Graph): void {
    // Several records under one id are written as an array of attribute objects.
    if (!Array.isArray(body)) return this.oneRecord(spec, id, body, [...at, id], scope, graph);
    for (let index = 0; index < body.length; index++) this.oneRecord(spec, id, body[index], [...at, id, String(index)], scope, graph);
  }

  private oneRecord(spec: SectionSpec, id: string, body: unknown, path: string[], scope: NamespaceScope, graph: Quad_Graph): void {
    if (!isObject(body)) {
      this.diagnostics.error(jsonPointer(...path), `a record must be an object of attributes, found ${describe(body)}`);
      return;
    }
    if ('element' in spec) this.element(spec.element, id, body, path, scope, graph);
    else this.relation(spec.relation, id, body, path, scope, graph);
  }

  /** The graph of bundle `id` (undefined, reported, when its identifier cannot be read). */
  bundleGraph(id: string, at: string[], scope: NamespaceScope): NamedNode | BlankNode | undefined {
    return this.identifier(id, scope, at);
  }

  private bundles(bundles: unknown, path: string[], parent: NamespaceScope): void {
    if (!isObject(bundles)) {
      this.diagnostics.error(jsonPointer(...path), `"bundle" must be an object keyed by bundle identifier, found ${describe(bundles)}`);
      return;
    }
    for (const [id, bundle] of Object.entries(bundles)) {
      const at = [...path, id];
      if (!isObject(bundle)) {
        this.diagnostics.error(jsonPointer(...at), `a bundle must be an object, found ${describe(bundle)}`);
        continue;
      }
      // The bundle's identifier is read with the bundle's own prefixes, as ProvToolbox does.
      const scope = this.scope(own(bundle, 'prefix'), at, parent);
      const name = this.bundleGraph(id, at, scope);
      if (name) this.container(bundle, at, scope, name, false);
    }
  }

  private element(spec: ElementSpec, id: string, body: Record<string, unknown>, path: string[], scope: NamespaceScope, graph: Quad_Graph): void {
    const subject = this.identifier(id, scope, path);
    if (!subject) return;
    this.emit(subject, RDF_TYPE_NODE, this.node(spec.class), graph);
    for (const name of Object.keys(body)) {
      const property = lookup(spec.formal, name);
      if (property) this.values(subject, this.node(property), body[name], path, name, scope, graph, true);
      else this.attribute(subject, name, body[name], path, scope, graph);
    }
  }

  private relation(spec: RelationSpec, id: string, body: Record<string, unknown>, path: string[], scope: NamespaceScope, graph: Quad_Graph): void {
    const identified = !id.startsWith('_:');
    const subject = this.reference(body, spec.subject, path, scope);
    if (subject === null) return;
    const objects = this.references(body, spec.object, path, scope, spec.multipleObjects);
    if (objects === null) return;
    const names = Object.keys(body);

    // Relations PROV-O does not qualify are plain triples whatever their identifier.
    if (!spec.qualified) {
      if (!subject) return;
      for (const object of objects) this.emit(subject, this.node(spec.property), object, graph);
      for (const formal of spec.formal.slice(1)) {
        const value = own(body, formal.name);
        if (value !== undefined) this.values(subject, this.node(formal.property), value, path, formal.name, scope, graph, false, true);
      }
      const extra = names.filter((k) => isPresent(body[k]) && !spec.formal.some((f) => f.name === k) && k !== spec.subject);
      if (extra.length) this.diagnostics.warn(jsonPointer(...path), `PROV-O has no place for the attributes of ${spec.kind} (${extra.join(', ')}); they are dropped`);
      return;
    }

    // An unidentified relation that says no more than its two ends is just the shortcut triple.
    if (!identified && subject && objects.length === 1 && names.every((k) => k === spec.subject || k === spec.object || !isPresent(body[k]))) {
      this.emit(subject, this.node(spec.property), objects[0]!, graph);
      return;
    }

    const node = identified ? this.identifier(id, scope, path) : blankNode();
    if (!node) return;
    const subtype = spec.kind === 'wasDerivedFrom' ? derivationSubtype(own(body, 'prov:type'), scope) : undefined;
    const cls = subtype ?? spec.qualified.class;
    this.emit(node, RDF_TYPE_NODE, this.node(cls), graph);
    for (const name of names) {
      const value = body[name];
      if (name === spec.subject || value === null) continue;
      const formal = spec.formal.find((f) => f.name === name);
      if (formal) {
        this.values(node, this.node(formal.property), value, path, name, scope, graph, !!formal.time, !formal.time);
      } else if (subtype && name === 'prov:type') {
        // The subtype is already the node's class; other types stay.
        const others = (Array.isArray(value) ? value : [value]).filter((v) => derivationSubtype(v, scope) !== subtype);
        if (others.length) this.attribute(node, name, others, path, scope, graph);
      } else {
        this.attribute(node, name, value, path, scope, graph);
      }
    }
    // The link from the subject comes last so that writers can group the node's own triples.
    if (subject) {
      const link = subtype ? lookup(DERIVATION_SUBTYPES, subtype)!.qualified : spec.qualified.property;
      this.emit(subject, this.node(link), node, graph);
      if (this.options.shortcuts && objects.length === 1) {
        const shortcut = subtype ? lookup(DERIVATION_SUBTYPES, subtype)!.property : spec.property;
        this.emit(subject, this.node(shortcut), objects[0]!, graph);
      }
    }
  }

  /** A generic or user-defined attribute `name` of the record at `path`: `prov:type`, `prov:label`, `ex:tag`, ... */
  private attribute(subject: NamedNode | BlankNode, name: string, value: unknown, path: string[], scope: NamespaceScope, graph: Quad_Graph): void {
    const predicate = this.attributeNode(name, scope);
    if (typeof predicate === 'string') {
      this.diagnostics.error(jsonPointer(...path, name), predicate);
      return;
    }
    this.values(subject, predicate, value, path, name, scope, graph, false);
  }

  /**
   * Emits one triple per value of attribute `name` of the record at `path` (arrays hold several).
   * References are resolved as qualified names. The JSON pointer is only built for an error.
   */
  private values(
    subject: NamedNode | BlankNode, predicate: NamedNode, value: unknown, path: string[], name: string,
    scope: NamespaceScope, graph: Quad_Graph, asTime: boolean, asReference = false,
  ): void {
    if (!Array.isArray(value)) return this.value(subject, predicate, value, path, name, undefined, scope, graph, asTime, asReference);
    for (let index = 0; index < value.length; index++) this.value(subject, predicate, value[index], path, name, index, scope, graph, asTime, asReference);
  }

  private value(
    subject: NamedNode | BlankNode, predicate: NamedNode, one: unknown, path: string[], name: string, index: number | undefined,
    scope: NamespaceScope, graph: Quad_Graph, asTime: boolean, asReference: boolean,
  ): void {
    if (asReference) {
      const target = isText(one) ? this.identifier(one, scope, path, name, index) : undefined;
      if (target) this.emit(subject, predicate, target, graph);
      else if (!isText(one)) this.diagnostics.error(pointer(path, name, index), `expected an identifier (string), found ${describe(one)}`);
      return;
    }
    const result = valueToTerm(one, scope, asTime);
    if ('error' in result) this.diagnostics.error(pointer(path, name, index), result.error);
    else this.emit(subject, predicate, result.term, graph);
  }

  /** The subject end of a relation: undefined when absent, null when invalid. */
  private reference(body: Record<string, unknown>, name: string, path: string[], scope: NamespaceScope): NamedNode | BlankNode | undefined | null {
    const value = own(body, name);
    if (value === undefined || value === null) return undefined;
    if (!isText(value)) {
      this.diagnostics.error(jsonPointer(...path, name), `expected an identifier (string), found ${describe(value)}`);
      return null;
    }
    return this.identifier(value, scope, path, name) ?? null;
  }

  private references(body: Record<string, unknown>, name: string, path: string[], scope: NamespaceScope, multiple?: boolean): (NamedNode | BlankNode)[] | null {
    const value = own(body, name);
    if (value === undefined || value === null) return [];
    const list = multiple && Array.isArray(value) ? value : [value];
    const terms: (NamedNode | BlankNode)[] = [];
    for (let i = 0; i < list.length; i++) {
      const one: unknown = list[i];
      const index = multiple && Array.isArray(value) ? i : undefined;
      if (!isText(one)) {
        this.diagnostics.error(pointer(path, name, index), `expected an identifier (string), found ${describe(one)}`);
        return null;
      }
      const term = this.identifier(one, scope, path, name, index);
      if (!term) return null;
      terms.push(term);
    }
    return terms;
  }

  /** The term a qualified name stands for; undefined, reported at `path` (then `name`, `index`), when it cannot be read. */
  private identifier(qualifiedName: string, scope: NamespaceScope, path: string[], name?: string, index?: number): NamedNode | BlankNode | undefined {
    const resolved = scope.resolve(qualifiedName);
    if ('iri' in resolved) return namedNode(resolved.iri);
    if ('blank' in resolved) return blankNode(resolved.blank);
    this.diagnostics.error(name === undefined ? jsonPointer(...path) : pointer(path, name, index), resolved.error);
    return undefined;
  }

  /** The named node of a class or property IRI of the PROV vocabulary, made once: a document repeats a few of them in every record. */
  private node(iri: string): NamedNode {
    let node = this.nodes.get(iri);
    if (!node) this.nodes.set(iri, (node = namedNode(iri)));
    return node;
  }

  /**
   * The property of attribute `name` in `scope`, or why it has none; kept per scope, since
   * records repeat a few attribute names and resolving one builds a new IRI string each time.
   * Up to ATTRIBUTE_NAMES_KEPT names a scope: memory stays flat when streaming a document whose
   * attribute names never repeat.
   */
  private attributeNode(name: string, scope: NamespaceScope): NamedNode | string {
    let nodes = this.attributeNodes.get(scope);
    if (!nodes) this.attributeNodes.set(scope, (nodes = new Map()));
    let node = nodes.get(name);
    if (node === undefined) {
      const generic = lookup(GENERIC_ATTRIBUTES, name);
      const resolved = generic ? { iri: generic } : scope.resolve(name);
      node = 'iri' in resolved ? namedNode(resolved.iri) : 'error' in resolved ? `attribute name: ${resolved.error}` : `attribute name '${name}' cannot be a blank node`;
      if (nodes.size < ATTRIBUTE_NAMES_KEPT) nodes.set(name, node);
    }
    return node;
  }
}

/** The JSON pointer of attribute `name` (its `index`-th value when given) of the record at `path`. */
function pointer(path: readonly string[], name: string, index: number | undefined): string {
  return index === undefined ? jsonPointer(...path, name) : jsonPointer(...path, name, String(index));
}

function isPresent(value: unknown): boolean {
  return value !== null && value !== undefined;
}

function derivationSubtype(type: unknown, scope: NamespaceScope): string | undefined {
  const values = Array.isArray(type) ? type : [type];
  for (const value of values) {
    const term = valueToTerm(value, scope);
    if ('term' in term && term.term.termType === 'NamedNode' && lookup(DERIVATION_SUBTYPES, term.term.value)) return term.term.value;
  }
  return undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
