/**
 * Where each installed Python package came from (pip, conda, dpkg), and the declared requirements
 * recorded beside dependency files: on Debian's real /usr/bin/python3 (python3-torch, python3-numpy
 * from apt), a real venv over it, and fake interpreters for conda prefixes and hostile answers.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataFactory, type Term } from 'n3';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CollectContext } from '../../src/collect/context.js';
import { collectDependencies, declaredRequirement, installedPackages, type InstalledPackage } from '../../src/collect/dependencies.js';
import { BASE, collectContext, tempDirs } from '../support/collect.js';
import { mls, rdf, reprov, schema } from '../../src/prov/vocabulary.js';
import { Writer } from 'n3';
import { runRule } from '../support/rules.js';
import p003 from '../../rules/RPV-P003.js';

const { namedNode } = DataFactory;
const tempDir = tempDirs('origin');
let tmp: string;
let ctx: CollectContext;
beforeEach(() => {
  tmp = tempDir();
  ctx = collectContext(tmp, { PATH: process.env.PATH ?? '/usr/bin:/bin' });
});
const values = (s: Term, p: Term) => ctx.graph.quads.filter((q) => q.subject.equals(s) && q.predicate.equals(p)).map((q) => q.object.value);
const write = (path: string, text: string, mode?: number) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  if (mode !== undefined) chmodSync(path, mode);
};
const byName = (packages: InstalledPackage[] | undefined, name: string) => packages?.find((p) => p.name === name);

const python = '/usr/bin/python3';
const debianTorch = spawnSync('dpkg-query', ['-W', '--showformat=${Version}', 'python3-torch'], { encoding: 'utf8' });
const hasDebianTorch = debianTorch.status === 0 && spawnSync(python, ['-c', 'import torch']).status === 0;

describe('origin of installed packages', () => {
  it.runIf(hasDebianTorch)('Debian python3: torch and numpy come from dpkg, with the Debian package and version; torch is a local build', async () => {
    const { pipFreeze } = await collectDependencies(ctx, { pythonFreeze: true, python });
    const torch = byName(pipFreeze?.installed, 'torch');
    const numpyVersion = execFileSync('dpkg-query', ['-W', '--showformat=${Version}', 'python3-numpy'], { encoding: 'utf8' });
    expect(torch).toMatchObject({ origin: 'dpkg', osPackage: 'python3-torch', osPackageVersion: debianTorch.stdout, indexInstallable: false });
    expect(torch?.version).toMatch(/\+/); // 1.13.0a0+gitunknown: a local version pip cannot fetch
    expect(byName(pipFreeze?.installed, 'numpy')).toMatchObject({ origin: 'dpkg', osPackage: 'python3-numpy', osPackageVersion: numpyVersion, indexInstallable: true });
    // every distribution under /usr/lib/python3/dist-packages is either owned by a Debian package or says why not
    const system = (pipFreeze?.installed ?? []).filter((p) => p.path?.startsWith('/usr/lib/python3/dist-packages/'));
    expect(system.length).toBeGreaterThan(5);
    expect(system.filter((p) => p.origin === 'dpkg').length).toBeGreaterThan(system.length / 2);

    const node = namedNode(`${BASE}dependencies/pip-freeze/package/torch`);
    expect(values(pipFreeze!.node, reprov.installedPackage)).toContain(node.value);
    expect(values(pipFreeze!.node, reprov.interpreter)).toEqual([python]);
    expect(values(node, schema.version)).toEqual([torch!.version]);
    expect(values(node, reprov.packageOrigin)).toEqual(['dpkg']);
    expect(values(node, reprov.osPackage)).toEqual(['python3-torch']);
    expect(values(node, reprov.osPackageVersion)).toEqual([debianTorch.stdout]);
    expect(values(node, reprov.indexInstallable)).toEqual(['false']);
  });

  it.runIf(hasDebianTorch)('a venv over the system site: a pip-installed and a VCS-installed package are told from the dpkg ones', async () => {
    const venv = join(tmp, 'venv');
    execFileSync(python, ['-m', 'venv', '--without-pip', '--system-site-packages', venv]);
    const site = readdirSync(join(venv, 'lib')).map((v) => join(venv, 'lib', v, 'site-packages'))[0]!;
    write(join(site, 'tidy_pkg-2.0.1.dist-info', 'METADATA'), 'Metadata-Version: 2.1\nName: Tidy_Pkg\nVersion: 2.0.1\n');
    write(join(site, 'tidy_pkg-2.0.1.dist-info', 'INSTALLER'), 'pip\n');
    write(join(site, 'fromgit-0.3.dist-info', 'METADATA'), 'Metadata-Version: 2.1\nName: fromgit\nVersion: 0.3\n');
    write(join(site, 'fromgit-0.3.dist-info', 'INSTALLER'), 'pip\n');
    write(join(site, 'fromgit-0.3.dist-info', 'direct_url.json'), JSON.stringify({ url: 'https://github.com/x/fromgit', vcs_info: { vcs: 'git', commit_id: 'a'.repeat(40) } }));
    write(join(site, 'byuv-1.0.dist-info', 'METADATA'), 'Metadata-Version: 2.1\nName: byuv\nVersion: 1.0\n');
    write(join(site, 'byuv-1.0.dist-info', 'INSTALLER'), 'uv');
    const listed = await installedPackages(ctx, join(venv, 'bin', 'python'));
    expect('packages' in listed).toBe(true);
    const packages = 'packages' in listed ? listed.packages : [];
    expect(byName(packages, 'tidy-pkg')).toMatchObject({ version: '2.0.1', origin: 'pip', installer: 'pip', indexInstallable: true });
    expect(byName(packages, 'fromgit')).toMatchObject({ origin: 'pip', directUrlKind: 'vcs', indexInstallable: false });
    expect(byName(packages, 'byuv')).toMatchObject({ origin: 'uv' });
    expect(byName(packages, 'torch')).toMatchObject({ origin: 'dpkg', osPackage: 'python3-torch' });
  });

  it('a conda prefix: packages its conda-meta records list are conda, the others pip', async () => {
    const prefix = join(tmp, 'conda');
    const site = join(prefix, 'lib', 'python3.11', 'site-packages');
    write(join(prefix, 'conda-meta', 'numpy-1.26.4-py311h64a7726_0.json'), JSON.stringify({
      name: 'numpy', version: '1.26.4', files: ['bin/f2py', 'lib/python3.11/site-packages/numpy-1.26.4.dist-info/METADATA', 'lib/python3.11/site-packages/numpy/__init__.py'],
    }));
    write(join(prefix, 'conda-meta', 'broken.json'), '{ not json');
    write(join(prefix, 'conda-meta', 'odd.json'), JSON.stringify({ name: 'odd', files: 'not a list' }));
    write(join(prefix, 'conda-meta', 'history'), '==> 2024-01-01 <==\n');
    const inventory = {
      prefix,
      packages: [
        { name: 'numpy', version: '1.26.4', path: join(site, 'numpy-1.26.4.dist-info'), installer: 'conda', direct_url: null },
        { name: 'requests', version: '2.31.0', path: join(site, 'requests-2.31.0.dist-info'), installer: 'pip\n', direct_url: null },
        { name: 'mine', version: '0.1', path: join(site, 'mine-0.1.dist-info'), installer: 'pip', direct_url: JSON.stringify({ url: 'file:///src/mine', dir_info: { editable: true } }) },
        { name: 'requests', version: '9.9', path: '/elsewhere/requests-9.9.dist-info', installer: 'pip', direct_url: null },
        { name: 'dash', version: '1.0', path: '--admindir=/tmp/x/dist-packages/dash-1.0.dist-info', installer: null, direct_url: '{not json' },
        { name: 42, version: null },
        null,
      ],
    };
    write(join(tmp, 'inventory.json'), JSON.stringify(inventory));
    write(join(tmp, 'python'), `#!/bin/sh\nif [ "$1" = "-m" ]; then printf 'numpy==1.26.4\\nrequests==2.31.0\\n'; else cat '${join(tmp, 'inventory.json')}'; fi\n`, 0o755);
    const { pipFreeze } = await collectDependencies(ctx, { pythonFreeze: true, python: join(tmp, 'python') });
    expect(pipFreeze?.installed?.map((p) => [p.name, p.version, p.origin, p.indexInstallable, p.directUrlKind])).toEqual([
      ['numpy', '1.26.4', 'conda', true, undefined],
      ['requests', '2.31.0', 'pip', true, undefined],
      ['mine', '0.1', 'pip', false, 'editable'],
      ['dash', '1.0', 'unknown', true, undefined], // a path that could pass for an option is never given to dpkg-query
    ]);
  });

  it('hostile interpreters: garbage, a non-list, and a huge answer leave the list unknown with the reason, pip freeze still recorded', async () => {
    const cases: [string, string][] = [
      ['garbage', 'echo "Traceback (most recent call last): <garbage>"'],
      ['not a list', 'echo \'{"packages": "all of them"}\''],
      ['huge', 'head -c 40000000 /dev/zero | tr "\\\\0" x'],
    ];
    for (const [name, answer] of cases) {
      const fake = join(tmp, `python-${name.replace(/ /g, '-')}`);
      write(fake, `#!/bin/sh\nif [ "$1" = "-m" ]; then echo "numpy==1.0"; else ${answer}; fi\n`, 0o755);
      const c = collectContext(tmp, ctx.env);
      const { pipFreeze } = await collectDependencies(c, { pythonFreeze: true, python: fake });
      expect(pipFreeze?.packages, name).toEqual(['numpy==1.0']);
      expect(pipFreeze?.installed, name).toBeUndefined();
      expect(pipFreeze?.installedUnknownReason, name).toMatch(/printed no package list|printed more than 32 MiB/);
      expect(c.graph.quads.filter((q) => q.predicate.equals(reprov.installedPackage)), name).toEqual([]);
      expect(c.graph.quads.some((q) => q.predicate.equals(reprov.unknownReason) && q.object.value.startsWith('listing installed packages failed')), name).toBe(true);
    }
  });
});

describe('declared requirements', () => {
  it('rebuilds name and PEP 440 specifiers, dropping URLs, extras, markers and options', () => {
    expect(declaredRequirement('torch==1.13.0')).toBe('torch==1.13.0');
    expect(declaredRequirement('Requests[socks] ~= 2.31 , != 2.31.1')).toBe('requests~=2.31,!=2.31.1');
    expect(declaredRequirement('numpy ==1.26.* --hash=sha256:abc')).toBe('numpy==1.26.*');
    expect(declaredRequirement('scikit_learn')).toBe('scikit-learn');
    expect(declaredRequirement('pkg @ https://user:s3cret@example.org/pkg.whl')).toBe('pkg');
    expect(declaredRequirement('numpy>=1.24; python_version < "3.8"')).toBeUndefined();
    expect(declaredRequirement('git+https://user:s3cret@example.org/x.git#egg=x')).toBeUndefined();
    expect(declaredRequirement('./local/dir')).toBeUndefined();
    expect(declaredRequirement('torch==1.13.0@evil')).toBeUndefined();
  });

  it('records them on requirements.txt, pyproject.toml [project] and the pip list of environment.yml, never a credential', async () => {
    write(join(tmp, 'requirements.txt'), [
      '--index-url https://user:s3cret@pypi.example.org/simple',
      'torch==1.13.0', 'numpy>=1.24,<2', 'pkg @ https://user:s3cret@example.org/pkg.whl', 'old; python_version < "3"', '-r more.txt',
    ].join('\n'));
    write(join(tmp, 'more.txt'), 'scipy~=1.10\n');
    write(join(tmp, 'pyproject.toml'), '[project]\nname = "x"\ndependencies = ["torch==1.13.*", "prov>=2"]\n[project.optional-dependencies]\ndev = ["pytest==8.0"]\n');
    write(join(tmp, 'environment.yml'), 'dependencies:\n  - python=3.11\n  - pip:\n    - rdflib==6.2.0\n');
    const { files } = await collectDependencies(ctx);
    const of = (file: string) => files.find((f) => f.file === file)!;
    expect(of('requirements.txt').requirements?.sort()).toEqual(['numpy>=1.24,<2', 'pkg', 'scipy~=1.10', 'torch==1.13.0']);
    expect(of('more.txt').requirements).toEqual(['scipy~=1.10']);
    expect(of('pyproject.toml').requirements).toEqual(['torch==1.13.*', 'prov>=2']);
    expect(of('environment.yml').requirements).toEqual(['rdflib==6.2.0']);
    expect(values(of('requirements.txt').node, reprov.requirement).sort()).toEqual(['numpy>=1.24,<2', 'pkg', 'scipy~=1.10', 'torch==1.13.0']);
    expect(ctx.graph.quads.some((q) => q.object.value.includes('s3cret'))).toBe(false);
  });
});

describe('RPV-P003 on what Debian\'s python really has', () => {
  it.runIf(hasDebianTorch)('a requirements.txt pinning torch==1.13.0 against python3-torch: the mismatch and the local build are found, numpy passes', async () => {
    const numpy = execFileSync(python, ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' }).trim();
    write(join(tmp, 'requirements.txt'), `torch==1.13.0\nnumpy==${numpy}\nnot-installed-anywhere==1.0\n`);
    await collectDependencies(ctx, { pythonFreeze: true, python });
    ctx.graph.add(ctx.run, rdf.type, mls.Run);
    const turtle = new Writer({ format: 'N-Triples' }).quadsToString(ctx.graph.quads);
    const outcome = await runRule(p003, turtle);
    const messages = outcome.applies ? outcome.findings.map((f) => f.message) : [];
    expect(messages).toHaveLength(3);
    expect(messages[0]).toMatch(new RegExp(`^requirements.txt declares torch==1.13.0, but the run had torch 1\\.13\\.0a0\\+gitunknown \\(from the OS package python3-torch ${debianTorch.stdout.replace(/[.+]/g, '\\$&')}\\)`));
    expect(messages[1]).toMatch(/^the run had torch 1\.13\.0a0\+gitunknown .*a local build .* that pip cannot install from an index/);
    expect(messages[2]).toBe("requirements.txt declares not-installed-anywhere==1.0, but the run's interpreter did not have not-installed-anywhere installed");
  });
});
