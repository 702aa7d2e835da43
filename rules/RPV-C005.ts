import type { NamedNode, Term } from 'n3';
import { codeStatesOfRuns, isTrue, objects } from '../src/check/graph-query.js';
import { defineRule, finding, findings, notApplicable } from '../src/check/rule-kit.js';
import { reprov } from '../src/prov/vocabulary.js';

const CODE = '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/code> .\n<urn:r/code> a prov:Entity, schema:SoftwareSourceCode, reprov:CodeState ; reprov:commit "3f2c9a1e5b7d4c6a8f0e1d2c3b4a5968778695a4" ; reprov:dirty true ; reprov:changedFile "train.py" ; reprov:changedFileCount 1 ; reprov:diffSha256 "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"';

const meta = {
  id: 'RPV-C005',
  title: 'Uncommitted changes are stored',
  category: 'code',
  severity: 'warning',
  weight: 8,
  description: 'Every code state (reprov:CodeState) a run used whose working tree had uncommitted changes (reprov:dirty true, unless it records that no tracked file changed: reprov:changedFileCount 0) stores the diff of those changes in the bundle (reprov:diffFile). The digest of the changes (reprov:diffSha256) does not count: it proves whether a rerun has the same changes but cannot rebuild them. A clean code state passes; changes to untracked files only pass too (no diff covers them: RPV-C002 asks for them to be committed). Applies when a code state in a git repository records whether its tree was clean (reprov:dirty).',
  why: 'A run from a modified train.py ran code that no commit holds. Without the diff, whoever reruns it checks out the commit and runs a different program; the digest only tells them afterwards that they did. The stored diff lets anyone apply the changes (`git apply`) and run what ran.',
  fix: 'Commit the changes before the run; or record with `reprov record --include-diff -- …` (`startRun({ includeDiff: true })`), which stores the (redacted) diff in the bundle as artifacts/code.diff.',
  example: {
    failing: `${CODE} .`,
    passing: `${CODE} ; reprov:diffFile "artifacts/code.diff" .`,
  },
} as const;

export default defineRule({
  meta,
  check(input) {
    const values = (node: Term, predicate: NamedNode) => objects(input.store, node, predicate);
    const states = codeStatesOfRuns(input.store);
    if (!states.length) return notApplicable('the runs record no code state (reprov:CodeState)');
    const changedFiles = (state: Term) => values(state, reprov.changedFile).map((f) => f.value);
    const changedCount = (state: Term) => {
      const total = Number(values(state, reprov.changedFileCount)[0]?.value);
      return Number.isFinite(total) ? total : changedFiles(state).length;
    };
    // The states that say whether the tree was clean (a clean one passes: it is what a stored diff makes of a dirty one).
    const known = states.filter((state) => !values(state, reprov.noRepositoryReason).length && values(state, reprov.dirty).length > 0);
    if (!known.length) return notApplicable('no code state in a git repository records whether its working tree was clean (RPV-C002 asks for it)');
    // Changes to tracked files, which a diff holds: every dirty state but one that says it changed no tracked file (untracked files only).
    const changed = known.filter((state) => values(state, reprov.dirty).some(isTrue) && !(changedCount(state) === 0 && (values(state, reprov.changedFileCount).length > 0 || values(state, reprov.untrackedFile).length > 0)));
    return findings(changed.filter((state) => !values(state, reprov.diffFile).length).map((state) => {
      const files = changedFiles(state);
      const count = changedCount(state);
      const what = count ? ` (${count} changed ${count === 1 ? 'file' : 'files'}${files.length ? `: ${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''}` : ''})` : '';
      const digest = values(state, reprov.diffSha256).length ? 'only their digest (reprov:diffSha256) was recorded, which proves identity but cannot rebuild them' : 'no diff was recorded';
      return finding(input, meta, state, `the working tree had uncommitted changes${what} and the bundle does not store the diff (reprov:diffFile): ${digest}, so the code that ran cannot be rebuilt from the commit`);
    }));
  },
});
