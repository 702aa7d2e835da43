/**
 * The git state of the code a run executes: which commit, on which branch, from which remote,
 * and whether the working tree differs from that commit (changed and untracked files, and a
 * SHA-256 of `git diff HEAD` that pins the uncommitted changes). Reproducing a run starts from
 * exactly this code, so a check can flag uncommitted or unversioned code.
 *
 * `dirty` is true when tracked files differ from HEAD (staged or not) or when there are untracked,
 * non-ignored files: an untracked module the entry point imports is code the commit does not hold.
 * The diff digest covers tracked changes only (untracked files are listed by path).
 *
 * The remote URL loses its credentials (`redactUrl`) and the diff text, when asked for, goes
 * through `redactText`; the digest is taken over the raw bytes of the diff so that it can be
 * compared with `git diff HEAD` run on the same tree.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { DataFactory, type NamedNode } from 'n3';
import { XSD } from '../prov/namespaces.js';
import { prov, reprov, schema } from '../prov/vocabulary.js';
import type { CollectContext, Unknown } from './context.js';
import { redactText, redactUrl } from '../base/redact.js';

const { namedNode, literal, quad } = DataFactory;
const XSD_ANY_URI = namedNode(`${XSD}anyURI`);

/** How many changed and untracked paths are recorded one by one; the totals are always recorded. */
export const MAX_LISTED_FILES = 1000;

export interface CollectGitOptions {
  /** Return the (redacted) text of `git diff HEAD` in `GitState.diff`, for the caller to store as an artifact. */
  includeDiff?: boolean;
  /** Diff text larger than this is not returned (the digest is still taken). Default 64 MiB. */
  maxDiffBytes?: number;
  /** The git executable (default `git`). */
  gitBinary?: string;
  /**
   * Absolute paths of the recorder's own files (the bundle being written: its marker, lock,
   * prov.json, ...): not counted as changed or untracked code. Real paths, as git reports them.
   */
  ignore?: string[];
}

export interface GitInfo {
  unknown: false;
  /** The code node (`<base>code`). */
  node: NamedNode;
  /** The repository's top-level directory. */
  root: string;
  /** The remote the URL comes from (`origin`, or the first remote). */
  remoteName?: string;
  /** The remote's fetch URL, credentials stripped. */
  remoteUrl?: string;
  /** The commit HEAD points to; absent when the repository has no commits yet. */
  commit?: string;
  /** True when the repository has no commits yet. */
  noCommits: boolean;
  /** The branch HEAD is on (also an unborn branch); absent on a detached HEAD. */
  branch?: string;
  detachedHead: boolean;
  dirty: boolean;
  /** Paths (relative to the root) that differ from HEAD, staged or not; at most MAX_LISTED_FILES. */
  changedFiles: string[];
  changedFileCount: number;
  /** Untracked, non-ignored paths (relative to the root); at most MAX_LISTED_FILES. */
  untrackedFiles: string[];
  untrackedFileCount: number;
  /** SHA-256 (hex) of the bytes of `git diff HEAD`; absent when there is nothing to diff or no commit. */
  diffSha256?: string;
  /** The diff text, redacted, when `includeDiff` was asked for and the tree differs from HEAD. */
  diff?: string;
  /** True when redaction changed the diff text (so it no longer matches diffSha256). */
  diffRedacted?: boolean;
  /** Why `diff` is absent although it was asked for. */
  diffOmittedReason?: string;
}

export interface GitUnknown extends Unknown {
  node: NamedNode;
  /** True when git ran and said the directory is not in a repository (false: git could not run or failed). */
  noRepository: boolean;
}

export type GitState = GitInfo | GitUnknown;

