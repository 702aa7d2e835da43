/**
 * Reads MLflow's file store (the `mlruns` directory `mlflow` writes by default) as plain values;
 * ./mlflow.ts maps them onto reprov's vocabulary.
 *
 *     mlruns/<experiment id>/meta.yaml              name, artifact_location, lifecycle_stage
 *     mlruns/<experiment id>/<run id>/meta.yaml     run_id, run_name, status (1..5), start_time, end_time (ms),
 *                                                   user_id, lifecycle_stage, artifact_uri
 *     mlruns/<experiment id>/<run id>/params/<key>  the value, as text
 *     mlruns/<experiment id>/<run id>/metrics/<key> one line per point: `timestamp value step` (`step` absent in old stores)
 *     mlruns/<experiment id>/<run id>/tags/<key>    the value, as text
 *     mlruns/<experiment id>/<run id>/inputs/<id>/meta.yaml      source_type DATASET, source_id <dataset id>, tags
 *     mlruns/<experiment id>/datasets/<dataset id>/meta.yaml     name, digest, source_type, source, schema, profile
 *
 * Keys may contain `/` (they are then nested directories). `.trash` (deleted experiments) and
 * `models` (the model registry) at the top, and `tags`, `datasets`, `traces` inside an
 * experiment, are not experiments or runs. Read from MLflow's `mlflow/store/tracking/file_store.py`.
 * A layout that is not MLflow's throws a UserError naming the file (and line) and the problem.
 *
 * The store is input from elsewhere, read as hostile: only regular files inside the mlruns
 * directory are read (symbolic links out of it, directories named meta.yaml, devices and FIFOs are
 * refused; linked directories inside it are not walked, so a link loop is never followed), YAML
 * aliases are capped (no "billion laughs") and nesting is bounded before the parser sees it, and
 * bytes that are not UTF-8 become U+FFFD.
 */
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { LineCounter, parseDocument, visit, YAMLParseError } from 'yaml';
import { confine, type Refusal } from '../base/confine.js';
import { UserError } from '../base/user-error.js';
import { wellFormed as wellFormedText } from '../base/well-formed.js';

/** MLflow's RunStatus enum as its file store writes it. */
export const MLFLOW_STATUSES = { 1: 'RUNNING', 2: 'SCHEDULED', 3: 'FINISHED', 4: 'FAILED', 5: 'KILLED' } as const;
export type MlflowStatus = (typeof MLFLOW_STATUSES)[keyof typeof MLFLOW_STATUSES];

export interface MlflowExperiment {
  id: string;
  name: string;
  dir: string;
  /** The mlruns directory the experiment is in, as given (resolved) and its real path: what paths named by the store may not leave. */
  store: MlflowStoreRoot;
  artifactLocation?: string;
  lifecycleStage: string;
}

export interface MlflowStoreRoot {
  /** The mlruns directory as given, resolved. */
  root: string;
  /** Its real path (symbolic links followed). */
  real: string;
}

export interface MlflowDataset {
  name: string;
  digest?: string;
  sourceType?: string;
  /** MLflow's JSON text describing the source (`{"uri": "..."}`, `{"url": "..."}`, ...). */
  source?: string;
  /** The input's `mlflow.data.context` tag (training, evaluation...). */
  context?: string;
  /** The meta.yaml it was read from. */
  file: string;
}

export interface MlflowRun {
  experiment: MlflowExperiment;
  id: string;
  dir: string;
  name?: string;
  status: MlflowStatus;
  /** Unix milliseconds. */
  startTime?: number;
  endTime?: number;
  userId?: string;
  lifecycleStage: string;
  artifactUri?: string;
  params: Map<string, string>;
  tags: Map<string, string>;
  /** Metric key -> its file. */
  metricFiles: Map<string, string>;
  datasets: MlflowDataset[];
}

export interface MetricPoint {
  timestamp: number;
  value: number;
  step: number;
}

export interface MlflowFilter {
  /** Experiment ids or names. */
  experiments?: readonly string[];
  /** Run ids. */
  runs?: readonly string[];
}

const TOP_LEVEL_RESERVED = new Set(['.trash', 'models']);
const EXPERIMENT_RESERVED = new Set(['tags', 'datasets', 'traces']);

export class MlflowLayoutError extends UserError {}

