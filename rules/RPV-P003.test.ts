import { describe, expect, it } from 'vitest';
import rule from './RPV-P003.js';
import { focuses, runRule } from '../test/support/rules.js';

const requirements = (...declared: string[]) =>
  `<urn:r/dependencies/requirements.txt> a prov:Entity, reprov:DependencyFile ; prov:atLocation "requirements.txt" ; reprov:ecosystem "pypi"${declared.map((d) => ` ; reprov:requirement "${d}"`).join('')} .`;
const freeze = (...packages: string[]) =>
  `<urn:r/dependencies/pip-freeze> a prov:Entity, reprov:DependencyFile ; reprov:source "pip freeze" ; reprov:ecosystem "pypi"${packages.map((p) => ` ; reprov:package "${p}"`).join('')} .`;
const bundle = (...nodes: string[]) => `<urn:r/run> a mls:Run ; prov:used <urn:r/dependencies/requirements.txt>, <urn:r/dependencies/pip-freeze> .\n${nodes.join('\n')}`;
const messages = async (turtle: string) => {
  const outcome = await runRule(rule, turtle);
  return outcome.applies ? outcome.findings.map((f) => `${f.focus}: ${f.message}`) : [];
};

describe('RPV-P003 declared requirements match what the run had', () => {
  it('flags torch==1.13.0 declared against the Debian build 1.13.0a0+gitunknown, and the build pip cannot fetch', async () => {
    const turtle = bundle(requirements('torch==1.13.0', 'numpy>=1.24'), freeze('torch==1.13.0a0+gitunknown', 'numpy==1.24.2'),
      '<urn:r/dependencies/pip-freeze> reprov:installedPackage <urn:r/dependencies/pip-freeze/package/torch> .',
      '<urn:r/dependencies/pip-freeze/package/torch> a prov:Entity, reprov:InstalledPackage ; schema:name "torch" ; schema:version "1.13.0a0+gitunknown" ; reprov:packageOrigin "dpkg" ; reprov:osPackage "python3-torch" ; reprov:osPackageVersion "1.13.1+dfsg-4" ; reprov:indexInstallable false .');
    expect(await messages(turtle)).toEqual([
      'r:dependencies/requirements.txt: requirements.txt declares torch==1.13.0, but the run had torch 1.13.0a0+gitunknown (from the OS package python3-torch 1.13.1+dfsg-4): a rerun from requirements.txt installs other code',
      'r:dependencies/pip-freeze/package/torch: the run had torch 1.13.0a0+gitunknown (from the OS package python3-torch 1.13.1+dfsg-4), a local build (1.13.0a0+gitunknown) that pip cannot install from an index: requirements.txt cannot bring it back',
    ]);
  });

  it('flags a declared package the interpreter did not have', async () => {
    expect(await messages(bundle(requirements('scipy~=1.10', 'numpy'), freeze('numpy==1.24.2'))))
      .toEqual(['r:dependencies/requirements.txt: requirements.txt declares scipy~=1.10, but the run\'s interpreter did not have scipy installed']);
  });

  it('compares with PEP 440 semantics: local labels, ~=, ranges, wildcards, pre-releases, name normalisation', async () => {
    const ok = async (declared: string, had: string) => focuses(rule, bundle(requirements(declared), freeze(had)));
    // == without a local label accepts any local label (PEP 440), but the build itself is still one pip cannot fetch
    expect(await ok('torch==1.13.1', 'torch==1.13.1+cu117')).toEqual(['r:dependencies/pip-freeze']);
    expect(await ok('torch==1.13.1+cu117', 'torch==1.13.1')).toEqual(['r:dependencies/requirements.txt']);
    expect(await ok('numpy~=1.24.0', 'numpy==1.24.2')).toEqual([]);
    expect(await ok('numpy~=1.24.0', 'numpy==1.25.0')).toEqual(['r:dependencies/requirements.txt']);
    expect(await ok('numpy>=1.24,<2', 'numpy==1.26.4')).toEqual([]);
    expect(await ok('numpy>=1.24,<2', 'numpy==2.0.0')).toEqual(['r:dependencies/requirements.txt']);
    expect(await ok('torch==1.13.*', 'torch==1.13.1')).toEqual([]);
    expect(await ok('torch==1.13.*', 'torch==1.14.0')).toEqual(['r:dependencies/requirements.txt']);
    expect(await ok('torch>=1.12', 'torch==1.13.0a0')).toEqual([]);
    expect(await ok('torch!=1.13.0', 'torch==1.13.0')).toEqual(['r:dependencies/requirements.txt']);
    expect(await ok('scikit-learn==1.2.1', 'scikit_learn==1.2.1')).toEqual([]);
    expect(await ok('Scikit.Learn==1.2.1', 'scikit-learn==1.2.1')).toEqual([]);
  });

  it('flags a VCS install of a declared package even when its version matches', async () => {
    const turtle = bundle(requirements('mylib==0.3'), freeze(),
      '<urn:r/dependencies/pip-freeze> reprov:installedPackage <urn:r/p/mylib> .',
      '<urn:r/p/mylib> a reprov:InstalledPackage ; schema:name "mylib" ; schema:version "0.3" ; reprov:packageOrigin "pip" ; reprov:indexInstallable false ; reprov:directUrlKind "vcs" .');
    expect(await messages(turtle)).toEqual(['r:p/mylib: the run had mylib 0.3 (installed by pip), a vcs install that pip cannot install from an index: requirements.txt cannot bring it back']);
  });

  it('passes when everything declared is met; ignores hostile or unparseable requirement strings', async () => {
    expect(await focuses(rule, bundle(requirements('numpy==1.24.2', 'prov'), freeze('numpy==1.24.2', 'prov==2.0.0')))).toEqual([]);
    expect(await focuses(rule, bundle(requirements('', '==1.0', 'numpy===', 'numpy>>>1', `numpy${'='.repeat(5000)}1`, 'numpy==1.24.2; rm -rf /'), freeze('numpy==1.24.2')))).toEqual([]);
  });

  it('does not apply without a list of installed packages', async () => {
    expect(await focuses(rule, bundle(requirements('torch==1.13.0')))).toMatch(/^not applicable: .*installed packages/);
    expect(await focuses(rule, '<urn:r/run> a mls:Run .')).toMatch(/^not applicable/);
  });
});
