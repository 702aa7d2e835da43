import { runs, subjectsOfType } from '../src/check/graph-query.js';
import { shapeRule } from '../src/check/rule-kit.js';
import { reprov } from '../src/prov/vocabulary.js';

export default shapeRule({
  id: 'RPV-C004',
  title: 'The repository URL is recorded',
  category: 'code',
  severity: 'warning',
  weight: 4,
  shape: 'RPV-C004.ttl',
  description: 'Every code state (reprov:CodeState) in a git repository records where the repository lives (schema:codeRepository). A code state that says it is in no repository (reprov:noRepositoryReason) is not checked.',
  why: 'A commit hash names a version, not a place. Without the repository URL, whoever reruns the experiment has to find out which of many clones and forks holds that commit.',
  fix: 'Give the repository a remote before recording (`git remote add origin https://github.com/org/project.git`); reprov records the `origin` URL, with any credentials stripped.',
  example: {
    failing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/code> .\n<urn:r/code> a prov:Entity, schema:SoftwareSourceCode, reprov:CodeState ; reprov:commit "3f2c9a1e5b7d4c6a8f0e1d2c3b4a5968778695a4" ; reprov:dirty false .',
    passing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/code> .\n<urn:r/code> a prov:Entity, schema:SoftwareSourceCode, reprov:CodeState ; schema:codeRepository "https://github.com/org/project.git"^^xsd:anyURI ; reprov:commit "3f2c9a1e5b7d4c6a8f0e1d2c3b4a5968778695a4" ; reprov:dirty false .',
  },
}, (input) => {
  if (!runs(input.store).length) return 'the bundle records no run (mls:Run)';
  const states = subjectsOfType(input.store, reprov.CodeState);
  if (!states.length) return 'the bundle records no code state (reprov:CodeState)';
  const inRepository = states.some((state) => !input.store.getObjects(state, reprov.noRepositoryReason, null).length);
  return inRepository ? true : 'the code is not in a git repository (reprov:noRepositoryReason): there is no repository URL to record';
});
