/**
 * `reprov runs`: one row per run (`mls:Run`) of every bundle found under the paths given — reprov's
 * own, merged ranks (one row per rank's run), imported MLflow runs and yProv4ML output — with its
 * id, experiment, status, times, check score, parameters, seeds and metric summaries; then filtered
 * (`params.lr>0.01`), sorted (`-score`) and cut to the columns asked for.
 */
import type { Term } from 'n3';
import { BundleStore } from '../check/bundle-store.js';
import { objects, runs as runNodes } from '../check/graph-query.js';
import { UserError } from '../base/user-error.js';
import { didYouMean } from '../base/suggest.js';
import { findBundles } from '../io/find-bundles.js';
import type { LoadedBundle } from '../io/load-bundle.js';
import { prov, rdfs, reprov } from '../prov/vocabulary.js';

export interface MetricSummary {
  name: string;
  context?: string;
  last?: number | string;
  min?: number | string;
  max?: number | string;
}

/** One run as `reprov runs` lists it. */
export interface RunRow {
  /** The run id: `<id>` of a `urn:reprov:run:<id>/run` node, else the node's IRI. */
  run: string;
  /** The run node's IRI. */
  iri: string;
  experiment?: string;
  status?: string;
  start?: string;
  end?: string;
  /** Seconds from start to end, when both are recorded. */
  duration?: number;
  /** The bundle's check score (0-100), null when no rule applies; absent when not computed. */
  score?: number | null;
  /** The bundle file the run is in. */
  file: string;
  params: Record<string, number | string | boolean>;
  seeds: Record<string, number | string>;
  /** Each metric (name, context) with its last, minimum and maximum values. */
  metrics: MetricSummary[];
}

/** The columns every run has; `params.<name>`, `seeds.<name>` and `metrics.<name>[:min|:max|:last]` name the others. */
export const BASE_COLUMNS = ['run', 'experiment', 'status', 'start', 'end', 'duration', 'score', 'file', 'iri'] as const;

/** A bad `--filter`, `--sort` or `--columns` expression: one line naming it and the position (exit 2). */
export class RunsExpressionError extends UserError {}

const RUN_IRI = /^urn:reprov:run:(.+)\/run$/;

/** The runs of one loaded bundle. */
export function runsOfBundle(bundle: LoadedBundle): RunRow[] {
  const store = new BundleStore(bundle.quads);
  const one = (s: Term, p: Parameters<typeof objects>[2]) => objects(store, s, p)[0];
  const text = (s: Term, p: Parameters<typeof objects>[2]) => one(s, p)?.value;
  return runNodes(store).map((node) => {
    const match = RUN_IRI.exec(node.value);
    // Another producer's run (yProv4ML's `context:mnist_exp_GR0_0`) is known by its label.
    let id = match ? node.value : text(node, rdfs.label) ?? node.value;
    if (match) {
      try {
        id = decodeURIComponent(match[1]!);
      } catch {
        id = match[1]!;
      }
    }
    const row: RunRow = { run: id, iri: node.value, file: bundle.file, params: {}, seeds: {}, metrics: [] };
    const experiment = text(node, reprov.experiment) ?? text(node, rdfs.label);
    if (experiment !== undefined) row.experiment = experiment;
    const status = text(node, reprov.status);
    if (status !== undefined) row.status = status;
    const start = text(node, prov.startedAtTime);
    const end = text(node, prov.endedAtTime);
    if (start !== undefined) row.start = start;
    if (end !== undefined) row.end = end;
    if (start !== undefined && end !== undefined) {
      const seconds = (Date.parse(end) - Date.parse(start)) / 1000;
      if (Number.isFinite(seconds)) row.duration = seconds;
    }
    for (const used of objects(store, node, prov.used)) {
      const types = objects(store, used, rdf_type).map((t) => t.value);
      const name = text(used, rdfs.label) ?? lastSegment(used.value);
      const value = one(used, prov.value);
      if (types.includes(reprov.Parameter.value) && value) row.params[name] = typedValue(value);
      if (types.includes(reprov.Seed.value) && value) {
        const typed = typedValue(value);
        row.seeds[name] = typeof typed === 'boolean' ? String(typed) : typed;
      }
    }
    // Metrics hang off the run's contexts (`prov:wasInformedBy` the run), or off the run itself.
    const contexts = store.getSubjects(prov.wasInformedBy, node, null);
    const metricNodes = [...contexts, node].flatMap((activity) => store.getSubjects(prov.wasGeneratedBy, activity, null))
      .filter((m) => objects(store, m, rdf_type).some((t) => t.equals(reprov.Metric)));
    for (const metric of metricNodes) {
      const name = text(metric, rdfs.label) ?? lastSegment(metric.value);
      const contextNode = one(metric, reprov.context);
      const context = contextNode ? text(contextNode, rdfs.label) ?? text(contextNode, reprov.contextKind) ?? lastSegment(contextNode.value) : undefined;
      const summary: MetricSummary = { name };
      if (context !== undefined) summary.context = context;
      for (const [key, predicate] of [['last', reprov.lastValue], ['min', reprov.minValue], ['max', reprov.maxValue]] as const) {
        const value = one(metric, predicate);
        if (value) {
          const typed = typedValue(value);
          summary[key] = typeof typed === 'boolean' ? String(typed) : typed;
        }
      }
      row.metrics.push(summary);
    }
    return row;
  });
}

