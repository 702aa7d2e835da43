/**
 * `reprov report`: one self-contained HTML page for a run (BUNDLE), or for a comparison of runs
 * (A B ...). It lives in the release layer because a comparison reuses `reprov diff`
 * (src/release/diff.ts) and its equivalence verdict; everything else it needs (loading, check,
 * the PROV vocabulary) is below. Bundles of other producers (yProv4ML, MLflow imports) are read
 * through the same loader, so they render the same way. See docs/report.md.
 */
import type { Term } from 'n3';
import { BundleStore } from '../../check/bundle-store.js';
import { runs } from '../../check/graph-query.js';
import type { BundleResult, Finding, RuleMeta } from '../../check/types.js';
import { openBundle, type LoadedBundle } from '../../io/load-bundle.js';
import { prov, rdf, rdfs, reprov } from '../../prov/vocabulary.js';
import { categoryEntries, sortFindings } from '../../report/common.js';
import type { DiffReport } from '../diff.js';
import { bundleFacts, type BundleFacts } from '../facts.js';
import { markFindings, pageGraph, type PageGraph } from './graph.js';
import { renderPage } from '../../report/page-shell.js';
import { inWorker } from './in-worker.js';
import { encodeSeries, loadSeries, readSeries, seriesSources, MAX_COLUMNS, type EncodedSeries, type PageSeries } from './metrics.js';

export { scriptSafeJson, escapeHtml, renderPage } from '../../report/page-shell.js';
export { MAX_COLUMNS } from './metrics.js';

export interface ReportOptions {
  /** Check configuration (as `reprov check --config`). */
  config?: string;
}

export interface PageTable {
  id: string;
  title: string;
  columns: string[];
  rows: string[][];
  empty: string;
}

export interface PageCheck {
  score: number | null;
  categories: [string, number | null][];
  findings: Finding[];
  rules: Pick<RuleMeta, 'id' | 'title' | 'description' | 'why' | 'fix' | 'category' | 'severity'>[];
  warnings: string[];
}

export interface RunSummary {
  file: string;
  label?: string;
  experiment?: string;
  status?: string;
  complete?: string;
  started?: string;
  ended?: string;
  command?: string;
  entryPoint?: string;
  exitCode?: string;
  signal?: string;
  energyJoules?: string;
  importedFrom?: string;
}

export interface RunPageData {
  kind: 'run';
  title: string;
  run: RunSummary;
  check?: PageCheck;
  checkError?: string;
  tables: PageTable[];
  series: EncodedSeries[];
  maxColumns: number;
  graph: PageGraph;
}

export interface ComparePageData {
  kind: 'compare';
  title: string;
  runs: RunSummary[];
  /** Each run after the first against the first, as `reprov diff` compares them. */
  diffs: DiffReport[];
  /** Sections that describe results, never counted against equivalence (as `reprov diff` says). */
  resultSections: readonly string[];
  series: (EncodedSeries & { run: number })[];
  maxColumns: number;
  /** What a comparison concluded when a command made it (`reprov reproduce`: its verdict and summary). */
  outcome?: { title: string; verdict: string; summary: string };
}

export async function runPageData(path: string, options: ReportOptions = {}): Promise<RunPageData> {
  const bundle = await openBundle(path);
  const store = new BundleStore(bundle.quads);
  // The metric files are read in a worker thread (a million points take a good part of a second to
  // parse), and so is the graph laid out, while this thread checks the bundle.
  const sources = seriesSources(store);
  const seriesRead = inWorker<PageSeries[]>('series-worker', { sources, baseDir: bundle.baseDir }) ?? loadSeries(sources, bundle.baseDir);
  seriesRead.catch(() => {});
  const graph = pageGraph({ store, prefixes: bundle.prefixes, file: bundle.file });
  graph.catch(() => {});
  const facts = bundleFacts(bundle);
  let check: PageCheck | undefined;
  let checkError: string | undefined;
  if (bundle.file !== '<stdin>') {
    // Loaded here, after the workers have started: its rules and SHACL engine take a while to load.
    const { checkLoaded } = await import('../../check/check.js');
    const checked = await checkLoaded(bundle, store, { config: options.config });
    const result: BundleResult | undefined = checked.result.bundles[0];
    if (result) check = pageCheck(result, checked.rules);
    else checkError = checked.result.errors.map((e) => e.message).join('; ');
  }
  const run = runSummary(bundle, store, facts);
  const series = (await seriesRead).map(encodeSeries);
  return {
    kind: 'run',
    title: `reprov report: ${run.label ?? run.experiment ?? bundle.file}`,
    run,
    ...(check && { check }),
    ...(checkError && { checkError }),
    tables: runTables(facts),
    series,
    maxColumns: MAX_COLUMNS,
    graph: markFindings(await graph, check?.findings ?? []),
  };
}

/** The comparison page of two or more runs. */
export async function compareReport(paths: readonly string[], outcome?: ComparePageData['outcome']): Promise<{ html: string; equivalent: boolean }> {
  const data = { ...(await comparePageData(paths)), ...(outcome && { outcome, title: outcome.title }) };
  return { html: renderPage(data.title, data), equivalent: data.diffs.every((d) => d.equivalent) };
}

