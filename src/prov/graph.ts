/**
 * The RDF graph of one recorded run, as collectors, the run API and the importers build it: nodes
 * are minted under the bundle's base IRI (`<base>run`, `<base>param/lr`), so every node has a
 * PROV id (no bare blank nodes), and values become typed literals.
 *
 * It is also the one redaction layer between what a run or an importer reads and the bundle:
 * the base IRI, every node-id segment, every IRI and every literal put into the graph (through
 * `node`, `add`, `describe`, `checksum` or a plain `quads.push`) pass `redactText`
 * (src/base/redact.ts), a secret in an IRI becoming a percent-encoded `%5BREDACTED%3A<kind>%5D`.
 * What a name makes secret (`param/password` = "hunter2") is the caller's to say with
 * `redactParam`, or `redactQuads` for a document read whole.
 */
import { DataFactory, type Literal, type NamedNode, type Quad, type Quad_Graph, type Quad_Object, type Quad_Predicate, type Quad_Subject, type Term } from 'n3';
import { type ExtraPattern, redactText, secretNameKind, secretParamKind } from '../base/redact.js';
import { XSD } from './namespaces.js';
import { prov, rdf, rdfs, spdx } from './vocabulary.js';
import { wellFormed } from '../base/well-formed.js';

const { namedNode, literal, quad } = DataFactory;

// IRIs repeat (every statement about a node names it): redacted once each, within a bound.
const iriCache = new Map<string, string>();

/** An IRI without secrets: redacted as text, each `[REDACTED:<kind>]` percent-encoded so that the IRI stays one. */
export function redactIri(iri: string, extraPatterns: readonly ExtraPattern[] = []): string {
  if (extraPatterns.length) return encodeMarkers(redactText(iri, extraPatterns));
  let out = iriCache.get(iri);
  if (out === undefined) {
    out = encodeMarkers(redactText(iri));
    if (iriCache.size > 50_000) iriCache.clear();
    iriCache.set(iri, out);
  }
  return out;
}

const encodeMarkers = (text: string) => text.replace(/\[REDACTED:([^\]]*)\]/g, (_, kind: string) => `%5BREDACTED%3A${encodeURIComponent(kind)}%5D`);

function redactTerm<T extends Term>(term: T, extra: readonly ExtraPattern[]): T {
  if (term.termType === 'NamedNode') {
    const value = redactIri(term.value, extra);
    return (value === term.value ? term : namedNode(value)) as unknown as T;
  }
  if (term.termType === 'Literal') {
    const value = redactText(term.value, extra);
    if (value === term.value) return term;
    const lit = term as unknown as Literal;
    return literal(value, lit.language || lit.datatype) as unknown as T;
  }
  return term;
}

/** The quad with every IRI and literal in it redacted (the same quad when nothing was secret). */
export function redactQuad(q: Quad, extraPatterns: readonly ExtraPattern[] = []): Quad {
  const subject = redactTerm(q.subject, extraPatterns);
  const predicate = redactTerm(q.predicate, extraPatterns);
  const object = redactTerm(q.object, extraPatterns);
  const graph = redactTerm(q.graph, extraPatterns);
  if (subject === q.subject && predicate === q.predicate && object === q.object && graph === q.graph) return q;
  return quad(subject as Quad_Subject, predicate as Quad_Predicate, object as Quad_Object, graph as Quad_Graph);
}