/** The experiments of an mlruns directory (active ones; deleted experiments live in `.trash`). */
export function readExperiments(root: string): MlflowExperiment[] {
  const stats = statSync(root, { throwIfNoEntry: false });
  if (!stats) throw new MlflowLayoutError(`${root}: no such directory`);
  if (!stats.isDirectory()) throw new MlflowLayoutError(`${root}: not a directory (expected an MLflow mlruns directory)`);
  const store: MlflowStoreRoot = { root: resolve(root), real: realpathSync(root) };
  const names = subdirectories(root).filter((name) => !TOP_LEVEL_RESERVED.has(name));
  // No directory with a meta.yaml at all: this is not an mlruns directory (one without, among others, is a broken experiment).
  if (!names.some((name) => existsSync(join(root, name, 'meta.yaml')))) names.length = 0;
  const experiments = names.map((name) => {
    const dir = join(resolve(root), name);
    const meta = readMeta(join(dir, 'meta.yaml'), store);
    const id = String(meta.experiment_id ?? name);
    return {
      id,
      name: typeof meta.name === 'string' ? meta.name : id,
      dir,
      store,
      ...(typeof meta.artifact_location === 'string' && { artifactLocation: meta.artifact_location }),
      lifecycleStage: typeof meta.lifecycle_stage === 'string' ? meta.lifecycle_stage : 'active',
    };
  });
  if (!experiments.length) throw new MlflowLayoutError(`${root}: no MLflow experiment (no <experiment id>/meta.yaml): is this an mlruns directory?`);
  return experiments;
}

/** The runs of the experiments, filtered; a filter that matches nothing is an error naming what there is. */
export function readRuns(root: string, filter: MlflowFilter = {}): MlflowRun[] {
  const all = readExperiments(root);
  let experiments = all;
  if (filter.experiments?.length) {
    experiments = all.filter((e) => filter.experiments!.includes(e.id) || filter.experiments!.includes(e.name));
    const missing = filter.experiments.filter((wanted) => !all.some((e) => e.id === wanted || e.name === wanted));
    if (missing.length) {
      throw new MlflowLayoutError(`${root}: no experiment ${missing.map((m) => `'${m}'`).join(', ')} (there are: ${all.map((e) => `${e.id} '${e.name}'`).join(', ')})`);
    }
  }
  const runs = experiments.flatMap((experiment) =>
    subdirectories(experiment.dir)
      .filter((name) => !EXPERIMENT_RESERVED.has(name) && (!filter.runs?.length || filter.runs.includes(name)))
      .map((name) => readRun(experiment, join(experiment.dir, name))));
  const missingRuns = (filter.runs ?? []).filter((id) => !runs.some((r) => r.id === id || basename(r.dir) === id));
  if (missingRuns.length) throw new MlflowLayoutError(`${root}: no run ${missingRuns.join(', ')} in ${experiments.length === all.length ? 'any experiment' : `experiment ${experiments.map((e) => `'${e.name}'`).join(', ')}`}`);
  return runs;
}

function readRun(experiment: MlflowExperiment, dir: string): MlflowRun {
  const metaFile = join(dir, 'meta.yaml');
  const meta = readMeta(metaFile, experiment.store);
  const id = String(meta.run_id ?? meta.run_uuid ?? '');
  if (!id) throw new MlflowLayoutError(`${metaFile}: no run_id`);
  const run: MlflowRun = {
    experiment,
    id,
    dir,
    status: status(meta.status, metaFile),
    lifecycleStage: typeof meta.lifecycle_stage === 'string' ? meta.lifecycle_stage : 'active',
    params: readKeyValues(join(dir, 'params'), experiment.store),
    tags: readKeyValues(join(dir, 'tags'), experiment.store),
    metricFiles: new Map(keyFiles(join(dir, 'metrics'), experiment.store)),
    datasets: readDatasets(experiment, join(dir, 'inputs')),
  };
  if (typeof meta.run_name === 'string' && meta.run_name) run.name = meta.run_name;
  const start = milliseconds(meta.start_time, 'start_time', metaFile);
  const end = milliseconds(meta.end_time, 'end_time', metaFile);
  if (start !== undefined) run.startTime = start;
  if (end !== undefined) run.endTime = end;
  if (typeof meta.user_id === 'string' && meta.user_id) run.userId = meta.user_id;
  if (typeof meta.artifact_uri === 'string' && meta.artifact_uri) run.artifactUri = meta.artifact_uri;
  return run;
}

function status(value: unknown, file: string): MlflowStatus {
  if (value === undefined || value === null) return 'RUNNING'; // as MLflow reads a meta.yaml without one
  const named = Object.values(MLFLOW_STATUSES).find((s) => s === value);
  const numbered = MLFLOW_STATUSES[value as keyof typeof MLFLOW_STATUSES];
  if (named ?? numbered) return (named ?? numbered)!;
  throw new MlflowLayoutError(`${file}: status: expected 1-5 (RUNNING, SCHEDULED, FINISHED, FAILED, KILLED), found ${JSON.stringify(value)}`);
}

