/**
 * MLflow importer: each run of an MLflow file store (./mlflow-store.ts) becomes a reprov bundle,
 * `<out>/<run id>/prov.json` + `prov.ttl` + `metrics/*.csv`, described with the terms a recorded
 * run uses (docs/vocabulary.md), so `reprov check` scores it like any other run.
 *
 * - run meta.yaml: `run:run` a prov:Activity, mls:Run; `rdfs:label` the run name, `reprov:experiment`
 *   the experiment's name, start and end times, `reprov:status` (FINISHED succeeded, FAILED failed,
 *   KILLED killed, RUNNING and SCHEDULED running; all three with `reprov:complete false`).
 * - `mlflow.user` (or user_id): the agent `run:agent/user`; MLflow itself is `run:agent/mlflow`.
 * - params: `run:param/<key>` with a typed value (secrets redacted); seed-like names (the rule the
 *   yProv4ML importer uses) also `run:seed/<key>`.
 * - metrics: one CSV per metric in reprov's metric layout (`metrics/<key>_<context>_mlflow_GR0.csv`),
 *   summarised on `run:metric/<context>/<key>`; keys under `system/` are in the context `system`;
 *   MLflow does not say which phase logged a metric, so it is read from the key's first word
 *   (`val_loss`, `eval/accuracy` validation; `test_acc` testing; anything else training).
 * - `mlflow.source.git.commit`, `.repoURL`, `.branch`: `run:code` (reprov:CodeState); MLflow does
 *   not record uncommitted changes, which the code state says (reprov:unknownReason).
 * - `mlflow.source.name`, `mlflow.project.entryPoint`: `run:command` (reprov:entryPoint).
 * - `mlflow.log-model.history`: each model directory under the artifacts is an mls:Model output,
 *   hashed when it is at hand, with its requirements/lock files as reprov:DependencyFile nodes;
 *   the Python version of the `python_function` flavour goes to `run:environment`.
 * - other top-level artifacts: reprov:Artifact outputs, hashed.
 * - dataset inputs: dcat:Dataset inputs with MLflow's digest as `dcterms:identifier` (MLflow's own
 *   fingerprint, not a SHA-256); a local source file is hashed (SHA-256) as it is now; a Hugging
 *   Face revision is recorded as `reprov:commit`.
 * Relative paths (a dataset source, an artifact_uri) are taken from the directory that holds the
 * mlruns directory: MLflow's default store is `./mlruns` in the training's working directory.
 * Tags outside `mlflow.*` are not mapped; the notes list them.
 */
import { cpSync, existsSync, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataFactory, type NamedNode } from 'n3';
import type { CollectContext } from '../collect/context.js';
import { collectData, locationOf } from '../collect/data.js';
import { collectDependencies } from '../collect/dependencies.js';
import { hashFile } from '../base/hash.js';
import { redactParam, redactText, redactUrl } from '../base/redact.js';
import { recordSeed } from '../collect/seeds.js';
import { confine, inside, type Confined } from '../base/confine.js';
import { isSafeName, safeName } from '../base/safe-name.js';
import { XSD } from '../prov/namespaces.js';
import { RunGraph } from '../prov/graph.js';
import { describeMetric, MetricLog } from '../run/metrics.js';
import { dcat, DCTERMS, mls, prov, rdfs, reprov, RUN_PREFIXES, schema, type RunStatus } from '../prov/vocabulary.js';
import { forEachMetricPoint, MlflowLayoutError, readRuns, type MlflowDataset, type MlflowFilter, type MlflowRun, type MlflowStatus, type MlflowStoreRoot } from './mlflow-store.js';
import { writeDirectory } from '../base/output-dir.js';
import { writeBundleFiles } from '../io/write.js';
import { seedOf, seedValue, typedValue } from './yprov4ml.js';

const { literal, namedNode, quad } = DataFactory;

export interface MlflowImportOptions extends MlflowFilter {
  /** Where the bundles go: `<out>/<run id>/`. */
  out: string;
  /** Also import runs MLflow marks deleted (lifecycle_stage `deleted`); a run named with `runs` is always imported. */
  includeDeleted?: boolean;
  /**
   * Copy each run's artifacts (models included) into its bundle, `artifacts/`, and name them there:
   * the bundle then holds what `reprov export ro-crate` archives and `reprov verify` re-hashes.
   * Symbolic links are not copied.
   */
  copyArtifacts?: boolean;
  /** Replace a bundle an earlier import wrote to `<out>/<run id>/` (never a directory reprov did not write). */
  overwrite?: boolean;
}

