/**
 * The provenance graph of a report page: the bundle's PROV nodes (entities, activities, agents)
 * and the PROV relations between them, laid out left to right by elkjs's layered algorithm at
 * generation time. The page draws what this returns as SVG (PROV's shapes: entities ellipses,
 * activities rectangles, agents houses); it computes no layout itself.
 *
 * Nodes that only hold a value of another node (checksums, environment variables) are folded into
 * their owner's attributes. Metric entities are collapsed into one node per context in the default
 * view; the expanded view, with every metric, is laid out too when the graph is not too large.
 */
import type { ElkNode } from 'elkjs/lib/elk-api.js';
import type { Quad, Term } from 'n3';
import type { BundleStore } from '../../check/bundle-store.js';
import { focusName } from '../../check/graph-query.js';
import type { CheckInput, Finding } from '../../check/types.js';
import { provNodes, type NodeKind } from '../../io/prov-nodes.js';
import { inWorker } from './in-worker.js';
import { newElk } from './elk.js';
import { PROV } from '../../prov/namespaces.js';
import { mls, prov, rdf, rdfs, reprov } from '../../prov/vocabulary.js';

export type { NodeKind };

export interface GraphNode {
  id: string;
  label: string;
  kind: NodeKind;
  /** Statements about the node as [predicate, value], prefixed names where the bundle declares them. */
  attributes: [string, string][];
  /** Indexes into the page's findings list of findings whose focus is this node. */
  findings: number[];
  /** A collapsed group: the ids of the metric nodes it stands for. */
  members?: string[];
}

export interface GraphEdge {
  /** The PROV subject (`run:run` for `run:run prov:used run:code`). */
  from: string;
  to: string;
  relation: string;
}

export interface LaidOutNode { id: string; x: number; y: number; width: number; height: number }
export interface LaidOutEdge { from: string; to: string; relation: string; points: [number, number][] }
export interface Layout { width: number; height: number; nodes: LaidOutNode[]; edges: LaidOutEdge[] }

export interface PageGraph {
  /** Every node either view shows, by id. */
  nodes: Record<string, GraphNode>;
  collapsed: Layout;
  /** Absent when there is nothing to collapse, or the graph is too large to lay out twice. */
  expanded?: Layout;
  /** Why the expanded view is absent although metrics were collapsed. */
  expandedNote?: string;
}

/** Above this many nodes the expanded view is not laid out (the collapsed one always is). */
export const MAX_EXPANDED_NODES = 600;
const MAX_ATTRIBUTE_LENGTH = 500;

export interface GraphOptions {
  store: BundleStore;
  prefixes: Record<string, string>;
  file: string;
}

/** Marks each node with the findings whose focus it is (a collapsed group with those of its members). */
export function markFindings(graph: PageGraph, findings: readonly Finding[]): PageGraph {
  const byFocus = new Map<string, number[]>();
  findings.forEach((finding, index) => (byFocus.get(finding.focus) ?? byFocus.set(finding.focus, []).get(finding.focus)!).push(index));
  for (const node of Object.values(graph.nodes)) if (!node.members) node.findings = byFocus.get(node.id) ?? [];
  for (const node of Object.values(graph.nodes)) if (node.members) node.findings = [...new Set(node.members.flatMap((m) => graph.nodes[m]?.findings ?? []))].sort((a, b) => a - b);
  return graph;
}

