/**
 * The run API: `startRun` opens a run, collectors describe where it runs, `log*` record what it
 * does, `end` closes it. The bundle (PROV-JSON and Turtle, written by the converter from the one
 * RDF graph) is rewritten atomically at start, every `snapshotIntervalMs`, and at the end, so an
 * interrupted or killed run still leaves a valid bundle, marked `reprov:complete false`.
 *
 * The first snapshot is written right after the bundle directory is claimed, before anything slow
 * (hashing inputs, collectors): it already holds the parameters, seeds and inputs known at start.
 * The directory is claimed through src/base/lock.ts: locked while the run goes on, refused when it
 * is someone else's, and replaced only with `overwrite` when it holds an earlier bundle.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { NamedNode, Quad } from 'n3';
import type { CollectContext } from '../collect/context.js';
import { collectData, locationOf, type DataKind } from '../collect/data.js';
import { collectDependencies } from '../collect/dependencies.js';
import { collectEnvironment } from '../collect/environment.js';
import { collectGit } from '../collect/git.js';
import { HashCache, hashFile } from '../base/hash.js';
import { collectHardware } from '../collect/hardware.js';
import { collectDeterminism, recordSeed } from '../collect/seeds.js';
import { startSystemSampler, type SamplerSummary } from '../collect/system-sampler.js';
import { withOutput } from '../base/output.js';
import { BUNDLE_LOCK, BUNDLE_MARKER, BUNDLE_NAMES, bundleFileNames, claimDirectory, lockName, markerName, rankSuffix, type DirectoryClaim } from '../base/lock.js';
import { UserError } from '../base/user-error.js';
import { safeName } from '../base/safe-name.js';
import { redactedName, redactParam, redactText, secretParamKind } from '../base/redact.js';
import { writeProvTo } from '../io/write.js';
import { version } from '../base/version.js';
import { RunGraph, type Value } from '../prov/graph.js';
import { describeMetric, MetricLog, type MetricPointOptions } from './metrics.js';
import { isDistributed, rankFromEnv, type DistributedRank } from './rank.js';
import { flattenParam, flattenParams, type ParamOf, type Params, type ParamsOf } from './params.js';
import { mls, prov, reprov, RUN_PREFIXES, schema, type RunStatus } from '../prov/vocabulary.js';

/** Where `includeDiff` stores the (redacted) diff of a dirty tree, relative to the bundle (`artifacts/code.rank<N>.diff` for a rank). */
const diffArtifact = (rank?: number) => `artifacts/code${rankSuffix(rank)}.diff`;

/** The most ranks whose file names the git collector is told to ignore in a shared bundle directory. */
const MAX_IGNORED_RANKS = 1024;

export type Collector = 'git' | 'environment' | 'hardware' | 'dependencies' | 'determinism' | 'system';