export async function comparePageData(paths: readonly string[]): Promise<ComparePageData> {
  // Loaded here: a run page does not need reprov diff.
  const [{ diffBundles, RESULT_SECTIONS }, bundles] = await Promise.all([import('../diff.js'), Promise.all(paths.map((p) => openBundle(p)))]);
  const first = bundles[0]!;
  const summaries = bundles.map((b) => runSummary(b, new BundleStore(b.quads), bundleFacts(b)));
  const series = (await Promise.all(bundles.map(async (b, run) => (await readSeries(new BundleStore(b.quads), b.baseDir)).map((s) => ({ ...encodeSeries(s), run }))))).flat();
  return {
    kind: 'compare',
    title: `reprov report: ${bundles.length} runs compared`,
    runs: summaries,
    diffs: bundles.slice(1).map((b) => diffBundles(first, b)),
    resultSections: RESULT_SECTIONS,
    series,
    maxColumns: MAX_COLUMNS,
  };
}

function pageCheck(result: BundleResult, rules: readonly RuleMeta[]): PageCheck {
  const findings = sortFindings(result.findings);
  const used = new Set(findings.map((f) => f.rule));
  return {
    score: result.score,
    categories: categoryEntries(result),
    findings,
    rules: rules.filter((r) => used.has(r.id)).map(({ id, title, description, why, fix, category, severity }) => ({ id, title, description, why, fix, category, severity })),
    warnings: result.warnings ?? [],
  };
}

function runSummary(bundle: LoadedBundle, store: BundleStore, facts: BundleFacts): RunSummary {
  const run: Term | undefined = runs(store)[0];
  const one = (s: Term | undefined, p: Term) => (s ? store.getObjects(s, p, null)[0]?.value : undefined);
  const command = store.getSubjects(rdf.type, reprov.Command, null)[0];
  const summary: RunSummary = { file: bundle.file };
  const set = (key: keyof RunSummary, value: string | undefined) => {
    if (value !== undefined && value !== '') summary[key] = value;
  };
  set('label', one(run, rdfs.label));
  set('experiment', facts.experiment);
  set('status', facts.status);
  set('complete', one(run, reprov.complete));
  set('started', one(run, prov.startedAtTime));
  set('ended', one(run, prov.endedAtTime));
  set('command', one(command, reprov.commandLine));
  set('entryPoint', one(command, reprov.entryPoint));
  set('exitCode', facts.exitCode);
  set('signal', one(run, reprov.signal));
  set('energyJoules', one(run, reprov.energyJoules));
  if (bundle.importedFrom) set('importedFrom', `${bundle.importedFrom.importer} (generation ${bundle.importedFrom.generation})`);
  return summary;
}

function runTables(facts: BundleFacts): PageTable[] {
  const files = (role: 'input' | 'output') => facts.files.filter((f) => f.role === role)
    .map((f) => [f.location ?? f.id, f.directory ? 'directory' : 'file', f.sha256 ?? (f.otherChecksums.length ? f.otherChecksums.join(', ') : 'no checksum recorded')]);
  const code = facts.code.flatMap((c) => {
    const rows: [string, string | undefined][] = [
      ['repository', c.repository], ['commit', c.commit], ['branch', c.branch], ['dirty', c.dirty === undefined ? undefined : String(c.dirty)],
      ['diff SHA-256', c.diffSha256], ['changed files', c.changedFiles.length ? `${c.changedFiles.join(', ')}${c.changedFileCount && c.changedFileCount > c.changedFiles.length ? ` (${c.changedFileCount} in all)` : ''}` : undefined],
      ['untracked files', c.untrackedFiles.length ? c.untrackedFiles.join(', ') : undefined], ['not in a repository', c.noRepository],
    ];
    return rows.filter((r): r is [string, string] => r[1] !== undefined);
  });
  return [
    { id: 'parameters', title: 'Parameters', columns: ['name', 'value'], rows: [...facts.parameters].map(([k, v]) => [k, v]), empty: 'no parameters recorded' },
    { id: 'seeds', title: 'Seeds', columns: ['seed', 'value'], rows: [...facts.seeds].map(([k, v]) => [k, v]), empty: 'no seeds recorded' },
    { id: 'determinism', title: 'Determinism settings', columns: ['setting', 'value'], rows: [...facts.determinism].map(([k, v]) => [k, v]), empty: 'no determinism settings recorded' },
    { id: 'inputs', title: 'Inputs', columns: ['location', 'kind', 'SHA-256'], rows: files('input'), empty: 'no inputs recorded' },
    { id: 'outputs', title: 'Outputs', columns: ['location', 'kind', 'SHA-256'], rows: files('output'), empty: 'no outputs recorded' },
    { id: 'code', title: 'Code state', columns: ['property', 'value'], rows: code, empty: 'no code state recorded' },
    { id: 'environment', title: 'Environment', columns: ['property', 'value'], rows: facts.environment.map((p) => [p.key, p.value]), empty: 'no environment recorded' },
    {
      id: 'dependencies', title: 'Dependencies', columns: ['file', 'pinned', 'packages', 'SHA-256'],
      rows: facts.dependencies.map((d) => [d.key, d.pinned ?? 'not recorded', d.packages.length ? d.packages.join(', ') : '', d.sha256 ?? '']),
      empty: 'no dependency files recorded',
    },
    { id: 'hardware', title: 'Hardware', columns: ['property', 'value'], rows: facts.hardware.map((p) => [p.key, p.value]), empty: 'no hardware recorded' },
  ];
}
