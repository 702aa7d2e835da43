// These tests read yProv4ML documents, which the library entry registers for every reader.
import '../../src/interop/yprov4ml-mark.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBundle, parseBundle } from '../../src/io/load-bundle.js';
import { openBundle } from '../../src/io/load-bundle.js';
import { VerifyRootError, verifyBundle, type VerifyItem, type VerifyReport } from '../../src/release/verify.js';
import { RUN_PREFIXES } from '../../src/prov/vocabulary.js';
import { git, recordRun, sha256, tempDir, workspace, write } from './workspace.js';

const verify = async (bundleDir: string, root: string) => verifyBundle(await openBundle(bundleDir), { root });

/** `status kind path` per item, for whole-report assertions. */
const summary = (report: VerifyReport) => report.items.map((i) => `${i.status} ${i.kind} ${i.path ?? ''}`.trimEnd());
const find = (report: VerifyReport, kind: VerifyItem['kind'], path?: string) => {
  const item = report.items.find((i) => i.kind === kind && (path === undefined || i.path === path));
  if (!item) throw new Error(`no ${kind} item ${path ?? ''} in ${summary(report).join('; ')}`);
  return item;
};

describe('verifyBundle on a recorded run', () => {
  it('matches every file and the git state right after recording', async () => {
    const ws = workspace();
    const bundle = await recordRun(ws, 'a');
    const report = await verify(bundle, ws);
    expect(summary(report)).toEqual([
      'match input data/images',
      'match input data/train.csv',
      'match output model.bin',
      'match dependency requirements.txt',
      'match metric metrics/loss_training_reprov_GR0.csv',
      'match commit',
      'match changes',
      'match untracked',
    ]);
    expect(report.ok).toBe(true);
    expect(report.counts).toEqual({ match: 8, mismatch: 0, missing: 0, unreadable: 0, refused: 0, unchecked: 0 });
    expect(find(report, 'input', 'data/train.csv')).toMatchObject({ expected: sha256(join(ws, 'data/train.csv')), actual: sha256(join(ws, 'data/train.csv')) });
    expect(find(report, 'commit').actual).toBe(git(ws, 'rev-parse', 'HEAD'));
  });

  it('reports a changed input file with the recorded and the actual digest', async () => {
    const ws = workspace();
    const bundle = await recordRun(ws, 'a');
    const before = sha256(join(ws, 'data/train.csv'));
    write(ws, 'data/train.csv', 'x,y\n1,2\n3,5\n');
    const report = await verify(bundle, ws);
    expect(find(report, 'input', 'data/train.csv')).toMatchObject({ status: 'mismatch', expected: before, actual: sha256(join(ws, 'data/train.csv')) });
    // The file is tracked: its change is also an uncommitted change of the code's tree.
    expect(find(report, 'changes').status).toBe('mismatch');
    expect(report.ok).toBe(false);
  });

  it('re-hashes a directory with the recorded digest method: a file changed inside it is a mismatch', async () => {
    const ws = workspace();
    const bundle = await recordRun(ws, 'a');
    write(ws, 'data/images/c.txt', 'c\n');
    git(ws, 'add', '.');
    git(ws, 'commit', '-q', '-m', 'one more image');
    const report = await verify(bundle, ws);
    expect(find(report, 'input', 'data/images').status).toBe('mismatch');
    expect(find(report, 'input', 'data/train.csv').status).toBe('match');
    expect(find(report, 'commit')).toMatchObject({ status: 'mismatch', expected: expect.stringMatching(/^[0-9a-f]{40}$/), actual: git(ws, 'rev-parse', 'HEAD') });
  });

  it('reports a deleted output as missing, and a replaced one as the wrong kind', async () => {
    const ws = workspace();
    const bundle = await recordRun(ws, 'a');
    rmSync(join(ws, 'model.bin'));
    expect(find(await verify(bundle, ws), 'output', 'model.bin').status).toBe('missing');
    mkdirSync(join(ws, 'model.bin'));
    expect(find(await verify(bundle, ws), 'output', 'model.bin')).toMatchObject({ status: 'mismatch', message: expect.stringContaining('recorded as a file, now a directory') });
  });

  it('compares uncommitted changes by the digest of git diff HEAD, and untracked files by name', async () => {
    const ws = workspace();
    write(ws, 'train.py', 'print("train, changed")\n');
    const bundle = await recordRun(ws, 'a', { options: { includeDiff: true } });
    const same = await verify(bundle, ws);
    expect(find(same, 'changes')).toMatchObject({ status: 'match', message: expect.stringContaining('the same uncommitted changes') });
    expect(same.ok).toBe(true);

    write(ws, 'train.py', 'print("train, changed again")\n');
    write(ws, 'helper.py', 'x = 1\n');
    const changed = await verify(bundle, ws);
    expect(find(changed, 'changes')).toMatchObject({ status: 'mismatch', message: expect.stringContaining('train.py') });
    expect(find(changed, 'untracked')).toMatchObject({ status: 'mismatch', expected: 'none', actual: 'helper.py', message: 'not recorded: helper.py' });

    git(ws, 'checkout', '-q', '--', 'train.py');
    rmSync(join(ws, 'helper.py'));
    expect(find(await verify(bundle, ws), 'changes')).toMatchObject({ status: 'mismatch', actual: 'no uncommitted changes' });
  });

  it("leaves the bundle's own directory and the run's outputs out of the untracked files", async () => {
    const ws = workspace();
    write(ws, '.gitignore', ''); // runs/ and model.bin now show up as untracked
    git(ws, 'commit', '-q', '-am', 'track everything');
    const bundle = await recordRun(ws, 'a');
    expect(find(await verify(bundle, ws), 'untracked').status).toBe('match');
    write(ws, 'notes.py', 'print("not committed")\n');
    expect(find(await verify(bundle, ws), 'untracked')).toMatchObject({ status: 'mismatch', actual: 'notes.py' });
  });

  it('still sees new untracked code when the bundle was written at the root of the workspace', async () => {
    const ws = workspace();
    write(ws, '.gitignore', 'model.bin\n');
    git(ws, 'commit', '-q', '-am', 'bundle files untracked');
    const bundle = await recordRun(ws, 'a', { options: { dir: '.' } });
    expect(bundle).toBe(ws);
    expect(find(await verify(bundle, ws), 'untracked').status).toBe('match');
    write(ws, 'helper.py', 'x = 1\n');
    expect(find(await verify(bundle, ws), 'untracked')).toMatchObject({ status: 'mismatch', actual: 'helper.py' });
  });

  it('reports the code as missing when --root is in no git repository', async () => {
    const ws = workspace();
    const bundle = await recordRun(ws, 'a');
    rmSync(join(ws, '.git'), { recursive: true, force: true });
    const report = await verify(bundle, ws);
    expect(find(report, 'commit')).toMatchObject({ status: 'missing', message: expect.stringContaining('not a git repository') });
    expect(report.ok).toBe(false);
  });

  it('refuses a --root that is not a directory', async () => {
    const ws = workspace();
    const bundle = await openBundle(await recordRun(ws, 'a'));
    await expect(verifyBundle(bundle, { root: join(ws, 'nowhere') })).rejects.toThrow(VerifyRootError);
    await expect(verifyBundle(bundle, { root: join(ws, 'train.py') })).rejects.toThrow(/--root .*train\.py: not a directory/);
  });
});

