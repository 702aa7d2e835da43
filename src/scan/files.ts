/**
 * The source files a scan reads: the files named, and under each directory named every Python,
 * TypeScript and JavaScript file that git would not ignore (.gitignore files of the directory, of
 * those under it, and of those above it up to the repository's root; in a repository also
 * `.git/info/exclude` and the user's global excludes file, `core.excludesFile`), leaving out
 * dependency and virtual-environment folders.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { UserError } from '../base/user-error.js';
import type { Language } from './facts.js';

const EXTENSIONS: Record<string, Language> = {
  '.py': 'python', '.pyi': 'python',
  '.ts': 'typescript', '.tsx': 'typescript', '.mts': 'typescript', '.cts': 'typescript',
  '.js': 'typescript', '.jsx': 'typescript', '.mjs': 'typescript', '.cjs': 'typescript',
};
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.hg', '.svn', '__pycache__', '.venv', 'venv', 'site-packages', '.tox', '.nox', '.mypy_cache', '.pytest_cache', '.ipynb_checkpoints']);

export interface SourceFile {
  /** As reports name it: relative to the working directory when inside it. */
  file: string;
  path: string;
  language: Language;
}

/** The language of a file by its extension; declaration files (`.d.ts`) have no code to scan. */
export function languageOf(path: string): Language | undefined {
  if (/\.d\.[cm]?ts$/.test(path)) return undefined;
  const extension = extname(path).toLowerCase();
  return Object.hasOwn(EXTENSIONS, extension) ? EXTENSIONS[extension] : undefined;
}

interface IgnoreFile {
  dir: string;
  rules: Ignore;
}

/** Throws a UserError for a path that does not exist. */
export function findSources(paths: readonly string[], cwd: string = process.cwd()): SourceFile[] {
  const found = new Map<string, SourceFile>();
  // Each repository's info/exclude and global excludes file, read once per scan.
  const excludes = new Map<string, IgnoreFile[]>();
  const repositoryExcludes = (root: string) => {
    let files = excludes.get(root);
    if (!files) excludes.set(root, (files = readRepositoryExcludes(root)));
    return files;
  };
  const add = (path: string, language: Language) => {
    const rel = relative(cwd, path);
    found.set(path, { file: rel.startsWith('..') || rel === '' ? path : rel, path, language });
  };
  for (const given of paths) {
    const path = resolve(cwd, given);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) throw new UserError(`scan: ${given}: no such file or directory`);
    if (!stat.isDirectory()) {
      const language = languageOf(path);
      if (!language) throw new UserError(`scan: ${given}: not a Python, TypeScript or JavaScript file`);
      add(path, language);
      continue;
    }
    walk(path, ancestorIgnores(path, repositoryExcludes), add);
  }
  return [...found.values()];
}

function walk(dir: string, ignores: IgnoreFile[], add: (path: string, language: Language) => void): void {
  const own = readIgnoreFile(dir);
  const active = own ? [...ignores, own] : ignores;
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (SKIPPED_DIRECTORIES.has(entry.name) || existsSync(join(path, 'pyvenv.cfg')) || isIgnored(active, path, true)) continue;
      walk(path, active, add);
    } else if (entry.isFile()) {
      const language = languageOf(entry.name);
      if (language && !isIgnored(active, path, false)) add(path, language);
    }
  }
}

/**
 * Whether git ignores the path. `ignores` runs from the lowest precedence (the global excludes
 * file, then info/exclude) to the highest (the deepest .gitignore); as in git, the highest source
 * with a pattern matching the path decides, so a deeper `!pattern` re-includes what a shallower
 * file or the excludes file leaves out.
 */
function isIgnored(ignores: IgnoreFile[], path: string, directory: boolean): boolean {
  for (let index = ignores.length - 1; index >= 0; index--) {
    const { dir, rules } = ignores[index]!;
    const rel = relative(dir, path).split(sep).join('/');
    if (rel.startsWith('..') || rel === '' || isAbsolute(rel)) continue;
    const { ignored, unignored } = rules.test(directory ? `${rel}/` : rel);
    if (ignored) return true;
    if (unignored) return false;
  }
  return false;
}

