/**
 * `reprov merge`: the bundles of a distributed run (one per rank) as one bundle. The union of
 * their graphs, plus a run node that has each rank's run as a part (`dcterms:hasPart`).
 */
import type { NamedNode, Quad } from 'n3';
import { openBundle } from '../io/load-bundle.js';
import { RunGraph } from '../prov/graph.js';
import { mls, prov, rdf, reprov, dcterms, RUN_PREFIXES } from '../prov/vocabulary.js';
import type { ProvDataset } from '../io/dataset.js';
import { writeBundleFiles } from '../io/write.js';
import { writeDirectory } from '../base/output-dir.js';

/** Writes a merged bundle (prov.json + prov.ttl) into `out`, atomically; an earlier reprov bundle there is replaced only with `overwrite`. */
export async function writeMergedBundle(out: string, dataset: ProvDataset, options: { overwrite?: boolean } = {}): Promise<void> {
  await writeDirectory(out, { what: 'a reprov bundle', tool: 'reprov merge', overwrite: options.overwrite }, (dir) => writeBundleFiles(dir, dataset));
}

export async function mergeBundles(paths: string[], options: { experiment?: string; namespace?: string } = {}): Promise<ProvDataset> {
  const quads: Quad[] = [];
  const prefixes: Record<string, string> = { ...RUN_PREFIXES };
  const graph = new RunGraph(options.namespace ?? `urn:reprov:merge:${Date.now().toString(36)}/`);
  const merged = graph.node('run');
  // Not an mls:Run itself: checks look at each rank's run, not at the aggregate.
  graph.describe(merged, [prov.Activity], options.experiment ?? 'merged run');
  for (const path of paths) {
    const dataset = await openBundle(path);
    quads.push(...dataset.quads);
    Object.assign(prefixes, dataset.prefixes);
    // Each rank's run: the mls:Run activities of its bundle.
    for (const q of dataset.quads) {
      if (q.predicate.equals(rdf.type) && q.object.equals(mls.Run) && q.subject.termType === 'NamedNode') graph.add(merged, dcterms.hasPart, q.subject as NamedNode);
    }
    if (!options.experiment) {
      const experiment = dataset.quads.find((q) => q.predicate.equals(reprov.experiment));
      if (experiment) graph.add(merged, reprov.experiment, experiment.object.value);
    }
  }
  delete prefixes.run;
  return { quads: [...dedupe(graph.quads), ...quads], prefixes: { ...prefixes, merged: graph.base }, warnings: [], skipped: [] };
}

function dedupe(quads: Quad[]): Quad[] {
  const seen = new Set<string>();
  return quads.filter((q) => {
    const key = `${q.subject.value} ${q.predicate.value} ${q.object.termType}:${q.object.value}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