/** The bundle's PROV graph with both layouts (findings are marked afterwards, markFindings). */
export async function pageGraph(options: GraphOptions): Promise<PageGraph> {
  const { store } = options;
  const input: CheckInput = { store, prefixes: options.prefixes, file: options.file, violations: [] };
  const name = (term: Term) => focusName(input, term);
  const quads = store.getQuads(null, null, null, null) as Quad[];
  const { nodes: kinds, edges: relations, types, folded } = provNodes(quads);
  const typed = (term: Term, set: Set<string>) => [...(types.get(term.value) ?? [])].some((t) => set.has(t));
  const edges: GraphEdge[] = relations.map((r) => ({ from: name(r.subject), to: name(r.object), relation: r.relation }));

  const nodes: Record<string, GraphNode> = {};
  const metricGroups = new Map<string, string[]>();
  const groupOf = new Map<string, string>();
  for (const { term, kind } of kinds.values()) {
    const id = name(term);
    const attributes = attributesOf(term);
    const label = store.getObjects(term, rdfs.label, null)[0]?.value ?? id.replace(/^.*[/#:](?=[^/#:]+$)/, '');
    nodes[id] = { id, label, kind, attributes, findings: [] };
    if (kind === 'entity' && (typed(term, new Set([reprov.Metric.value, mls.ModelEvaluation.value])))) {
      const context = store.getObjects(term, reprov.context, null)[0] ?? store.getObjects(term, prov.wasGeneratedBy, null)[0];
      const contextName = context ? store.getObjects(context, rdfs.label, null)[0]?.value ?? store.getObjects(context, reprov.contextKind, null)[0]?.value ?? name(context) : 'metrics';
      const group = `metrics:${contextName}`;
      (metricGroups.get(group) ?? metricGroups.set(group, []).get(group)!).push(id);
      groupOf.set(id, group);
    }
  }

  const all = Object.values(nodes);
  const collapsedNodes = all.filter((n) => !groupOf.has(n.id));
  for (const [group, members] of metricGroups) {
    const context = group.slice('metrics:'.length);
    nodes[group] = {
      id: group, label: `${members.length} metric${members.length === 1 ? '' : 's'} (${context})`, kind: 'entity', findings: [], members,
      attributes: members.map((m) => [nodes[m]!.label, nodes[m]!.attributes.find(([k]) => k.endsWith('lastValue'))?.[1] ?? ''] as [string, string]),
    };
    collapsedNodes.push(nodes[group]!);
  }
  const collapsedEdges = dedupe(edges.map((e) => ({ ...e, from: groupOf.get(e.from) ?? e.from, to: groupOf.get(e.to) ?? e.to })));
  const expand = metricGroups.size > 0 && all.length <= MAX_EXPANDED_NODES;
  const [collapsedOut, expandedOut] = await elkLayouts(expand ? [elkGraph(collapsedNodes, collapsedEdges), elkGraph(all, edges)] : [elkGraph(collapsedNodes, collapsedEdges)]);
  const graph: PageGraph = { nodes, collapsed: fromElk(collapsedOut!, collapsedEdges) };
  if (expandedOut) graph.expanded = fromElk(expandedOut, edges);
  else if (metricGroups.size) graph.expandedNote = `${all.length} nodes: more than the ${MAX_EXPANDED_NODES} laid out; metrics stay collapsed`;
  return graph;

  function attributesOf(term: Term): [string, string][] {
    const out: [string, string][] = [];
    for (const q of store.getQuads(term, null, null, null) as Quad[]) {
      const predicate = short(q.predicate.value);
      if (q.object.termType !== 'Literal' && folded(q.object)) {
        for (const inner of store.getQuads(q.object, null, null, null) as Quad[]) {
          if (inner.predicate.equals(rdf.type)) continue;
          out.push([`${predicate} ${short(inner.predicate.value)}`, cut(inner.object.termType === 'Literal' ? inner.object.value : short(inner.object.value))]);
        }
        continue;
      }
      out.push([predicate, cut(q.object.termType === 'Literal' ? q.object.value : q.object.termType === 'NamedNode' ? name(q.object) : name(q.object))]);
    }
    return out;
  }

  function short(iri: string): string {
    for (const [prefix, ns] of Object.entries({ ...COMMON_PREFIXES, ...options.prefixes })) if (ns && iri.startsWith(ns) && /^[\w.-]*$/.test(iri.slice(ns.length))) return `${prefix}:${iri.slice(ns.length)}`;
    return iri;
  }
}

const COMMON_PREFIXES: Record<string, string> = {
  prov: PROV, rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#', rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  reprov: 'https://w3id.org/reprov#', mls: 'http://www.w3.org/ns/mls#', schema: 'https://schema.org/', spdx: 'http://spdx.org/rdf/terms#',
  dcat: 'http://www.w3.org/ns/dcat#', dcterms: 'http://purl.org/dc/terms/', xsd: 'http://www.w3.org/2001/XMLSchema#',
};

function cut(text: string): string {
  return text.length > MAX_ATTRIBUTE_LENGTH ? `${text.slice(0, MAX_ATTRIBUTE_LENGTH)}… (${text.length} characters)` : text;
}

function dedupe(edges: GraphEdge[]): GraphEdge[] {
  const seen = new Set<string>();
  return edges.filter((e) => {
    const key = `${e.from}\u0000${e.relation}\u0000${e.to}`;
    if (seen.has(key) || e.from === e.to) return false;
    seen.add(key);
    return true;
  });
}

/** One graph laid out left to right as the provenance graph is (the lineage page's, ./lineage-page.ts). */
export async function layOutGraph(nodes: GraphNode[], edges: GraphEdge[]): Promise<Layout> {
  const unique = dedupe(edges);
  const [out] = await elkLayouts([elkGraph(nodes, unique)]);
  return fromElk(out!, unique);
}

/** A node's box: wide enough for its label at the page's 12px system font (about 7px a character, cut at 40). */
export function nodeSize(node: GraphNode): { width: number; height: number } {
  const chars = Math.min(node.label.length, 40);
  const pad = node.kind === 'entity' ? 36 : 24;
  return { width: Math.max(60, chars * 7 + pad), height: node.kind === 'agent' ? 44 : 36 };
}

/**
 * The layouts of `graphs` by elkjs, in a worker thread when the compiled worker is at hand (the
 * built package), else in this thread (tests running the TypeScript sources).
 */
async function elkLayouts(graphs: ElkNode[]): Promise<ElkNode[]> {
  const inThread = async () => {
    const elk = newElk();
    return Promise.all(graphs.map((g) => elk.layout(g)));
  };
  return inWorker<ElkNode[]>('layout-worker', graphs) ?? inThread();
}

/**
 * Left to right: ELK gets each relation from cause to effect (an input before the run that used
 * it, an output after the run that generated it, an agent before its activity); the page draws
 * the arrow in PROV's direction, from the relation's subject to its object.
 */
function elkGraph(nodes: GraphNode[], edges: GraphEdge[]): ElkNode {
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered', 'elk.direction': 'RIGHT', 'elk.edgeRouting': 'POLYLINE',
      'elk.spacing.nodeNode': '14', 'elk.layered.spacing.nodeNodeBetweenLayers': '48', 'elk.padding': '[top=12,left=12,bottom=12,right=12]',
      // Not considerModelOrder: with a hundred metrics on one context it made the layout take seconds.
      'elk.layered.mergeEdges': 'true',
    },
    children: nodes.map((n) => ({ id: n.id, ...nodeSize(n) })),
    edges: edges.map((e, i) => ({ id: `e${i}`, sources: [e.to], targets: [e.from] })),
  };
}

function fromElk(out: ElkNode, edges: GraphEdge[]): Layout {
  const laid: LaidOutNode[] = (out.children ?? []).map((c) => ({ id: c.id, x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 }));
  const laidEdges: LaidOutEdge[] = edges.map((e, i) => {
    const section = out.edges?.[i]?.sections?.[0];
    const route: [number, number][] = section
      ? [[section.startPoint.x, section.startPoint.y], ...(section.bendPoints ?? []).map((p): [number, number] => [p.x, p.y]), [section.endPoint.x, section.endPoint.y]]
      : [];
    // ELK routed cause → effect (object → subject); the page draws subject → object.
    return { from: e.from, to: e.to, relation: e.relation, points: route.reverse().map(([x, y]) => [round(x), round(y)]) };
  });
  return { width: round(out.width ?? 0), height: round(out.height ?? 0), nodes: laid.map((n) => ({ ...n, x: round(n.x), y: round(n.y) })), edges: laidEdges };
}

const round = (n: number) => Math.round(n * 10) / 10;