export interface StartRunOptions {
  experiment: string;
  /** Bundle directory; default `prov/<runId>` under `cwd` (the id as `safeName` makes it a file name). */
  dir?: string;
  /** Working directory of the run (git state, dependency files, relative paths). Default process.cwd(). */
  cwd?: string;
  runId?: string;
  /** IRI namespace of the run's nodes; default `urn:reprov:run:<runId>/`. */
  namespace?: string;
  /** Command line of the recording process; default process.argv. */
  argv?: string[];
  /** The command the run executes, when reprov wraps one (`reprov record -- <command>`). */
  command?: string[];
  env?: NodeJS.ProcessEnv;
  /** Collectors to run (all by default). */
  collect?: Partial<Record<Collector, boolean>>;
  /** Record the git diff itself as an artifact of the bundle (its digest is always recorded). */
  includeDiff?: boolean;
  /** Also record `pip freeze` of this interpreter. */
  python?: string;
  /** Scan the code in `cwd` before the run (as `reprov scan` would there) and record the findings on the code node. */
  scan?: boolean;
  systemIntervalMs?: number;
  /** Points buffered per metric before they are written. */
  metricFlushEvery?: number;
  /** Bundle rewrite period while running; 0: only at start and end. */
  snapshotIntervalMs?: number;
  /**
   * Distributed runs: the rank of this process. Default: from the launcher's variables (torchrun's
   * `RANK`, `OMPI_COMM_WORLD_RANK`, `PMI_RANK`, `SLURM_PROCID` under srun: ./rank.ts). A rank of
   * several (given here, or a rank above 0 or a world size above 1 in the environment) writes
   * `prov.rank<N>.json`, `prov.rank<N>.ttl` and its own marker and lock, so the ranks of one run can
   * share a directory; a run of one process writes `prov.json` and `prov.ttl`.
   */
  rank?: number;
  /** With `rank`: how many ranks the run has (default: from the launcher's variables). */
  worldSize?: number;
  /** Replace the earlier reprov bundle in `dir` (never a directory reprov did not write). */
  overwrite?: boolean;
  /** Parameters known at start (nested objects allowed, keys joined with `.`): in the bundle from its first snapshot on. */
  params?: Params;
  /** Seeds known at start (`[name, value, rng?]`): in the bundle from its first snapshot on. */
  seeds?: [string, number | string, string?][];
  /** Input paths known at start: named in the first snapshot, hashed before the collectors run. */
  inputs?: string[];
  /** Stops the collection at start (a signal before the command runs); the run is then returned as it stands. */
  signal?: AbortSignal;
  /** Who writes the bundle, in its marker (default `reprov run API`). */
  tool?: string;
  /** Told the bundle directory's absolute path just before it is claimed (record's watchdog cleans up there). */
  onDirectory?: (dir: string) => void;
}

export interface EndOptions {
  status?: Exclude<RunStatus, 'running'>;
  exitCode?: number;
  signal?: string;
}

export interface BundleFiles {
  dir: string;
  provJson: string;
  turtle: string;
}

export class Run {
  /** The files this run writes (`prov.json`, or a rank's `prov.rank<N>.json`). */
  readonly files: BundleFiles;
  /** This process's rank when the run is one rank of several; undefined for a run of one process. */
  readonly rank?: DistributedRank;
  readonly graph: RunGraph;
  readonly node: NamedNode;
  private readonly context: CollectContext;
  private readonly metrics: MetricLog;
  private readonly parameters = new Map<string, Value>();
  private readonly contexts = new Set<string>();
  private readonly seeds = new Set<string>();
  private readonly startedAt = new Date();
  private status: RunStatus = 'running';
  private end_: EndOptions & { at?: Date } = {};
  private sampler?: { stop(): Promise<SamplerSummary> };
  private timer?: NodeJS.Timeout;
  private ended = false;
  private readonly hashCache = new HashCache();
  /** Inputs named at start and not hashed yet: path -> node name. */
  private readonly pendingInputs = new Map<string, string>();
  /** Snapshots are written one after another: a periodic one never lands after the final one. */
  private writing: Promise<unknown> = Promise.resolve();
  /** Things the user should know (a stale lock taken over). */
  readonly notes: string[];

  private constructor(readonly id: string, readonly dir: string, readonly options: StartRunOptions, cwd: string, private readonly claim: DirectoryClaim, rank: DistributedRank | undefined) {
    this.notes = claim.notes;
    if (isDistributed(rank)) this.rank = rank;
    const [json, turtle] = bundleFileNames(this.rank?.rank);
    this.files = { dir, provJson: join(dir, json), turtle: join(dir, turtle) };
    this.graph = new RunGraph(options.namespace ?? `urn:reprov:run:${id}/`);
    this.node = this.graph.node('run');
    this.context = { graph: this.graph, run: this.node, cwd, env: options.env ?? process.env };
    this.metrics = new MetricLog(dir, options.metricFlushEvery, 'reprov', rank?.rank ?? 0);
  }

