/**
 * File discovery honours git's other ignore sources, as git does: `.git/info/exclude` and the
 * user's global excludes file (`core.excludesFile`, by default `$XDG_CONFIG_HOME/git/ignore` or
 * `~/.config/git/ignore`). The built CLI runs in a subprocess whose HOME and XDG_CONFIG_HOME are
 * temporary directories, on a real repository made by git.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../support/cli.js';
import { git, initRepo, write } from '../support/git.js';

const SOURCES = { 'train.py': 'x = 1\n', 'scratch/try.py': 'x = 1\n', 'notes.local.py': 'x = 1\n', 'pkg/keep.py': 'x = 1\n', 'pkg/keep.local.py': 'x = 1\n' };

function temp(name: string): string {
  return mkdtempSync(join(tmpdir(), `reprov-${name}-`));
}

function repo(files: Record<string, string> = SOURCES): string {
  const dir = temp('excl-repo');
  initRepo(dir);
  for (const [file, text] of Object.entries(files)) write(dir, file, text);
  return dir;
}

/** The files `reprov scan` scans in `cwd`, with HOME and XDG_CONFIG_HOME as given (absent when undefined) and no other git configuration. */
function scanned(cwd: string, env: { HOME: string; XDG_CONFIG_HOME?: string }, args: string[] = []): string[] {
  const base: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', GIT_CONFIG_NOSYSTEM: '1', ...env };
  delete base.GIT_CONFIG_GLOBAL;
  delete base.GIT_DIR;
  if (env.XDG_CONFIG_HOME === undefined) delete base.XDG_CONFIG_HOME;
  const result = spawnSync(process.execPath, [CLI, 'scan', '-f', 'json', '--fail-on', 'none', ...args], { cwd, encoding: 'utf8', env: base });
  if (result.status !== 0) throw new Error(`exit ${result.status}: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { files: { file: string }[] }).files.map((f) => f.file).sort();
}

function put(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

describe('scan honours .git/info/exclude and the global excludes file', () => {
  it('reads .git/info/exclude, relative to the repository root, also when a subdirectory is scanned', () => {
    const dir = repo();
    const home = temp('excl-home');
    expect(scanned(dir, { HOME: home })).toEqual(['notes.local.py', 'pkg/keep.local.py', 'pkg/keep.py', 'scratch/try.py', 'train.py']);
    put(join(dir, '.git', 'info', 'exclude'), '# local\nscratch/\n*.local.py\n');
    expect(scanned(dir, { HOME: home })).toEqual(['pkg/keep.py', 'train.py']);
    expect(scanned(join(dir, 'pkg'), { HOME: home })).toEqual(['keep.py']);
    // git agrees.
    expect(git(dir, 'status', '--porcelain', '--untracked-files=all').split('\n').map((l) => l.slice(3)).sort()).toEqual(['pkg/keep.py', 'train.py']);
  });

  it('reads $XDG_CONFIG_HOME/git/ignore, else ~/.config/git/ignore', () => {
    const dir = repo();
    const home = temp('excl-home');
    const xdg = temp('excl-xdg');
    put(join(xdg, 'git', 'ignore'), 'scratch/\n');
    put(join(home, '.config', 'git', 'ignore'), '*.local.py\n');
    // With XDG_CONFIG_HOME set, ~/.config/git/ignore is not read.
    expect(scanned(dir, { HOME: home, XDG_CONFIG_HOME: xdg })).toEqual(['notes.local.py', 'pkg/keep.local.py', 'pkg/keep.py', 'train.py']);
    expect(scanned(dir, { HOME: home })).toEqual(['pkg/keep.py', 'scratch/try.py', 'train.py']);
  });

  it('reads core.excludesFile from git configuration (~ expanded) instead of the default', () => {
    const dir = repo();
    const home = temp('excl-home');
    put(join(home, '.config', 'git', 'ignore'), '*.local.py\n');
    put(join(home, '.gitconfig'), '[core]\n\texcludesFile = ~/my-excludes\n');
    put(join(home, 'my-excludes'), 'train.py\n');
    expect(scanned(dir, { HOME: home })).toEqual(['notes.local.py', 'pkg/keep.local.py', 'pkg/keep.py', 'scratch/try.py']);
    // The repository's own configuration wins over the user's, as in git.
    git(dir, 'config', 'core.excludesFile', join(home, 'repo-excludes'));
    put(join(home, 'repo-excludes'), 'scratch/\n');
    expect(scanned(dir, { HOME: home })).toEqual(['notes.local.py', 'pkg/keep.local.py', 'pkg/keep.py', 'train.py']);
  });

  it('lets a .gitignore re-include what an excludes file leaves out (git precedence), and a named file is always scanned', () => {
    const dir = repo();
    const home = temp('excl-home');
    put(join(home, '.config', 'git', 'ignore'), '*.local.py\n');
    put(join(dir, '.git', 'info', 'exclude'), 'train.py\n');
    write(dir, 'pkg/.gitignore', '!keep.local.py\n');
    expect(scanned(dir, { HOME: home })).toEqual(['pkg/keep.local.py', 'pkg/keep.py', 'scratch/try.py']);
    expect(scanned(dir, { HOME: home }, ['train.py', 'notes.local.py'])).toEqual(['notes.local.py', 'train.py']);
  });

  it('applies no excludes file outside a repository', () => {
    const dir = temp('excl-plain');
    for (const [file, text] of Object.entries(SOURCES)) write(dir, file, text);
    const home = temp('excl-home');
    put(join(home, '.config', 'git', 'ignore'), '*.py\n');
    expect(scanned(dir, { HOME: home })).toHaveLength(5);
  });

  it('hostile: an excludes file that is a directory, missing or binary, and a .git file pointing nowhere, are not errors', () => {
    const home = temp('excl-home');
    mkdirSync(join(home, 'dir-excludes'));
    put(join(home, '.gitconfig'), '[core]\n\texcludesFile = ~/dir-excludes\n');
    const dir = repo();
    expect(scanned(dir, { HOME: home })).toHaveLength(5);
    put(join(home, '.gitconfig'), '[core]\n\texcludesFile = /no/such/file\n');
    expect(scanned(dir, { HOME: home })).toHaveLength(5);
    put(join(dir, '.git', 'info', 'exclude'), Buffer.from([0, 0xff, 0xfe, 10, 0x2a, 0x2e, 0x71, 10]).toString('latin1'));
    expect(scanned(dir, { HOME: home })).toHaveLength(5);
    const worktree = temp('excl-gitfile');
    for (const [file, text] of Object.entries(SOURCES)) write(worktree, file, text);
    writeFileSync(join(worktree, '.git'), 'gitdir: ../../../../no/such/dir\n');
    expect(scanned(worktree, { HOME: home })).toHaveLength(5);
    writeFileSync(join(worktree, '.git'), '\0'.repeat(10_000));
    expect(scanned(worktree, { HOME: home })).toHaveLength(5);
  });

  it('follows a worktree\'s .git file to the repository\'s info/exclude', () => {
    const dir = repo({ 'train.py': 'x = 1\n', 'scratch/try.py': 'x = 1\n' });
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'one');
    const home = temp('excl-home');
    put(join(dir, '.git', 'info', 'exclude'), 'scratch/\n');
    const wt = join(temp('excl-wt'), 'wt');
    git(dir, 'worktree', 'add', '-q', wt);
    expect(scanned(wt, { HOME: home })).toEqual(['train.py']);
  });
});