function readIgnoreFile(dir: string): IgnoreFile | undefined {
  return readPatterns(join(dir, '.gitignore'), dir);
}

/** An ignore file's patterns, taken relative to `base`; undefined when it is missing or not a readable file. */
function readPatterns(file: string, base: string): IgnoreFile | undefined {
  try {
    if (!statSync(file, { throwIfNoEntry: false })?.isFile()) return undefined;
    return { dir: base, rules: ignore().add(readFileSync(file, 'utf8')) };
  } catch {
    return undefined;
  }
}

/**
 * The excludes of the repository at `root`, lowest precedence first: the global excludes file
 * (`core.excludesFile`, by default `$XDG_CONFIG_HOME/git/ignore` or `~/.config/git/ignore`), then
 * `info/exclude` in the repository's git directory. Patterns of both are relative to the root.
 */
function readRepositoryExcludes(root: string): IgnoreFile[] {
  const found: IgnoreFile[] = [];
  const global = globalExcludesFile(root);
  const globalRules = global ? readPatterns(global, root) : undefined;
  if (globalRules) found.push(globalRules);
  const gitDir = commonGitDir(root);
  const info = gitDir ? readPatterns(join(gitDir, 'info', 'exclude'), root) : undefined;
  if (info) found.push(info);
  return found;
}

/** The git directory holding `info/`: `.git`, or for a worktree or submodule the one its `.git` file points to (and that one's common directory). */
function commonGitDir(root: string): string | undefined {
  const dotGit = join(root, '.git');
  try {
    const stat = statSync(dotGit, { throwIfNoEntry: false });
    if (!stat) return undefined;
    if (stat.isDirectory()) return dotGit;
    if (!stat.isFile() || stat.size > 4096) return undefined;
    const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'))?.[1];
    if (!pointer) return undefined;
    const gitDir = resolve(root, pointer);
    const common = join(gitDir, 'commondir');
    return existsSync(common) ? resolve(gitDir, readFileSync(common, 'utf8').trim()) : gitDir;
  } catch {
    return undefined;
  }
}

/**
 * The global excludes file as git finds it: `core.excludesFile` from git's configuration (asked of
 * git itself, so that includes, `GIT_CONFIG_GLOBAL` and `~` expansion behave as in git), else
 * `$XDG_CONFIG_HOME/git/ignore`, else `~/.config/git/ignore`.
 */
function globalExcludesFile(root: string): string | undefined {
  const configured = gitConfigPath(root, 'core.excludesFile');
  if (configured) return resolve(root, configured);
  const xdg = process.env.XDG_CONFIG_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'git', 'ignore');
  const home = process.env.HOME || homedir();
  return home ? join(home, '.config', 'git', 'ignore') : undefined;
}

/** A path-valued git setting, read in the repository (or, when git refuses it, e.g. for dubious ownership, outside it); undefined when unset or git is missing. */
function gitConfigPath(root: string, key: string): string | undefined {
  for (const cwd of [root, homedir()]) {
    try {
      const value = execFileSync('git', ['config', '--path', '--get', key], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000, windowsHide: true }).trim();
      return value || undefined;
    } catch (error) {
      const status = (error as { status?: number | null }).status;
      // 1: the key is not set. No status: git is not installed (or timed out).
      if (status === 1 || status === undefined || status === null) return undefined;
    }
  }
  return undefined;
}

/** The .gitignore files above `dir` up to the repository root (the directory holding .git), outermost first, after the repository's excludes; none outside a repository. */
function ancestorIgnores(dir: string, repositoryExcludes: (root: string) => IgnoreFile[]): IgnoreFile[] {
  const found: IgnoreFile[] = [];
  let current = dir;
  while (!existsSync(join(current, '.git'))) {
    const parent = dirname(current);
    if (parent === current) return [];
    current = parent;
    const own = readIgnoreFile(current);
    if (own) found.unshift(own);
  }
  return [...repositoryExcludes(current), ...found];
}
