/** The dependency collector on real files in temporary directories, and pip freeze. */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataFactory, type Quad, type Term } from 'n3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CollectContext } from '../../src/collect/context.js';
import {
  analysePyproject, classifyRequirement, collectDependencies, condaSpecPinned, isDependencyFileName,
} from '../../src/collect/dependencies.js';
import { RunGraph } from '../../src/prov/graph.js';
import { BASE, collectContext, tempDirs } from '../support/collect.js';
import { prov, rdf, reprov, spdx } from '../../src/prov/vocabulary.js';

const { literal, namedNode } = DataFactory;
const XSD = 'http://www.w3.org/2001/XMLSchema#';

const tempDir = tempDirs('deps');
let tmp: string;
let ctx: CollectContext;
beforeEach(() => {
  tmp = tempDir();
  ctx = collectContext(tmp, { PATH: process.env.PATH ?? '/usr/bin:/bin' });
});
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const has = (quads: Quad[], s: Term, p: Term, o: Term) => quads.some((q) => q.subject.equals(s) && q.predicate.equals(p) && q.object.equals(o));
const objects = (s: Term, p: Term) => ctx.graph.quads.filter((q) => q.subject.equals(s) && q.predicate.equals(p)).map((q) => q.object);
const int = (n: number) => literal(String(n), namedNode(`${XSD}int`));
const bool = (b: boolean) => literal(String(b), namedNode(`${XSD}boolean`));
const sha256sum = (file: string) => execFileSync('sha256sum', ['-b', file], { encoding: 'utf8' }).slice(0, 64);
const write = (name: string, text: string) => {
  mkdirSync(join(tmp, name, '..'), { recursive: true });
  writeFileSync(join(tmp, name), text);
};

