/**
 * The PROV nodes of a graph and the PROV relations between them, as a drawing shows them: the
 * provenance graph of `reprov report` (src/release/report-page/graph.ts) and `reprov convert -t dot`
 * (./dot.ts). A node is an entity, activity or agent by its rdf:type (mls:Run is an activity), else
 * by the relations it takes part in (the object of `used` is an entity). Nodes that only hold a
 * value of another node (spdx:Checksum, reprov:EnvironmentVariable) are left out: a drawing shows
 * them as their owner's attributes.
 */
import type { Quad, Term } from 'n3';
import { PROV } from '../prov/namespaces.js';
import { mls, rdf, reprov, spdx } from '../prov/vocabulary.js';

export type NodeKind = 'entity' | 'activity' | 'agent';

/** PROV relations drawn as edges, by local name. */
export const PROV_RELATIONS = [
  'used', 'wasGeneratedBy', 'wasInformedBy', 'wasAssociatedWith', 'wasAttributedTo', 'wasDerivedFrom', 'actedOnBehalfOf',
  'wasInfluencedBy', 'wasStartedBy', 'wasEndedBy', 'wasInvalidatedBy', 'hadMember', 'specializationOf', 'alternateOf',
  'wasRevisionOf', 'wasQuotedFrom', 'hadPrimarySource', 'hadPlan',
] as const;
/** The kinds of a relation's subject and object, for nodes the graph does not type. */
const ENDS: Record<string, [NodeKind, NodeKind]> = {
  used: ['activity', 'entity'], wasGeneratedBy: ['entity', 'activity'], wasInformedBy: ['activity', 'activity'],
  wasAssociatedWith: ['activity', 'agent'], wasAttributedTo: ['entity', 'agent'], actedOnBehalfOf: ['agent', 'agent'],
  wasStartedBy: ['activity', 'entity'], wasEndedBy: ['activity', 'entity'], wasInvalidatedBy: ['entity', 'activity'],
  hadPlan: ['entity', 'entity'],
};
const ACTIVITY_TYPES = new Set([`${PROV}Activity`, mls.Run.value]);
const AGENT_TYPES = new Set([`${PROV}Agent`, `${PROV}Person`, `${PROV}SoftwareAgent`, `${PROV}Organization`]);
export const FOLDED_TYPES = new Set([spdx.Checksum.value, reprov.EnvironmentVariable.value]);

export interface ProvNodes {
  /** By IRI (or blank node id), in the order first met. */
  nodes: Map<string, { term: Term; kind: NodeKind }>;
  /** Each relation statement once. */
  edges: { subject: Term; relation: string; object: Term }[];
  /** rdf:type values by subject. */
  types: Map<string, Set<string>>;
  /** Whether a node is folded into its owner. */
  folded(term: Term): boolean;
}

export function provNodes(quads: readonly Quad[]): ProvNodes {
  const types = new Map<string, Set<string>>();
  const firstTerm = new Map<string, Term>();
  for (const q of quads) {
    if (!firstTerm.has(q.subject.value)) firstTerm.set(q.subject.value, q.subject);
    if (q.predicate.equals(rdf.type)) (types.get(q.subject.value) ?? types.set(q.subject.value, new Set()).get(q.subject.value)!).add(q.object.value);
  }
  const has = (term: Term, set: Set<string>) => [...(types.get(term.value) ?? [])].some((t) => set.has(t));
  const folded = (term: Term) => has(term, FOLDED_TYPES);
  const nodes = new Map<string, { term: Term; kind: NodeKind }>();
  const setKind = (term: Term, kind: NodeKind) => {
    if (term.termType === 'Literal' || folded(term)) return;
    const known = nodes.get(term.value);
    if (!known || (known.kind === 'entity' && kind !== 'entity')) nodes.set(term.value, { term, kind });
  };
  for (const [subject, set] of types) {
    if (![...set].some((t) => t.startsWith(PROV) || t === mls.Run.value)) continue;
    const term = firstTerm.get(subject)!;
    setKind(term, has(term, AGENT_TYPES) ? 'agent' : has(term, ACTIVITY_TYPES) ? 'activity' : 'entity');
  }
  const edges: ProvNodes['edges'] = [];
  const seen = new Set<string>();
  for (const q of quads) {
    if (!q.predicate.value.startsWith(PROV) || q.object.termType === 'Literal') continue;
    const relation = q.predicate.value.slice(PROV.length);
    if (!(PROV_RELATIONS as readonly string[]).includes(relation)) continue;
    const ends = ENDS[relation] ?? ['entity', 'entity'];
    if (!nodes.has(q.subject.value)) setKind(q.subject, ends[0]);
    if (!nodes.has(q.object.value)) setKind(q.object, ends[1]);
    if (!nodes.has(q.subject.value) || !nodes.has(q.object.value)) continue;
    const key = `${q.subject.value} ${relation} ${q.object.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push({ subject: q.subject, relation, object: q.object });
  }
  return { nodes, edges, types, folded };
}
