/**
 * `reprov lineage` and `reprov impact`: the runs upstream of a file or digest (the runs that
 * generated an entity with that SHA-256, their inputs, and recursively the runs that generated
 * those inputs) and downstream of it (every run that used it, what those runs generated, and so
 * on), over every bundle found, loaded into the SPARQL store of ./query.ts. Entities are matched
 * across bundles by their `spdx:checksum` (SHA-256) value; each run is expanded once, so cycles
 * and shared ancestors end in a reference to the run shown before.
 */
import { statSync } from 'node:fs';
import { UserError } from '../base/user-error.js';
import { hashDirectory, hashFile } from '../base/hash.js';
import { embeddedSource, loadStore, withPrefixes, type LoadedStore } from './query.js';
import type { RunRow } from './runs.js';
import { select, type SparqlSource } from './sparql-source.js';
import { runsFromSource } from './runs-source.js';
import { oneLine } from '../base/diagnostics.js';

export type Direction = 'upstream' | 'downstream';

export interface LineageEntity {
  /** `prov:atLocation` as recorded (relative to the run's working directory, or absolute). */
  location?: string;
  /** SHA-256, lower-case hex; absent when the entity was not hashed. */
  digest?: string;
  /** Upstream: the runs that generated an entity with this digest; downstream: the runs that used one. */
  runs: LineageRun[];
}

export interface LineageRun {
  run: string;
  iri: string;
  file: string;
  /** True when this run was expanded earlier in the answer (a shared ancestor, or a cycle): shown once. */
  seeAbove?: true;
  experiment?: string;
  status?: string;
  start?: string;
  code?: { commit?: string; dirty?: boolean; unknown?: string };
  params?: Record<string, number | string | boolean>;
  seeds?: Record<string, number | string>;
  inputs?: LineageEntity[];
  outputs?: LineageEntity[];
}

export interface LineageResult {
  direction: Direction;
  digest: string;
  /** The file named, when a file was given. */
  file?: string;
  runs: LineageRun[];
}

const DIGEST = /^(?:sha256:)?([0-9a-fA-F]{64})$/;

/** The SHA-256 a FILE|DIGEST argument names: `sha256:<hex>` always a digest; 64 hex characters a digest unless such a file exists. Throws UserError. */
export async function resolveTarget(arg: string): Promise<{ digest: string; file?: string }> {
  const match = DIGEST.exec(arg);
  const stat = arg.startsWith('sha256:') ? undefined : statSync(arg, { throwIfNoEntry: false });
  if (!stat) {
    if (match) return { digest: match[1]!.toLowerCase() };
    throw new UserError(`${printable(arg)}: no such file, and not a SHA-256 digest (64 hex characters, or sha256:<hex>)`);
  }
  // A FIFO or a device (/dev/zero) would never finish hashing: only files and directories are targets.
  if (!stat.isFile() && !stat.isDirectory()) throw new UserError(`${printable(arg)}: not a regular file or a directory`);
  try {
    const digest = stat.isDirectory() ? (await hashDirectory(arg)).sha256 : (await hashFile(arg)).sha256;
    return { digest, file: arg };
  } catch (error) {
    throw new UserError(`${printable(arg)}: cannot be read (${(error as Error).message})`);
  }
}

/** Every use and generation of a data entity by a run, with the entity's location and SHA-256. */
const EDGES = `
SELECT DISTINCT ?run ?dir ?entity ?location ?digest WHERE {
  ?run a mls:Run .
  { ?run prov:used ?entity . BIND("in" AS ?dir) } UNION { ?entity prov:wasGeneratedBy ?run . BIND("out" AS ?dir) }
  { ?entity a reprov:File } UNION { ?entity a reprov:Directory } UNION { ?entity a mls:Model } UNION { ?entity a dcat:Dataset } UNION { ?entity a reprov:Artifact } UNION { ?entity spdx:checksum ?any }
  OPTIONAL { ?entity prov:atLocation ?location }
  OPTIONAL { ?entity spdx:checksum ?sum . ?sum spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue ?digest }
}`;