export interface ImportedMlflowRun {
  runId: string;
  experiment: string;
  /** The bundle directory. */
  dir: string;
  /** What was mapped, and what could not be. */
  notes: string[];
}

export interface MlflowImport {
  imported: ImportedMlflowRun[];
  /** Runs left out (deleted ones), with why. */
  skipped: string[];
}

const STATUS: Record<MlflowStatus, RunStatus> = { RUNNING: 'running', SCHEDULED: 'running', FINISHED: 'succeeded', FAILED: 'failed', KILLED: 'killed' };
const XSD_ANY_URI = namedNode(`${XSD}anyURI`);
const DCTERMS_IDENTIFIER = namedNode(`${DCTERMS}identifier`);
const GIT_TAGS = {
  commit: ['mlflow.source.git.commit', 'mlflow.gitCommit'],
  repository: ['mlflow.source.git.repoURL', 'mlflow.gitRepoURL'],
  branch: ['mlflow.source.git.branch'],
};
const MAPPED_TAGS = new Set([
  ...Object.values(GIT_TAGS).flat(), 'mlflow.user', 'mlflow.runName', 'mlflow.source.name', 'mlflow.source.type',
  'mlflow.project.entryPoint', 'mlflow.log-model.history',
]);

/** Imports the runs of an mlruns directory; one bundle per run under `options.out`. */
export async function importMlflow(mlruns: string, options: MlflowImportOptions): Promise<MlflowImport> {
  const runs = readRuns(mlruns, options);
  const result: MlflowImport = { imported: [], skipped: [] };
  const chosen: MlflowRun[] = [];
  for (const run of runs) {
    if (run.lifecycleStage === 'deleted' && !options.includeDeleted && !options.runs?.includes(run.id)) {
      result.skipped.push(`${run.id}: deleted in MLflow (name it with --run, or pass --include-deleted)`);
      continue;
    }
    chosen.push(run);
  }
  // All or nothing: every run is read and checked before the first bundle is written.
  validateRuns(chosen);
  for (const run of chosen) {
    const dir = join(options.out, bundleName(run));
    const notes = await writeDirectory(dir, { what: 'a reprov bundle', tool: 'reprov import mlflow', runId: run.id, overwrite: options.overwrite }, async (staging) => {
      const { graph, notes } = await mlflowRunGraph(run, staging, { copyArtifacts: options.copyArtifacts });
      await writeBundleFiles(staging, { quads: graph.quads, prefixes: { ...RUN_PREFIXES, run: graph.base }, warnings: [], skipped: [] });
      return notes;
    });
    result.imported.push({ runId: run.id, experiment: run.experiment.name, dir, notes });
  }
  return result;
}

/** The bundle directory's name: the run id, as `safeName` makes it a file name (`../../x`, `a/b`, NUL, 300 characters stay one name under `-o`). */
function bundleName(run: MlflowRun): string {
  return safeName(run.id);
}

/**
 * Reads what mapping a run reads and can find malformed (metric files, the logged-model history,
 * dataset sources), and checks that no two runs would write one bundle directory, before any
 * bundle is written. Throws one MlflowLayoutError naming the first problem and the other runs that have one.
 */
export function validateRuns(runs: readonly MlflowRun[]): void {
  const problems: { run: MlflowRun; message: string }[] = [];
  const names = new Map<string, MlflowRun>();
  for (const run of runs) {
    try {
      // Case-folded: on macOS and Windows, two names that differ in case are one directory.
      const name = bundleName(run).toLowerCase();
      const other = names.get(name);
      if (other) throw new MlflowLayoutError(`${join(run.dir, 'meta.yaml')}: run_id ${JSON.stringify(run.id)} is also the run id of ${other.dir} (${JSON.stringify(other.id)}): they would be one bundle`);
      names.set(name, run);
      for (const file of run.metricFiles.values()) forEachMetricPoint(file, () => {});
      loggedModels(run);
      for (const dataset of run.datasets) parseSource(dataset);
    } catch (error) {
      if (!(error instanceof MlflowLayoutError)) throw error;
      problems.push({ run, message: error.message });
    }
  }
  const [first, ...others] = problems;
  if (!first) return;
  const more = others.length ? ` (also invalid: run${others.length > 1 ? 's' : ''} ${others.map((p) => (isSafeName(p.run.id) ? p.run.id : JSON.stringify(p.run.id))).join(', ')})` : '';
  throw new MlflowLayoutError(`${first.message}${more}`);
}