function milliseconds(value: unknown, key: string, file: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new MlflowLayoutError(`${file}: ${key}: expected Unix milliseconds, found ${JSON.stringify(value)}`);
  return n;
}

function readDatasets(experiment: MlflowExperiment, inputsDir: string): MlflowDataset[] {
  return subdirectories(inputsDir).flatMap((name) => {
    const file = join(inputsDir, name, 'meta.yaml');
    const input = readMeta(file, experiment.store);
    if (input.source_type !== 'DATASET') return []; // MLflow skips other input kinds too
    const datasetId = input.source_id;
    if (typeof datasetId !== 'string' || !/^[A-Za-z0-9_-]+$/.test(datasetId)) throw new MlflowLayoutError(`${file}: source_id: expected a dataset id, found ${JSON.stringify(datasetId)}`);
    const datasetFile = join(experiment.dir, 'datasets', datasetId, 'meta.yaml');
    const dataset = readMeta(datasetFile, experiment.store);
    if (typeof dataset.name !== 'string') throw new MlflowLayoutError(`${datasetFile}: name: expected the dataset's name`);
    const tags = typeof input.tags === 'object' && input.tags !== null ? input.tags as Record<string, unknown> : {};
    const result: MlflowDataset = { name: dataset.name, file: datasetFile };
    if (typeof dataset.digest === 'string') result.digest = dataset.digest;
    if (typeof dataset.source_type === 'string') result.sourceType = dataset.source_type;
    if (typeof dataset.source === 'string') result.source = dataset.source;
    if (typeof tags['mlflow.data.context'] === 'string') result.context = tags['mlflow.data.context'];
    return [result];
  });
}

/**
 * Calls `onPoint` for each line of a metric file (`timestamp value step`, or `timestamp value`
 * in stores older than steps). Values are Python floats as text, `nan` and `inf` included.
 */
export function forEachMetricPoint(file: string, onPoint: (point: MetricPoint) => void): void {
  const text = readText(file);
  let line = 0;
  for (const raw of text.split('\n')) {
    line++;
    const content = raw.trim();
    if (!content) continue;
    const fields = content.split(/\s+/);
    const timestamp = Number(fields[0]);
    const value = pythonFloat(fields[1]);
    const step = fields[2] === undefined ? 0 : Number(fields[2]);
    if (fields.length < 2 || fields.length > 3 || !Number.isFinite(timestamp) || value === undefined || !Number.isFinite(step)) {
      throw new MlflowLayoutError(`${file}:${line}: expected 'timestamp value step', found '${content.length > 60 ? `${content.slice(0, 60)}…` : content}'`);
    }
    onPoint({ timestamp, value, step });
  }
}

function pythonFloat(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const lower = text.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === 'inf' || lower === 'infinity' || lower === '+inf') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  const n = Number(text);
  return text !== '' && !Number.isNaN(n) ? n : undefined;
}

/** `dir/<key>` files (nested for keys with `/`) -> key -> text. */
function readKeyValues(dir: string, store: MlflowStoreRoot): Map<string, string> {
  return new Map(keyFiles(dir, store).map(([key, file]) => [key, readText(file, store)]));
}

/**
 * Every regular file below `dir`, keyed by its path relative to `dir` with `/` separators; sorted.
 * Links below `dir` are not followed (so a loop of them is not either); `dir` itself may be a link
 * only within the store.
 */
