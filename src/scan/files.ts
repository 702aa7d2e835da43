/**
 * The source files a scan reads: the files named, and under each directory named every Python,
 * TypeScript and JavaScript file that git would not ignore (.gitignore files of the directory, of
 * those under it, and of those above it up to the repository's root), leaving out dependency and
 * virtual-environment folders.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
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
    walk(path, ancestorIgnores(path), add);
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

function isIgnored(ignores: IgnoreFile[], path: string, directory: boolean): boolean {
  return ignores.some(({ dir, rules }) => {
    const rel = relative(dir, path).split(sep).join('/');
    return !rel.startsWith('..') && rules.ignores(directory ? `${rel}/` : rel);
  });
}

function readIgnoreFile(dir: string): IgnoreFile | undefined {
  const file = join(dir, '.gitignore');
  if (!existsSync(file)) return undefined;
  return { dir, rules: ignore().add(readFileSync(file, 'utf8')) };
}

/** The .gitignore files above `dir` up to the repository root (the directory holding .git), outermost first; none outside a repository. */
function ancestorIgnores(dir: string): IgnoreFile[] {
  const found: IgnoreFile[] = [];
  for (let current = dir; !existsSync(join(current, '.git')); ) {
    const parent = dirname(current);
    if (parent === current) return [];
    current = parent;
    const own = readIgnoreFile(current);
    if (own) found.unshift(own);
  }
  return found;
}
