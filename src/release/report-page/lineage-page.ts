/**
 * The page of `reprov lineage|impact -f html`: the upstream or downstream of a file or digest as a
 * graph (runs as activities, files as entities, `used` and `wasGeneratedBy` between them), laid
 * out by elkjs as the run page's provenance graph is and drawn by the same page script, with the
 * tree as a table beside it. One entity node per SHA-256: lineage matches files across bundles by
 * digest, so the graph shows where one run's output is another's input.
 */
import type { LineageEntity, LineageResult, LineageRun } from '../lineage.js';
import { renderPage } from '../../report/page-shell.js';
import { layOutGraph, type GraphEdge, type GraphNode, type PageGraph } from './graph.js';

export interface LineagePageData {
  kind: 'lineage';
  title: string;
  direction: LineageResult['direction'];
  digest: string;
  file?: string;
  graph: PageGraph;
  /** The tree, one row per run or file, in the order of the text tree (the graph's text alternative). */
  tree: { columns: string[]; rows: string[][] };
}

const TREE_COLUMNS = ['depth', 'kind', 'run or file', 'SHA-256', 'details', 'bundle'];

export async function lineageReport(result: LineageResult): Promise<string> {
  const data = await lineagePageData(result);
  return renderPage(data.title, data);
}

export async function lineagePageData(result: LineageResult): Promise<LineagePageData> {
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const rows: string[][] = [];
  const upstream = result.direction === 'upstream';
  const target = entityNode({ digest: result.digest, runs: [], ...(result.file !== undefined && { location: result.file }) }, '');

  function entityNode(entity: LineageEntity, owner: string): string {
    // A file without a digest cannot be matched across runs: it is its run's own node.
    const id = entity.digest ? `sha256:${entity.digest}` : `${owner} ${entity.location ?? '(no location)'}`;
    const node = nodes.get(id) ?? { id, label: '', kind: 'entity' as const, attributes: entity.digest ? [['SHA-256', entity.digest]] : [], findings: [] };
    nodes.set(id, node);
    if (entity.location !== undefined && !node.attributes.some(([k, v]) => k === 'location' && v === entity.location)) node.attributes.push(['location', entity.location]);
    const name = entity.location?.replace(/^.*[/\\](?=.)/, '') ?? '(no location)';
    node.label ||= entity.digest ? `${name} ${entity.digest.slice(0, 8)}` : name;
    return id;
  }

  function runNode(run: LineageRun): string {
    if (nodes.has(run.iri)) return run.iri;
    const code = run.code?.commit ? `${run.code.commit}${run.code.dirty === true ? ' (dirty)' : run.code.dirty === false ? ' (clean)' : ''}` : run.code?.unknown ? `unknown (${run.code.unknown})` : undefined;
    const attributes: [string, string | undefined][] = [
      ['run', run.run], ['experiment', run.experiment], ['status', run.status], ['started', run.start], ['code', code], ['bundle', run.file],
      ...Object.entries(run.params ?? {}).map(([k, v]): [string, string] => [`param ${k}`, String(v)]),
      ...Object.entries(run.seeds ?? {}).map(([k, v]): [string, string] => [`seed ${k}`, String(v)]),
    ];
    nodes.set(run.iri, { id: run.iri, label: run.run, kind: 'activity', attributes: attributes.filter((a): a is [string, string] => a[1] !== undefined), findings: [] });
    return run.iri;
  }

  const details = (run: LineageRun) => [run.experiment && `experiment ${run.experiment}`, run.status, run.code?.commit && `commit ${run.code.commit}`,
    ...Object.entries(run.params ?? {}).map(([k, v]) => `${k}=${String(v)}`), ...Object.entries(run.seeds ?? {}).map(([k, v]) => `seed ${k}=${String(v)}`)].filter(Boolean).join(', ');

  /** A run reached from the entity `from` (upstream: it generated it; downstream: it used it). */
  function walkRun(run: LineageRun, from: string, depth: number): void {
    const id = runNode(run);
    edges.push(upstream ? { from, to: id, relation: 'wasGeneratedBy' } : { from: id, to: from, relation: 'used' });
    rows.push([String(depth), 'run', run.run, '', run.seeAbove ? '(shown above)' : details(run), run.file]);
    if (run.seeAbove) return;
    const entities = (list: LineageEntity[] | undefined, kind: 'input' | 'output') => {
      for (const entity of list ?? []) {
        const entityId = entityNode(entity, id);
        edges.push(kind === 'input' ? { from: id, to: entityId, relation: 'used' } : { from: entityId, to: id, relation: 'wasGeneratedBy' });
        rows.push([String(depth + 1), kind, entity.location ?? '(no location)', entity.digest ?? '', '', '']);
        for (const next of entity.runs) walkRun(next, entityId, depth + 2);
      }
    };
    entities(run.inputs, 'input');
    if (!upstream) entities(run.outputs, 'output');
  }

  rows.push(['0', upstream ? 'file (generated)' : 'file (used)', result.file ?? '(by digest)', result.digest, '', '']);
  for (const run of result.runs) walkRun(run, target, 1);
  const all = [...nodes.values()];
  const title = `reprov ${upstream ? 'lineage' : 'impact'}: ${result.file ?? `sha256:${result.digest}`}`;
  return {
    kind: 'lineage',
    title,
    direction: result.direction,
    digest: result.digest,
    ...(result.file !== undefined && { file: result.file }),
    graph: { nodes: Object.fromEntries(all.map((n) => [n.id, n])), collapsed: await layOutGraph(all, edges) },
    tree: { columns: TREE_COLUMNS, rows },
  };
}
