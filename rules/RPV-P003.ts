import type { NamedNode, Term } from 'n3';
import { satisfies, validRange } from '@renovatebot/pep440';
import { focusName, objects, runs, usedOfType } from '../src/check/graph-query.js';
import { defineRule, finding, findings, notApplicable } from '../src/check/rule-kit.js';
import type { Finding } from '../src/check/types.js';
import { prov, rdfs, reprov, schema } from '../src/prov/vocabulary.js';

const meta = {
  id: 'RPV-P003',
  title: 'Declared requirements match what the run had',
  category: 'dependencies',
  severity: 'warning',
  weight: 6,
  description: 'Each requirement a dependency file of the run declares (reprov:requirement: requirements*.txt, pyproject.toml [project] dependencies, the pip list of environment.yml) is met by the package the run\'s interpreter had installed (the pip freeze list, reprov:package, and its reprov:InstalledPackage nodes), compared with PEP 440 semantics: `==` ignores a local label only when the specifier has none, `~=`, ranges and `==1.13.*` wildcards, pre-releases included. A declared package the interpreter did not have is a finding, and so is a declared package installed as a build pip cannot fetch from an index (reprov:indexInstallable false: a local version such as `1.13.0a0+gitunknown`, a VCS, archive or directory install). Applies when the bundle lists the installed packages.',
  why: 'The requirements file is what a rerun installs; the installed list is what the run really used. When they disagree (a distribution\'s patched `torch 1.13.0a0+gitunknown` under `torch==1.13.0`, a package installed by hand and never declared) the rerun gets other code than the run had, and nothing in the bundle says so unless the two are compared.',
  fix: 'Regenerate the declared pins from the environment the run used (`pip freeze > requirements.txt`, `pip-compile`), install exactly what is declared before recording (a fresh venv: `python -m venv .venv && .venv/bin/pip install -r requirements.txt`), or replace a local/OS build by one from the index.',
  example: {
    failing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/dependencies/requirements.txt>, <urn:r/dependencies/pip-freeze> .\n<urn:r/dependencies/requirements.txt> a prov:Entity, reprov:DependencyFile ; prov:atLocation "requirements.txt" ; reprov:ecosystem "pypi" ; reprov:requirement "torch==1.13.0" .\n<urn:r/dependencies/pip-freeze> a prov:Entity, reprov:DependencyFile ; reprov:source "pip freeze" ; reprov:package "torch==1.13.0a0+gitunknown" .',
    passing: '<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/dependencies/requirements.txt>, <urn:r/dependencies/pip-freeze> .\n<urn:r/dependencies/requirements.txt> a prov:Entity, reprov:DependencyFile ; prov:atLocation "requirements.txt" ; reprov:ecosystem "pypi" ; reprov:requirement "torch==1.13.1" .\n<urn:r/dependencies/pip-freeze> a prov:Entity, reprov:DependencyFile ; reprov:source "pip freeze" ; reprov:package "torch==1.13.1" .',
  },
} as const;

interface Installed {
  version: string;
  focus: Term;
  indexInstallable?: boolean;
  origin?: string;
  osPackage?: string;
  osPackageVersion?: string;
  directUrlKind?: string;
}

const normalize = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');
const REQUIREMENT = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(.*)$/;

export default defineRule({
  meta,
  check(input) {
    const { store } = input;
    const one = (node: Term, predicate: NamedNode) => objects(store, node, predicate)[0]?.value;
    const files = [...new Map(runs(store).flatMap((run) => usedOfType(store, run, reprov.DependencyFile)).map((f) => [f.value, f])).values()];
    const lists = files.filter((f) => one(f, reprov.source) === 'pip freeze' || objects(store, f, reprov.installedPackage).length > 0);
    const installed = new Map<string, Installed>();
    for (const list of lists) {
      for (const line of objects(store, list, reprov.package)) {
        const at = line.value.indexOf('==');
        if (at > 0 && !installed.has(normalize(line.value.slice(0, at)))) installed.set(normalize(line.value.slice(0, at)), { version: line.value.slice(at + 2), focus: list });
      }
      for (const node of objects(store, list, reprov.installedPackage)) {
        const name = one(node, schema.name);
        const version = one(node, schema.version);
        if (name === undefined || version === undefined) continue;
        const entry: Installed = { version, focus: node };
        const installable = one(node, reprov.indexInstallable);
        if (installable !== undefined) entry.indexInstallable = installable === 'true' || installable === '1';
        for (const [key, predicate] of [['origin', reprov.packageOrigin], ['osPackage', reprov.osPackage], ['osPackageVersion', reprov.osPackageVersion], ['directUrlKind', reprov.directUrlKind]] as const) {
          const value = one(node, predicate);
          if (value !== undefined) entry[key] = value;
        }
        installed.set(normalize(name), entry);
      }
    }
    if (!installed.size) return notApplicable('the runs record no list of installed packages (record with `reprov record --python PYTHON`)');

    const out: Finding[] = [];
    const flaggedBuilds = new Set<string>();
    for (const file of files.filter((f) => !lists.includes(f))) {
      const where = one(file, prov.atLocation) ?? one(file, rdfs.label) ?? focusName(input, file);
      for (const requirement of new Set(objects(store, file, reprov.requirement).map((r) => r.value))) {
        const match = REQUIREMENT.exec(requirement.trim());
        if (!match) continue;
        const name = normalize(match[1] ?? '');
        const specifier = (match[2] ?? '').trim();
        const had = installed.get(name);
        if (!had) {
          out.push(finding(input, meta, file, `${where} declares ${requirement}, but the run's interpreter did not have ${name} installed`));
          continue;
        }
        const from = describeOrigin(had);
        if (specifier && comparable(specifier) && !satisfies(had.version, specifier, { prereleases: true })) {
          out.push(finding(input, meta, file, `${where} declares ${requirement}, but the run had ${name} ${had.version}${from}: a rerun from ${where} installs other code`));
        }
        if (!flaggedBuilds.has(name) && (had.indexInstallable === false || (had.indexInstallable === undefined && /\+/.test(had.version)))) {
          flaggedBuilds.add(name);
          const kind = had.directUrlKind ? `a ${had.directUrlKind} install` : `a local build (${had.version})`;
          out.push(finding(input, meta, had.focus, `the run had ${name} ${had.version}${from}, ${kind} that pip cannot install from an index: ${where} cannot bring it back`));
        }
      }
    }
    return findings(out);
  },
});

/** PEP 440 specifiers only (the library accepts some strings PEP 440 does not, such as `=====1`). */
function comparable(specifier: string): boolean {
  return specifier.split(',').every((s) => /^(?:===|==|!=|~=|<=|>=|<|>)\s*[A-Za-z0-9][A-Za-z0-9.*+!_-]*$/.test(s.trim())) && validRange(specifier);
}

function describeOrigin(p: Installed): string {
  if (p.osPackage) return ` (from the OS package ${p.osPackage}${p.osPackageVersion ? ` ${p.osPackageVersion}` : ''})`;
  if (p.origin && p.origin !== 'unknown') return ` (installed by ${p.origin})`;
  return '';
}
