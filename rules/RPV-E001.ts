import { hasAny, isA, usedAny } from '../src/check/graph-query.js';
import { defineRule, eachRun, finding } from '../src/check/rule-kit.js';
import type { GraphStore } from '../src/check/bundle-store.js';
import type { Term } from 'n3';
import { reprov, schema } from '../src/prov/vocabulary.js';

const meta = {
  id: 'RPV-E001',
  title: 'Operating system and runtime versions are recorded',
  category: 'environment',
  severity: 'error',
  weight: 8,
  description: 'Every run (mls:Run) uses a reprov:Environment that records the operating system (schema:operatingSystem) and at least one runtime version (reprov:pythonVersion or reprov:nodeVersion).',
  why: 'Interpreters and operating systems change numerics, default random generators, hash ordering and which library builds install. A rerun on another Python or Node.js version can fail to install, or quietly compute something else.',
  fix: 'Record the run with the environment collector on (`reprov record -- python train.py`, or `startRun()` without `collect: { environment: false }`); when the Python interpreter is not on PATH, name it with `--python PATH`.',
  example: {
    failing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/environment> .\n<urn:r/environment> a prov:Entity, reprov:Environment ; reprov:hostname "gpu-node-07" .',
    passing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/environment> .\n<urn:r/environment> a prov:Entity, reprov:Environment ; reprov:hostname "gpu-node-07" ; schema:operatingSystem "Ubuntu 22.04.4 LTS" ; reprov:kernel "Linux 5.15.0-105-generic" ; reprov:pythonVersion "3.11.9" ; reprov:nodeVersion "20.12.2" .',
  },
} as const;

/** What a finding says. */
const MESSAGE =
  'the run records no operating system and runtime version: no reprov:Environment with schema:operatingSystem and reprov:pythonVersion or reprov:nodeVersion';

/** A reprov:Environment with the operating system and a Python or Node.js version. */
const counts = (store: GraphStore, entity: Term): boolean =>
  isA(store, entity, reprov.Environment) && hasAny(store, entity, schema.operatingSystem) && (hasAny(store, entity, reprov.pythonVersion) || hasAny(store, entity, reprov.nodeVersion));

export default defineRule({
  meta,
  check: (input) => eachRun(input, (run) => (usedAny(input.store, run, counts) ? [] : [finding(input, meta, run, MESSAGE)])),
});