/**
 * The graph of one MLflow run. Metric files are written into `bundleDir` (the bundle's
 * directory, which the metric locations are relative to).
 */
export async function mlflowRunGraph(run: MlflowRun, bundleDir: string, options: Pick<MlflowImportOptions, 'copyArtifacts'> = {}): Promise<{ graph: RunGraph; notes: string[] }> {
  // Percent-encoded: a run id is text from the store (`a b>c`, a newline), and the namespace must stay an IRI.
  const graph = new RunGraph(`urn:reprov:run:${encodeURIComponent(run.id)}/`);
  const ctx: CollectContext = { graph, run: graph.node('run'), cwd: bundleDir, env: {} };
  const mapper = new RunMapper(run, ctx, options.copyArtifacts ?? false);
  await mapper.map();
  return { graph, notes: mapper.notes };
}

interface LoggedModel {
  artifact_path?: unknown;
  utc_time_created?: unknown;
  mlflow_version?: unknown;
  flavors?: Record<string, Record<string, unknown> | undefined>;
}

class RunMapper {
  readonly notes: string[] = [];
  private readonly graph: RunGraph;
  private readonly node: NamedNode;
  private readonly models: LoggedModel[];
  /** Where relative paths of the run are taken from: the directory holding mlruns, where MLflow's default store puts it (the training's working directory). */
  private readonly projectDir: string;
  /** What the paths the run names may lead to: artifacts within the mlruns directory, dataset sources within the directory holding it. */
  private readonly store: MlflowStoreRoot;
  private readonly project: MlflowStoreRoot;

  constructor(private readonly run: MlflowRun, private readonly ctx: CollectContext, private readonly copyArtifacts: boolean) {
    this.projectDir = dirname(dirname(resolve(run.experiment.dir)));
    this.store = run.experiment.store;
    this.project = { root: dirname(this.store.root), real: realpathSync(dirname(this.store.root)) };
    this.graph = ctx.graph;
    this.node = ctx.run;
    this.models = this.loggedModels();
  }

  async map(): Promise<void> {
    this.describeRun();
    this.mapParams();
    this.mapCode();
    this.mapEnvironment();
    await this.mapMetrics();
    await this.mapDatasets();
    await this.mapArtifacts();
    const unmapped = [...this.run.tags.keys()].filter((key) => !MAPPED_TAGS.has(key) && !key.startsWith('mlflow.'));
    if (unmapped.length) this.notes.push(`tags not mapped: ${unmapped.join(', ')}`);
  }

  private tag(...keys: string[]): string | undefined {
    for (const key of keys) {
      const value = this.run.tags.get(key)?.trim();
      if (value) return value;
    }
    return undefined;
  }

  private describeRun(): void {
    const { graph, node, run } = this;
    graph.describe(node, [prov.Activity, mls.Run], run.name ?? this.tag('mlflow.runName') ?? run.id);
    graph.add(node, reprov.experiment, run.experiment.name);
    graph.add(node, rdfs.comment, `imported from MLflow run ${run.id} of experiment ${run.experiment.id} ('${run.experiment.name}')`);
    if (run.startTime !== undefined) graph.add(node, prov.startedAtTime, new Date(run.startTime));
    if (run.endTime !== undefined) graph.add(node, prov.endedAtTime, new Date(run.endTime));
    graph.add(node, reprov.status, STATUS[run.status]);
    graph.add(node, reprov.complete, run.status === 'FINISHED' || run.status === 'FAILED');
    if (run.status === 'SCHEDULED') this.notes.push('MLflow status SCHEDULED: the run had not started; recorded as running');

    const user = this.tag('mlflow.user') ?? run.userId;
    if (user) {
      const agent = graph.node('agent', 'user');
      graph.describe(agent, [prov.Agent, prov.Person], redactText(user));
      graph.add(node, prov.wasAssociatedWith, agent);
    }
    const mlflow = graph.node('agent', 'mlflow');
    graph.describe(mlflow, [prov.Agent, prov.SoftwareAgent], 'MLflow').add(mlflow, schema.name, 'MLflow');
    const version = this.models.map((m) => m.mlflow_version).find((v): v is string => typeof v === 'string');
    graph.add(mlflow, schema.version, version);
    graph.add(node, prov.wasAssociatedWith, mlflow);
  }