describe('verifyBundle on a malicious bundle', () => {
  /** A bundle whose data nodes point out of the root in every way a path can, each with the right digest of its target. */
  function malicious(): { root: string; bundleDir: string; turtle: string } {
    const base = tempDir();
    const root = join(base, 'root');
    const outside = join(base, 'outside');
    mkdirSync(root);
    mkdirSync(outside);
    write(outside, 'secret.txt', 'top secret\n');
    symlinkSync(outside, join(root, 'link-dir'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'link-file'));
    symlinkSync(join(outside, 'absent.txt'), join(root, 'dangling'));
    write(root, 'fine.txt', 'fine\n');
    const secret = sha256(join(outside, 'secret.txt'));
    const bundleDir = join(root, 'bundle');
    mkdirSync(bundleDir);
    const node = (name: string, location: string, digest = secret) => `<urn:r/data/${name}> a prov:Entity, reprov:File ; reprov:role "input" ; prov:atLocation ${JSON.stringify(location)} ; spdx:checksum <urn:r/data/${name}/sha256> .
<urn:r/data/${name}/sha256> spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue "${digest}" .
<urn:r/run> prov:used <urn:r/data/${name}> .`;
    const metric = `<urn:r/metric/loss> a prov:Entity, reprov:Metric ; reprov:metricFile "../../outside/secret.txt" ; spdx:checksum <urn:r/metric/loss/sha256> .
<urn:r/metric/loss/sha256> spdx:algorithm spdx:checksumAlgorithm_sha256 ; spdx:checksumValue "${secret}" .`;
    const turtle = [
      ...Object.entries(RUN_PREFIXES).map(([p, iri]) => `@prefix ${p}: <${iri}> .`),
      '<urn:r/run> a prov:Activity, mls:Run .',
      node('absolute', join(outside, 'secret.txt')),
      node('dotdot', '../outside/secret.txt'),
      node('sneaky', 'sub/../../outside/secret.txt'),
      node('through-link-dir', 'link-dir/secret.txt'),
      node('link-file', 'link-file'),
      node('dangling', 'dangling'),
      node('fine', 'fine.txt', sha256(join(root, 'fine.txt'))),
      metric,
    ].join('\n');
    writeFileSync(join(bundleDir, 'prov.ttl'), turtle);
    return { root, bundleDir, turtle };
  }

  it('refuses every path that leaves the root, each with its reason, and still checks the rest', async () => {
    const { root, bundleDir } = malicious();
    const report = await verify(bundleDir, root);
    const byPath = Object.fromEntries(report.items.map((i) => [i.path, `${i.status}: ${i.message}`]));
    expect(byPath).toEqual({
      [join(root, '..', 'outside', 'secret.txt')]: expect.stringMatching(/^refused: not followed: an absolute path/),
      '../outside/secret.txt': expect.stringMatching(/^refused: not followed: the path leaves the root/),
      'sub/../../outside/secret.txt': expect.stringMatching(/^refused: not followed: the path leaves the root/),
      'link-dir/secret.txt': expect.stringMatching(/^refused: not followed: a symbolic link on the path leads out of the root/),
      'link-file': expect.stringMatching(/^refused: not followed: a symbolic link/),
      dangling: expect.stringMatching(/^refused: not followed: a symbolic link/),
      'fine.txt': 'match: same content (SHA-256)',
      '../../outside/secret.txt': expect.stringMatching(/^refused: not followed: the path leaves the root \(.*bundle\)$/),
    });
    // Had any been followed, its digest would have matched: nothing outside the root was read.
    expect(report.items.filter((i) => i.actual !== undefined).map((i) => i.path)).toEqual(['fine.txt']);
    expect(report.ok).toBe(false);
    expect(report.counts.refused).toBe(7);
  });
});

