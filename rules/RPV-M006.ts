import { DataFactory, type Term } from 'n3';
import { runs, subjectsOfType } from '../src/check/graph-query.js';
import { defineRule, finding, findings } from '../src/check/rule-kit.js';
import type { CheckInput } from '../src/check/types.js';
import { prov } from '../src/prov/vocabulary.js';

const meta = {
  id: 'RPV-M006',
  title: 'The bundle records a run',
  category: 'provenance',
  severity: 'error',
  weight: 10,
  description: 'The bundle holds at least one run: an activity typed mls:Run (reprov writes one for every recorded run; the yProv4ML and MLflow importers map their runs onto it). A bundle with statements but no run gets one finding, on one of its activities when it has some, else on the first node it describes.',
  why: 'Every other check is about a run: its seeds, data, code, environment and hardware. Without a run those rules have nothing to look at and do not apply, so a bundle that records no run would score 100 and pass any gate although it says nothing a reproduction could use: it is a fragment, the wrong file, or a document of another tool that was never mapped.',
  fix: 'Check the bundle the run wrote (prov.ttl or prov.json in its bundle directory), not another file; record runs with `reprov record` or the run API; for a PROV document of another tool, type the activity that is the run `mls:Run` (or import it: `reprov import yprov4ml`).',
  example: {
    failing: '<urn:r/train> a prov:Activity ; prov:used <urn:r/data/train.csv> .\n<urn:r/data/train.csv> a prov:Entity .',
    passing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/data/train.csv> .\n<urn:r/data/train.csv> a prov:Entity .',
  },
} as const;

export default defineRule({
  meta,
  check(input) {
    const { store } = input;
    if (runs(store).length) return findings([]);
    const activities = subjectsOfType(store, prov.Activity).filter((a) => a.termType === 'NamedNode');
    const focus: Term = activities[0] ?? firstSubject(store) ?? DataFactory.namedNode(input.file);
    const message = activities.length
      ? `the bundle records no run: none of its ${activities.length} activit${activities.length === 1 ? 'y is' : 'ies is'} an mls:Run, so no reproducibility rule has anything to check`
      : 'the bundle records no run (no activity at all, no mls:Run), so no reproducibility rule has anything to check';
    return findings([finding(input, meta, focus, message)]);
  },
});

/** The first named subject of the bundle, else its first subject: read one statement at a time, not all of them into an array. */
function firstSubject(store: CheckInput['store']): Term | undefined {
  let first: Term | undefined;
  for (const { subject } of store.readQuads(null, null, null, null)) {
    if (subject.termType === 'NamedNode') return subject;
    first ??= subject;
  }
  return first;
}