function keyFiles(dir: string, store: MlflowStoreRoot): [string, string][] {
  const files: [string, string][] = [];
  const where = confine(store.real, relative(store.root, resolve(dir)));
  if (!where.ok) throw new MlflowLayoutError(`${dir}: not read: ${outOfStore(where.problem)}`);
  const walk = (at: string) => {
    for (const entry of entries(at)) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push([relative(dir, path).split(sep).join('/'), path]);
    }
  };
  walk(dir);
  return files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function subdirectories(dir: string): string[] {
  return entries(dir).filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

function entries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new MlflowLayoutError(`${dir}: cannot list the directory (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/**
 * The text of a file of the store: a regular file (not a directory, device or FIFO) that, when
 * `store` is given, lies inside it after symbolic links; bytes that are not UTF-8 become U+FFFD.
 */
function readText(file: string, store?: MlflowStoreRoot): string {
  let path = file;
  if (store !== undefined) {
    const where = confine(store.real, relative(store.root, resolve(file)));
    if (!where.ok) throw new MlflowLayoutError(`${file}: not read: ${outOfStore(where.problem)}`);
    path = where.absolute;
  }
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new MlflowLayoutError(`${file}: ${problemOf(error)}`);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new MlflowLayoutError(`${file}: ${stats.isDirectory() ? 'a directory' : 'not a regular file'}, expected a file`);
    return readFileSync(fd, 'utf8');
  } catch (error) {
    if (error instanceof MlflowLayoutError) throw error;
    throw new MlflowLayoutError(`${file}: ${problemOf(error)}`);
  } finally {
    closeSync(fd);
  }
}

function outOfStore(problem: Refusal): string {
  return problem === 'link' ? 'a symbolic link out of the mlruns directory' : problem === 'nul' ? 'the path holds a NUL character' : 'outside the mlruns directory';
}

function problemOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'missing';
    case 'EISDIR': return 'a directory, expected a file';
    case 'ELOOP': return 'a loop of symbolic links';
    case 'EACCES': case 'EPERM': return 'cannot be read (permission denied)';
    default: return `cannot be read (${code ?? String(error)})`;
  }
}

/** meta.yaml files are small: a larger one is refused before it is parsed. */
const MAX_META_BYTES = 8 * 1024 * 1024;
/** YAML alias expansions allowed (the `yaml` package's guard against "billion laughs"); MLflow writes none. */
const MAX_YAML_ALIASES = 50;
/** Nesting levels allowed in a meta.yaml (MLflow writes two or three): deeper input never reaches the recursive parser. */
const MAX_YAML_DEPTH = 64;

/** A meta.yaml as an object; a missing, empty or malformed one is an error naming the file and line. */
function readMeta(file: string, store: MlflowStoreRoot): Record<string, unknown> {
  const text = readText(file, store);
  if (text.length > MAX_META_BYTES) throw new MlflowLayoutError(`${file}: ${text.length} characters: too large for an MLflow meta.yaml (at most ${MAX_META_BYTES})`);
  const deep = tooDeep(text, MAX_YAML_DEPTH);
  if (deep) throw new MlflowLayoutError(`${file}:${deep.line}:${deep.col}: YAML nested more than ${MAX_YAML_DEPTH} levels deep`);
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const error = document.errors[0];
  if (error) {
    const at = error instanceof YAMLParseError ? lines.linePos(error.pos[0]) : undefined;
    const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new MlflowLayoutError(`${file}${at ? `:${at.line}:${at.col}` : ''}: malformed YAML: ${message}`);
  }
  let doc: unknown;
  try {
    doc = document.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    // An alias bomb (or an alias to an anchor that does not exist): name the first alias.
    let range: [number, number, number] | undefined;
    visit(document, { Alias: (_, node) => ((range = node.range ?? undefined), visit.BREAK) });
    const at = range ? lines.linePos(range[0]) : undefined;
    throw new MlflowLayoutError(`${file}${at ? `:${at.line}:${at.col}` : ''}: malformed YAML: ${/excessive alias/i.test(error.message) ? `aliases expand too far (more than ${MAX_YAML_ALIASES}): refused` : error.message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new MlflowLayoutError(`${file}: expected a YAML mapping of MLflow metadata${doc == null ? ' (the file is empty)' : ''}`);
  return wellFormed(doc) as Record<string, unknown>;
}

/** `value` with every string made well-formed: a lone surrogate (YAML's `"\uD800"`) becomes U+FFFD, which IRIs and UTF-8 can hold. */
function wellFormed(value: unknown): unknown {
  if (typeof value === 'string') return wellFormedText(value);
  if (Array.isArray(value)) return value.map(wellFormed);
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [wellFormed(k) as string, wellFormed(v)]));
  }
  return value;
}

/**
 * Where `text` first nests deeper than `max` levels, counted without parsing: flow brackets (`[`,
 * `{`, quoted or not: an overestimate) plus the columns of a line's indentation and block indicators
 * (`- `, `? `), which bound its block nesting. Undefined when it does not.
 */
function tooDeep(text: string, max: number): { line: number; col: number } | undefined {
  let flow = 0;
  let line = 1;
  let lineStart = 0;
  let block = 0;
  let atStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      lineStart = i + 1;
      block = 0;
      atStart = true;
      continue;
    }
    if (atStart) {
      if (c === ' ' || c === '\t' || ((c === '-' || c === '?' || c === ':') && /[ \t\n]/.test(text[i + 1] ?? '\n'))) block++;
      else atStart = false;
    }
    if (c === '[' || c === '{') flow++;
    else if ((c === ']' || c === '}') && flow > 0) flow--;
    if (flow + block > max) return { line, col: i - lineStart + 1 };
  }
  return undefined;
}