describe('requirements files', () => {
  it('records a pinned requirements.txt', async () => {
    write('requirements.txt', [
      '# training deps',
      '--index-url https://user:secret@pypi.example.org/simple',
      'numpy==1.26.4',
      'torch == 2.3.0  # cuda build',
      'scikit-learn[alldeps]==1.4.2 ; python_version >= "3.9"',
      'requests==2.31.0 \\',
      '    --hash=sha256:58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f',
      'tqdm --hash=sha256:1ee4f8a893eb9bef51c6e35730cebf234d5d0b6bd112b0271e10ed7c24a02bd9',
      '',
    ].join('\n'));
    const { files } = await collectDependencies(ctx);
    expect(files).toHaveLength(1);
    const node = namedNode(`${BASE}dependencies/requirements.txt`);
    expect(files[0]).toMatchObject({ file: 'requirements.txt', ecosystem: 'pypi', pinned: true, unpinnedCount: 0, packageCount: 5 });
    const q = ctx.graph.quads;
    expect(has(q, node, rdf.type, prov.Entity)).toBe(true);
    expect(has(q, node, rdf.type, reprov.DependencyFile)).toBe(true);
    expect(has(q, node, prov.atLocation, literal('requirements.txt'))).toBe(true);
    expect(has(q, node, reprov.ecosystem, literal('pypi'))).toBe(true);
    expect(has(q, node, reprov.pinned, bool(true))).toBe(true);
    expect(has(q, node, reprov.unpinnedCount, int(0))).toBe(true);
    expect(has(q, node, reprov.packageCount, int(5))).toBe(true);
    expect(has(q, ctx.run, prov.used, node)).toBe(true);
    expect(objects(namedNode(`${node.value}/checksum/sha256`), spdx.checksumValue)).toEqual([literal(sha256sum(join(tmp, 'requirements.txt')))]);
    // the secret in the index URL is nowhere in the graph
    expect(q.some((quad) => quad.object.value.includes('secret'))).toBe(false);
  });

  it('counts unpinned lines: ranges, bare names, editables, local paths, wildcards, unpinned URLs', async () => {
    write('requirements-dev.txt', [
      'numpy>=1.2',
      'torch',
      '-e .',
      '--editable ./libs/tool',
      './vendored/pkg',
      'pandas==2.*',
      'scipy~=1.11',
      'pkg @ https://example.org/pkg-1.0.tar.gz',
      'git+https://github.com/org/repo.git@main#egg=repo',
      'pinned==1.0',
      'git+https://github.com/org/other.git@0123456789abcdef0123456789abcdef01234567#egg=other',
      'wheel @ https://example.org/w-1.whl#sha256=' + 'a'.repeat(64),
    ].join('\n'));
    const [summary] = (await collectDependencies(ctx)).files;
    expect(summary).toMatchObject({ file: 'requirements-dev.txt', pinned: false, unpinnedCount: 9, packageCount: 12 });
    expect(has(ctx.graph.quads, namedNode(`${BASE}dependencies/requirements-dev.txt`), reprov.pinned, bool(false))).toBe(true);
    expect(has(ctx.graph.quads, namedNode(`${BASE}dependencies/requirements-dev.txt`), reprov.unpinnedCount, int(9))).toBe(true);
  });

  it('follows -r includes (relative to the including file), records them, and honours -c constraints', async () => {
    write('requirements.txt', '-r requirements/base.txt\n--requirement=requirements-extra.txt\nflask==3.0.0\n');
    write('requirements/base.txt', '# base\nnumpy==1.26.4\n-r common.txt\n-c constraints.txt\nscipy\n');
    write('requirements/common.txt', 'pyyaml>=6\n-r ../requirements/base.txt\n'); // a cycle, followed once
    write('requirements/constraints.txt', 'scipy==1.13.0\n');
    write('requirements-extra.txt', 'rich==13.7.1\n');
    const { files } = await collectDependencies(ctx);
    const byFile = Object.fromEntries(files.map((f) => [f.file, f]));
    // top level: requirements.txt + requirements-extra.txt; then the includes not yet recorded
    expect(files.map((f) => f.file)).toEqual([
      'requirements-extra.txt', 'requirements.txt', 'requirements/base.txt', 'requirements/common.txt', 'requirements/constraints.txt',
    ]);
    // flask, rich, numpy, scipy (pinned by the constraint), pyyaml (unpinned)
    expect(byFile['requirements.txt']).toMatchObject({ pinned: false, packageCount: 5, unpinnedCount: 1 });
    expect(byFile['requirements-extra.txt']).toMatchObject({ pinned: true, packageCount: 1, unpinnedCount: 0 });
    expect(byFile['requirements/base.txt']).toMatchObject({ pinned: false, packageCount: 3, unpinnedCount: 1 });
    expect(byFile['requirements/common.txt']?.node.value).toBe(`${BASE}dependencies/requirements/common.txt`);
    expect(has(ctx.graph.quads, ctx.run, prov.used, namedNode(`${BASE}dependencies/requirements/base.txt`))).toBe(true);
  });

  it('marks a missing include as unknown', async () => {
    write('requirements.txt', '-r missing.txt\nnumpy==1.0\n');
    const [summary] = (await collectDependencies(ctx)).files;
    expect(summary).toMatchObject({ pinned: false, packageCount: 1, unknownReason: 'cannot read included file missing.txt: ENOENT' });
    expect(has(ctx.graph.quads, summary!.node, reprov.unknownReason, literal('cannot read included file missing.txt: ENOENT'))).toBe(true);
  });

  it('classifies single requirements', () => {
    expect(classifyRequirement('numpy==1.2')).toEqual({ name: 'numpy', pinned: true });
    expect(classifyRequirement('Foo_Bar.baz===1.0-local')).toEqual({ name: 'foo-bar-baz', pinned: true });
    expect(classifyRequirement('numpy (==1.2)')).toEqual({ name: 'numpy', pinned: true });
    expect(classifyRequirement('numpy==1.2.*')).toEqual({ name: 'numpy', pinned: false });
    expect(classifyRequirement('numpy>=1.2,<2')).toEqual({ name: 'numpy', pinned: false });
    expect(classifyRequirement('numpy')).toEqual({ name: 'numpy', pinned: false });
    expect(classifyRequirement('numpy', new Map([['numpy', true]]))).toEqual({ name: 'numpy', pinned: true });
  });
});

