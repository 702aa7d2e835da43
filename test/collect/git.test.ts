import { createHash } from 'node:crypto';
import path from 'node:path';
import type { NamedNode } from 'n3';
import { describe, expect, it } from 'vitest';
import { MAX_LISTED_FILES, collectGit, parseRemotes, parseStatus, type GitInfo } from '../../src/collect/git.js';
import { RunGraph } from '../../src/prov/graph.js';
import { tempDirs } from '../support/collect.js';
import { git, gitBytes, initRepo, write } from '../support/git.js';
import { REPROV, prov, rdf, reprov, schema } from '../../src/prov/vocabulary.js';

const tempDir = tempDirs('git');

/** A fresh repository on `main`; with `commit`, one commit holding train.py, README.md and .gitignore. */
function repo(commit = true): string {
  return initRepo(tempDir(), commit ? { 'train.py': 'import torch\nprint("train")\n', 'README.md': '# model\n', '.gitignore': '*.log\noutputs/\n' } : {});
}

function context(cwd: string) {
  const graph = new RunGraph('https://example.org/runs/r1/');
  return { graph, run: graph.node('run'), cwd, env: {} };
}

function objects(graph: RunGraph, subject: NamedNode, predicate: NamedNode): string[] {
  return graph.quads.filter((q) => q.subject.equals(subject) && q.predicate.equals(predicate)).map((q) => q.object.value);
}

async function collect(cwd: string, options = {}) {
  const ctx = context(cwd);
  const state = await collectGit(ctx, options);
  return { ctx, state, code: ctx.graph.node('code') };
}

