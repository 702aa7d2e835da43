import type { Term } from 'n3';
import type { GraphStore } from '../src/check/bundle-store.js';
import { hasAny, isA, objects, usedAny } from '../src/check/graph-query.js';
import { defineRule, eachRun, finding } from '../src/check/rule-kit.js';
import { dcterms, rdfs, reprov } from '../src/prov/vocabulary.js';

const meta = {
  id: 'RPV-T001',
  title: 'Determinism settings are recorded',
  category: 'determinism',
  severity: 'warning',
  weight: 4,
  description: 'Every run (mls:Run) records at least one determinism setting it used: a reprov:DeterminismSetting (PYTHONHASHSEED, CUBLAS_WORKSPACE_CONFIG, TF_DETERMINISTIC_OPS, ...), a seed of the python-hash kind, or a parameter named like a determinism switch (deterministic, cudnn_benchmark, use_deterministic_algorithms). A merged run is judged through its parts.',
  why: 'Seeds alone do not make a GPU run repeatable: cuDNN autotuning, atomic-add reductions, the cuBLAS workspace and Python\'s hash randomisation each change results between runs with the same seed. Without the settings on record nobody can tell whether a difference on rerun is a bug or expected noise.',
  fix: 'Record the determinism switches: export PYTHONHASHSEED, CUBLAS_WORKSPACE_CONFIG=:4096:8 (and TF_DETERMINISTIC_OPS=1 for TensorFlow) before `reprov record -- …` (they are captured automatically), and log framework flags as parameters, e.g. `run.logParam("torch.use_deterministic_algorithms", true)`.',
  example: {
    failing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/seed/torch> .\n<urn:r/seed/torch> a prov:Entity, reprov:Seed ; prov:value 42 ; reprov:rng "torch" .',
    passing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/seed/torch>, <urn:r/determinism/CUBLAS_WORKSPACE_CONFIG> .\n<urn:r/seed/torch> a prov:Entity, reprov:Seed ; prov:value 42 ; reprov:rng "torch" .\n<urn:r/determinism/CUBLAS_WORKSPACE_CONFIG> a prov:Entity, reprov:DeterminismSetting ; reprov:settingName "CUBLAS_WORKSPACE_CONFIG" ; prov:value ":4096:8" ; reprov:source "environment" .',
  },
} as const;

/** What a finding says. */
const MESSAGE =
  'the run records no determinism setting (PYTHONHASHSEED, CUBLAS_WORKSPACE_CONFIG, TF_DETERMINISTIC_OPS, cudnn flags): a rerun cannot tell which kernels and hash order it ran with';

/** A parameter (or anything the run used) named like a determinism switch. */
const SWITCH_NAME = /(^|[._ -])(deterministic|cudnn[._-]?benchmark|use[._-]?deterministic[._-]?algorithms)$/i;
const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';

/** The string literal "python-hash", exactly (no language tag, no other datatype). */
const isPythonHash = (term: Term): boolean =>
  term.termType === 'Literal' && term.value === 'python-hash' && !term.language && term.datatype.value === XSD_STRING;

/**
 * Something the run used that records how deterministic it was: a determinism setting, a seed of
 * the python-hash kind, or anything whose labels (one at least) are all named like a switch.
 */
const settles = (store: GraphStore, entity: Term): boolean => {
  if (isA(store, entity, reprov.DeterminismSetting)) return true;
  if (isA(store, entity, reprov.Seed) && objects(store, entity, reprov.rng).some(isPythonHash)) return true;
  const labels = objects(store, entity, rdfs.label);
  return labels.length > 0 && labels.every((label) => SWITCH_NAME.test(label.value));
};

export default defineRule({
  meta,
  // A merged run (dcterms:hasPart) is judged through its parts, which are runs themselves.
  check: (input) => eachRun(input, (run) =>
    (hasAny(input.store, run, dcterms.hasPart) || usedAny(input.store, run, settles) ? [] : [finding(input, meta, run, MESSAGE)])),
});
