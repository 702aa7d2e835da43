import type { NamedNode, Term } from 'n3';
import { codeStatesOfRuns, isFalse, isTrue, objects } from '../src/check/graph-query.js';
import { defineRule, finding, findings, notApplicable } from '../src/check/rule-kit.js';
import { reprov } from '../src/prov/vocabulary.js';

const meta = {
  id: 'RPV-C002',
  title: 'Uncommitted changes are recorded',
  category: 'code',
  severity: 'error',
  weight: 8,
  description: 'Every code state (reprov:CodeState) a run used was clean (reprov:dirty false), or records the digest of its uncommitted changes (reprov:diffSha256) or the diff itself (reprov:diffFile). Code that is in no git repository (reprov:noRepositoryReason) is not checked.',
  why: 'A run from a dirty tree ran code that no commit holds: the commit alone rebuilds a different program. The digest at least tells whether a rerun has the same changes; the stored diff lets anyone apply them.',
  fix: 'Commit the changes before the run (and add files the run does not need to .gitignore: untracked files are in no diff); or record with `reprov record --include-diff -- …` (`startRun({ includeDiff: true })`) to store the diff of changed files in the bundle.',
  example: {
    failing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/code> .\n<urn:r/code> a prov:Entity, schema:SoftwareSourceCode, reprov:CodeState ; reprov:commit "3f2c9a1e5b7d4c6a8f0e1d2c3b4a5968778695a4" ; reprov:dirty true ; reprov:changedFile "train.py" ; reprov:changedFileCount 1 .',
    passing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/code> .\n<urn:r/code> a prov:Entity, schema:SoftwareSourceCode, reprov:CodeState ; reprov:commit "3f2c9a1e5b7d4c6a8f0e1d2c3b4a5968778695a4" ; reprov:dirty true ; reprov:changedFile "train.py" ; reprov:changedFileCount 1 ; reprov:diffSha256 "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9" ; reprov:diffFile "code/diff.patch" .',
  },
} as const;

export default defineRule({
  meta,
  check(input) {
    const values = (node: Term, predicate: NamedNode) => objects(input.store, node, predicate);
    const states = codeStatesOfRuns(input.store);
    if (!states.length) return notApplicable('the runs record no code state (reprov:CodeState)');
    const inRepository = states.filter((state) => !values(state, reprov.noRepositoryReason).length);
    if (!inRepository.length) return notApplicable('the code is not in a git repository (reprov:noRepositoryReason): there is no working tree to compare');
    return findings(inRepository.flatMap((state) => {
      const dirty = values(state, reprov.dirty);
      if (dirty.length && dirty.every(isFalse)) return [];
      if (values(state, reprov.diffSha256).length || values(state, reprov.diffFile).length) return [];
      if (dirty.some(isTrue)) {
        const listed = (predicate: NamedNode) => values(state, predicate).map((f) => f.value);
        const count = (predicate: NamedNode, files: string[]) => {
          const total = Number(values(state, predicate)[0]?.value);
          return Number.isFinite(total) ? total : files.length;
        };
        const changedFiles = listed(reprov.changedFile);
        const untrackedFiles = listed(reprov.untrackedFile);
        const changed = count(reprov.changedFileCount, changedFiles);
        const untracked = count(reprov.untrackedFileCount, untrackedFiles);
        const files = (n: number) => `${n} ${n === 1 ? 'file' : 'files'}`;
        const some = (names: string[]) => `${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}`;
        if (!changed && untracked) {
          // Untracked files are in no diff: only committing them (or ignoring them) settles it.
          return [finding(input, meta, state, `the working tree had ${files(untracked)} that no commit holds${untrackedFiles.length ? ` (${some(untrackedFiles)})` : ''}, and no diff covers untracked files: commit the ones the run needs and add the rest to .gitignore`)];
        }
        const what = [changed && `${changed} changed`, untracked && `${untracked} untracked`].filter(Boolean).join(', ');
        return [finding(input, meta, state, `the working tree had uncommitted changes${what ? ` (${what} ${changed + untracked === 1 ? 'file' : 'files'}${changedFiles.length ? `: ${some(changedFiles)}` : ''})` : ''} and neither the diff (reprov:diffFile) nor its digest (reprov:diffSha256) was recorded: the commit alone does not rebuild the code that ran`)];
      }
      const reasons = values(state, reprov.unknownReason).map((r) => r.value);
      return [finding(input, meta, state, `could not tell whether the working tree was clean: the code state records no reprov:dirty and no diff${reasons.length ? ` (${reasons.join('; ')})` : ''}`)];
    }));
  },
});