/** The last segment of an IRI (after `#`, `/` or `:`), percent-decoded. */
export function localName(iri: string): string {
  const name = iri.slice(Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/'), iri.lastIndexOf(':')) + 1);
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** Predicates that give an entity its value (`prov:value`, `mls:hasValue`, yProv4ML's `parameter_value`). */
const VALUE_PREDICATE = /^(?:value|hasValue|parameter_value|parameterValue)$/;
/** Predicates that name a node (`rdfs:label`, `schema:name`, `reprov:variableName`, yProv4ML's `label`). */
const NAME_PREDICATE = /^(?:label|name|variableName|parameterName|key)$/;

/**
 * The literals that are secrets because of their names, whatever their text: the object of a
 * statement whose predicate's name is a secret name (`<run> ex:db_password "hunter2"`, as
 * yProv4ML writes a logged parameter), and the value (`prov:value`, `mls:hasValue`) of a node
 * named by a secret name, in its label or in its IRI (`<param/api_key> prov:value "abc"`).
 * What counts as a secret name, and which values are not secrets (empty, `true`, `0`, already
 * redacted) is `secretParamKind`'s. Each found statement comes with the kind of secret.
 */
export function namedSecrets(quads: Iterable<Quad>): { quad: Quad; kind: string }[] {
  // What each predicate is, worked out once per predicate.
  const roles = new Map<string, PredicateRole>();
  const role = (predicate: string) => {
    let r = roles.get(predicate);
    if (!r) roles.set(predicate, (r = predicateRole(predicate)));
    return r;
  };
  // One pass: a value's name may come after it, so values wait (only literals of a value or secret-named predicate).
  const names = new Map<string, string[]>();
  const waiting: Quad[] = [];
  for (const q of quads) {
    if (q.object.termType !== 'Literal') continue;
    const r = role(q.predicate.value);
    if (r.name) {
      const key = termKey(q.subject);
      const list = names.get(key);
      if (list) list.push(q.object.value);
      else names.set(key, [q.object.value]);
    } else if (r.secret || r.value) waiting.push(q);
  }
  const found: { quad: Quad; kind: string }[] = [];
  for (const q of waiting) {
    const r = role(q.predicate.value);
    let kind = r.secret ? secretParamKind(r.local, q.object.value) : undefined;
    if (!kind && r.value) {
      const candidates = [...(names.get(termKey(q.subject)) ?? []), ...(q.subject.termType === 'NamedNode' ? [localName(q.subject.value)] : [])];
      for (const name of candidates) if ((kind = secretParamKind(name, q.object.value))) break;
    }
    if (kind) found.push({ quad: q, kind });
  }
  return found;
}

interface PredicateRole { name: boolean; value: boolean; secret: boolean; local: string }

function predicateRole(predicate: string): PredicateRole {
  const local = localName(predicate);
  const name = NAME_PREDICATE.test(local);
  return { name, value: VALUE_PREDICATE.test(local), secret: !name && secretNameKind(local) !== undefined, local };
}

/** Whether `namedSecrets` reads the statements of this predicate (one that names a node, gives its value, or has a secret name): the others it skips. */
export function mayNameSecret(predicate: string): boolean {
  const { name, value, secret } = predicateRole(predicate);
  return name || value || secret;
}

const termKey = (term: Term) => `${term.termType}:${term.value}`;

/**
 * A document's quads as a bundle written by reprov may hold them: the values that are secrets
 * by name (`namedSecrets`) become `[REDACTED:<kind>]`, and every IRI and literal is redacted
 * (`redactQuad`). For importers that keep a document's own quads (yProv4ML).
 */
export function redactQuads(quads: readonly Quad[], extraPatterns: readonly ExtraPattern[] = []): Quad[] {
  const byName = new Map(namedSecrets(quads).map(({ quad: q, kind }) => [q, kind]));
  return quads.map((q) => {
    const kind = byName.get(q);
    const named = kind ? quad(q.subject, q.predicate, literal(`[REDACTED:${kind}]`), q.graph) : q;
    return redactQuad(named, extraPatterns);
  });
}

/** The quads of a RunGraph: whatever is pushed is redacted on the way in. */
class RedactedQuads extends Array<Quad> {
  static override get [Symbol.species]() {
    return Array;
  }

  override push(...items: Quad[]): number {
    return super.push(...items.map((q) => redactQuad(q)));
  }
}

export type Value = string | number | boolean | Date;
export type GraphObject = NamedNode | Value;

const XSD_INT = namedNode(`${XSD}int`);
const XSD_LONG = namedNode(`${XSD}long`);
const XSD_DOUBLE = namedNode(`${XSD}double`);
const XSD_BOOLEAN = namedNode(`${XSD}boolean`);
const XSD_DATETIME = namedNode(`${XSD}dateTime`);

/** A JavaScript value as an RDF literal: integers as xsd:int/xsd:long, other numbers as xsd:double. */
export function toLiteral(value: Value): Literal {
  if (value instanceof Date) return literal(value.toISOString(), XSD_DATETIME);
  if (typeof value === 'boolean') return literal(String(value), XSD_BOOLEAN);
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return literal(String(value), Math.abs(value) < 2 ** 31 ? XSD_INT : XSD_LONG);
    return literal(Number.isFinite(value) ? String(value) : value > 0 ? 'INF' : value < 0 ? '-INF' : 'NaN', XSD_DOUBLE);
  }
  return literal(wellFormed(value));
}

export class RunGraph {
  /** The statements, every IRI and literal redacted (also those pushed directly). */
  readonly quads: Quad[] = new RedactedQuads();
  /** The bundle's namespace, redacted. */
  readonly base: string;

  /** @param base the bundle's namespace, ending in `/` or `#` */
  constructor(base: string) {
    this.base = redactIri(base);
  }

  /** The node `<base><path>`; path segments are redacted, then percent-encoded where an IRI needs it. */
  node(...path: string[]): NamedNode {
    return namedNode(this.base + path.map((p) => encodeURIComponent(wellFormed(redactText(p))).replace(/%2F/g, '/')).join('/'));
  }

  add(subject: NamedNode, predicate: NamedNode, object: GraphObject | undefined | null): this {
    if (object === undefined || object === null) return this;
    this.quads.push(quad(subject, predicate, isNode(object) ? object : toLiteral(object)));
    return this;
  }

  /** `subject a type1, type2 ; rdfs:label label`. */
  describe(subject: NamedNode, types: NamedNode[], label?: string): this {
    for (const type of types) this.add(subject, rdf.type, type);
    return this.add(subject, rdfs.label, label);
  }

  /**
   * An SPDX checksum node `<subject>/checksum/<algorithm>` holding the hex digest. It is a
   * prov:Entity too, so that PROV-JSON (which has records only for PROV elements) keeps it.
   */
  checksum(subject: NamedNode, algorithm: 'sha256' | 'sha1' | 'md5', hex: string): this {
    const node = namedNode(`${subject.value}/checksum/${algorithm}`);
    this.add(subject, spdx.checksum, node);
    this.describe(node, [prov.Entity, spdx.Checksum]);
    this.add(node, spdx.algorithm, spdx[`checksumAlgorithm_${algorithm}`]);
    return this.add(node, spdx.checksumValue, hex);
  }
}

function isNode(value: GraphObject): value is NamedNode {
  return typeof value === 'object' && !(value instanceof Date);
}