/** Each run's code state: the reprov:CodeState it used (as the code rules find it), whatever its IRI. */
const CODE = `
SELECT ?run ?commit ?dirty ?reason WHERE {
  ?run a mls:Run ; prov:used ?code .
  ?code a reprov:CodeState .
  OPTIONAL { ?code reprov:commit ?commit }
  OPTIONAL { ?code reprov:dirty ?dirty }
  OPTIONAL { ?code reprov:noRepositoryReason ?reason }
}`;

interface Edge { entity: string; location?: string; digest?: string }
interface RunFacts { row?: RunRow; iri: string; inputs: Edge[]; outputs: Edge[]; code?: LineageRun['code'] }

/** The facts of every run in the source, and for each digest the runs that used or generated it. */
async function facts(source: SparqlSource, rows: readonly RunRow[]): Promise<{ runs: Map<string, RunFacts>; usedBy: Map<string, string[]>; generatedBy: Map<string, string[]> }> {
  const runs = new Map<string, RunFacts>();
  const get = (iri: string) => {
    let entry = runs.get(iri);
    if (!entry) runs.set(iri, (entry = { iri, inputs: [], outputs: [] }));
    return entry;
  };
  for (const row of rows) get(row.iri).row ??= row;
  const usedBy = new Map<string, string[]>();
  const generatedBy = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, digest: string, run: string) => {
    const list = map.get(digest) ?? [];
    if (!list.includes(run)) list.push(run);
    map.set(digest, list);
  };
  for (const b of await select(source, withPrefixes(EDGES).text)) {
    const run = b.run!.value;
    const digest = b.digest?.value.toLowerCase();
    const edge: Edge = { entity: b.entity!.value, ...(b.location && { location: b.location.value }), ...(digest && { digest }) };
    const list = b.dir!.value === 'in' ? get(run).inputs : get(run).outputs;
    // One entry per location and digest (a file declared and also seen by the instrumentation is one input).
    if (!list.some((e) => e.location === edge.location && e.digest === edge.digest)) list.push(edge);
    if (digest) add(b.dir!.value === 'in' ? usedBy : generatedBy, digest, run);
  }
  for (const b of await select(source, withPrefixes(CODE).text)) {
    const entry = get(b.run!.value);
    entry.code = {
      ...(b.commit && { commit: b.commit.value }),
      ...(b.dirty && { dirty: b.dirty.value === 'true' || b.dirty.value === '1' }),
      ...(b.reason && { unknown: b.reason.value }),
    };
  }
  return { runs, usedBy, generatedBy };
}

/** Walks from a digest up (the generating runs) or down (the using runs) over a source and its runs; each run is expanded once. */
export async function trace(source: SparqlSource, rows: readonly RunRow[], digest: string, direction: Direction): Promise<LineageRun[]> {
  const { runs, usedBy, generatedBy } = await facts(source, rows);
  const expanded = new Set<string>();
  const next = direction === 'upstream' ? generatedBy : usedBy;
  const sortKey = (iri: string) => runs.get(iri)?.row?.start ?? '';
  const walk = (target: string): LineageRun[] => [...(next.get(target) ?? [])]
    .sort((a, b) => sortKey(a).localeCompare(sortKey(b)) || a.localeCompare(b))
    .map((iri) => {
      const entry = runs.get(iri)!;
      const head: LineageRun = { run: entry.row?.run ?? iri, iri, file: entry.row?.file ?? '' };
      if (expanded.has(iri)) return { ...head, seeAbove: true };
      expanded.add(iri);
      const row = entry.row;
      const node: LineageRun = {
        ...head,
        ...(row?.experiment !== undefined && { experiment: row.experiment }),
        ...(row?.status !== undefined && { status: row.status }),
        ...(row?.start !== undefined && { start: row.start }),
        ...(entry.code && { code: entry.code }),
        params: row?.params ?? {},
        seeds: row?.seeds ?? {},
      };
      const entity = (edge: Edge, recurse: boolean): LineageEntity => ({
        ...(edge.location !== undefined && { location: edge.location }),
        ...(edge.digest !== undefined && { digest: edge.digest }),
        runs: recurse && edge.digest ? walk(edge.digest) : [],
      });
      if (direction === 'upstream') {
        node.inputs = entry.inputs.map((e) => entity(e, true));
      } else {
        node.inputs = entry.inputs.filter((e) => e.digest === target).map((e) => entity(e, false));
        node.outputs = entry.outputs.map((e) => entity(e, true));
      }
      return node;
    });
  return walk(digest);
}

