/**
 * `reprov diff A B`: what differs between two runs, section by section: parameters, seeds,
 * determinism settings, input data, code, dependencies, environment and hardware (what the run
 * used), then output data and final metrics (what it produced) and the run's own bookkeeping.
 *
 * Every compared value is an entry marked `reproduction: true` when a difference in it can
 * change what the run computes. Two runs are *equivalent* when no such entry differs: same
 * inputs, whatever their results. Hostnames, working directories, GPU serial numbers, branch
 * names, outputs and metrics are shown but never make runs inequivalent: they are what a
 * reproduction compares, not what it needs.
 */
import type { LoadedBundle } from '../io/load-bundle.js';
import { mls, rdf } from '../prov/vocabulary.js';
import { UserError } from '../base/user-error.js';
import { bundleFacts, type BundleFacts, type Property } from './facts.js';
import { decimalDifference } from './decimal.js';

export const DIFF_SECTIONS = [
  'run', 'parameters', 'seeds', 'determinism', 'inputs', 'code', 'dependencies', 'environment', 'hardware', 'outputs', 'metrics',
] as const;
export type DiffSectionName = (typeof DIFF_SECTIONS)[number];

/** Sections that describe what a run produced (or its bookkeeping): never counted against equivalence. */
export const RESULT_SECTIONS: readonly DiffSectionName[] = ['run', 'outputs', 'metrics'];

export type Change = 'same' | 'changed' | 'added' | 'removed';

export interface DiffEntry {
  key: string;
  /** The value in run A, as recorded; null when A does not record it. */
  a: string | null;
  b: string | null;
  /** `added`: only B records it; `removed`: only A. */
  change: Change;
  /** A difference here can change what the run computes. */
  reproduction: boolean;
  /** b − a, for numeric metric values: the double nearest the exact decimal difference of the values as recorded. */
  delta?: number;
}

export interface DiffSection {
  name: DiffSectionName;
  entries: DiffEntry[];
}

export interface DiffSide {
  file: string;
  run: string;
}

export interface DiffReport {
  a: DiffSide;
  b: DiffSide;
  /** No entry that matters for reproduction differs. */
  equivalent: boolean;
  /** Sections with at least one entry that matters for reproduction and differs. */
  differing: DiffSectionName[];
  sections: DiffSection[];
}

/** A bundle that does not hold exactly one run: there is nothing, or no single thing, to compare. */
export class DiffInputError extends UserError {}

export interface DiffOptions {
  /** In a bundle that holds several runs (a merged one, a run per rank), the run of A to compare: its run id or IRI. */
  runA?: string;
  /** The same for B. */
  runB?: string;
}

export function diffBundles(a: LoadedBundle, b: LoadedBundle, options: DiffOptions = {}): DiffReport {
  return diffFacts(oneRun(a, options.runA, '--run-a'), oneRun(b, options.runB, '--run-b'));
}

/** The facts of the run to compare: the bundle's only run, or the one named. */
function oneRun(bundle: LoadedBundle, name: string | undefined, flag: string): BundleFacts {
  const runs = [...new Set(bundle.quads.filter((q) => q.predicate.equals(rdf.type) && q.object.equals(mls.Run)).map((q) => q.subject.value))];
  if (!runs.length) throw new DiffInputError(`${bundle.file}: the bundle records no run (mls:Run)`);
  if (name === undefined) {
    if (runs.length === 1) return bundleFacts(bundle);
    throw new DiffInputError(`${bundle.file}: the bundle holds ${runs.length} runs (a merged bundle?): name one with ${flag} (${runs.map(runId).join(', ')})`);
  }
  const run = runs.find((iri) => iri === name || runId(iri) === name);
  if (!run) throw new DiffInputError(`${bundle.file}: no run '${name}' in the bundle (it holds ${runs.map(runId).join(', ')})`);
  // A recorded run's nodes share its namespace (`<base>run`, `<base>param/lr`, …): that is its part of a merged bundle.
  const base = run.slice(0, Math.max(run.lastIndexOf('/'), run.lastIndexOf('#')) + 1);
  const part = { ...bundle, quads: bundle.quads.filter((q) => q.subject.value.startsWith(base)) };
  if (runs.filter((iri) => iri.startsWith(base)).length > 1) {
    throw new DiffInputError(`${bundle.file}: the run ${runId(run)} shares its namespace ${base} with the bundle's other runs: it cannot be told apart from them`);
  }
  return bundleFacts(part);
}

/** A reprov run's id (`urn:reprov:run:<id>/run`), else the run's IRI. */
function runId(iri: string): string {
  return /^urn:reprov:run:(.+)\/run$/.exec(iri)?.[1] ?? iri;
}

export function diffFacts(a: BundleFacts, b: BundleFacts): DiffReport {
  const sections: DiffSection[] = DIFF_SECTIONS.map((name) => ({ name, entries: SECTION[name](a, b) }));
  const differing = sections.filter((s) => s.entries.some((e) => e.change !== 'same' && e.reproduction)).map((s) => s.name);
  return { a: { file: a.file, run: a.runs[0] ?? '' }, b: { file: b.file, run: b.runs[0] ?? '' }, equivalent: differing.length === 0, differing, sections };
}

type Values = Map<string, string | undefined>;

