import { runs } from '../src/check/graph-query.js';
import { shapeRule } from '../src/check/rule-kit.js';

export default shapeRule({
  id: 'RPV-T001',
  title: 'Determinism settings are recorded',
  category: 'determinism',
  severity: 'warning',
  weight: 4,
  shape: 'RPV-T001.ttl',
  description: 'Every run (mls:Run) records at least one determinism setting it used: a reprov:DeterminismSetting (PYTHONHASHSEED, CUBLAS_WORKSPACE_CONFIG, TF_DETERMINISTIC_OPS, ...), a seed of the python-hash kind, or a parameter named like a determinism switch (deterministic, cudnn_benchmark, use_deterministic_algorithms). A merged run is judged through its parts.',
  why: 'Seeds alone do not make a GPU run repeatable: cuDNN autotuning, atomic-add reductions, the cuBLAS workspace and Python\'s hash randomisation each change results between runs with the same seed. Without the settings on record nobody can tell whether a difference on rerun is a bug or expected noise.',
  fix: 'Record the determinism switches: export PYTHONHASHSEED, CUBLAS_WORKSPACE_CONFIG=:4096:8 (and TF_DETERMINISTIC_OPS=1 for TensorFlow) before `reprov record -- …` (they are captured automatically), and log framework flags as parameters, e.g. `run.logParam("torch.use_deterministic_algorithms", true)`.',
  example: {
    failing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/seed/torch> .\n<urn:r/seed/torch> a prov:Entity, reprov:Seed ; prov:value 42 ; reprov:rng "torch" .',
    passing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/seed/torch>, <urn:r/determinism/CUBLAS_WORKSPACE_CONFIG> .\n<urn:r/seed/torch> a prov:Entity, reprov:Seed ; prov:value 42 ; reprov:rng "torch" .\n<urn:r/determinism/CUBLAS_WORKSPACE_CONFIG> a prov:Entity, reprov:DeterminismSetting ; reprov:settingName "CUBLAS_WORKSPACE_CONFIG" ; prov:value ":4096:8" ; reprov:source "environment" .',
  },
}, (input) => (runs(input.store).length ? true : 'the bundle records no run (mls:Run)'));