  static async start(options: StartRunOptions): Promise<Run> {
    const run = await Run.open(options);
    try {
      await run.prepare();
    } catch (error) {
      await run.end({ status: 'failed' }).catch(() => undefined);
      throw error;
    }
    return run;
  }

  /**
   * Claims the bundle directory and writes the first snapshot (status `running`, incomplete) with
   * what is known at start: the run, its parameters, seeds and the inputs it names. Nothing slow.
   */
  static async open(options: StartRunOptions): Promise<Run> {
    const cwd = resolve(options.cwd ?? process.cwd());
    // Made from a redacted, sanitised name: a secret in the experiment's name (or a given run id) reaches no IRI and no directory name.
    const id = options.runId !== undefined ? redactText(options.runId) : `${redactedName(options.experiment)}-${timestamp()}-${randomUUID().slice(0, 8)}`;
    // The run id (given, or made from the experiment's name) is a name, not a path: `../x` stays under prov/.
    const dir = resolve(cwd, options.dir ?? join('prov', safeName(id)));
    options.onDirectory?.(dir);
    const rank = rankOf(options);
    const claim = claimDirectory(dir, {
      tool: options.tool ?? 'reprov run API', runId: id, overwrite: options.overwrite, label: options.dir ?? dir, share: true,
      ...(isDistributed(rank) && { rank: rank.rank }),
    });
    try {
      claim.empty();
      await claim.writeMarker(undefined, 'running');
      const run = new Run(id, dir, options, cwd, claim, rank);
      run.describeRun();
      if (options.params) run.logParams(options.params);
      for (const [name, value, rng] of options.seeds ?? []) run.logSeed(name, value, rng);
      for (const input of options.inputs ?? []) run.nameInput(input);
      await run.snapshot();
      return run;
    } catch (error) {
      claim.release();
      throw error;
    }
  }

  /** Hashes the inputs named at start, runs the collectors, writes a snapshot and starts the periodic ones. Stops early when `signal` aborts. */
  async prepare(options: { signal?: AbortSignal } = {}): Promise<void> {
    const signal = options.signal ?? this.options.signal;
    for (const [path, name] of this.pendingInputs) {
      if (signal?.aborted) return;
      await collectData(this.context, { path, role: 'input', name, cache: this.hashCache });
      this.pendingInputs.delete(path);
    }
    await this.snapshot();
    if (signal?.aborted) return;
    await this.collect(signal);
    if (signal?.aborted) return;
    await this.snapshot();
    if (this.options.snapshotIntervalMs !== 0) {
      this.timer = setInterval(() => {
        if (!this.ended) void this.snapshot().catch(() => undefined);
      }, this.options.snapshotIntervalMs ?? 30_000);
      this.timer.unref();
    }
  }

  /**
   * A parameter; its value is redacted when its name says it is a secret (`password`, `api_key`,
   * `hf-token`: see `redactParam`). A nested object is flattened (`logParam('optimizer', { lr: 0.1 })`
   * records `optimizer.lr`); a list is recorded as its JSON text.
   */
  logParam<V>(name: string, value: V & ParamOf<V>): void {
    for (const [key, scalar] of flattenParam(name, value)) this.setParam(key, scalar);
  }

  /** Parameters by name; nested objects are flattened, their keys joined with `.` (`{ optimizer: { lr: 0.1 } }` -> `optimizer.lr`). */
  logParams<P extends ParamsOf<P>>(parameters: P): void {
    for (const [name, value] of flattenParams(parameters)) this.setParam(name, value);
  }

  private setParam(name: string, value: Value): void {
    this.parameters.set(name, typeof value === 'string' || typeof value === 'number' ? paramValue(name, value) : value);
  }

  logMetric(name: string, value: number, options?: MetricPointOptions): void {
    this.metrics.log(redactText(name), value, options?.context ? { ...options, context: redactText(options.context) } : options);
  }

  /** A seed, by the generator it seeds (`python`, `numpy`, `torch`, `js`, ...). */
  logSeed(name: string, value: number | string, rng?: string): void {
    if (this.seeds.has(name)) return;
    this.seeds.add(name);
    recordSeed(this.context, { name, value, rng });
  }

