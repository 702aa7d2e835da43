/**
 * The RDF graph of one recorded run, as collectors and the run API build it: nodes are minted
 * under the bundle's base IRI (`<base>run`, `<base>param/lr`), so every node has a PROV id
 * (no bare blank nodes), and values become typed literals.
 */
import { DataFactory, type Literal, type NamedNode, type Quad } from 'n3';
import { XSD } from './namespaces.js';
import { prov, rdf, rdfs, spdx } from './vocabulary.js';

const { namedNode, literal, quad } = DataFactory;

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
  return literal(value);
}

export class RunGraph {
  readonly quads: Quad[] = [];

  /** @param base the bundle's namespace, ending in `/` or `#` */
  constructor(readonly base: string) {}

  /** The node `<base><path>`; path segments are percent-encoded where an IRI needs it. */
  node(...path: string[]): NamedNode {
    return namedNode(this.base + path.map((p) => encodeURIComponent(p).replace(/%2F/g, '/')).join('/'));
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
