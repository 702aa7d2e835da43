/** reprov: checkable machine-learning provenance. The library behind the `reprov` CLI. */
export { convert, convertTo, type ConvertOptions, type ConvertReport } from './convert.js';
export { readProv, readProvFile, type ReadOptions } from './io/read.js';
export { writeProv, writeProvTo, BundlesNeedNamedGraphs, type WriteOptions } from './io/write.js';
export type { ProvDataset } from './io/dataset.js';
export { FORMATS, parseFormatName, formatFromPath, sniffFormat, type Format, type FormatInfo } from './io/formats.js';
export { ProvInputError, formatDiagnostic, type Diagnostic } from './io/diagnostics.js';
export type { TextSink } from './io/rdf-text.js';
export { provJsonToQuads, declaredPrefixes, type FromProvJsonOptions } from './prov/from-prov-json.js';
export { quadsToProvJson, type ProvJsonContainer } from './prov/to-prov-json.js';
export { RELATIONS, ELEMENTS, DERIVATION_SUBTYPES, type RelationSpec, type ElementSpec } from './prov/relations.js';
export * as namespaces from './prov/namespaces.js';
export { startRun, withRun, Run, type StartRunOptions, type EndOptions, type BundleFiles } from './run/run.js';
export { record, prepareRecord, RecordUsageError, type RecordOptions, type RecordResult } from './run/record.js';
export type { MetricPointOptions } from './run/metrics.js';
export { RUN_STATUSES, type RunStatus } from './run/vocabulary.js';
export { mergeBundles } from './run/merge.js';