  private mapParams(): void {
    const { graph, node } = this;
    let seeds = 0;
    for (const [key, text] of this.run.params) {
      // The name decides (`password`, `api_key`, `hf-token` are redacted whatever their value), then the text.
      const value = typedValue(literal(redactParam(key, text)));
      const parameter = graph.node('param', key);
      graph.describe(parameter, [prov.Entity, mls.HyperParameterSetting, reprov.Parameter], key);
      graph.quads.push(quad(parameter, prov.value, value));
      graph.add(node, prov.used, parameter);

      const seed = seedOf(key);
      const seedLiteral = seed && seedValue(value);
      if (!seed) continue;
      if (!seedLiteral) {
        this.notes.push(`parameter ${key} names a seed but its value '${value.value}' is not an integer: not recorded as a seed`);
        continue;
      }
      const seedNode = recordSeed(this.ctx, { name: key, value: BigInt(seedLiteral.value), rng: seed.rng });
      graph.add(seedNode, prov.wasDerivedFrom, parameter);
      seeds++;
    }
    this.notes.push(`${this.run.params.size} parameter(s), ${seeds} seed(s)`);
  }

  private mapCode(): void {
    const { graph, node } = this;
    const commit = this.tag(...GIT_TAGS.commit);
    const repository = this.tag(...GIT_TAGS.repository);
    if (commit || repository) {
      const code = graph.node('code');
      graph.describe(code, [prov.Entity, schema.SoftwareSourceCode, reprov.CodeState], 'code');
      graph.add(code, reprov.commit, commit);
      if (repository) {
        const url = redactUrl(repository);
        graph.quads.push(quad(code, schema.codeRepository, /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url) ? literal(url, XSD_ANY_URI) : literal(url)));
      }
      graph.add(code, reprov.branch, this.tag(...GIT_TAGS.branch));
      graph.add(code, reprov.unknownReason, 'dirty: MLflow does not record whether the working tree had uncommitted changes');
      graph.add(node, prov.used, code);
    } else {
      this.notes.push('no git commit (tag mlflow.source.git.commit): the code state is not recorded');
    }
    const source = this.tag('mlflow.source.name');
    const entryPoint = this.tag('mlflow.project.entryPoint');
    if (source || entryPoint) {
      const command = graph.node('command');
      graph.describe(command, [prov.Entity, prov.Plan, reprov.Command], redactText(source ?? entryPoint!));
      for (const value of [source, entryPoint]) graph.add(command, reprov.entryPoint, value && redactText(value));
      graph.add(node, prov.used, command);
    }
  }

  /** The Python version MLflow wrote into the models' `python_function` flavour. */
  private mapEnvironment(): void {
    const python = this.models.map((m) => m.flavors?.python_function?.python_version).find((v): v is string => typeof v === 'string');
    if (!python) return;
    const environment = this.graph.node('environment');
    this.graph.describe(environment, [prov.Entity, reprov.Environment], 'environment');
    this.graph.add(environment, reprov.pythonVersion, python);
    this.graph.add(environment, reprov.unknownReason, 'operating system: MLflow does not record it');
    this.graph.add(this.node, prov.used, environment);
  }

  private async mapMetrics(): Promise<void> {
    const { graph, node } = this;
    const log = new MetricLog(this.ctx.cwd, 100_000, 'mlflow', 0);
    for (const [key, file] of this.run.metricFiles) {
      const system = key.startsWith('system/');
      // Redacted here: the name also names the metric's file in the bundle.
      const name = redactText(system ? key.slice('system/'.length) : key);
      const context = system ? 'system' : phaseOf(key);
      forEachMetricPoint(file, (point) => log.log(name, point.value, { context, step: point.step, timestamp: point.timestamp }));
    }
    log.flush();
    const contexts = new Set<string>();
    let points = 0;
    for (const summary of log.summaries()) {
      const context = graph.node('context', summary.context);
      if (!contexts.has(summary.context)) {
        contexts.add(summary.context);
        graph.describe(context, [prov.Activity, reprov.Context], summary.context);
        graph.add(context, reprov.contextKind, summary.context).add(context, prov.wasInformedBy, node);
      }
      const metric = graph.node('metric', summary.context, summary.name);
      describeMetric(graph, metric, context, summary);
      graph.checksum(metric, 'sha256', (await hashFile(join(this.ctx.cwd, summary.file), { progress: false })).sha256);
      points += summary.count;
    }
    this.notes.push(`${this.run.metricFiles.size} metric(s), ${points} point(s)`);
  }

  private async mapDatasets(): Promise<void> {
    for (const dataset of this.run.datasets) await this.mapDataset(dataset);
  }

  private async mapDataset(dataset: MlflowDataset): Promise<void> {
    const { graph, node } = this;
    const source = parseSource(dataset);
    const local = source.location !== undefined ? localPath(source.location, this.projectDir, dataset.sourceType) : undefined;
    // A source is read (hashed) only inside the directory holding mlruns: the store may name /dev/zero or ~/.ssh.
    const refused = local !== undefined ? refusal(within(this.project, local), `the directory holding mlruns, ${this.projectDir}`) : undefined;
    let entity: NamedNode;
    if (local && !refused && isFileOrDirectory(local)) {
      entity = (await collectData(this.ctx, { path: local, role: 'input', kind: 'dataset', name: dataset.name, progress: 'auto' })).node;
      this.notes.push(`dataset ${dataset.name}: SHA-256 computed at import from ${local} (the file as it is now)`);
    } else {
      entity = this.freeNode('data', 'input', dataset.name);
      graph.describe(entity, [prov.Entity, dcat.Dataset], dataset.name);
      graph.add(entity, prov.atLocation, source.location && redactUrl(source.location));
      graph.add(entity, reprov.role, 'input');
      graph.add(entity, reprov.commit, source.revision);
      const why = local ? refused ? `${local} is not read: ${refused}` : `${local} is not at hand` : source.location ? `the source ${redactUrl(source.location)} is not a local file` : 'MLflow records no source location';
      graph.add(entity, reprov.unknownReason, `sha256: ${why}`);
      graph.add(node, prov.used, entity);
      if (!source.revision) this.notes.push(`dataset ${dataset.name}: not hashed (${why})`);
    }
    graph.add(entity, DCTERMS_IDENTIFIER, dataset.digest);
    graph.add(entity, rdfs.comment, dataset.context && `MLflow dataset context: ${dataset.context}`);
  }

  private async mapArtifacts(): Promise<void> {
    const found = this.artifactDir();
    const artifacts = found && this.copyArtifacts ? this.copyIntoBundle(found) : found;
    const claimed = new Set<string>();
    for (const model of this.models) {
      if (typeof model.artifact_path !== 'string' || !model.artifact_path) continue;
      // The artifact path comes from MLflow's tags: never outside the artifact directory (no `..`, absolute paths or links out).
      const path = artifacts && confine(realpathSync(artifacts), model.artifact_path).ok ? resolve(artifacts, model.artifact_path) : undefined;
      const atHand = path !== undefined && isFileOrDirectory(path);
      const top = model.artifact_path.split('/')[0]!;
      claimed.add(top);
      let entity: NamedNode;
      if (path && atHand) {
        entity = (await collectData(this.ctx, { path, role: 'output', kind: 'model', name: model.artifact_path, progress: 'auto' })).node;
        if (statSync(path).isDirectory()) await this.mapModelDependencies(model.artifact_path, path);
      } else {
        entity = this.freeNode('data', 'output', model.artifact_path);
        this.graph.describe(entity, [prov.Entity, mls.Model], model.artifact_path);
        this.graph.add(entity, prov.atLocation, this.run.artifactUri && redactUrl(`${this.run.artifactUri.replace(/\/+$/, '')}/${model.artifact_path}`));
        this.graph.add(entity, reprov.role, 'output');
        this.graph.add(entity, reprov.unknownReason, `sha256: the model's artifacts are not at hand${artifacts ? ` under ${artifacts}` : ''}`);
        this.graph.add(entity, prov.wasGeneratedBy, this.node);
        this.notes.push(`model ${model.artifact_path}: not hashed (its artifacts are not at hand)`);
      }
      const created = typeof model.utc_time_created === 'string' ? new Date(`${model.utc_time_created.replace(' ', 'T')}Z`) : undefined;
      if (created && !Number.isNaN(created.getTime())) this.graph.add(entity, prov.generatedAtTime, created);
    }
    if (!artifacts) return;
    let count = 0;
    const realArtifacts = realpathSync(artifacts);
    const left: string[] = [];
    for (const name of listArtifacts(artifacts)) {
      if (claimed.has(name)) continue;
      // A link in the artifacts is followed only within them; special files (FIFOs, sockets) are not read.
      const where = confine(realArtifacts, name);
      if (!where.ok || !isFileOrDirectory(where.absolute)) {
        left.push(`${name} (${where.ok ? 'not a regular file or directory' : where.reason})`);
        continue;
      }
      await collectData(this.ctx, { path: join(artifacts, name), role: 'output', kind: 'artifact', name, progress: 'auto' });
      count++;
    }
    if (left.length) this.notes.push(`artifacts not read: ${left.join(', ')}`);
    this.notes.push(`${this.models.length} model(s), ${count} other artifact(s) from ${found}`);
  }

  /** Requirement and lock files MLflow saves beside a model (requirements.txt...), located where they are. */
  private async mapModelDependencies(artifactPath: string, dir: string): Promise<void> {
    const scratch = new RunGraph(`${this.graph.base}model/${artifactPath}/`);
    await collectDependencies({ graph: scratch, run: this.node, cwd: dir, env: {} }, { root: realpathSync(dir) });
    // The collector names files relative to the directory it looked in: name them as the bundle sees them
    // (relative to it when copied into it, else by absolute path).
    const relocate = new Set([prov.atLocation.value, rdfs.label.value]);
    for (const q of scratch.quads) {
      const moved = relocate.has(q.predicate.value) && q.object.termType === 'Literal' && !isAbsolute(q.object.value);
      this.graph.quads.push(moved ? quad(q.subject, q.predicate, literal(locationOf(this.ctx.cwd, join(dir, q.object.value)))) : q);
    }
  }

  /**
   * Copies the run's artifacts into the bundle (`artifacts/`): regular files and directories only,
   * symbolic links and special files left out; the copy's path.
   */
  private copyIntoBundle(source: string): string {
    const target = join(this.ctx.cwd, 'artifacts');
    // The real directory: `source` may be a link (within the store), which cpSync would not enter.
    const real = realpathSync(source);
    const links: string[] = [];
    const special: string[] = [];
    cpSync(real, target, {
      recursive: true,
      filter: (path) => {
        const stats = lstatSync(path);
        if (stats.isFile() || stats.isDirectory()) return true;
        (stats.isSymbolicLink() ? links : special).push(relative(real, path));
        return false;
      },
    });
    const left = [links.length ? `; symbolic links not copied: ${links.join(', ')}` : '', special.length ? `; special files not copied: ${special.join(', ')}` : ''].join('');
    this.notes.push(`artifacts copied into the bundle from ${source}${left}`);
    return target;
  }

  /**
   * The local directory holding the run's artifacts: its artifact_uri when that is a local path at
   * hand inside the mlruns directory, else `<run dir>/artifacts` (when that is one, inside it too).
   */
  private artifactDir(): string | undefined {
    const uri = this.run.artifactUri;
    const fromUri = uri ? localPath(uri, this.projectDir) : undefined;
    const uriAtHand = Boolean(uri && fromUri && existsSync(fromUri));
    if (uri && fromUri && uriAtHand) {
      const refused = refusal(within(this.store, fromUri), `the mlruns directory, ${this.store.root}`);
      if (!refused && statSync(fromUri).isDirectory()) return fromUri;
      this.notes.push(`artifact_uri ${redactUrl(uri)} is not read: ${refused ?? 'not a directory'}`);
    }
    const beside = join(this.run.dir, 'artifacts');
    if (lexists(beside)) {
      const refused = refusal(within(this.store, beside), `the mlruns directory, ${this.store.root}`);
      if (refused || !existsSync(beside) || !statSync(beside).isDirectory()) {
        this.notes.push(`artifacts not read: ${beside} is ${refused ?? 'not a directory'}`);
        return undefined;
      }
      if (uri && !uriAtHand) this.notes.push(`artifact_uri ${redactUrl(uri)} is not at hand: artifacts read from ${beside}`);
      return beside;
    }
    if (uri && !uriAtHand) this.notes.push(`artifacts not hashed: ${redactUrl(uri)} is not at hand`);
    return undefined;
  }

  private loggedModels(): LoggedModel[] {
    return loggedModels(this.run);
  }

  /** `<base><path>`, or `-2`, `-3`... appended to the last segment when that node is taken. */
  private freeNode(...path: [string, ...string[]]): NamedNode {
    const taken = (n: NamedNode) => this.graph.quads.some((q) => q.subject.equals(n));
    const last = path.length - 1;
    let node = this.graph.node(...path);
    for (let n = 2; taken(node); n++) node = this.graph.node(...path.slice(0, last), `${path[last]}-${n}`);
    return node;
  }
}