describe('lock files', () => {
  it('records package-lock.json (v3) as pinned npm with a package count', async () => {
    write('package-lock.json', JSON.stringify({
      name: 'app', version: '1.0.0', lockfileVersion: 3, requires: true,
      packages: {
        '': { name: 'app', version: '1.0.0', dependencies: { lodash: '^4.17.21' } },
        'node_modules/lodash': { version: '4.17.21', resolved: 'https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz', integrity: 'sha512-x' },
        'node_modules/left-pad': { version: '1.3.0', resolved: 'https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz', integrity: 'sha512-y' },
        'node_modules/local': { resolved: 'packages/local', link: true },
      },
    }));
    const [summary] = (await collectDependencies(ctx)).files;
    expect(summary).toMatchObject({ file: 'package-lock.json', ecosystem: 'npm', pinned: true, unpinnedCount: 0, packageCount: 3 });
    expect(has(ctx.graph.quads, summary!.node, reprov.ecosystem, literal('npm'))).toBe(true);
  });

  it('flags a package-lock.json without lockfileVersion or versions, and one that is not JSON', async () => {
    write('package-lock.json', JSON.stringify({ packages: { '': {}, 'node_modules/a': { resolved: 'x' } } }));
    expect((await collectDependencies(ctx)).files[0]).toMatchObject({
      pinned: false, unpinnedCount: 1, packageCount: 1, unknownReason: 'package-lock.json declares no lockfileVersion',
    });
    write('package-lock.json', '{"lockfileVersion": 3,');
    const graph = new RunGraph(BASE);
    const broken = (await collectDependencies({ ...ctx, graph })).files[0];
    expect(broken?.pinned).toBeUndefined();
    expect(broken?.unknownReason).toMatch(/^package-lock\.json is not valid JSON/);
    expect(graph.quads.some((q) => q.predicate.equals(reprov.pinned))).toBe(false);
  });

  it('reads lockfile v1 package-lock.json, pnpm-lock.yaml, yarn.lock, poetry.lock, uv.lock and Pipfile.lock', async () => {
    write('package-lock.json', JSON.stringify({ lockfileVersion: 1, dependencies: { a: { version: '1.0.0', dependencies: { b: { version: '2.0.0' } } } } }));
    write('pnpm-lock.yaml', [
      "lockfileVersion: '9.0'", '', 'importers:', '  .:', '    dependencies:', '      lodash:', '        specifier: ^4.17.21', '        version: 4.17.21', '',
      'packages:', '', '  lodash@4.17.21:', '    resolution: {integrity: sha512-v2}', '', "  '@types/node@20.0.0':", '    resolution: {integrity: sha512-x}', '',
      'snapshots:', '', '  lodash@4.17.21: {}', '',
    ].join('\n'));
    write('yarn.lock', [
      '# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.', '# yarn lockfile v1', '',
      '"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4":', '  version "7.10.4"', '  resolved "https://registry.yarnpkg.com/x"', '',
      'lodash@^4.17.21:', '  version "4.17.21"', '',
    ].join('\n'));
    write('poetry.lock', [
      '[[package]]', 'name = "numpy"', 'version = "1.26.4"', '', '[package.dependencies]', 'foo = ">=1"', '',
      '[[package]]', 'name = "torch"', 'version = "2.3.0"', '', '[metadata]', 'lock-version = "2.0"',
    ].join('\n'));
    write('uv.lock', ['version = 1', 'requires-python = ">=3.11"', '', '[[package]]', 'name = "rich"', 'version = "13.7.1"',
      'source = { registry = "https://pypi.org/simple" }', '', '[[package]]', 'name = "dynamic"', 'source = { editable = "." }'].join('\n'));
    write('Pipfile.lock', JSON.stringify({
      _meta: { hash: { sha256: 'x' } },
      default: { requests: { version: '==2.31.0', hashes: [] }, lib: { git: 'https://x', ref: 'abc' } },
      develop: { pytest: { version: '*' } },
    }));
    const byFile = Object.fromEntries((await collectDependencies(ctx)).files.map((f) => [f.file, f]));
    expect(byFile['package-lock.json']).toMatchObject({ ecosystem: 'npm', pinned: true, packageCount: 2 });
    expect(byFile['pnpm-lock.yaml']).toMatchObject({ ecosystem: 'npm', pinned: true, packageCount: 2, unpinnedCount: 0 });
    expect(byFile['yarn.lock']).toMatchObject({ ecosystem: 'npm', pinned: true, packageCount: 2 });
    expect(byFile['poetry.lock']).toMatchObject({ ecosystem: 'pypi', pinned: true, packageCount: 2 });
    expect(byFile['uv.lock']).toMatchObject({ ecosystem: 'pypi', pinned: false, packageCount: 2, unpinnedCount: 1 });
    expect(byFile['Pipfile.lock']).toMatchObject({ ecosystem: 'pypi', pinned: false, packageCount: 3, unpinnedCount: 1 });
  });
});

