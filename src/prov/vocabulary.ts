/**
 * The terms reprov records runs with: PROV-O for the graph, reused vocabularies where one fits
 * (ML-Schema, schema.org, SPDX, DCAT), and the small reprov namespace for the rest.
 * Documented in docs/vocabulary.md; described in Turtle in shapes/reprov-vocabulary.ttl.
 */
import { DataFactory, type NamedNode } from 'n3';
import { PROV, RDF, RDFS, XSD } from './namespaces.js';

const { namedNode } = DataFactory;

export const REPROV = 'https://w3id.org/reprov#';
export const MLS = 'http://www.w3.org/ns/mls#';
export const SCHEMA = 'https://schema.org/';
export const SPDX = 'http://spdx.org/rdf/terms#';
export const DCAT = 'http://www.w3.org/ns/dcat#';
export const DCTERMS = 'http://purl.org/dc/terms/';

/** Prefixes a recorded bundle is written with. */
export const RUN_PREFIXES: Readonly<Record<string, string>> = {
  prov: PROV, xsd: XSD, rdf: RDF, rdfs: RDFS, reprov: REPROV, mls: MLS, schema: SCHEMA, spdx: SPDX, dcat: DCAT, dcterms: DCTERMS,
};

const terms = <K extends string>(ns: string, names: readonly K[]) =>
  Object.fromEntries(names.map((n) => [n, namedNode(ns + n)])) as Record<K, NamedNode>;

export const prov = terms(PROV, [
  'Activity', 'Entity', 'Agent', 'Person', 'SoftwareAgent', 'Plan',
  'used', 'wasGeneratedBy', 'wasInformedBy', 'wasAssociatedWith', 'wasAttributedTo', 'wasDerivedFrom',
  'startedAtTime', 'endedAtTime', 'atLocation', 'value', 'generatedAtTime', 'hadPlan',
] as const);
export const rdf = terms(RDF, ['type'] as const);
export const rdfs = terms(RDFS, ['label', 'comment'] as const);
export const mls = terms(MLS, ['Run', 'HyperParameterSetting', 'ModelEvaluation', 'Model', 'Dataset', 'Implementation'] as const);
export const schema = terms(SCHEMA, [
  'SoftwareSourceCode', 'SoftwareApplication', 'name', 'version', 'codeRepository', 'operatingSystem',
  'runtimePlatform', 'programmingLanguage', 'encodingFormat',
] as const);
export const spdx = terms(SPDX, ['Checksum', 'checksum', 'algorithm', 'checksumValue', 'checksumAlgorithm_sha256', 'checksumAlgorithm_md5', 'checksumAlgorithm_sha1'] as const);
export const dcat = terms(DCAT, ['Dataset', 'Distribution', 'byteSize'] as const);
export const dcterms = terms(DCTERMS, ['hasPart'] as const);

/** The reprov namespace: what the reused vocabularies do not cover. */
export const reprov = terms(REPROV, [
  // classes
  'Context', 'Parameter', 'Metric', 'Seed', 'DeterminismSetting', 'File', 'Directory', 'Artifact',
  'CodeState', 'Command', 'Environment', 'EnvironmentVariable', 'DependencyFile', 'Hardware', 'GPU',
  'ClusterContext', 'ScanFinding', 'Exception', 'InstalledPackage',
  // run
  'experiment', 'status', 'exitCode', 'signal', 'complete', 'context', 'contextKind',
  // parameters, metrics, seeds
  'metricFile', 'pointCount', 'lastValue', 'lastStep', 'minValue', 'maxValue', 'rng', 'source', 'settingName',
  // data and artifacts
  'role', 'fileCount', 'digestMethod',
  // code
  'commit', 'branch', 'detachedHead', 'dirty', 'changedFile', 'untrackedFile', 'changedFileCount', 'untrackedFileCount', 'diffSha256', 'diffFile', 'noRepositoryReason',
  'commandLine', 'entryPoint', 'workingDirectory',
  // scan of the code (`record --scan`)
  'scanned', 'scannedFileCount', 'scanRule', 'scanFinding', 'ruleId', 'severity', 'message', 'sourceFile', 'line', 'column',
  // environment and dependencies
  'kernel', 'architecture', 'nodeVersion', 'pythonVersion', 'hostname', 'variable', 'variableName', 'redacted',
  'ecosystem', 'pinned', 'unpinnedCount', 'package', 'packageCount',
  'requirement', 'interpreter', 'installedPackage', 'packageOrigin', 'installer', 'osPackage', 'osPackageVersion', 'indexInstallable', 'directUrlKind',
  'containerRuntime', 'containerImage', 'containerImageDigest',
  // hardware and energy
  'cpuModel', 'cpuCores', 'cpuThreads', 'memoryBytes', 'gpu', 'gpuCount', 'gpuIndex', 'uuid', 'driverVersion', 'cudaVersion',
  'migMode', 'gpuVendor', 'pciBusId', 'powerLimitWatts', 'computeCapability', 'cgroupMemoryLimitBytes', 'cgroupCpuLimit', 'unknownReason', 'energyJoules', 'gpuEnergyJoules', 'cpuEnergyJoules',
  'scheduler', 'jobId', 'nodeCount', 'nodeList', 'rank', 'localRank', 'worldSize',
  // in-process instrumentation (`reprov record` of a Python program)
  'framework', 'cudnnVersion', 'exception', 'exceptionType', 'executedFile', 'drawnBeforeSeed', 'inForceAt',
] as const);

export const RUN_STATUSES = ['running', 'succeeded', 'failed', 'interrupted', 'killed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Environment variables that decide whether a run is deterministic (Python, CUDA, PyTorch, TensorFlow, BLAS threads). */
export const DETERMINISM_VARIABLES = [
  'PYTHONHASHSEED',
  'CUBLAS_WORKSPACE_CONFIG',
  'TF_DETERMINISTIC_OPS',
  'TF_CUDNN_DETERMINISTIC',
  'TF_ENABLE_ONEDNN_OPTS',
  'CUDA_LAUNCH_BLOCKING',
  'PYTORCH_CUDA_ALLOC_CONF',
  'OMP_NUM_THREADS',
  'MKL_NUM_THREADS',
] as const;