/** Collects the git state of `ctx.cwd` and adds it to the graph as `<base>code`. */
export async function collectGit(ctx: CollectContext, options: CollectGitOptions = {}): Promise<GitState> {
  const { graph } = ctx;
  const node = graph.node('code');
  graph.describe(node, [prov.Entity, schema.SoftwareSourceCode, reprov.CodeState], 'code state');
  graph.add(ctx.run, prov.used, node);

  const state = await inspect(ctx.cwd, node, options);
  if (state.unknown) {
    graph.add(node, state.noRepository ? reprov.noRepositoryReason : reprov.unknownReason, state.reason);
    return state;
  }
  // An xsd:anyURI literal (an IRI object would be cut into a made-up prefix in PROV-JSON); scp-like remotes stay plain strings.
  if (state.remoteUrl) graph.quads.push(quad(node, schema.codeRepository, isUrl(state.remoteUrl) ? literal(state.remoteUrl, XSD_ANY_URI) : literal(state.remoteUrl)));
  graph.add(node, reprov.commit, state.commit);
  if (state.noCommits) graph.add(node, reprov.unknownReason, `commit: the repository at ${state.root} has no commits yet`);
  graph.add(node, reprov.branch, state.branch);
  graph.add(node, reprov.detachedHead, state.detachedHead);
  graph.add(node, reprov.dirty, state.dirty);
  for (const file of state.changedFiles) graph.add(node, reprov.changedFile, file);
  graph.add(node, reprov.changedFileCount, state.changedFileCount);
  for (const file of state.untrackedFiles) graph.add(node, reprov.untrackedFile, file);
  graph.add(node, reprov.untrackedFileCount, state.untrackedFileCount);
  graph.add(node, reprov.diffSha256, state.diffSha256);
  return state;
}

async function inspect(cwd: string, node: NamedNode, options: CollectGitOptions): Promise<GitState> {
  const binary = options.gitBinary ?? 'git';
  const unknown = (reason: string, noRepository = false): GitUnknown => ({ unknown: true, reason, node, noRepository });
  if (!existsSync(cwd)) return unknown(`not a git repository: ${cwd} does not exist`, true);

  // Three independent questions asked at once: process start-up dominates each of them, and
  // `git status --porcelain=v2 --branch` answers commit, branch and changes in one process.
  const git = (...args: string[]) => runGit(binary, cwd, args);
  const [top, status, remotes] = await Promise.allSettled([
    git('rev-parse', '--show-toplevel'),
    git('--no-optional-locks', 'status', '--porcelain=v2', '--branch', '-z', '--untracked-files=all'),
    git('remote', '-v'),
  ]);
  if (top.status === 'rejected') {
    const error = top.reason as GitError;
    if (error.code === 'ENOENT') return unknown(`git is not installed (could not run \`${binary}\`)`);
    if (/not a git repository/i.test(error.message)) return unknown(`not a git repository: ${cwd}`, true);
    return unknown(`git failed in ${cwd}: ${error.message}`);
  }
  const root = top.value.trim();
  if (!root) return unknown(`not a git work tree: ${cwd}`, true);
  if (status.status === 'rejected') return unknown(`git failed in ${root}: ${(status.reason as Error).message}`);

  const parsed = parseStatus(status.value);
  const { commit, branch } = parsed;
  const own = (path: string) => (options.ignore ?? []).some((ignored) => {
    const full = join(root, path);
    return full === ignored || full.startsWith(ignored + sep);
  });
  const changed = parsed.changed.filter((path) => !own(path));
  const untracked = parsed.untracked.filter((path) => !own(path));
  const state: GitInfo = {
    unknown: false, node, root, noCommits: !commit, detachedHead: !branch && !!commit,
    dirty: changed.length > 0 || untracked.length > 0,
    changedFiles: changed.slice(0, MAX_LISTED_FILES), changedFileCount: changed.length,
    untrackedFiles: untracked.slice(0, MAX_LISTED_FILES), untrackedFileCount: untracked.length,
  };
  if (commit) state.commit = commit;
  if (branch) state.branch = branch;
  const remote = remotes.status === 'fulfilled' ? parseRemotes(remotes.value) : undefined;
  if (remote) Object.assign(state, { remoteName: remote.name, remoteUrl: redactUrl(remote.url) });

  if (commit && changed.length) {
    const limit = options.includeDiff ? options.maxDiffBytes ?? 64 * 2 ** 20 : 0;
    const diff = await diffHead(binary, root, limit).catch((error: unknown) => ({ error: errorMessage(error) }));
    if ('error' in diff) {
      state.diffOmittedReason = diff.error;
    } else if (diff.size) {
      state.diffSha256 = diff.sha256;
    }
    if (options.includeDiff && !('error' in diff) && diff.size) {
      if (diff.text === undefined) {
        state.diffOmittedReason = `the diff is ${diff.size} bytes, more than the limit of ${limit}`;
      } else {
        state.diff = redactText(diff.text);
        state.diffRedacted = state.diff !== diff.text;
      }
    }
  }
  return state;
}

