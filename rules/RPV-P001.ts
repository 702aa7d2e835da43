import type { NamedNode, Term } from 'n3';
import { hasType, objects } from '../src/check/graph-query.js';
import { defineRule, eachRun, finding } from '../src/check/rule-kit.js';
import { prov, reprov, spdx } from '../src/prov/vocabulary.js';

const meta = {
  id: 'RPV-P001',
  title: 'A lock or requirements file is recorded',
  category: 'dependencies',
  severity: 'error',
  weight: 8,
  description: 'Every run (mls:Run) uses a dependency file (reprov:DependencyFile: a lock file, requirements file or manifest, by its location or checksum) or a package list such as `pip freeze` (reprov:package values). A dependency node that records only why it could not be read (reprov:unknownReason) does not count, and the finding gives that reason.',
  why: 'The same code gives different results, or does not run at all, with other library versions. Without the list of dependencies, a rerun installs whatever is newest that day.',
  fix: 'Keep a lock or requirements file (`package-lock.json`, `poetry.lock`, `uv.lock`, `requirements.txt`, `environment.yml`) in the working directory of the run; for Python, also record `pip freeze` with `reprov record --python "$(which python)" -- …`.',
  example: {
    failing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/dependencies/pip-freeze> .\n<urn:r/dependencies/pip-freeze> a prov:Entity, reprov:DependencyFile ; reprov:ecosystem "pypi" ; reprov:source "pip freeze" ; reprov:unknownReason "python3 -m pip freeze failed: No module named pip" .',
    passing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/dependencies/requirements.txt> .\n<urn:r/dependencies/requirements.txt> a prov:Entity, reprov:DependencyFile ; prov:atLocation "requirements.txt" ; reprov:ecosystem "pypi" ; reprov:pinned true ; reprov:unpinnedCount 0 ; reprov:packageCount 2 ; spdx:checksum <urn:r/dependencies/requirements.txt/checksum/sha256> .\n<urn:r/dependencies/requirements.txt/checksum/sha256> a spdx:Checksum ; spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03" .',
  },
} as const;

export default defineRule({
  meta,
  check(input) {
    const has = (node: Term, ...predicates: NamedNode[]) => predicates.some((p) => objects(input.store, node, p).length > 0);
    return eachRun(input, (run) => {
      const used = objects(input.store, run, prov.used);
      if (used.some((node) => has(node, reprov.package))) return [];
      const files = used.filter((node) => hasType(input.store, node, reprov.DependencyFile));
      // A dependency node that holds nothing but the reason it could not be read (a failed `pip freeze`) records no dependency.
      if (files.some((file) => has(file, prov.atLocation, spdx.checksum, reprov.package) || !has(file, reprov.unknownReason))) return [];
      const reasons = files.flatMap((file) => objects(input.store, file, reprov.unknownReason).map((r) => r.value));
      return [finding(input, meta, run, reasons.length
        ? `the run records no lock or requirements file: ${reasons.join('; ')}`
        : 'the run records no lock or requirements file (reprov:DependencyFile) and no package list: a rerun cannot install the same library versions')];
    });
  },
});
