import { hasAny, isA, usedAny } from '../src/check/graph-query.js';
import { defineRule, eachRun, finding } from '../src/check/rule-kit.js';
import type { GraphStore } from '../src/check/bundle-store.js';
import type { Term } from 'n3';
import { reprov } from '../src/prov/vocabulary.js';

const meta = {
  id: 'RPV-H001',
  title: 'CPU and memory are recorded',
  category: 'hardware',
  severity: 'warning',
  weight: 5,
  description: 'Every run (mls:Run) uses a reprov:Hardware node that records the CPU (reprov:cpuModel or reprov:cpuThreads) and the memory size (reprov:memoryBytes).',
  why: 'The CPU decides which vector instructions math libraries use (and so the last bits of floating-point results), and the thread count and memory decide batch sizes, data-loader workers and whether a rerun fits at all. Without them, a different result on another machine cannot be explained.',
  fix: 'Record the run with the hardware collector on: drop `--no-hardware` from `reprov record`, or `collect: { hardware: false }` from `startRun()`.',
  example: {
    failing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/hardware> .\n<urn:r/hardware> a prov:Entity, reprov:Hardware ; reprov:cpuModel "AMD EPYC 7763 64-Core Processor" .',
    passing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/hardware> .\n<urn:r/hardware> a prov:Entity, reprov:Hardware ; reprov:cpuModel "AMD EPYC 7763 64-Core Processor" ; reprov:cpuCores 64 ; reprov:cpuThreads 128 ; reprov:memoryBytes 540893675520 ; reprov:gpuCount 0 .',
  },
} as const;

/** What a finding says. */
const MESSAGE =
  'the run records no CPU and memory: no reprov:Hardware with reprov:cpuModel or reprov:cpuThreads and reprov:memoryBytes';

/** A reprov:Hardware with the CPU model or thread count and the memory size. */
const counts = (store: GraphStore, entity: Term): boolean =>
  isA(store, entity, reprov.Hardware) && (hasAny(store, entity, reprov.cpuModel) || hasAny(store, entity, reprov.cpuThreads)) && hasAny(store, entity, reprov.memoryBytes);

export default defineRule({
  meta,
  check: (input) => eachRun(input, (run) => (usedAny(input.store, run, counts) ? [] : [finding(input, meta, run, MESSAGE)])),
});