type GitError = Error & { code?: string | number };

/** Runs git and resolves with its standard output; rejects with the first line of its standard error. */
function runGit(binary: string, cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { cwd, maxBuffer: 256 * 2 ** 20 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const failure: GitError = new Error(errorMessage(stderr || error));
      failure.code = (error as NodeJS.ErrnoException).code;
      reject(failure);
    });
  });
}

/** `git remote -v`: the remote the code came from (`origin`, else the first one) and its fetch URL. */
export function parseRemotes(output: string): { name: string; url: string } | undefined {
  const remotes = new Map<string, string>();
  for (const line of output.split('\n')) {
    const match = /^(\S+)\t(.+?) \((fetch|push)\)$/.exec(line);
    if (match && (match[3] === 'fetch' || !remotes.has(match[1]!))) remotes.set(match[1]!, match[2]!);
  }
  const name = remotes.has('origin') ? 'origin' : [...remotes.keys()][0];
  return name ? { name, url: remotes.get(name)! } : undefined;
}

export interface StatusSummary {
  /** The commit HEAD points to; absent before the first commit. */
  commit?: string;
  /** The branch HEAD is on (also an unborn one); absent on a detached HEAD. */
  branch?: string;
  /** Paths (relative to the root) that differ from HEAD, staged or not, renames' sources included; sorted. */
  changed: string[];
  /** Untracked, non-ignored paths (relative to the root); sorted. */
  untracked: string[];
}

/** `git status --porcelain=v2 --branch -z` (paths are relative to the repository root). */
export function parseStatus(output: string): StatusSummary {
  const summary: StatusSummary = { changed: [], untracked: [] };
  const changed = new Set<string>();
  const entries = output.split('\0');
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] ?? '';
    if (entry.startsWith('# branch.oid ')) {
      const oid = entry.slice('# branch.oid '.length);
      if (oid !== '(initial)') summary.commit = oid;
    } else if (entry.startsWith('# branch.head ')) {
      const head = entry.slice('# branch.head '.length);
      if (head !== '(detached)') summary.branch = head;
    } else if (entry.startsWith('? ')) {
      summary.untracked.push(entry.slice(2));
    } else if (entry.startsWith('1 ')) {
      changed.add(field(entry, 8));
    } else if (entry.startsWith('u ')) {
      changed.add(field(entry, 10));
    } else if (entry.startsWith('2 ')) {
      changed.add(field(entry, 9));
      // A rename or copy is followed by its source path; a renamed-away source changed too.
      const from = entries[++i];
      if (from && entry[2] === 'R') changed.add(from);
    }
  }
  summary.changed = [...changed].sort();
  summary.untracked.sort();
  return summary;
}

/** The rest of a porcelain v2 line after `fields` space-separated fields: the path, spaces and all. */
function field(entry: string, fields: number): string {
  let at = 0;
  for (let n = 0; n < fields; n++) at = entry.indexOf(' ', at) + 1;
  return entry.slice(at);
}

/** Streams `git diff HEAD` (binary-safe, independent of the user's diff configuration) into SHA-256. */
function diffHead(binary: string, root: string, keepUpTo: number): Promise<{ sha256: string; size: number; text?: string }> {
  const args = [
    '-c', 'core.quotePath=true', '-c', 'diff.noprefix=false', '-c', 'diff.mnemonicPrefix=false', '-c', 'diff.relative=false',
    '--no-optional-locks', 'diff', 'HEAD', '--binary', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames',
    '--src-prefix=a/', '--dst-prefix=b/', '--',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
      if (size <= keepUpTo) chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`git diff HEAD exited with ${code}: ${stderr.trim()}`));
      const result: { sha256: string; size: number; text?: string } = { sha256: hash.digest('hex'), size };
      if (size <= keepUpTo) result.text = Buffer.concat(chunks).toString('utf8');
      resolve(result);
    });
  });
}

/** Whether the remote is an absolute URL (not scp-like `git@host:path` or a local path). */
function isUrl(url: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\/\S+$/.test(url);
}

function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').map((l) => l.trim()).find(Boolean) ?? 'unknown error';
}