describe('conda environment.yml', () => {
  it('is pinned when every dependency has =version, pip section included', async () => {
    write('environment.yml', [
      'name: train', 'channels:', '  - conda-forge', 'dependencies:',
      '  - python=3.11', '  - numpy==1.26.4', '  - conda-forge::pytorch=2.3.0=py3.11_cuda12.1_0', '  - cudatoolkit 12.1', '  - pip=24.0',
      '  - pip:', '      - rich==13.7.1', '      - -r requirements-extra.txt',
    ].join('\n'));
    write('requirements-extra.txt', 'tqdm==4.66.4\n');
    const byFile = Object.fromEntries((await collectDependencies(ctx)).files.map((f) => [f.file, f]));
    expect(byFile['environment.yml']).toMatchObject({ ecosystem: 'conda', pinned: true, packageCount: 7, unpinnedCount: 0 });
    expect(has(ctx.graph.quads, byFile['environment.yml']!.node, reprov.ecosystem, literal('conda'))).toBe(true);
  });

  it('counts unpinned conda and pip dependencies', async () => {
    write('environment.yaml', ['dependencies:', '  - python>=3.10', '  - numpy', '  - scipy=1.11.*', '  - pandas=2.2', '  - pip', '  - pip:', '    - torch'].join('\n'));
    expect((await collectDependencies(ctx)).files[0]).toMatchObject({ file: 'environment.yaml', pinned: false, packageCount: 6, unpinnedCount: 5 });
  });

  it('leaves pinned unknown for invalid YAML', async () => {
    write('environment.yml', 'dependencies: [numpy\n  - : :');
    const [summary] = (await collectDependencies(ctx)).files;
    expect(summary?.pinned).toBeUndefined();
    expect(summary?.unknownReason).toMatch(/^environment\.yml is not valid YAML/);
    expect(summary?.sha256).toBe(sha256sum(join(tmp, 'environment.yml')));
  });

  it('recognises conda match specs', () => {
    for (const s of ['numpy=1.2', 'numpy==1.2', 'numpy=1.2=py39_0', 'numpy 1.2', 'numpy 1.2 py39_0', 'c::numpy=1.2']) expect(condaSpecPinned(s), s).toBe(true);
    for (const s of ['numpy', 'numpy>=1.2', 'numpy=1.2.*', 'numpy 1.2.*', 'numpy >=1.2', 'numpy=1.2|1.3']) expect(condaSpecPinned(s), s).toBe(false);
  });
});

