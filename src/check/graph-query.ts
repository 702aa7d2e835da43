/** Small questions rules ask of a bundle's store. */
import { DataFactory, type NamedNode, type Term } from 'n3';
import type { GraphStore as Store } from './bundle-store.js';
import { mls, prov, rdf, reprov } from '../prov/vocabulary.js';
import { QualifiedNamer } from '../prov/qualified-namer.js';
import type { CheckInput } from './types.js';

const { namedNode } = DataFactory;

export function objects(store: Store, subject: Term, predicate: NamedNode): Term[] {
  return store.getObjects(subject, predicate, null);
}

export function subjectsOfType(store: Store, type: NamedNode): Term[] {
  return store.getSubjects(rdf.type, type, null);
}

export function hasType(store: Store, subject: Term, type: NamedNode): boolean {
  return store.has(DataFactory.quad(subject as NamedNode, rdf.type, type));
}

/** The runs of a bundle: `mls:Run` activities (reprov's own and imported yProv4ML runs). */
export function runs(store: Store): Term[] {
  return subjectsOfType(store, mls.Run);
}

/**
 * Whether a node's file lives in the bundle's own directory (a metric's CSV: docs/vocabulary.md)
 * rather than where the run worked (its data, models, dependency files).
 */
export function isBundleFile(store: Store, node: Term): boolean {
  return hasType(store, node, reprov.Metric) || objects(store, node, reprov.metricFile).length > 0;
}

/** What a run used that has one of `types`. */
export function usedOfType(store: Store, run: Term, ...types: NamedNode[]): Term[] {
  return objects(store, run, prov.used).filter((entity) => types.some((type) => hasType(store, entity, type)));
}

/** Whether `subject` has a `predicate` statement, in any graph of the bundle. */
export function hasAny(store: Store, subject: Term, predicate: NamedNode): boolean {
  return store.getQuads(subject, predicate, null, null).length > 0;
}

/** Whether `node` has rdf:type `type` in any graph of the bundle (hasType looks in the default graph). */
export function isA(store: Store, node: Term, type: NamedNode): boolean {
  return store.getQuads(node, rdf.type, type, null).length > 0;
}

/**
 * Whether the run used (prov:used, in any graph) an entity for which `counts` holds: what SHACL's
 * `sh:property [ sh:path prov:used ; sh:qualifiedValueShape S ; sh:qualifiedMinCount 1 ]` says,
 * with a few index lookups per used entity (shacl-engine's cost grew with the square of them).
 */
export function usedAny(store: Store, run: Term, counts: (store: Store, entity: Term) => boolean): boolean {
  return objects(store, run, prov.used).some((entity) => counts(store, entity));
}

const namers = new WeakMap<Record<string, string>, QualifiedNamer>();

/** One namer per bundle's prefixes: focusName is asked for every finding and every node verify and diff name. */
function namerFor(prefixes: Record<string, string>): QualifiedNamer {
  let namer = namers.get(prefixes);
  if (!namer) namers.set(prefixes, (namer = new QualifiedNamer(prefixes)));
  return namer;
}

/**
 * A node's PROV identifier as users read it: a qualified name where a prefix fits, else the IRI.
 * A blank node is named through the node that points to it (`run:run/qualifiedUsage`), never bare.
 */
export function focusName(input: CheckInput, term: Term): string {
  const namer = namerFor(input.prefixes);
  // A made-up prefix (ns1) would mean different things in different findings: outside the declared ones, the full IRI.
  const declared = (iri: string) => Object.values(input.prefixes).some((ns) => ns && iri.startsWith(ns));
  if (term.termType !== 'BlankNode') return declared(term.value) ? namer.name(term) : term.value;
  const link = input.store.getQuads(null, null, term, null).find((q) => q.subject.termType === 'NamedNode');
  if (!link) return 'an unnamed node';
  return `${focusName(input, link.subject)}/${link.predicate.value.replace(/^.*[#/]/, '')}`;
}

export const iri = namedNode;

/** An xsd:boolean as bundles write it (`true`/`1`, `false`/`0`). */
export const isTrue = (term: Term): boolean => term.value === 'true' || term.value === '1';
export const isFalse = (term: Term): boolean => term.value === 'false' || term.value === '0';

/** The code states (reprov:CodeState) the runs used, each once. */
export function codeStatesOfRuns(store: Store): Term[] {
  return [...new Map(runs(store).flatMap((run) => usedOfType(store, run, reprov.CodeState)).map((s) => [s.value, s])).values()];
}