function known(state: Awaited<ReturnType<typeof collectGit>>): GitInfo {
  if (state.unknown) throw new Error(`expected a repository: ${state.reason}`);
  return state;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('collectGit', () => {
  it('records a clean repository', async () => {
    const dir = repo();
    git(dir, 'remote', 'add', 'origin', 'https://github.com/o/r.git');
    const { ctx, state, code } = await collect(dir);
    const s = known(state);
    const head = git(dir, 'rev-parse', 'HEAD');
    expect(s).toMatchObject({
      root: git(dir, 'rev-parse', '--show-toplevel'), commit: head, branch: 'main', detachedHead: false, dirty: false, noCommits: false,
      changedFiles: [], untrackedFiles: [], changedFileCount: 0, untrackedFileCount: 0, remoteName: 'origin', remoteUrl: 'https://github.com/o/r.git',
    });
    expect(s.diffSha256).toBeUndefined();
    const g = ctx.graph;
    expect(objects(g, code, rdf.type)).toEqual(expect.arrayContaining([prov.Entity.value, schema.SoftwareSourceCode.value, reprov.CodeState.value]));
    expect(objects(g, ctx.run, prov.used)).toContain(code.value);
    expect(objects(g, code, reprov.commit)).toEqual([head]);
    expect(objects(g, code, reprov.branch)).toEqual(['main']);
    expect(objects(g, code, reprov.dirty)).toEqual(['false']);
    expect(objects(g, code, reprov.detachedHead)).toEqual(['false']);
    expect(objects(g, code, schema.codeRepository)).toEqual(['https://github.com/o/r.git']);
    expect(objects(g, code, reprov.diffSha256)).toEqual([]);
    expect(objects(g, code, reprov.changedFile)).toEqual([]);
  });

  it('records a dirty tree: changed files staged and not, and the digest of `git diff HEAD`', async () => {
    const dir = repo();
    write(dir, 'train.py', 'import torch\nprint("train harder")\n');
    write(dir, 'README.md', '# model\n\nstaged change\n');
    git(dir, 'add', 'README.md');
    const { ctx, state, code } = await collect(dir, { includeDiff: true });
    const s = known(state);
    expect(s.dirty).toBe(true);
    expect(s.changedFiles).toEqual(['README.md', 'train.py']);
    const expected = sha256(gitBytes(dir, 'diff', 'HEAD'));
    expect(s.diffSha256).toBe(expected);
    expect(s.diff).toBe(gitBytes(dir, 'diff', 'HEAD').toString('utf8'));
    expect(s.diff).toContain('+print("train harder")');
    expect(s.diffRedacted).toBe(false);
    expect(objects(ctx.graph, code, reprov.diffSha256)).toEqual([expected]);
    expect(objects(ctx.graph, code, reprov.dirty)).toEqual(['true']);
    expect(objects(ctx.graph, code, reprov.changedFile).sort()).toEqual(['README.md', 'train.py']);
    expect(objects(ctx.graph, code, reprov.untrackedFile)).toEqual([]);
    // Without includeDiff the digest is the same and no text comes back.
    const again = known((await collect(dir)).state);
    expect(again.diffSha256).toBe(expected);
    expect(again.diff).toBeUndefined();
  });

  it('digests binary changes byte for byte', async () => {
    const dir = repo();
    const blob = Buffer.from([0, 1, 2, 255, 254, 0, 10, 13, 0x80, 0xc3]);
    write(dir, 'weights.bin', blob);
    git(dir, 'add', 'weights.bin');
    git(dir, 'commit', '-q', '-m', 'weights');
    write(dir, 'weights.bin', Buffer.concat([blob, Buffer.from([0, 0xff, 0xfe])]));
    const s = known((await collect(dir)).state);
    expect(s.changedFiles).toEqual(['weights.bin']);
    expect(s.diffSha256).toBe(sha256(gitBytes(dir, 'diff', 'HEAD', '--binary')));
  });

  it('lists untracked files one by one, never ignored ones', async () => {
    const dir = repo();
    write(dir, 'new_module.py', 'x = 1\n');
    write(dir, 'data/raw/part 1.csv', 'a,b\n');
    write(dir, 'données.txt', 'é\n');
    write(dir, 'debug.log', 'ignored\n');
    write(dir, 'outputs/model.pt', 'ignored too\n');
    const { ctx, state, code } = await collect(dir);
    const s = known(state);
    expect(s.untrackedFiles).toEqual(['data/raw/part 1.csv', 'données.txt', 'new_module.py']);
    expect(s.untrackedFileCount).toBe(3);
    expect(s.changedFiles).toEqual([]);
    expect(s.dirty).toBe(true);
    expect(s.diffSha256).toBeUndefined();
    expect(objects(ctx.graph, code, reprov.untrackedFile).sort()).toEqual(['data/raw/part 1.csv', 'données.txt', 'new_module.py']);
    expect(objects(ctx.graph, code, reprov.untrackedFile).join()).not.toMatch(/debug\.log|model\.pt/);
  });

  it('caps the listed paths and records the totals', async () => {
    const dir = repo();
    for (let i = 0; i < MAX_LISTED_FILES + 5; i++) write(dir, `gen/f${String(i).padStart(4, '0')}.txt`, `${i}\n`);
    const { ctx, state, code } = await collect(dir);
    const s = known(state);
    expect(s.untrackedFiles).toHaveLength(MAX_LISTED_FILES);
    expect(s.untrackedFileCount).toBe(MAX_LISTED_FILES + 5);
    expect(objects(ctx.graph, code, reprov.untrackedFile)).toHaveLength(MAX_LISTED_FILES);
    const count = ctx.graph.quads.find((q) => q.subject.equals(code) && q.predicate.value === `${REPROV}untrackedFileCount`);
    expect(count?.object.value).toBe(String(MAX_LISTED_FILES + 5));
  });

  it('records a detached HEAD', async () => {
    const dir = repo();
    git(dir, 'checkout', '-q', '--detach', 'HEAD');
    const { ctx, state, code } = await collect(dir);
    const s = known(state);
    expect(s.detachedHead).toBe(true);
    expect(s.branch).toBeUndefined();
    expect(s.commit).toBe(git(dir, 'rev-parse', 'HEAD'));
    expect(objects(ctx.graph, code, reprov.detachedHead)).toEqual(['true']);
    expect(objects(ctx.graph, code, reprov.branch)).toEqual([]);
  });

  it('says when the directory is not in a repository', async () => {
    const dir = tempDir();
    const inRepo = (() => {
      try {
        git(dir, 'rev-parse', '--show-toplevel');
        return true;
      } catch {
        return false;
      }
    })();
    if (inRepo) return; // the temp folder itself lies in a work tree on this machine
    const { ctx, state, code } = await collect(dir);
    expect(state).toMatchObject({ unknown: true, reason: `not a git repository: ${dir}` });
    expect(objects(ctx.graph, code, reprov.noRepositoryReason)).toEqual([`not a git repository: ${dir}`]);
    expect(objects(ctx.graph, ctx.run, prov.used)).toContain(code.value);
    expect(objects(ctx.graph, code, reprov.commit)).toEqual([]);
  });

  it('says when git cannot run', async () => {
    const { ctx, state, code } = await collect(tempDir(), { gitBinary: 'git-not-installed-here' });
    expect(state.unknown).toBe(true);
    if (!state.unknown) return;
    expect(state.reason).toMatch(/^git is not installed/);
    expect(objects(ctx.graph, code, reprov.unknownReason)).toEqual([state.reason]);
  });

  it('says when the repository has no commits yet', async () => {
    const dir = repo(false);
    write(dir, 'a.py', 'print(1)\n');
    write(dir, 'b.py', 'print(2)\n');
    git(dir, 'add', 'a.py');
    const { ctx, state, code } = await collect(dir, { includeDiff: true });
    const s = known(state);
    expect(s).toMatchObject({ noCommits: true, branch: 'main', detachedHead: false, dirty: true, changedFiles: ['a.py'], untrackedFiles: ['b.py'] });
    expect(s.commit).toBeUndefined();
    expect(s.diffSha256).toBeUndefined();
    expect(s.diff).toBeUndefined();
    expect(objects(ctx.graph, code, reprov.commit)).toEqual([]);
    expect(objects(ctx.graph, code, reprov.unknownReason).join()).toMatch(/no commits yet/);
    expect(objects(ctx.graph, code, reprov.branch)).toEqual(['main']);
  });

  it('strips credentials from the remote URL', async () => {
    const dir = repo();
    const token = 'ghp_aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6';
    git(dir, 'remote', 'add', 'upstream', 'git@github.com:up/r.git');
    git(dir, 'remote', 'add', 'origin', `https://user:${token}@github.com/o/r.git`);
    const { ctx, state, code } = await collect(dir);
    const s = known(state);
    expect(s.remoteName).toBe('origin');
    expect(s.remoteUrl).toBe('https://github.com/o/r.git');
    expect(objects(ctx.graph, code, schema.codeRepository)).toEqual(['https://github.com/o/r.git']);
    expect(JSON.stringify(ctx.graph.quads)).not.toContain(token);
  });

  it('uses the first remote when there is no origin', async () => {
    const dir = repo();
    git(dir, 'remote', 'add', 'upstream', 'git@github.com:up/r.git');
    expect(known((await collect(dir)).state)).toMatchObject({ remoteName: 'upstream', remoteUrl: 'git@github.com:up/r.git' });
  });

  it('works from a subdirectory, with paths relative to the root, renames included', async () => {
    const dir = repo();
    write(dir, 'src/model.py', 'class M: pass\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'model');
    git(dir, 'mv', 'README.md', 'docs.md');
    write(dir, 'src/model.py', 'class M:\n    pass\n');
    const s = known((await collect(path.join(dir, 'src'))).state);
    expect(s.root).toBe(git(dir, 'rev-parse', '--show-toplevel'));
    expect(s.changedFiles).toEqual(['README.md', 'docs.md', 'src/model.py']);
  });

  it('redacts secrets in the returned diff text but digests the raw diff', async () => {
    const dir = repo();
    const key = 'hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567';
    write(dir, 'train.py', `import torch\nTOKEN = "${key}"\n`);
    const s = known((await collect(dir, { includeDiff: true })).state);
    expect(s.diff).toContain('[REDACTED:huggingface-token]');
    expect(s.diff).not.toContain(key);
    expect(s.diffRedacted).toBe(true);
    expect(s.diffSha256).toBe(sha256(gitBytes(dir, 'diff', 'HEAD')));
  });

  it('omits a diff larger than the limit but keeps its digest', async () => {
    const dir = repo();
    write(dir, 'train.py', 'x = 1\n'.repeat(1000));
    const s = known((await collect(dir, { includeDiff: true, maxDiffBytes: 100 })).state);
    expect(s.diff).toBeUndefined();
    expect(s.diffOmittedReason).toMatch(/more than the limit of 100/);
    expect(s.diffSha256).toBe(sha256(gitBytes(dir, 'diff', 'HEAD')));
  });
});

describe('parseStatus', () => {
  it('reads porcelain v2 -z output: commit, branch, changes (renames, conflicts, paths with spaces) and untracked files', () => {
    const oid = 'a'.repeat(40);
    const h = '0'.repeat(40);
    const out = [
      `# branch.oid ${oid}`, '# branch.head main', '# branch.upstream origin/main',
      `1 .M N... 100644 100644 100644 ${h} ${h} a.py`,
      `1 M. N... 100644 100644 100644 ${h} ${h} b c.py`,
      `2 R. N... 100644 100644 100644 ${h} ${h} R100 new name.py`, 'old name.py',
      `2 C. N... 100644 100644 100644 ${h} ${h} C75 copy.py`, 'kept.py',
      `u UU N... 100644 100644 100644 100644 ${h} ${h} ${h} conflict.py`,
      '? e/f.py', '? d.py', '! ignored.log', '',
    ].join('\0');
    expect(parseStatus(out)).toEqual({
      commit: oid, branch: 'main',
      changed: ['a.py', 'b c.py', 'conflict.py', 'copy.py', 'new name.py', 'old name.py'], untracked: ['d.py', 'e/f.py'],
    });
  });

  it('reads an unborn branch and a detached HEAD', () => {
    expect(parseStatus('# branch.oid (initial)\0# branch.head trunk\0')).toEqual({ branch: 'trunk', changed: [], untracked: [] });
    expect(parseStatus(`# branch.oid ${'b'.repeat(40)}\0# branch.head (detached)\0`)).toEqual({ commit: 'b'.repeat(40), changed: [], untracked: [] });
  });
});

describe('parseRemotes', () => {
  it('prefers origin, else the first remote, and its fetch URL', () => {
    const out = 'upstream\tgit@h:u/r.git (fetch)\nupstream\tgit@h:u/r.git (push)\norigin\thttps://h/o/r.git (fetch)\norigin\thttps://h/o/push.git (push)\n';
    expect(parseRemotes(out)).toEqual({ name: 'origin', url: 'https://h/o/r.git' });
    expect(parseRemotes('upstream\tgit@h:u/r.git (push)\n')).toEqual({ name: 'upstream', url: 'git@h:u/r.git' });
    expect(parseRemotes('')).toBeUndefined();
  });
});