describe('pyproject.toml', () => {
  it('counts PEP 621, PEP 735 and Poetry dependencies', () => {
    const text = [
      '[project]', 'name = "demo"', 'version = "0.1.0"', 'dependencies = [', '  "numpy==1.26.4",', '  "torch>=2",  # any', "  'rich[jupyter]==13.7.1',", ']', '',
      '[project.optional-dependencies]', 'viz = ["matplotlib==3.8.4", "seaborn"]', '',
      '[dependency-groups]', 'test = ["pytest==8.2.0", { include-group = "lint" }]', 'lint = ["ruff"]', '',
      '[tool.poetry.dependencies]', 'python = "^3.11"', 'pandas = "2.2.2"', 'scipy = "^1.13"', 'lib = { git = "https://x", rev = "0123456789abcdef0123456789abcdef01234567" }',
      'other = { version = "==1.0", optional = true }', '',
      '[tool.ruff]', 'line-length = 100',
    ].join('\n');
    // numpy, torch*, rich, matplotlib, seaborn*, pytest, ruff*, pandas, scipy*, lib, other
    // only [project] dependencies are what `pip install .` installs: they are the declared requirements
    expect(analysePyproject(text)).toEqual({ pinned: false, packageCount: 11, unpinnedCount: 4, requirements: ['numpy==1.26.4', 'torch>=2', 'rich==13.7.1'] });
    expect(analysePyproject('[project]\nname = "x"\n')).toEqual({ pinned: true, packageCount: 0, unpinnedCount: 0, requirements: [] });
  });

  it('is found in the working directory', async () => {
    write('pyproject.toml', '[project]\nname = "x"\ndependencies = ["numpy==1.0"]\n');
    write('not-a-lock.txt', 'numpy\n');
    write('sub/requirements.txt', 'numpy\n');
    const { files } = await collectDependencies(ctx);
    expect(files.map((f) => [f.file, f.ecosystem, f.pinned])).toEqual([['pyproject.toml', 'pypi', true]]);
  });
});

describe('file discovery and unreadable files', () => {
  it('knows the names it looks for', () => {
    for (const n of ['requirements.txt', 'requirements-gpu.txt', 'requirements_dev.txt', 'package-lock.json', 'environment.yaml', 'uv.lock']) expect(isDependencyFileName(n), n).toBe(true);
    for (const n of ['requirements.in', 'package.json', 'Pipfile', 'dev-requirements.txt', 'environment.json']) expect(isDependencyFileName(n), n).toBe(false);
  });

  it('records nothing for a directory without dependency files', async () => {
    expect(await collectDependencies(ctx)).toEqual({ files: [] });
    expect(ctx.graph.quads).toEqual([]);
  });

  it.skipIf(process.getuid?.() === 0)('records an unreadable file with a reason', async () => {
    write('requirements.txt', 'numpy==1\n');
    chmodSync(join(tmp, 'requirements.txt'), 0o000);
    const [summary] = (await collectDependencies(ctx)).files;
    expect(summary).toMatchObject({ pinned: undefined, unknownReason: 'cannot read requirements.txt: EACCES' });
  });
});

