import type { Term } from 'n3';
import type { GraphStore as Store } from '../src/check/bundle-store.js';
import { runs } from '../src/check/graph-query.js';
import { defineRule, finding, findings, notApplicable } from '../src/check/rule-kit.js';
import type { Finding } from '../src/check/types.js';
import { reprov } from '../src/prov/vocabulary.js';

const meta = {
  id: 'RPV-M005',
  title: 'The run completed',
  category: 'provenance',
  severity: 'warning',
  weight: 5,
  description: 'Every run that records its outcome has reprov:status "succeeded" and is not marked reprov:complete false. Failed, interrupted, killed and still-running runs (or a bundle left by a killed recorder) are findings naming the status. Runs that record neither (imported from tools that do not) are not judged.',
  why: 'A bundle of a run that failed, was interrupted or never finished describes a partial result: its metrics stop early, its outputs may be half written, and the bundle may lack what the recorder adds at the end (final checksums, end time). Reproducing it reproduces a failure, not a result.',
  fix: 'Check the bundle of a run that ended successfully; if this run should have succeeded, look at its exit code and signal (reprov:exitCode, reprov:signal), fix the cause and record it again.',
  example: {
    failing: '<urn:r/run> a prov:Activity, mls:Run ; reprov:status "failed" ; reprov:complete true ; reprov:exitCode 1 .',
    passing: '<urn:r/run> a prov:Activity, mls:Run ; reprov:status "succeeded" ; reprov:complete true ; reprov:exitCode 0 .',
  },
} as const;

const values = (store: Store, node: Term, predicate: Term) => store.getQuads(node, predicate, null, null).map((q) => q.object.value.trim());

function problem(store: Store, run: Term): string | undefined {
  const status = values(store, run, reprov.status);
  const complete = values(store, run, reprov.complete);
  const exit = values(store, run, reprov.exitCode)[0];
  const signal = values(store, run, reprov.signal)[0];
  const how = [exit !== undefined ? `exit code ${exit}` : '', signal ? `signal ${signal}` : ''].filter(Boolean).join(', ');
  const detail = how ? ` (${how})` : '';
  const other = status.find((s) => s.toLowerCase() !== 'succeeded');
  if (other !== undefined) {
    const which = other === '' ? 'an empty status' : `status "${other}"`;
    const meaning: Record<string, string> = {
      failed: 'the run failed', interrupted: 'the run was interrupted', killed: 'the run was killed',
      running: 'the run had not finished when the bundle was written (still running, or its recorder was killed)',
    };
    return `${meaning[other.toLowerCase()] ?? 'the run did not succeed'}: ${which}${detail}`;
  }
  if (complete.some((c) => /^(false|0)$/i.test(c))) {
    return `the bundle is marked incomplete (reprov:complete false)${status.length ? ' although its status is "succeeded"' : ''}${detail}: the recorder did not finish writing it`;
  }
  if (!status.length) return `the run is marked complete but records no status${detail}`;
  return undefined;
}

export default defineRule({
  meta,
  check(input) {
    const { store } = input;
    const list = runs(store);
    if (!list.length) return notApplicable('the bundle records no run (mls:Run)');
    const judged = list.filter((run) => store.getQuads(run, reprov.status, null, null).length || store.getQuads(run, reprov.complete, null, null).length);
    if (!judged.length) return notApplicable('no run records its status (reprov:status) or completeness (reprov:complete)');
    const out: Finding[] = [];
    for (const run of judged) {
      const what = problem(store, run);
      if (what) out.push(finding(input, meta, run, what));
    }
    return findings(out);
  },
});