describe('verifyBundle: what cannot be checked', () => {
  it('marks files without a SHA-256 (or without a path) not checkable, which does not fail verification', async () => {
    const root = tempDir();
    write(root, 'data.csv', 'a\n');
    const turtle = `${Object.entries(RUN_PREFIXES).map(([p, iri]) => `@prefix ${p}: <${iri}> .`).join('\n')}
<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/data/a>, <urn:r/data/b>, <urn:r/data/c> .
<urn:r/data/a> a prov:Entity, dcat:Dataset ; prov:atLocation "data.csv" .
<urn:r/data/b> a prov:Entity, dcat:Dataset ; prov:atLocation "data.csv" ; spdx:checksum <urn:r/data/b/md5> .
<urn:r/data/b/md5> spdx:algorithm spdx:checksumAlgorithm_md5 ; spdx:checksumValue "60b725f10c9c85c70d97880dfe8191b3" .
<urn:r/data/c> a prov:Entity, dcat:Dataset .`;
    const report = await verifyBundle(await parseBundle(turtle, join(root, 'prov.ttl'), root), { root });
    expect(report.items.map((i) => `${i.status}: ${i.message}`).sort()).toEqual([
      'unchecked: no SHA-256 recorded',
      'unchecked: no SHA-256 recorded (only md5, which reprov does not re-hash)',
      'unchecked: the bundle names no path for it',
    ]);
    expect(report.ok).toBe(true);
  });

  it('verifies an imported yProv4ML run: its files carry no digests, and its commit is compared', async () => {
    const ws = workspace();
    const report = await verifyBundle(await loadBundle('fixtures/yprov4ml/gen3-mnist-cnn.json'), { root: ws });
    expect(report.items.filter((i) => i.kind !== 'commit').every((i) => i.status === 'unchecked')).toBe(true);
    expect(report.items.filter((i) => i.kind === 'metric').length).toBeGreaterThan(0);
    const commit = find(report, 'commit');
    expect(commit).toMatchObject({ status: 'mismatch', expected: '9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e', actual: git(ws, 'rev-parse', 'HEAD') });
    // yProv4ML does not record whether the tree was clean.
    expect(find(report, 'changes').status).toBe('unchecked');
    expect(report.ok).toBe(false);
  });

  it('does not vouch for a yProv4ML dependency file by the digest reprov took while reading the document', async () => {
    const dir = tempDir();
    copyFileSync('fixtures/yprov4ml/gen3-mnist-cnn.json', join(dir, 'prov.json'));
    // Where the document's copy lies, relative to its experiment directory (prov/mnist_cnn_1, the PROV file's own).
    write(dir, 'artifacts_GR0/requirements.txt', 'torch==2.3.0\n');
    const bundle = await loadBundle(join(dir, 'prov.json'));
    const report = await verifyBundle(bundle, { root: dir });
    const dependency = report.items.find((i) => i.kind === 'dependency' && i.path === 'prov/mnist_cnn_1/artifacts_GR0/./requirements.txt');
    expect(dependency).toMatchObject({ status: 'unchecked', message: expect.stringContaining('taken when reprov read the yProv4ML document') });
    // The digest is there (so the file was found and read): it is just not evidence.
    expect(bundle.quads.some((q) => q.predicate.value.endsWith('checksumValue') && q.object.value === sha256(join(dir, 'artifacts_GR0/requirements.txt')))).toBe(true);
  });

  it('accepts an abbreviated recorded commit when it is a prefix of HEAD', async () => {
    const ws = workspace();
    const head = git(ws, 'rev-parse', 'HEAD');
    const turtle = `${Object.entries(RUN_PREFIXES).map(([p, iri]) => `@prefix ${p}: <${iri}> .`).join('\n')}
<urn:r/run> a prov:Activity, mls:Run ; prov:used <urn:r/code> .
<urn:r/code> a prov:Entity, reprov:CodeState ; reprov:commit "${head.slice(0, 10)}" .`;
    const report = await verifyBundle(await parseBundle(turtle, join(ws, 'prov.ttl'), ws), { root: ws });
    expect(find(report, 'commit').status).toBe('match');
  });
});