  /** Declares a phase of the run (training, validation, testing or your own) for metrics to refer to. */
  startContext(name: string): string {
    this.contextNode(name);
    return name;
  }

  async logInput(path: string, kind?: DataKind): Promise<NamedNode> {
    return this.data(path, 'input', kind);
  }

  async logOutput(path: string, kind?: DataKind): Promise<NamedNode> {
    return this.data(path, 'output', kind);
  }

  logArtifact(path: string): Promise<NamedNode> {
    return this.data(path, 'output', 'artifact');
  }

  logModel(path: string): Promise<NamedNode> {
    return this.data(path, 'output', 'model');
  }

  logDataset(path: string): Promise<NamedNode> {
    return this.data(path, 'input', 'dataset');
  }

  /** The run's working directory (relative paths are taken from here). */
  get cwd(): string {
    return this.context.cwd;
  }

  /**
   * Scans the code (as `reprov scan` would) and records the findings on the code node: `files`
   * only when given (the files the run executed), else the whole working directory. Never throws.
   */
  async recordScan(files?: readonly string[]): Promise<void> {
    const { recordScan } = await import('../check/recorded-scan.js');
    await recordScan(this.context, files ? { files } : {});
  }

  /** Writes the bundle as it stands (status `running` until `end`). */
  snapshot(): Promise<BundleFiles> {
    const next = this.writing.then(() => this.writeSnapshot(), () => this.writeSnapshot());
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async writeSnapshot(): Promise<BundleFiles> {
    this.metrics.flush();
    // dynamicQuads may declare contexts in the graph: compute it before copying the graph.
    const dynamic = this.dynamicQuads();
    const quads = [...this.graph.quads, ...dynamic];
    const dataset = { quads, prefixes: { ...RUN_PREFIXES, run: this.graph.base }, warnings: [], skipped: [] };
    const files = this.files;
    await withOutput(files.provJson, (sink) => writeProvTo(dataset, 'provjson', sink));
    await withOutput(files.turtle, (sink) => writeProvTo(dataset, 'turtle', sink));
    return files;
  }

  /** Ends the run: stops sampling, writes the remaining metrics and the final bundle. */
  async end(options: EndOptions = {}): Promise<BundleFiles> {
    if (this.ended) throw new Error('reprov: this run has already ended');
    this.ended = true;
    if (this.timer) clearInterval(this.timer);
    try {
      if (this.sampler) this.recordSystemMetrics(await this.sampler.stop());
      this.status = options.status ?? 'succeeded';
      this.end_ = { ...options, at: new Date() };
      this.metrics.flush();
      // Metric files are final now: their digests pin what the bundle describes.
      for (const summary of this.metrics.summaries()) {
        const file = join(this.dir, summary.file);
        if (existsSync(file)) this.graph.checksum(this.metricNode(summary.name, summary.context), 'sha256', (await hashFile(file)).sha256);
      }
      await this.hashCache.save().catch(() => undefined);
      const files = await this.snapshot();
      await this.claim.writeMarker(undefined, this.status);
      return files;
    } finally {
      this.claim.release();
    }
  }

  /** Names an input known at start (hashed later, in `prepare`): the first snapshot already says the run uses it. */
  private nameInput(path: string): void {
    const taken = new Set(this.pendingInputs.values());
    const base = basename(resolve(this.context.cwd, path)) || 'root';
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    this.pendingInputs.set(path, name);
  }

  private describeRun(): void {
    const { graph, node } = this;
    graph.describe(node, [prov.Activity, mls.Run], this.options.experiment);
    graph.add(node, reprov.experiment, this.options.experiment);
    graph.add(node, prov.startedAtTime, this.startedAt);
    const user = graph.node('agent', 'user');
    graph.describe(user, [prov.Agent, prov.Person], safeUserName());
    const software = graph.node('agent', 'reprov');
    graph.describe(software, [prov.Agent, prov.SoftwareAgent], 'reprov').add(software, schema.name, 'reprov').add(software, schema.version, version);
    graph.add(node, prov.wasAssociatedWith, user).add(node, prov.wasAssociatedWith, software);
    if (this.rank) {
      graph.add(node, reprov.rank, this.rank.rank).add(node, reprov.worldSize, this.rank.worldSize).add(node, reprov.localRank, this.rank.localRank);
    }
  }

  /** The files of every rank of this run (theirs share the directory), as far as the world size says; none for a run of one process. */
  private rankFileNames(): string[] {
    if (!this.rank) return [];
    const count = Math.min(Math.max(this.rank.worldSize ?? 0, this.rank.rank + 1), MAX_IGNORED_RANKS);
    const names: string[] = [];
    for (let r = 0; r < count; r++) names.push(...bundleFileNames(r), markerName(r), lockName(r));
    return names;
  }

  private async collect(signal?: AbortSignal): Promise<void> {
    const enabled = (name: Collector) => this.options.collect?.[name] ?? true;
    const argv = this.options.argv ?? process.argv;
    const tasks: Promise<unknown>[] = [];
    if (enabled('git')) {
      // The bundle is written before the code state is read: its own files (and its ranks') are not the code's changes.
      const own = [...BUNDLE_NAMES, BUNDLE_MARKER, BUNDLE_LOCK, ...this.rankFileNames()].map((name) => join(realDir(this.dir), name));
      const artifact = diffArtifact(this.rank?.rank);
      tasks.push(collectGit(this.context, { includeDiff: this.options.includeDiff, ignore: own }).then((state) => {
        if (!this.options.includeDiff || !('diff' in state) || !state.diff) return;
        this.graph.add(state.node, reprov.diffFile, artifact);
        return this.writeArtifact(artifact.slice('artifacts/'.length), state.diff);
      }));
    }
    if (enabled('environment')) tasks.push(collectEnvironment(this.context, { argv, command: this.options.command }));
    if (enabled('hardware')) tasks.push(collectHardware(this.context, {}));
    if (enabled('dependencies')) tasks.push(collectDependencies(this.context, { pythonFreeze: !!this.options.python, python: this.options.python }));
    if (enabled('determinism')) collectDeterminism(this.context);
    // Loaded only when asked for: a run that does not scan pays nothing for the scanner.
    if (this.options.scan) tasks.push(import('../check/recorded-scan.js').then((m) => m.recordScan(this.context)));
    const all = Promise.all(tasks);
    if (signal) {
      all.catch(() => undefined);
      await Promise.race([all, new Promise<void>((done) => (signal.aborted ? done() : signal.addEventListener('abort', () => done(), { once: true })))]);
      if (signal.aborted) return;
    }
    await all;
    if (enabled('system')) this.sampler = startSystemSampler({ intervalMs: this.options.systemIntervalMs ?? 5000 });
  }

  private async data(path: string, role: 'input' | 'output', kind?: DataKind): Promise<NamedNode> {
    return (await collectData(this.context, { path, role, kind, cache: this.hashCache })).node;
  }

  private async writeArtifact(name: string, content: string): Promise<void> {
    mkdirSync(join(this.dir, 'artifacts'), { recursive: true });
    await withOutput(join(this.dir, 'artifacts', name), async (sink) => sink.write(content));
  }

  private recordSystemMetrics(summary: SamplerSummary): void {
    for (const series of summary.series) {
      for (const point of series.points) this.metrics.log(series.name, point.value, { context: 'system', timestamp: point.t });
    }
    const { cpu, gpu } = summary.energyJoules;
    if (cpu !== undefined) this.graph.add(this.node, reprov.cpuEnergyJoules, cpu);
    if (gpu !== undefined) this.graph.add(this.node, reprov.gpuEnergyJoules, gpu);
    if (cpu !== undefined || gpu !== undefined) this.graph.add(this.node, reprov.energyJoules, (cpu ?? 0) + (gpu ?? 0));
    for (const reason of summary.energyJoules.unknown) this.graph.add(this.node, reprov.unknownReason, reason);
  }

  private contextNode(name: string): NamedNode {
    const node = this.graph.node('context', name);
    if (!this.contexts.has(name)) {
      this.contexts.add(name);
      this.graph.describe(node, [prov.Activity, reprov.Context], name);
      this.graph.add(node, reprov.contextKind, name).add(node, prov.wasInformedBy, this.node);
    }
    return node;
  }

  private metricNode(name: string, context: string): NamedNode {
    return this.graph.node('metric', context, name);
  }

  /** Statements that change while the run goes on: status, parameters, metric summaries. */
  private dynamicQuads(): Quad[] {
    const dynamic = new RunGraph(this.graph.base);
    const { node } = this;
    dynamic.add(node, reprov.status, this.status);
    // Complete: the run went to its end and the bundle says all of it. Running, interrupted and killed runs are not.
    dynamic.add(node, reprov.complete, this.status === 'succeeded' || this.status === 'failed');
    if (this.end_.at) dynamic.add(node, prov.endedAtTime, this.end_.at);
    dynamic.add(node, reprov.exitCode, this.end_.exitCode);
    dynamic.add(node, reprov.signal, this.end_.signal);
    for (const [name, value] of this.parameters) {
      const parameter = dynamic.node('param', name);
      dynamic.describe(parameter, [prov.Entity, mls.HyperParameterSetting, reprov.Parameter], name);
      dynamic.add(parameter, prov.value, value).add(node, prov.used, parameter);
    }
    for (const [path, name] of this.pendingInputs) {
      const input = dynamic.node('data', 'input', name);
      const absolute = resolve(this.context.cwd, path);
      const location = locationOf(this.context.cwd, absolute);
      const directory = statSync(absolute, { throwIfNoEntry: false })?.isDirectory() ?? false;
      dynamic.describe(input, [prov.Entity, directory ? reprov.Directory : reprov.File], location);
      dynamic.add(input, prov.atLocation, location).add(input, reprov.role, 'input').add(node, prov.used, input);
    }
    for (const summary of this.metrics.summaries()) {
      describeMetric(dynamic, this.metricNode(summary.name, summary.context), this.contextNode(summary.context), summary);
    }
    return dynamic.quads;
  }
}

/** Opens a run. */
export function startRun(options: StartRunOptions): Promise<Run> {
  return Run.start(options);
}

/** Runs `body` inside a run that ends `succeeded`, or `failed` (and rethrows) when `body` throws. */
export async function withRun<T>(options: StartRunOptions, body: (run: Run) => Promise<T> | T): Promise<T> {
  const run = await startRun(options);
  try {
    const result = await body(run);
    await run.end({ status: 'succeeded' });
    return result;
  } catch (error) {
    await run.end({ status: 'failed' });
    throw error;
  }
}

/** A string or number parameter as the bundle holds it: `[REDACTED:<kind>]` under a secret name, else its secrets redacted. */
function paramValue(name: string, value: string | number): Value {
  if (typeof value === 'number') return secretParamKind(name, String(value)) ? redactParam(name, String(value)) : value;
  return redactParam(name, value);
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** The rank `options` give (with the launcher's world size when they give none), else the launcher's. */
function rankOf(options: StartRunOptions): DistributedRank | undefined {
  const fromEnv = rankFromEnv(options.env ?? process.env);
  if (options.rank === undefined) return fromEnv;
  if (!Number.isSafeInteger(options.rank) || options.rank < 0) throw new UserError(`rank: expected a whole number from 0, found ${String(options.rank)}`);
  const worldSize = options.worldSize ?? fromEnv?.worldSize;
  return { rank: options.rank, source: 'option', ...(worldSize !== undefined && worldSize > options.rank && { worldSize }), ...(fromEnv?.localRank !== undefined && { localRank: fromEnv.localRank }) };
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}