describe('pip freeze', () => {
  const python = '/usr/bin/python3';
  const hasPip = spawnSync(python, ['-m', 'pip', '--version']).status === 0;

  it.runIf(hasPip)('records name==version packages of Debian python3 with the output digest', async () => {
    const expected = execFileSync(python, ['-m', 'pip', 'freeze'], { encoding: 'utf8', env: { ...ctx.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
    const { pipFreeze } = await collectDependencies(ctx, { pythonFreeze: true, python });
    const node = namedNode(`${BASE}dependencies/pip-freeze`);
    expect(pipFreeze?.node).toEqual(node);
    expect(pipFreeze?.unknownReason).toBeUndefined();
    const lines = expected.split('\n').filter((l) => /^[A-Za-z0-9][\w.-]*==\S+$/.test(l));
    expect(lines.length).toBeGreaterThan(0);
    expect(pipFreeze?.packages).toEqual(lines);
    expect(objects(node, reprov.package).map((o) => o.value)).toEqual(lines);
    expect(pipFreeze?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(objects(namedNode(`${node.value}/checksum/sha256`), spdx.checksumValue)).toEqual([literal(pipFreeze!.sha256!)]);
    expect(has(ctx.graph.quads, node, rdf.type, reprov.DependencyFile)).toBe(true);
    expect(has(ctx.graph.quads, ctx.run, prov.used, node)).toBe(true);
  });

  it('records an unknown with the reason when the python is missing or has no pip', async () => {
    const { pipFreeze } = await collectDependencies(ctx, { pythonFreeze: true, python: join(tmp, 'no-such-python') });
    expect(pipFreeze?.unknownReason).toBe(`${join(tmp, 'no-such-python')} -m pip freeze failed: ${join(tmp, 'no-such-python')} not found`);
    expect(has(ctx.graph.quads, pipFreeze!.node, reprov.unknownReason, literal(pipFreeze!.unknownReason!))).toBe(true);
    expect(objects(pipFreeze!.node, reprov.package)).toEqual([]);

    // a "python" that fails like one without pip
    write('fake-python', '#!/bin/sh\necho "/usr/bin/python3: No module named pip" >&2\nexit 1\n');
    chmodSync(join(tmp, 'fake-python'), 0o755);
    const graph = new RunGraph(BASE);
    const failed = (await collectDependencies({ ...ctx, graph }, { pythonFreeze: true, python: join(tmp, 'fake-python') })).pipFreeze;
    expect(failed?.unknownReason).toBe(`${join(tmp, 'fake-python')} -m pip freeze failed: /usr/bin/python3: No module named pip`);
  });

  it.runIf(!hasPip)('records the unknown path for Debian python3 without pip', async () => {
    const { pipFreeze } = await collectDependencies(ctx, { pythonFreeze: true, python });
    expect(pipFreeze?.unknownReason).toMatch(/pip freeze failed/);
  });
});

describe('root: files of an imported store are read only inside it', () => {
  it('refuses a requirements file linked out of the root and an include that leaves it, and reads neither', async () => {
    const root = join(tmp, 'model');
    mkdirSync(root);
    write('outside/secret-requirements.txt', 'leaked-package==6.6.6\n');
    symlinkSync(join(tmp, 'outside/secret-requirements.txt'), join(root, 'requirements.txt'));
    write('model/requirements-dev.txt', `-r ${join(tmp, 'outside/secret-requirements.txt')}\n-r ../outside/secret-requirements.txt\nnumpy==1.26.4\n`);
    const confined = collectContext(root, {});
    const summary = await collectDependencies(confined, { root: realpathSync(root) });
    const linked = summary.files.find((f) => f.file === 'requirements.txt')!;
    expect(linked.sha256).toBeUndefined();
    expect(linked.unknownReason).toMatch(/refused/);
    const dev = summary.files.find((f) => f.file === 'requirements-dev.txt')!;
    expect(dev.packageCount).toBe(1);
    expect(dev.unknownReason).toMatch(/cannot read included file .*refused/);
    expect(JSON.stringify(confined.graph.quads)).not.toContain('leaked-package');
  });

  it('without a root (a recorded run), an include beside the run directory is followed', async () => {
    write('shared/requirements.txt', 'numpy==1.26.4\n');
    write('run/requirements.txt', '-r ../shared/requirements.txt\n');
    const summary = await collectDependencies(collectContext(join(tmp, 'run'), {}));
    expect(summary.files.find((f) => f.file === 'requirements.txt')).toMatchObject({ packageCount: 1, pinned: true });
  });
});