describe('verifyBundle lists the recorded Python packages again', () => {
  const debian = '/usr/bin/python3';
  const usable = spawnSync(debian, ['-m', 'pip', '--version']).status === 0 && spawnSync(debian, ['-m', 'venv', '--help']).status === 0;

  it.runIf(usable)('matches right after recording with a venv over Debian\'s python, then names the added, removed and changed packages, then the missing interpreter', async () => {
    const ws = workspace();
    const venv = join(tempDir(), 'venv');
    execFileSync(debian, ['-m', 'venv', '--without-pip', '--system-site-packages', venv]);
    const site = join(venv, 'lib', readdirSync(join(venv, 'lib'))[0]!, 'site-packages');
    const dist = (name: string, version: string) => {
      mkdirSync(join(site, `${name}-${version}.dist-info`), { recursive: true });
      writeFileSync(join(site, `${name}-${version}.dist-info`, 'METADATA'), `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`);
      writeFileSync(join(site, `${name}-${version}.dist-info`, 'INSTALLER'), 'pip\n');
    };
    dist('alpha', '1.0');
    dist('beta', '2.0');
    const python = join(venv, 'bin', 'python');
    const bundle = await recordRun(ws, 'a', { options: { python } });

    const first = await verify(bundle, ws);
    const packages = find(first, 'packages');
    expect(packages).toMatchObject({ status: 'match', path: python });
    expect(packages.message).toMatch(/has the same \d+ packages at the same versions/);
    expect(first.items.filter((i) => i.kind === 'dependency').map((i) => i.path)).toEqual(['requirements.txt']); // no "unchecked" pip-freeze item any more
    expect(first.ok).toBe(true);

    rmSync(join(site, 'alpha-1.0.dist-info'), { recursive: true });
    rmSync(join(site, 'beta-2.0.dist-info'), { recursive: true });
    dist('beta', '2.1');
    dist('gamma', '0.1');
    const second = await verify(bundle, ws);
    expect(find(second, 'packages')).toMatchObject({ status: 'mismatch' });
    expect(find(second, 'packages').message).toBe(`${python} now has other packages than the run: changed: beta 2.0 -> 2.1; added: gamma 0.1; removed: alpha 1.0`);
    expect(second.ok).toBe(false);

    rmSync(venv, { recursive: true });
    const third = await verify(bundle, ws);
    expect(find(third, 'packages')).toMatchObject({ status: 'missing', message: `cannot list the packages again: ${python} -m pip freeze failed: ${python} not found` });
  });
});
