/**
 * What a bundle says about its run, read once from the RDF for `verify` and `diff`: the files it
 * names with their checksums, the code state, parameters, seeds, determinism settings,
 * dependencies, environment, hardware and metric summaries. Works on any loaded bundle (reprov's
 * own and imported yProv4ML runs, which `loadBundle` has mapped onto the same terms).
 */
import { DataFactory, type NamedNode, type Term } from 'n3';
import { BundleStore } from '../check/bundle-store.js';
import { focusName, hasType, isBundleFile, objects, runs, subjectsOfType } from '../check/graph-query.js';
import type { CheckInput } from '../check/types.js';
import type { LoadedBundle } from '../io/load-bundle.js';
import { dcat, DCTERMS, mls, prov, rdfs, reprov, schema, spdx } from '../prov/vocabulary.js';

/** yProv4ML names an artifact's path with `dcterms:identifier` rather than `prov:atLocation`. */
const DCTERMS_IDENTIFIER = DataFactory.namedNode(`${DCTERMS}identifier`);

export type FileRole = 'input' | 'output' | 'metric' | 'dependency';

/** A file or directory the bundle names. */
export interface FileFact {
  /** The node's PROV id as users read it (`run:data/input/train.csv`). */
  id: string;
  role: FileRole;
  /** The path as recorded; undefined when the bundle names none. */
  location?: string;
  /** Data and dependency files are relative to the run's working directory; metric files to the bundle's own directory. */
  base: 'workspace' | 'bundle';
  /** Lower-case hex SHA-256, when recorded. */
  sha256?: string;
  /** Other checksum algorithms recorded (`md5`, `sha1`), by their SPDX local name. */
  otherChecksums: string[];
  directory: boolean;
  /** `reprov:digestMethod` of a directory digest. */
  digestMethod?: string;
}

export interface CodeFact {
  id: string;
  repository?: string;
  commit?: string;
  branch?: string;
  dirty?: boolean;
  diffSha256?: string;
  /** The stored diff, relative to the bundle's directory. */
  diffFile?: string;
  changedFiles: string[];
  changedFileCount?: number;
  untrackedFiles: string[];
  untrackedFileCount?: number;
  /** Why there is no git state (`reprov:noRepositoryReason`). */
  noRepository?: string;
}

export interface DependencyFact {
  /** The file's location, or the node's label for a dependency list with no file (`pip freeze`). */
  key: string;
  sha256?: string;
  pinned?: string;
  /** `name==version` strings, when the bundle lists packages. */
  packages: string[];
  /** The PROV id of the node. */
  id: string;
  /** The Python a package list was taken from (`reprov:interpreter`, or the `<python> -m pip freeze` label of older bundles). */
  interpreter?: string;
}

export interface MetricFact {
  name: string;
  context: string;
  last?: string;
  min?: string;
  max?: string;
  points?: string;
}

/** A labelled value of the environment or hardware; `reproduction` says whether a difference can change what a run computes. */
export interface Property {
  key: string;
  value: string;
  reproduction: boolean;
}

export interface BundleFacts {
  file: string;
  /** The runs (`mls:Run`) by PROV id. */
  runs: string[];
  experiment?: string;
  status?: string;
  exitCode?: string;
  parameters: Map<string, string>;
  seeds: Map<string, string>;
  determinism: Map<string, string>;
  files: FileFact[];
  code: CodeFact[];
  dependencies: DependencyFact[];
  environment: Property[];
  hardware: Property[];
  metrics: MetricFact[];
}

const DATA_TYPES = [reprov.File, reprov.Directory, dcat.Dataset, mls.Dataset, mls.Model, reprov.Artifact];

