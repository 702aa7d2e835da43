import { hasAny, isA, usedAny } from '../src/check/graph-query.js';
import { defineRule, eachRun, finding } from '../src/check/rule-kit.js';
import type { GraphStore } from '../src/check/bundle-store.js';
import type { Term } from 'n3';
import { reprov } from '../src/prov/vocabulary.js';

const meta = {
  id: 'RPV-C003',
  title: 'The command or entry point is recorded',
  category: 'code',
  severity: 'warning',
  weight: 4,
  description: 'Every run (mls:Run) uses a reprov:Command that records the command line (reprov:commandLine) or the entry point (reprov:entryPoint) it ran.',
  why: 'A commit holds many scripts and each takes flags. Without the command, a rerun has to guess which script ran and with which arguments, and a different flag trains a different model.',
  fix: 'Record the run through the wrapper, which records the command: `reprov record -- python train.py --epochs 10`; from the library, start the run with the command line (`startRun({ command: process.argv })`).',
  example: {
    failing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/code> .\n<urn:r/code> a prov:Entity, schema:SoftwareSourceCode, reprov:CodeState ; reprov:commit "3f2c9a1e5b7d4c6a8f0e1d2c3b4a5968778695a4" .',
    passing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/code>, <urn:r/command> .\n<urn:r/code> a prov:Entity, schema:SoftwareSourceCode, reprov:CodeState ; reprov:commit "3f2c9a1e5b7d4c6a8f0e1d2c3b4a5968778695a4" .\n<urn:r/command> a prov:Entity, prov:Plan, reprov:Command ; reprov:commandLine "python train.py --epochs 10" ; reprov:entryPoint "train.py" .',
  },
} as const;

/** What a finding says. */
const MESSAGE =
  'the run records no command: no reprov:Command with a command line (reprov:commandLine) or entry point (reprov:entryPoint), so nobody knows what to run to reproduce it';

/** A reprov:Command with a command line or an entry point. */
const counts = (store: GraphStore, entity: Term): boolean => isA(store, entity, reprov.Command) && (hasAny(store, entity, reprov.commandLine) || hasAny(store, entity, reprov.entryPoint));

export default defineRule({
  meta,
  check: (input) => eachRun(input, (run) => (usedAny(input.store, run, counts) ? [] : [finding(input, meta, run, MESSAGE)])),
});
