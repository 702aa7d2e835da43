import type { NamedNode, Term } from 'n3';
import { objects, usedOfType } from '../src/check/graph-query.js';
import { defineRule, eachRun, finding } from '../src/check/rule-kit.js';
import { reprov } from '../src/prov/vocabulary.js';

const meta = {
  id: 'RPV-C001',
  title: 'The commit is recorded',
  category: 'code',
  severity: 'error',
  weight: 10,
  description: 'Every run (mls:Run) uses a code state (reprov:CodeState) that records the git commit the code was at (reprov:commit). A code state that says why there is none (reprov:noRepositoryReason, reprov:unknownReason) is still a finding, and its message gives that reason.',
  why: 'The commit is what lets anyone check out the exact code that ran. Without it, the code of the run is whatever the folder holds today, which has moved on since.',
  fix: 'Run from inside a git repository with at least one commit (`git init && git add -A && git commit -m "experiment"`), and record with the git collector on (no `--no-git`).',
  example: {
    failing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/code> .\n<urn:r/code> a prov:Entity, schema:SoftwareSourceCode, reprov:CodeState ; reprov:noRepositoryReason "not a git repository: /home/ana/experiments" .',
    passing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/code> .\n<urn:r/code> a prov:Entity, schema:SoftwareSourceCode, reprov:CodeState ; schema:codeRepository "https://github.com/org/project.git"^^xsd:anyURI ; reprov:commit "3f2c9a1e5b7d4c6a8f0e1d2c3b4a5968778695a4" ; reprov:branch "main" ; reprov:dirty false .',
  },
} as const;

export default defineRule({
  meta,
  check(input) {
    const values = (node: Term, predicate: NamedNode) => objects(input.store, node, predicate).map((o) => o.value);
    const seen = new Set<string>();
    return eachRun(input, (run) => {
      const states = usedOfType(input.store, run, reprov.CodeState);
      if (!states.length) {
        return [finding(input, meta, run, 'the run records no commit: it used no code state (reprov:CodeState), so the code that ran cannot be checked out again')];
      }
      if (states.some((state) => values(state, reprov.commit).length)) return [];
      return states.filter((state) => !seen.has(state.value) && seen.add(state.value)).map((state) => {
        const noRepository = values(state, reprov.noRepositoryReason);
        const unknown = values(state, reprov.unknownReason);
        const message = noRepository.length
          ? `the run records no commit: the code was not in a git repository (${noRepository.join('; ')}), so the code that ran cannot be checked out again`
          : unknown.length
            ? `the run records no commit: ${unknown.map((r) => r.replace(/^commit: /, '')).join('; ')}`
            : 'the run records no commit (reprov:commit) for its code: the code that ran cannot be checked out again';
        return finding(input, meta, state, message);
      });
    });
  },
});
