import type { NamedNode, Term } from 'n3';
import { focusName, isTrue, objects, runs, usedOfType } from '../src/check/graph-query.js';
import { defineRule, finding, findings, notApplicable } from '../src/check/rule-kit.js';
import { prov, rdfs, reprov } from '../src/prov/vocabulary.js';

const meta = {
  id: 'RPV-P002',
  title: 'Dependency versions are pinned',
  category: 'dependencies',
  severity: 'warning',
  weight: 6,
  description: 'Every dependency file (reprov:DependencyFile) a run used pins exact versions: reprov:pinned true and no unpinned packages (reprov:unpinnedCount 0). A file whose pinning could not be told (no reprov:pinned, usually with a reprov:unknownReason) is reported with that reason.',
  why: 'A range such as `torch>=2.0` or `^4.17.0` installs whatever is newest on the day of the rerun: new releases change defaults, kernels and numerics. Only exact versions (a lock file, `==` pins) install the same libraries again.',
  fix: 'Pin exact versions: commit the lock file (`package-lock.json`, `poetry.lock`, `uv.lock`), or write `requirements.txt` with `pip freeze > requirements.txt` / `pip-compile` so every line reads `name==version`.',
  example: {
    failing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/dependencies/requirements.txt> .\n<urn:r/dependencies/requirements.txt> a prov:Entity, reprov:DependencyFile ; prov:atLocation "requirements.txt" ; reprov:ecosystem "pypi" ; reprov:pinned false ; reprov:unpinnedCount 2 ; reprov:packageCount 3 .',
    passing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/dependencies/requirements.txt> .\n<urn:r/dependencies/requirements.txt> a prov:Entity, reprov:DependencyFile ; prov:atLocation "requirements.txt" ; reprov:ecosystem "pypi" ; reprov:pinned true ; reprov:unpinnedCount 0 ; reprov:packageCount 3 .',
  },
} as const;

export default defineRule({
  meta,
  check(input) {
    const values = (node: Term, predicate: NamedNode) => objects(input.store, node, predicate);
    const number = (node: Term, predicate: NamedNode) => {
      const value = Number(values(node, predicate)[0]?.value);
      return Number.isFinite(value) ? value : undefined;
    };
    const files = [...new Map(runs(input.store).flatMap((run) => usedOfType(input.store, run, reprov.DependencyFile)).map((f) => [f.value, f])).values()];
    if (!files.length) return notApplicable('the runs record no dependency file (reprov:DependencyFile)');
    return findings(files.flatMap((file) => {
      const name = values(file, prov.atLocation)[0]?.value ?? values(file, rdfs.label)[0]?.value ?? focusName(input, file);
      const pinned = values(file, reprov.pinned);
      const unpinned = number(file, reprov.unpinnedCount);
      if (!pinned.length && unpinned === undefined) {
        const reasons = values(file, reprov.unknownReason).map((r) => r.value);
        return [finding(input, meta, file, `could not tell whether ${name} pins exact versions${reasons.length ? `: ${reasons.join('; ')}` : ' (it records no reprov:pinned)'}`)];
      }
      if ((pinned.length ? pinned.every(isTrue) : true) && !unpinned) return [];
      const total = number(file, reprov.packageCount);
      if (!unpinned) return [finding(input, meta, file, `${name} does not pin its packages to exact versions: a rerun may install newer releases`)];
      const subject = total !== undefined ? `${unpinned} of ${total} packages in ${name}` : `${unpinned} ${unpinned === 1 ? 'package' : 'packages'} in ${name}`;
      return [finding(input, meta, file, `${subject} ${unpinned === 1 ? 'is' : 'are'} not pinned to an exact version: a rerun may install newer releases`)];
    }));
  },
});