/** Environment statements, and whether a difference in them can change a run's results. */
const ENVIRONMENT: [NamedNode, string, boolean][] = [
  [schema.operatingSystem, 'operating system', true], [reprov.kernel, 'kernel', true], [reprov.architecture, 'architecture', true],
  [reprov.nodeVersion, 'Node.js', true], [reprov.pythonVersion, 'Python', true],
  [reprov.containerRuntime, 'container runtime', false], [reprov.containerImage, 'container image', true], [reprov.containerImageDigest, 'container image digest', true],
  [reprov.hostname, 'hostname', false], [reprov.workingDirectory, 'working directory', false],
];
const HARDWARE: [NamedNode, string, boolean][] = [
  [reprov.cpuModel, 'CPU model', true], [reprov.cpuCores, 'CPU cores', true], [reprov.cpuThreads, 'CPU threads', true],
  [reprov.memoryBytes, 'memory bytes', false], [reprov.gpuCount, 'GPU count', true],
  [reprov.cgroupMemoryLimitBytes, 'cgroup memory limit', false], [reprov.cgroupCpuLimit, 'cgroup CPU limit', false],
];
/** Per GPU: two identical cards still differ in UUID, bus id and power limit, which change nothing computed. */
const GPU: [NamedNode, string, boolean][] = [
  [schema.name, 'name', true], [reprov.memoryBytes, 'memory bytes', true], [reprov.driverVersion, 'driver', true], [reprov.cudaVersion, 'CUDA', true],
  [reprov.computeCapability, 'compute capability', true], [reprov.migMode, 'MIG mode', true],
  [reprov.uuid, 'UUID', false], [reprov.pciBusId, 'PCI bus id', false], [reprov.powerLimitWatts, 'power limit W', false],
];

