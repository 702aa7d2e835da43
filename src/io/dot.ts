/**
 * Graphviz DOT of a provenance graph (`reprov convert -t dot`), in ProvToolbox's conventions
 * (org.openprovenance.prov.dot.ProvToDot): `rankdir="BT"`, entities yellow ovals (#FFFC87),
 * activities blue rectangles (#9FB1FC), agents orange houses (#FED37F), one edge per PROV
 * relation labelled with its name, from the relation's subject to its object. Each node is labelled
 * with its rdfs:label or prefixed name and carries its IRI as a tooltip. Statements that are not
 * PROV relations (values, checksums) are not drawn.
 */
import type { Quad, Term } from 'n3';
import { rdfs } from '../prov/vocabulary.js';
import { provNodes, type NodeKind } from './prov-nodes.js';

const STYLE: Record<NodeKind, string> = {
  entity: 'shape="oval",style="filled",fillcolor="#FFFC87",color="#808080"',
  activity: 'shape="polygon",sides="4",style="filled",fillcolor="#9FB1FC",color="#0000FF"',
  agent: 'shape="house",style="filled",fillcolor="#FED37F"',
};

/** A DOT quoted string: backslashes and quotes escaped, line breaks as \n, other controls dropped. */
export function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r\n|\r|\n/g, '\\n').replace(/[\u0000-\u001f\u007f]/g, '')}"`;
}

export function toDot(quads: readonly Quad[], prefixes: Record<string, string>, name = 'provenance'): string {
  const { nodes, edges } = provNodes(quads);
  const ids = new Map<string, string>();
  const short = (term: Term) => {
    for (const [prefix, ns] of Object.entries(prefixes)) if (ns && term.value.startsWith(ns) && term.value.length > ns.length) return `${prefix}:${term.value.slice(ns.length)}`;
    return term.termType === 'BlankNode' ? `_:${term.value}` : term.value;
  };
  const labels = new Map<string, string>();
  for (const q of quads) if (q.predicate.equals(rdfs.label) && !labels.has(q.subject.value)) labels.set(q.subject.value, q.object.value);
  const out = [`digraph ${dotString(name)} {`, '  rankdir="BT";', '  node [fontname="Helvetica",fontsize="10"];', '  edge [fontname="Helvetica",fontsize="8"];'];
  for (const { term, kind } of nodes.values()) {
    const id = `n${ids.size}`;
    ids.set(term.value, id);
    out.push(`  ${id} [${STYLE[kind]},label=${dotString(labels.get(term.value) ?? short(term))},tooltip=${dotString(term.value)}];`);
  }
  for (const e of edges) out.push(`  ${ids.get(e.subject.value)} -> ${ids.get(e.object.value)} [label=${dotString(e.relation)}];`);
  out.push('}', '');
  return out.join('\n');
}