/** What was traced over: graphs (bundles) queried, and the bundles that could not be read. */
export interface LineageSources { graphs: number; cached: number; errors: LoadedStore['errors']; empty: string[] }

/** Loads the bundles under `paths` and traces the digest. */
export async function lineage(digest: string, paths: readonly string[], direction: Direction, options: { cacheDir?: string } = {}): Promise<{ result: LineageResult; loaded: LineageSources }> {
  const loaded = await loadStore(paths, options);
  const runs = await trace(embeddedSource(loaded.store), loaded.runs, digest, direction);
  return { result: { direction, digest, runs }, loaded: { graphs: loaded.graphs.size, cached: loaded.cached, errors: loaded.errors, empty: loaded.empty } };
}

/** Traces the digest over a SPARQL server's graphs (their runs read as `runs --endpoint` reads them). */
export async function remoteLineage(digest: string, source: SparqlSource, direction: Direction): Promise<{ result: LineageResult; loaded: LineageSources }> {
  const { rows, graphs } = await runsFromSource(source);
  const runs = await trace(source, rows, digest, direction);
  return { result: { direction, digest, runs }, loaded: { graphs, cached: 0, errors: [], empty: [] } };
}

/** Control and bidirectional characters escaped (as in error messages): every tree line stays one line, and a name cannot recolour the terminal. */
export function printable(text: string): string {
  return oneLine(text, Number.MAX_SAFE_INTEGER);
}

function pairs(values: Record<string, unknown> | undefined): string {
  return Object.entries(values ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(', ');
}

/** The answer as a text tree. */
export function renderTree(result: LineageResult): string {
  const lines: string[] = [];
  const p = printable;
  const upstream = result.direction === 'upstream';
  lines.push(`sha256:${result.digest}${result.file !== undefined ? ` (${p(result.file)})` : ''}`);
  const runLines = (run: LineageRun, indent: string): void => {
    const where = run.file ? `  ${p(run.file)}` : '';
    if (run.seeAbove) {
      lines.push(`${indent}run ${p(run.run)} (shown above)`);
      return;
    }
    const about = [run.experiment && `experiment ${p(run.experiment)}`, run.status && p(run.status)].filter(Boolean).join(', ');
    lines.push(`${indent}run ${p(run.run)}${about ? ` [${about}]` : ''}${where}`);
    const inner = `${indent}    `;
    const code = run.code;
    lines.push(`${inner}code: ${code?.commit ? `commit ${p(code.commit)}${code.dirty === true ? ' (dirty)' : code.dirty === false ? ' (clean)' : ''}` : code?.unknown ? `unknown (${p(code.unknown)})` : 'not recorded'}`);
    if (Object.keys(run.params ?? {}).length) lines.push(`${inner}params: ${p(pairs(run.params))}`);
    if (Object.keys(run.seeds ?? {}).length) lines.push(`${inner}seeds: ${p(pairs(run.seeds))}`);
    const entities = (label: string, list: LineageEntity[] | undefined, arrow: string) => {
      for (const e of list ?? []) {
        lines.push(`${inner}${label} ${p(e.location ?? '(no location)')}  ${e.digest ? `sha256:${e.digest}` : '(no digest)'}`);
        for (const child of e.runs) {
          lines.push(`${inner}  ${arrow}`);
          runLines(child, `${inner}    `);
        }
      }
    };
    entities('input', run.inputs, 'generated by:');
    if (!upstream) entities('output', run.outputs, 'used by:');
  };
  lines.push(upstream ? '  generated by:' : '  used by:');
  for (const run of result.runs) runLines(run, '    ');
  return `${lines.join('\n')}\n`;
}