/** Entries for the keys of either side, sorted; numbers that are equal as numbers (`1` and `1.0`) are the same. */
function compare(a: Values, b: Values, reproduction: boolean | ((key: string) => boolean)): DiffEntry[] {
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x.localeCompare(y));
  return keys.flatMap((key) => {
    const va = a.get(key) ?? null;
    const vb = b.get(key) ?? null;
    if (va === null && vb === null) return [];
    const change: Change = va === null ? 'added' : vb === null ? 'removed' : sameValue(va, vb) ? 'same' : 'changed';
    return [{ key, a: va, b: vb, change, reproduction: typeof reproduction === 'function' ? reproduction(key) : reproduction }];
  });
}

function sameValue(a: string, b: string): boolean {
  if (a === b) return true;
  const na = Number(a);
  const nb = Number(b);
  return a.trim() !== '' && b.trim() !== '' && Number.isFinite(na) && na === nb;
}

const map = (entries: Iterable<[string, string | undefined]>): Values => new Map(entries);

/** Properties by key; a key recorded several times (two environment nodes) joins its values. */
function properties(list: Property[]): { values: Values; reproduction: (key: string) => boolean } {
  const values = new Map<string, string>();
  const counts = new Map<string, boolean>();
  for (const p of list) {
    values.set(p.key, values.has(p.key) ? `${values.get(p.key)}, ${p.value}` : p.value);
    counts.set(p.key, p.reproduction);
  }
  return { values, reproduction: (key) => counts.get(key) ?? true };
}

function propertySection(pick: (f: BundleFacts) => Property[]) {
  return (a: BundleFacts, b: BundleFacts) => {
    const pa = properties(pick(a));
    const pb = properties(pick(b));
    return compare(pa.values, pb.values, (key) => pa.reproduction(key) && pb.reproduction(key));
  };
}

function dataSection(role: 'input' | 'output') {
  return (a: BundleFacts, b: BundleFacts) => {
    // Matched by location: the same path in both runs is the same input.
    const digests = (f: BundleFacts) => map(f.files.filter((file) => file.role === role)
      .map((file) => [file.location ?? file.id, file.sha256 ?? 'no checksum recorded']));
    return compare(digests(a), digests(b), role === 'input');
  };
}

function codeSection(a: BundleFacts, b: BundleFacts): DiffEntry[] {
  const values = (f: BundleFacts): Values => {
    const code = f.code[0];
    if (!code) return new Map();
    const list = (files: string[], count: number | undefined) => (count === undefined && !files.length ? undefined : files.join(', ') || 'none');
    return map([
      ['repository', code.repository], ['commit', code.commit], ['branch', code.branch],
      ['dirty', code.dirty === undefined ? undefined : String(code.dirty)],
      ['diff SHA-256', code.diffSha256 ?? (code.dirty === false || code.changedFileCount === 0 ? 'none' : undefined)],
      ['changed files', list(code.changedFiles, code.changedFileCount)],
      ['untracked files', list(code.untrackedFiles, code.untrackedFileCount)],
      ['not in a repository', code.noRepository],
    ]);
  };
  // The commit, the diff and untracked files are the code; the remote, the branch and the list of changed paths only name it.
  const informational = new Set(['repository', 'branch', 'changed files']);
  return compare(values(a), values(b), (key) => !informational.has(key));
}

function dependencySection(a: BundleFacts, b: BundleFacts): DiffEntry[] {
  const values = (f: BundleFacts): Values => map(f.dependencies.flatMap((d) => [
    [`${d.key} SHA-256`, d.sha256] as [string, string | undefined],
    [`${d.key} pinned`, d.pinned],
    ...d.packages.map((p): [string, string] => {
      const [name = p, version = ''] = p.split('==');
      return [`${d.key} package ${name}`, version];
    }),
  ]));
  return compare(values(a), values(b), (key) => !key.endsWith(' pinned'));
}

function metricSection(a: BundleFacts, b: BundleFacts): DiffEntry[] {
  const values = (f: BundleFacts): Values => map(f.metrics.flatMap((m) => {
    const name = m.context ? `${m.context}/${m.name}` : m.name;
    return [[`${name} last`, m.last], [`${name} min`, m.min], [`${name} max`, m.max], [`${name} points`, m.points]];
  }));
  return compare(values(a), values(b), false).map((entry) => {
    // From the exact decimal difference of the values as recorded (0.3 − 0.1 is 0.2, not 0.19999999999999998).
    const exact = entry.a !== null && entry.b !== null ? decimalDifference(entry.a, entry.b) : undefined;
    const delta = exact !== undefined ? Number(exact) : entry.a !== null && entry.b !== null ? Number(entry.b) - Number(entry.a) : NaN;
    return Number.isFinite(delta) && !entry.key.endsWith(' points') ? { ...entry, delta } : entry;
  });
}

const SECTION: Record<DiffSectionName, (a: BundleFacts, b: BundleFacts) => DiffEntry[]> = {
  run: (a, b) => compare(
    map([['experiment', a.experiment], ['status', a.status], ['exit code', a.exitCode]]),
    map([['experiment', b.experiment], ['status', b.status], ['exit code', b.exitCode]]), false),
  parameters: (a, b) => compare(a.parameters, b.parameters, true),
  seeds: (a, b) => compare(a.seeds, b.seeds, true),
  determinism: (a, b) => compare(a.determinism, b.determinism, true),
  inputs: dataSection('input'),
  code: codeSection,
  dependencies: dependencySection,
  environment: propertySection((f) => f.environment),
  hardware: propertySection((f) => f.hardware),
  outputs: dataSection('output'),
  metrics: metricSection,
};
