/**
 * What a report page should show, computed from a bundle's PROV-JSON independently of the page
 * generator: the PROV nodes (entities, activities, agents, less the checksum and environment
 * variable nodes shown as their owner's attributes), the relations between them, and the same
 * with metric entities collapsed into one node per context.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const RELATIONS: Record<string, [string, string]> = {
  used: ['prov:activity', 'prov:entity'], wasGeneratedBy: ['prov:entity', 'prov:activity'], wasInformedBy: ['prov:informed', 'prov:informant'],
  wasAssociatedWith: ['prov:activity', 'prov:agent'], wasAttributedTo: ['prov:entity', 'prov:agent'], wasDerivedFrom: ['prov:generatedEntity', 'prov:usedEntity'],
  actedOnBehalfOf: ['prov:delegate', 'prov:responsible'], wasStartedBy: ['prov:activity', 'prov:trigger'], wasEndedBy: ['prov:activity', 'prov:trigger'],
  wasInvalidatedBy: ['prov:entity', 'prov:activity'], hadMember: ['prov:collection', 'prov:entity'], specializationOf: ['prov:specificEntity', 'prov:generalEntity'],
  alternateOf: ['prov:alternate1', 'prov:alternate2'], wasInfluencedBy: ['prov:influencee', 'prov:influencer'],
};
type Doc = Record<string, Record<string, Record<string, unknown>>>;
const typesOf = (attrs: Record<string, unknown>): string[] => {
  const t = attrs['prov:type'];
  return (Array.isArray(t) ? t : t === undefined ? [] : [t]).map((v) => (typeof v === 'object' && v ? String((v as { $: string }).$) : String(v)));
};

export interface Expected { nodes: Set<string>; edges: Set<string>; collapsedNodes: Set<string>; collapsedEdges: Set<string> }

export function expectedGraph(provJson: string): Expected {
  const doc = JSON.parse(readFileSync(provJson, 'utf8')) as Doc;
  const nodes = new Set<string>();
  const group = new Map<string, string>();
  for (const section of ['entity', 'activity', 'agent']) {
    for (const [id, attrs] of Object.entries(doc[section] ?? {})) {
      const types = typesOf(attrs);
      if (types.includes('spdx:Checksum') || types.includes('reprov:EnvironmentVariable')) continue;
      nodes.add(id);
      if (types.includes('reprov:Metric') || types.includes('mls:ModelEvaluation')) {
        const context = attrs['reprov:context'];
        const ctx = typeof context === 'object' && context ? String((context as { $: string }).$) : String(context ?? '');
        group.set(id, ctx);
      }
    }
  }
  // Context ids to labels as the page names groups (`metrics:<label>`).
  const label = (ctx: string) => {
    const a = doc.activity?.[ctx];
    const l = a?.['rdfs:label'] ?? a?.['prov:label'] ?? a?.['reprov:contextKind'];
    return typeof l === 'string' ? l : typeof l === 'object' && l ? String((l as { $: string }).$) : ctx.replace(/^.*\//, '');
  };
  const edges = new Set<string>();
  for (const [relation, [from, to]] of Object.entries(RELATIONS)) {
    for (const entry of Object.values(doc[relation] ?? {})) {
      const a = String(entry[from] ?? ''), b = String(entry[to] ?? '');
      if (nodes.has(a) && nodes.has(b)) edges.add(`${a} ${relation} ${b}`);
    }
  }
  const collapse = (id: string) => (group.has(id) ? `metrics:${label(group.get(id)!)}` : id);
  const collapsedNodes = new Set([...nodes].map(collapse));
  const collapsedEdges = new Set([...edges].map((e) => {
    const [a, rel, b] = e.split(' ');
    return `${collapse(a!)} ${rel} ${collapse(b!)}`;
  }).filter((e) => { const [a, , b] = e.split(' '); return a !== b; }));
  return { nodes, edges, collapsedNodes, collapsedEdges };
}

/** Points per metric name in a bundle's metric side files (every line after the `name,context,source` header). */
export function pointsPerMetric(bundleDir: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const file of readdirSync(join(bundleDir, 'metrics'))) {
    const lines = readFileSync(join(bundleDir, 'metrics', file), 'utf8').split('\n').filter(Boolean);
    const name = lines[0]!.split(',')[0]!;
    out.set(name, (out.get(name) ?? 0) + lines.length - 1);
  }
  return out;
}