const rdf_type = { termType: 'NamedNode', value: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type' } as unknown as Parameters<typeof objects>[2];

function lastSegment(iri: string): string {
  return iri.replace(/^.*[/#]/, '');
}

const NUMERIC_TYPES = /#(integer|int|long|short|byte|decimal|double|float|nonNegativeInteger|positiveInteger|negativeInteger|nonPositiveInteger|unsignedInt|unsignedLong|unsignedShort|unsignedByte)$/;

/** A literal as JSON would hold it: numbers as numbers, booleans as booleans, the rest as text. */
function typedValue(term: Term): number | string | boolean {
  if (term.termType !== 'Literal') return term.value;
  const datatype = (term as { datatype?: { value: string } }).datatype?.value ?? '';
  if (NUMERIC_TYPES.test(datatype)) {
    const n = Number(term.value);
    if (Number.isFinite(n)) return n;
  }
  if (datatype.endsWith('#boolean')) return term.value === 'true' || term.value === '1';
  return term.value;
}

/** The bundle files under `paths`, each once (a run's prov.json beside its prov.ttl is read from the Turtle). */
export function bundleFilesUnder(paths: readonly string[]): { files: string[]; empty: string[] } {
  const files: string[] = [];
  const empty: string[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    if (path === '-') throw new UserError('-: runs and query read bundle files and directories, not standard input');
    const found = findBundles(path);
    if (!found.length) empty.push(path);
    for (const file of found) {
      if (seen.has(file)) continue;
      seen.add(file);
      files.push(file);
    }
  }
  return { files, empty };
}

// ---------------------------------------------------------------------------------------------
// Cells, filters, sorting and columns

export type Cell = number | string | boolean | null | undefined;

/** The value of a column (`score`, `params.lr`, `metrics.val_acc:max`) for a row; undefined when the run has none. */
export function cellOf(row: RunRow, column: string): Cell {
  if (column.startsWith('params.')) return row.params[column.slice(7)];
  if (column.startsWith('seeds.')) return row.seeds[column.slice(6)];
  if (column.startsWith('metrics.')) {
    let key = column.slice(8);
    let which: 'last' | 'min' | 'max' = 'last';
    const suffix = /:(last|min|max)$/.exec(key);
    if (suffix && !metricNamed(row, key)) {
      key = key.slice(0, -suffix[0].length);
      which = suffix[1] as typeof which;
    }
    return metricNamed(row, key)?.[which];
  }
  switch (column) {
    case 'run': return row.run;
    case 'iri': return row.iri;
    case 'experiment': return row.experiment;
    case 'status': return row.status;
    case 'start': return row.start;
    case 'end': return row.end;
    case 'duration': return row.duration;
    case 'score': return row.score;
    case 'file': return row.file;
    default: return undefined;
  }
}

/** A run's metric `name`, else `<context>/<name>` (a name recorded in several contexts: the first one). */
export function metricNamed(row: RunRow, key: string): MetricSummary | undefined {
  return row.metrics.find((m) => m.name === key) ?? row.metrics.find((m) => m.context !== undefined && `${m.context}/${m.name}` === key);
}

/** Refuses a column name that is neither a base column nor `params.`/`seeds.`/`metrics.` something. */
export function checkColumn(column: string, what: string, expression: string, position: number): void {
  if (/^(params|seeds|metrics)\../.test(column)) return;
  if ((BASE_COLUMNS as readonly string[]).includes(column)) return;
  throw new RunsExpressionError(`${what} '${expression}': unknown field '${column}' at position ${position}` +
    `${didYouMean(column, BASE_COLUMNS)} (fields: ${BASE_COLUMNS.join(', ')}, params.<name>, seeds.<name>, metrics.<name>[:min|:max])`);
}

export type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export interface Filter {
  expression: string;
  field: string;
  operator: Operator;
  value: string;
}

const OPERATOR = /!=|<=|>=|=|<|>/;

/**
 * Parses `FIELD OP VALUE` (`params.lr>0.01`, `status=succeeded`, `metrics.val_acc>=0.9`); spaces
 * around the operator are allowed. Throws RunsExpressionError naming the expression and the position (from 1).
 */
export function parseFilter(expression: string): Filter {
  const fail = (position: number, problem: string): never => {
    throw new RunsExpressionError(`--filter '${expression}': ${problem} at position ${position}`);
  };
  const match = OPERATOR.exec(expression);
  if (!match) return fail(expression.length + 1, 'expected an operator (= != < <= > >=)');
  const field = expression.slice(0, match.index).trim();
  if (!field) return fail(1, 'expected a field before the operator');
  const leading = expression.length - expression.trimStart().length;
  if (/[!<>=]/.test(field)) return fail(leading + field.search(/[!<>=]/) + 1, 'unexpected character');
  checkColumn(field, '--filter', expression, leading + 1);
  const rest = expression.slice(match.index + match[0].length);
  const extra = OPERATOR.exec(rest);
  if (extra && extra.index === 0) return fail(match.index + match[0].length + 1, `unexpected '${rest[0]}' after the operator '${match[0]}'`);
  return { expression, field, operator: match[0] as Operator, value: rest.trim() };
}

function asNumber(value: Cell | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) return undefined;
  return Number(value);
}

/** Numbers compare as numbers (when both sides are numbers), everything else as text (code points). */
export function compareCells(a: Cell | string, b: Cell | string): number {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  const s = String(a);
  const t = String(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

/** Whether a row passes a filter. A run without the field never passes (as SQL's NULL). */
export function matches(row: RunRow, filter: Filter): boolean {
  const cell = cellOf(row, filter.field);
  if (cell === undefined || cell === null) return false;
  const c = compareCells(cell, filter.value);
  switch (filter.operator) {
    case '=': return c === 0;
    case '!=': return c !== 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
  }
}

export interface SortKey {
  field: string;
  descending: boolean;
}

export function parseSort(expression: string): SortKey {
  const descending = expression.startsWith('-');
  const field = (descending || expression.startsWith('+') ? expression.slice(1) : expression).trim();
  if (!field) throw new RunsExpressionError(`--sort '${expression}': expected a field at position ${expression.length + 1}`);
  checkColumn(field, '--sort', expression, descending ? 2 : 1);
  return { field, descending };
}

/** Sorts rows by the keys in turn; a run without the field comes last whichever the direction; then by run id. */
export function sortRows(rows: RunRow[], keys: readonly SortKey[]): RunRow[] {
  return [...rows].sort((a, b) => {
    for (const key of keys) {
      const x = cellOf(a, key.field);
      const y = cellOf(b, key.field);
      const xMissing = x === undefined || x === null;
      const yMissing = y === undefined || y === null;
      if (xMissing || yMissing) {
        if (xMissing !== yMissing) return xMissing ? 1 : -1;
        continue;
      }
      // Numbers before text, whatever the direction's order within each.
      const xNumber = asNumber(x) !== undefined;
      const yNumber = asNumber(y) !== undefined;
      if (xNumber !== yNumber) return xNumber ? -1 : 1;
      const c = compareCells(x, y);
      if (c) return key.descending ? -c : c;
    }
    return compareCells(a.run, b.run) || compareCells(a.file, b.file);
  });
}

export function parseColumns(list: string): string[] {
  const columns = list.split(',').map((c) => c.trim());
  let position = 1;
  for (const column of columns) {
    if (!column) throw new RunsExpressionError(`--columns '${list}': empty column name at position ${position}`);
    checkColumn(column, '--columns', list, position);
    position += column.length + 1;
  }
  return columns;
}

/** The default columns: the base ones, then every parameter, then the last value of every metric outside the `system` context. */
export function defaultColumns(rows: readonly RunRow[]): string[] {
  const params = new Set<string>();
  const metrics = new Set<string>();
  for (const row of rows) {
    Object.keys(row.params).forEach((name) => params.add(name));
    for (const metric of row.metrics) if (metric.context !== 'system' && metric.last !== undefined) metrics.add(metric.name);
  }
  return ['run', 'experiment', 'status', 'start', 'duration', 'score',
    ...[...params].sort().map((p) => `params.${p}`), ...[...metrics].sort().map((m) => `metrics.${m}`)];
}

/** Whether any of the columns, filters or sort keys needs the check score. */
export function needsScore(columns: readonly string[] | undefined, filters: readonly Filter[], sort: readonly SortKey[]): boolean {
  return !columns || columns.includes('score') || filters.some((f) => f.field === 'score') || sort.some((s) => s.field === 'score');
}