/** The models of the run's `mlflow.log-model.history` tag. */
function loggedModels(run: MlflowRun): LoggedModel[] {
  const text = run.tags.get('mlflow.log-model.history');
  if (!text) return [];
  const file = join(run.dir, 'tags', 'mlflow.log-model.history');
  let models: unknown;
  try {
    models = JSON.parse(text);
  } catch (error) {
    throw new MlflowLayoutError(`${file}: malformed JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(models)) throw new MlflowLayoutError(`${file}: expected a JSON list of logged models`);
  return models.filter((m): m is LoggedModel => typeof m === 'object' && m !== null);
}

/** Where an MLflow dataset source points (`uri`, `url`, `path`, `table_name`) and its revision (Hugging Face). */
function parseSource(dataset: MlflowDataset): { location?: string; revision?: string } {
  if (!dataset.source) return {};
  let source: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(dataset.source);
    if (typeof parsed !== 'object' || parsed === null) return {};
    source = parsed as Record<string, unknown>;
  } catch (error) {
    throw new MlflowLayoutError(`${dataset.file}: source: malformed JSON: ${(error as Error).message}`);
  }
  const text = (key: string) => (typeof source[key] === 'string' && source[key] ? (source[key] as string) : undefined);
  const location = text('uri') ?? text('url') ?? text('path') ?? text('table_name');
  const revision = text('revision');
  return { ...(location && { location }), ...(revision && { revision }) };
}

/**
 * A location as a local path: a `file:` URI, or a path (a relative one is taken from `base`);
 * other URIs (s3://, mlflow-artifacts:/, https://) and sources of another type than `local`
 * (a Hugging Face dataset's `path` is a hub name) are not local.
 */
function localPath(location: string, base: string, sourceType?: string): string | undefined {
  if (/^file:/i.test(location)) {
    try {
      return fileURLToPath(location);
    } catch {
      return undefined;
    }
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]+:/.test(location) || (sourceType !== undefined && sourceType !== 'local')) return undefined;
  return resolve(base, location);
}

/**
 * The phase a metric was logged in, from the first word of its key, as trainers name them
 * (`val_loss`, `eval/accuracy`, HF Trainer's `eval_…`, `test_acc`); any other key is training's.
 */
function phaseOf(key: string): 'training' | 'validation' | 'testing' {
  if (/^(?:val|valid|validation|eval|evaluation)(?:[/_.-]|$)/i.test(key)) return 'validation';
  if (/^test(?:ing)?(?:[/_.-]|$)/i.test(key)) return 'testing';
  return 'training';
}

/** The top-level entries of the artifact directory: a directory artifact is hashed whole. */
function listArtifacts(dir: string): string[] {
  return statSync(dir).isDirectory() ? readdirSync(dir).sort() : [];
}

/** `path` (absolute, or relative to the working directory) confined to `root`, reached as given or by its real path. */
function within(root: MlflowStoreRoot, path: string): Confined {
  const absolute = resolve(path);
  return confine(root.real, relative(inside(root.root, absolute) ? root.root : root.real, absolute));
}

/** Why a confined path is not followed, in a note; undefined when it is. */
function refusal(where: Confined, rootName: string): string | undefined {
  if (where.ok) return undefined;
  return where.problem === 'link' ? `a symbolic link out of ${rootName}` : where.problem === 'nul' ? where.reason : `outside ${rootName}`;
}

/** Whether `path` is (after links) a regular file or a directory: not missing, not a FIFO, device or socket, not a link loop. */
function isFileOrDirectory(path: string): boolean {
  try {
    const stats = statSync(path);
    return stats.isFile() || stats.isDirectory();
  } catch {
    return false;
  }
}

/** Whether anything is at `path`, a dangling link included. */
function lexists(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
}