/** Reads the facts `verify` and `diff` compare out of a loaded bundle. */
export function bundleFacts(bundle: LoadedBundle): BundleFacts {
  const store = new BundleStore(bundle.quads);
  const input: CheckInput = { store, prefixes: bundle.prefixes, file: bundle.file, baseDir: bundle.baseDir, violations: [] };
  const one = (s: Term, p: NamedNode) => objects(store, s, p)[0]?.value;
  const all = (s: Term, p: NamedNode) => objects(store, s, p).map((o) => o.value);
  const of = (type: NamedNode) => subjectsOfType(store, type);
  const name = (node: Term) => one(node, rdfs.label) ?? focusName(input, node);
  const runNodes = runs(store);
  const firstRun = runNodes[0];

  const sha256Of = (node: Term) => objects(store, node, spdx.checksum)
    .find((c) => objects(store, c, spdx.algorithm).some((a) => a.equals(spdx.checksumAlgorithm_sha256)));
  const fileFact = (node: Term, role: FileRole, base: FileFact['base'], location: string | undefined): FileFact => {
    const checksum = sha256Of(node);
    const fact: FileFact = {
      id: focusName(input, node), role, base, directory: hasType(store, node, reprov.Directory),
      otherChecksums: objects(store, node, spdx.checksum).filter((c) => c !== checksum)
        .flatMap((c) => objects(store, c, spdx.algorithm).map((a) => a.value.replace(/^.*checksumAlgorithm_/, ''))),
    };
    if (location) fact.location = location;
    const value = checksum && one(checksum, spdx.checksumValue);
    if (value) fact.sha256 = value.trim().toLowerCase();
    const method = one(node, reprov.digestMethod);
    if (method) fact.digestMethod = method;
    return fact;
  };
  const locationOf = (node: Term) => (one(node, prov.atLocation) ?? one(node, DCTERMS_IDENTIFIER)) || undefined;

  const files: FileFact[] = [];
  const dataNodes = uniqueTerms(DATA_TYPES.flatMap(of))
    .filter((node) => !isBundleFile(store, node) && !hasType(store, node, reprov.DependencyFile));
  for (const node of dataNodes) files.push(fileFact(node, dataRole(store, node, one(node, reprov.role)), 'workspace', locationOf(node)));
  for (const node of uniqueTerms([...of(reprov.Metric), ...store.getSubjects(reprov.metricFile, null, null)])) {
    files.push(fileFact(node, 'metric', 'bundle', one(node, reprov.metricFile) ?? locationOf(node)));
  }
  const dependencyNodes = of(reprov.DependencyFile);
  for (const node of dependencyNodes) files.push(fileFact(node, 'dependency', 'workspace', locationOf(node)));

  const facts: BundleFacts = {
    file: bundle.file,
    runs: runNodes.map((r) => focusName(input, r)),
    parameters: new Map(of(reprov.Parameter).map((p) => [name(p), one(p, prov.value) ?? ''])),
    seeds: new Map(of(reprov.Seed).map((s) => [name(s), `${one(s, prov.value) ?? ''}${one(s, reprov.rng) ? ` (${one(s, reprov.rng)})` : ''}`])),
    determinism: new Map(of(reprov.DeterminismSetting).map((d) => [one(d, reprov.settingName) ?? name(d), one(d, prov.value) ?? ''])),
    files,
    code: of(reprov.CodeState).map((node) => codeFact(node)),
    dependencies: dependencyNodes.map((node) => {
      const dependency: DependencyFact = { key: locationOf(node) ?? name(node), packages: all(node, reprov.package).sort(), id: focusName(input, node) };
      const interpreter = one(node, reprov.interpreter) ?? (one(node, reprov.source) === 'pip freeze' ? /^(\S+) -m pip freeze$/.exec(one(node, rdfs.label) ?? '')?.[1] : undefined);
      if (interpreter) dependency.interpreter = interpreter;
      const checksum = sha256Of(node);
      const value = checksum && one(checksum, spdx.checksumValue);
      if (value) dependency.sha256 = value;
      const pinned = one(node, reprov.pinned);
      if (pinned) dependency.pinned = pinned;
      return dependency;
    }),
    environment: [],
    hardware: [],
    metrics: of(reprov.Metric).map((node) => {
      const context = objects(store, node, reprov.context)[0];
      const metric: MetricFact = { name: name(node), context: context ? one(context, rdfs.label) ?? one(context, reprov.contextKind) ?? focusName(input, context) : '' };
      const set = (key: 'last' | 'min' | 'max' | 'points', predicate: NamedNode) => {
        const value = one(node, predicate);
        if (value !== undefined) metric[key] = value;
      };
      set('last', reprov.lastValue);
      set('min', reprov.minValue);
      set('max', reprov.maxValue);
      set('points', reprov.pointCount);
      return metric;
    }),
  };
  if (firstRun) {
    const experiment = one(firstRun, reprov.experiment);
    if (experiment) facts.experiment = experiment;
    const status = one(firstRun, reprov.status);
    if (status) facts.status = status;
    const exitCode = one(firstRun, reprov.exitCode);
    if (exitCode) facts.exitCode = exitCode;
  }

  const properties = (node: Term, table: [NamedNode, string, boolean][], prefix = '') => table.flatMap(([predicate, key, reproduction]) =>
    all(node, predicate).map((value) => ({ key: prefix + key, value, reproduction })));
  for (const env of of(reprov.Environment)) {
    facts.environment.push(...properties(env, ENVIRONMENT));
    for (const variable of objects(store, env, reprov.variable)) {
      facts.environment.push({ key: `variable ${one(variable, reprov.variableName) ?? name(variable)}`, value: one(variable, prov.value) ?? '', reproduction: true });
    }
  }
  for (const hw of of(reprov.Hardware)) {
    facts.hardware.push(...properties(hw, HARDWARE));
    for (const gpu of objects(store, hw, reprov.gpu)) facts.hardware.push(...properties(gpu, GPU, `GPU ${one(gpu, reprov.gpuIndex) ?? name(gpu)} `));
  }
  return facts;

  function codeFact(node: Term): CodeFact {
    const number = (p: NamedNode) => {
      const value = one(node, p);
      return value === undefined ? undefined : Number(value);
    };
    const fact: CodeFact = { id: focusName(input, node), changedFiles: all(node, reprov.changedFile).sort(), untrackedFiles: all(node, reprov.untrackedFile).sort() };
    const assign = <K extends keyof CodeFact>(key: K, value: CodeFact[K] | undefined) => {
      if (value !== undefined) fact[key] = value;
    };
    assign('repository', one(node, schema.codeRepository));
    assign('commit', one(node, reprov.commit));
    assign('branch', one(node, reprov.branch));
    const dirty = one(node, reprov.dirty);
    assign('dirty', dirty === undefined ? undefined : dirty === 'true' || dirty === '1');
    assign('diffSha256', one(node, reprov.diffSha256));
    assign('diffFile', one(node, reprov.diffFile));
    assign('changedFileCount', number(reprov.changedFileCount));
    assign('untrackedFileCount', number(reprov.untrackedFileCount));
    assign('noRepository', one(node, reprov.noRepositoryReason));
    return fact;
  }
}

/** `reprov:role` when recorded; else output when a run or phase generated it (or it is a model), input otherwise. */
function dataRole(store: BundleStore, node: Term, recorded: string | undefined): 'input' | 'output' {
  if (recorded === 'input' || recorded === 'output') return recorded;
  if (objects(store, node, prov.wasGeneratedBy).length || hasType(store, node, mls.Model)) return 'output';
  return 'input';
}

function uniqueTerms(terms: Term[]): Term[] {
  return [...new Map(terms.map((t) => [`${t.termType}:${t.value}`, t])).values()];
}
