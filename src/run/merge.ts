/**
 * `reprov merge`: the bundles of a distributed run (one per rank) as one bundle. The union of
 * their graphs, plus a run node that has each rank's run as a part (`dcterms:hasPart`), each run once.
 */
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { DataFactory, type Quad } from 'n3';
import { findBundleFiles } from '../io/find-bundles.js';
import { loadBundle, openBundle } from '../io/load-bundle.js';
import { RunGraph } from '../prov/graph.js';
import { mls, prov, rdf, reprov, dcterms, RUN_PREFIXES } from '../prov/vocabulary.js';
import type { ProvDataset } from '../io/dataset.js';
import { writeBundleFiles } from '../io/write.js';
import { writeDirectory } from '../base/output-dir.js';

const { namedNode } = DataFactory;

/** Writes a merged bundle (prov.json + prov.ttl) into `out`, atomically; an earlier reprov bundle there is replaced only with `overwrite`. */
export async function writeMergedBundle(out: string, dataset: ProvDataset, options: { overwrite?: boolean } = {}): Promise<void> {
  await writeDirectory(out, { what: 'a reprov bundle', tool: 'reprov merge', overwrite: options.overwrite }, (dir) => writeBundleFiles(dir, dataset));
}

/** A merged bundle, with what went into it. */
export interface MergedBundle extends ProvDataset {
  /** The runs (mls:Run IRIs) it holds, each once. */
  runs: string[];
  /** The bundle files read, in order. */
  sources: string[];
  /** Files not taken: the same run in another serialisation (`prov.ttl` beside `prov.json`), or runs already taken. */
  notTaken: { file: string; reason: string; kind: 'serialisation' | 'duplicate' }[];
}

const PROV_JSON = /\.(?:json|provjson)$/i;

/**
 * Merges the bundles `paths` name (files, or directories searched for bundle files: the rank files
 * `prov.rank<N>.json` of a distributed run's shared directory, one directory per rank, ...) into one
 * bundle. Each run is taken once: a run written as both `prov.json` and `prov.ttl` is read from its
 * PROV-JSON, and a bundle whose runs (its `mls:Run` activities, by IRI) are all taken already is
 * skipped.
 */
export async function mergeBundles(paths: string[], options: { experiment?: string; namespace?: string } = {}): Promise<MergedBundle> {
  const quads: Quad[] = [];
  const prefixes: Record<string, string> = { ...RUN_PREFIXES };
  const graph = new RunGraph(options.namespace ?? `urn:reprov:merge:${Date.now().toString(36)}/`);
  const merged = graph.node('run');
  // Not an mls:Run itself: checks look at each rank's run, not at the aggregate.
  graph.describe(merged, [prov.Activity], options.experiment ?? 'merged run');
  const runs = new Set<string>();
  const sources: string[] = [];
  const notTaken: MergedBundle['notTaken'] = [];
  const read = new Set<string>();
  /** Stems (`dir/prov.rank1`) read from their PROV-JSON: their other serialisations are the same run. */
  const jsonStems = new Set<string>();
  let experimentTaken = false;
  for (const file of candidates(paths)) {
    const key = file === '-' ? file : resolve(file);
    if (read.has(key)) continue;
    read.add(key);
    const stem = key.replace(/\.[^./]+$/, '');
    if (!PROV_JSON.test(file) && jsonStems.has(stem)) {
      notTaken.push({ file, reason: `the same run as ${basename(stem)}.json`, kind: 'serialisation' });
      continue;
    }
    const dataset = await (statSync(file, { throwIfNoEntry: false })?.isDirectory() ? openBundle(file) : loadBundle(file));
    // Each rank's run: the mls:Run activities of its bundle.
    const own = [...new Set(dataset.quads.filter((q) => q.predicate.equals(rdf.type) && q.object.equals(mls.Run) && q.subject.termType === 'NamedNode').map((q) => q.subject.value))];
    if (own.length && own.every((run) => runs.has(run))) {
      notTaken.push({ file, reason: `its run${own.length > 1 ? 's are' : ' is'} taken already`, kind: 'duplicate' });
      continue;
    }
    if (PROV_JSON.test(file)) jsonStems.add(stem);
    sources.push(file);
    quads.push(...dataset.quads);
    Object.assign(prefixes, dataset.prefixes);
    for (const run of own) {
      runs.add(run);
      graph.add(merged, dcterms.hasPart, namedNode(run));
    }
    if (!options.experiment && !experimentTaken) {
      const experiment = dataset.quads.find((q) => q.predicate.equals(reprov.experiment));
      if (experiment) {
        graph.add(merged, reprov.experiment, experiment.object.value);
        experimentTaken = true;
      }
    }
  }
  delete prefixes.run;
  return { quads: [...dedupe(graph.quads), ...quads], prefixes: { ...prefixes, merged: graph.base }, warnings: [], skipped: [], runs: [...runs], sources, notTaken };
}

/** The bundle files the paths name, PROV-JSON first in each directory (so a run is read from it, not from its Turtle). */
function candidates(paths: string[]): string[] {
  return paths.flatMap((path) => {
    if (path === '-' || !statSync(path, { throwIfNoEntry: false })?.isDirectory()) return [path];
    const files = findBundleFiles(path);
    return [...files.filter((f) => PROV_JSON.test(f)), ...files.filter((f) => !PROV_JSON.test(f))];
  });
}

function dedupe(quads: Quad[]): Quad[] {
  const seen = new Set<string>();
  return quads.filter((q) => {
    const key = `${q.subject.value} ${q.predicate.value} ${q.object.termType}:${q.object.value}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
