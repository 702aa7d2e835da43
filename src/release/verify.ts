/**
 * `reprov verify`: is this workspace what the bundle describes? Every file the bundle names with a
 * checksum (data inputs and outputs, artifacts, models, metric files, dependency files) is hashed
 * again, and the workspace's git commit, uncommitted changes and untracked files are compared
 * with the recorded code state. Each item is a match, a mismatch, missing, unreadable, refused
 * (its path would leave the root) or not checkable (the bundle records no checksum).
 *
 * Data and dependency files are resolved under the root (the run's working directory: `--root`,
 * default the current directory); metric files and a stored diff under the bundle's own
 * directory. Neither kind may leave the directory it is resolved under.
 *
 * A package list (`pip freeze`, recorded with `reprov record --python`) is taken again from the
 * same interpreter (`reprov:interpreter`), exactly as a recording takes it, and the packages
 * added, removed and changed since are reported (kind `packages`).
 */
import { BUNDLE_LOCK, BUNDLE_MARKER, BUNDLE_NAMES } from '../base/lock.js';
import { realpathSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { RunGraph } from '../prov/graph.js';
import { collectGit, type GitState } from '../collect/git.js';
import { DIRECTORY_DIGEST_METHOD, HashError, hashDirectory, hashFile } from '../base/hash.js';
import type { LoadedBundle } from '../io/load-bundle.js';
import { UserError } from '../base/user-error.js';
import { confine, inside } from '../base/confine.js';
import { locateSideFile } from '../base/side-file.js';
import { bundleFacts, type CodeFact, type DependencyFact, type FileFact, type FileRole } from './facts.js';
import { recordPipFreeze } from '../collect/dependencies.js';

export const VERIFY_STATUSES = ['match', 'mismatch', 'missing', 'unreadable', 'refused', 'unchecked'] as const;
export type VerifyStatus = (typeof VERIFY_STATUSES)[number];
/** Statuses that make verification fail (exit 1). */
export const FAILING_STATUSES: readonly VerifyStatus[] = ['mismatch', 'missing', 'unreadable', 'refused'];

export type VerifyKind = FileRole | 'diff' | 'commit' | 'changes' | 'untracked' | 'packages';

export interface VerifyItem {
  kind: VerifyKind;
  /** The PROV id of the node the item comes from. */
  id: string;
  /** The path as the bundle names it. */
  path?: string;
  status: VerifyStatus;
  expected?: string;
  actual?: string;
  /** One line a person can act on. */
  message: string;
}

export interface VerifyReport {
  bundle: string;
  /** The directory data and dependency files were resolved under (absolute). */
  root: string;
  /** True when no item failed. */
  ok: boolean;
  counts: Record<VerifyStatus, number>;
  items: VerifyItem[];
}

/** What a recorded bundle directory holds besides the bundle file (src/run/run.ts). */
const BUNDLE_LAYOUT = [...BUNDLE_NAMES, BUNDLE_MARKER, BUNDLE_LOCK];

export interface VerifyOptions {
  /** The run's working directory in this workspace (default: the current directory). */
  root?: string;
}

/** `--root` does not name a readable directory. */
export class VerifyRootError extends UserError {}

/** The bundle names no file and no code state: there is nothing to hold the workspace against (exit 2, not "verified"). */
export class NothingToVerifyError extends UserError {}

/** Verifies the workspace under `options.root` against a loaded bundle. */
export async function verifyBundle(bundle: LoadedBundle, options: VerifyOptions = {}): Promise<VerifyReport> {
  const root = realDirectory(options.root ?? process.cwd());
  const bundleDir = bundle.baseDir === undefined ? undefined : realpathSync(bundle.baseDir);
  const facts = bundleFacts(bundle);
  const items: VerifyItem[] = [];

  const seen = new Set<string>();
  const order: FileRole[] = ['input', 'output', 'dependency', 'metric'];
  const files = [...facts.files].sort((x, y) => order.indexOf(x.role) - order.indexOf(y.role) || (x.location ?? '').localeCompare(y.location ?? ''));
  const packageLists = facts.dependencies.filter((d) => d.interpreter !== undefined && d.packages.length > 0);
  for (const file of files) {
    if (file.location === undefined && packageLists.some((d) => d.id === file.id)) continue; // listed again below
    const key = [file.role, file.base, file.location, file.sha256, ...file.otherChecksums].join('\0');
    if (seen.has(key)) continue; // a merged bundle names each rank's copy of a shared file
    seen.add(key);
    items.push(await verifyFile(file, file.base === 'bundle' ? bundleDir : root, bundle.importedFrom !== undefined, file.base === 'bundle' ? bundle.baseDir : undefined));
  }

  for (const list of packageLists) items.push(await verifyPackages(list, root));

  const codeStates = facts.code.filter((c) => c.commit !== undefined || c.dirty !== undefined || c.noRepository !== undefined);
  if (codeStates.length) {
    const workspace = await workspaceGit(root);
    // The workspace's own products are not code: the bundle's files (as a recording lays them out) and the outputs it names.
    const products = [
      ...(bundleDir ? [basename(bundle.file), ...BUNDLE_LAYOUT].map((name) => join(bundleDir, name)) : []),
      ...facts.files.filter((f) => f.role === 'output' && f.location).map((f) => resolve(root, f.location ?? '')),
    ];
    for (const code of codeStates) items.push(...verifyCode(code, workspace, products), ...(await verifyStoredDiff(code, bundleDir, bundle.baseDir)));
  }

  // Nothing to verify is not a pass: "verified" would be said of a bundle that names nothing (a fragment, the wrong file).
  if (!items.length) throw new NothingToVerifyError(`${bundle.file}: the bundle names nothing to verify (no file, no code state); nothing was checked`);
  const counts = Object.fromEntries(VERIFY_STATUSES.map((s) => [s, 0])) as Record<VerifyStatus, number>;
  for (const item of items) counts[item.status]++;
  return { bundle: bundle.file, root, ok: items.every((i) => !FAILING_STATUSES.includes(i.status)), counts, items };
}

function realDirectory(path: string): string {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) throw new VerifyRootError(`--root ${path}: no such directory`);
  if (!stats.isDirectory()) throw new VerifyRootError(`--root ${path}: not a directory`);
  return realpathSync(path);
}

// --- files ----------------------------------------------------------------------------------

/**
 * `imported`: the bundle is yProv4ML output, whose digests (yProv4ML records none) reprov took while reading it, not while the run ran.
 * `alias`: for the bundle's own files, its directory as named (they are found as their producer meant them: src/base/side-file.ts).
 */
async function verifyFile(file: FileFact, base: string | undefined, imported: boolean, alias?: string): Promise<VerifyItem> {
  const item = (status: VerifyStatus, message: string, extra: Partial<VerifyItem> = {}): VerifyItem => ({
    kind: file.role, id: file.id, ...(file.location !== undefined ? { path: file.location } : {}), status, message, ...extra,
  });
  if (file.location === undefined) return item('unchecked', 'the bundle names no path for it');
  const located = base === undefined ? undefined : file.base === 'bundle' ? locateSideFile(base, file.location, { alias }) : { ...confine(base, file.location), path: file.location };
  // Not checkable, but whether the bundle's own file is at hand is still worth saying.
  const atHand = () => {
    if (file.base !== 'bundle' || !located) return '';
    if (!located.ok) return `; not followed: ${located.reason}`;
    return statSync(located.absolute, { throwIfNoEntry: false }) ? `; the file is at hand${located.path === file.location ? '' : ` as ${located.path}`}` : `; the file is not under ${base}`;
  };
  if (file.sha256 === undefined) {
    const other = file.otherChecksums.length ? ` (only ${file.otherChecksums.join(', ')}, which reprov does not re-hash)` : '';
    return item('unchecked', `no SHA-256 recorded${other}${atHand()}`);
  }
  if (imported) return item('unchecked', `yProv4ML records no digest: the SHA-256 beside it was taken when reprov read the yProv4ML document, not when the run ran${atHand()}`);
  const expectDirectory = file.directory || file.digestMethod !== undefined;
  if (expectDirectory && file.digestMethod !== undefined && file.digestMethod !== DIRECTORY_DIGEST_METHOD) {
    return item('unchecked', `directory digest method ${file.digestMethod} is not one reprov computes (${DIRECTORY_DIGEST_METHOD})`);
  }
  if (base === undefined || located === undefined) return item('unchecked', 'the bundle was read without a directory to resolve its files against');
  const where = located;
  if (!where.ok) return item('refused', `not followed: ${where.reason} (${base})`);

  const stats = statSync(where.absolute, { throwIfNoEntry: false });
  if (!stats) return item('missing', `no such file or directory under ${base}`, { expected: file.sha256 });
  if (stats.isDirectory() !== expectDirectory) {
    const was = expectDirectory ? 'a directory' : 'a file';
    return item('mismatch', `recorded as ${was}, now ${stats.isDirectory() ? 'a directory' : 'not a directory'}`, { expected: file.sha256 });
  }
  let actual: string;
  try {
    actual = (expectDirectory ? await hashDirectory(where.absolute, { progress: 'auto' }) : await hashFile(where.absolute, { progress: 'auto' })).sha256;
  } catch (error) {
    if (!(error instanceof HashError)) throw error;
    const status = error.code === 'ENOENT' ? 'missing' : 'unreadable';
    return item(status, `cannot read it: ${error.problem}`, { expected: file.sha256 });
  }
  return actual === file.sha256
    ? item('match', 'same content (SHA-256)', { expected: file.sha256, actual })
    : item('mismatch', 'the content differs from the recorded SHA-256', { expected: file.sha256, actual });
}

// --- packages -------------------------------------------------------------------------------

/** Lists the packages of the bundle's interpreter again (as a recording does) and compares them with the recorded list. */
async function verifyPackages(list: DependencyFact, root: string): Promise<VerifyItem> {
  const python = list.interpreter ?? '';
  const item = (status: VerifyStatus, message: string, extra: Partial<VerifyItem> = {}): VerifyItem => ({ kind: 'packages', id: list.id, path: python, status, message, ...extra });
  const graph = new RunGraph('urn:reprov:verify/');
  const now = await recordPipFreeze({ graph, run: graph.node('run'), cwd: root, env: process.env }, python);
  const recorded = `${list.packages.length} packages`;
  if (now.unknownReason !== undefined) {
    return item(/ not found$/.test(now.unknownReason) ? 'missing' : 'unreadable', `cannot list the packages again: ${now.unknownReason}`, { expected: recorded });
  }
  const versions = (lines: string[]) => new Map(lines.map((l) => [l.slice(0, l.indexOf('==')).toLowerCase().replace(/[-_.]+/g, '-'), l.slice(l.indexOf('==') + 2)]));
  const before = versions(list.packages);
  const after = versions(now.packages);
  const added = [...after].filter(([n]) => !before.has(n)).map(([n, v]) => `${n} ${v}`);
  const removed = [...before].filter(([n]) => !after.has(n)).map(([n, v]) => `${n} ${v}`);
  const changed = [...after].filter(([n, v]) => before.has(n) && before.get(n) !== v).map(([n, v]) => `${n} ${before.get(n)} -> ${v}`);
  const some = (what: string, names: string[]) => names.length ? `${what} ${names.slice(0, 5).join(', ')}${names.length > 5 ? `, … (${names.length})` : ''}` : '';
  if (!added.length && !removed.length && !changed.length) return item('match', `${python} has the same ${after.size} packages at the same versions`, { expected: recorded, actual: `${now.packages.length} packages` });
  const message = [some('changed:', changed), some('added:', added), some('removed:', removed)].filter(Boolean).join('; ');
  return item('mismatch', `${python} now has other packages than the run: ${message}`, { expected: recorded, actual: `${now.packages.length} packages` });
}

// --- code -----------------------------------------------------------------------------------

/** The workspace's git state, collected exactly as a recording does (into a graph that is then dropped). */
async function workspaceGit(root: string): Promise<GitState> {
  const graph = new RunGraph('urn:reprov:verify/');
  return collectGit({ graph, run: graph.node('run'), cwd: root, env: process.env });
}

function verifyCode(code: CodeFact, workspace: GitState, products: string[]): VerifyItem[] {
  const item = (kind: VerifyKind, status: VerifyStatus, message: string, extra: Partial<VerifyItem> = {}): VerifyItem => ({ kind, id: code.id, status, message, ...extra });
  if (code.noRepository !== undefined) return [item('commit', 'unchecked', `the run's code was in no git repository (${code.noRepository})`)];
  if (workspace.unknown) {
    const status = workspace.noRepository ? 'missing' : 'unreadable';
    return [item('commit', status, `the workspace's git state is unknown: ${workspace.reason}`, code.commit ? { expected: code.commit } : {})];
  }
  const items: VerifyItem[] = [];

  const actualCommit = workspace.commit;
  if (code.commit === undefined) items.push(item('commit', 'unchecked', 'the bundle records no commit'));
  else if (actualCommit === undefined) items.push(item('commit', 'mismatch', 'the workspace repository has no commits', { expected: code.commit }));
  else {
    // yProv4ML and people sometimes record an abbreviated commit.
    const same = code.commit.length >= 7 && actualCommit.startsWith(code.commit.toLowerCase());
    items.push(item('commit', same ? 'match' : 'mismatch', same ? 'HEAD is the recorded commit' : 'HEAD is a different commit', { expected: code.commit, actual: actualCommit }));
  }

  // Tracked changes: the digest of `git diff HEAD`, or none at all.
  const none = 'no uncommitted changes';
  const expected = code.diffSha256 ?? (code.dirty === false || code.changedFileCount === 0 ? none : undefined);
  if (expected === undefined) {
    items.push(item('changes', 'unchecked', code.dirty === undefined ? 'the bundle does not record whether the working tree was clean' : 'the tree had uncommitted changes but the bundle records no digest of them (reprov:diffSha256)'));
  } else if (workspace.changedFileCount > 0 && workspace.diffSha256 === undefined) {
    items.push(item('changes', 'unreadable', `cannot take the workspace's diff: ${workspace.diffOmittedReason ?? 'git diff HEAD failed'}`, { expected }));
  } else {
    const actual = workspace.diffSha256 ?? none;
    const changed = workspace.changedFiles.slice(0, 3).join(', ') + (workspace.changedFileCount > 3 ? ', …' : '');
    const message = actual === expected
      ? expected === none ? 'no uncommitted changes to tracked files, as recorded' : 'the same uncommitted changes (SHA-256 of git diff HEAD)'
      : actual === none ? 'the recorded uncommitted changes are not in the workspace'
        : expected === none ? `the workspace has uncommitted changes the run did not have (${changed})` : `the workspace's uncommitted changes differ (${changed})`;
    items.push(item('changes', actual === expected ? 'match' : 'mismatch', message, { expected, actual }));
  }

  // Untracked files hold code no diff covers; the bundle and the run's outputs are left out on both sides.
  const listedAll = code.untrackedFileCount === undefined ? code.dirty === false : code.untrackedFiles.length >= code.untrackedFileCount;
  if (!listedAll) {
    items.push(item('untracked', 'unchecked', code.untrackedFileCount === undefined ? 'the bundle does not list untracked files' : `the bundle lists ${code.untrackedFiles.length} of ${code.untrackedFileCount} untracked files`));
  } else {
    const isProduct = (path: string) => products.some((p) => inside(p, resolve(workspace.root, path)));
    const recorded = code.untrackedFiles.filter((f) => !isProduct(f));
    const actual = workspace.untrackedFiles.filter((f) => !isProduct(f));
    const added = actual.filter((f) => !recorded.includes(f));
    const gone = recorded.filter((f) => !actual.includes(f));
    const show = (files: string[]) => files.length ? files.join(', ') : 'none';
    const some = (files: string[]) => files.slice(0, 3).join(', ') + (files.length > 3 ? ', …' : '');
    const message = !added.length && !gone.length ? `the same untracked files (${recorded.length})`
      : [added.length && `not recorded: ${some(added)}`, gone.length && `recorded but absent: ${some(gone)}`].filter(Boolean).join('; ');
    items.push(item('untracked', added.length || gone.length ? 'mismatch' : 'match', message, { expected: show(recorded), actual: show(actual) }));
  }
  return items;
}

/** A diff stored in the bundle (`reprov:diffFile`): present, and equal to the recorded digest unless redaction changed it. */
async function verifyStoredDiff(code: CodeFact, bundleDir: string | undefined, alias?: string): Promise<VerifyItem[]> {
  if (code.diffFile === undefined) return [];
  const item = (status: VerifyStatus, message: string, extra: Partial<VerifyItem> = {}): VerifyItem => ({ kind: 'diff', id: code.id, path: code.diffFile, status, message, ...extra });
  if (bundleDir === undefined) return [item('unchecked', 'the bundle was read without a directory to resolve its files against')];
  const where = locateSideFile(bundleDir, code.diffFile, { alias });
  if (!where.ok) return [item('refused', `not followed: ${where.reason} (${bundleDir})`)];
  let actual: string;
  try {
    actual = (await hashFile(where.absolute)).sha256;
  } catch (error) {
    if (!(error instanceof HashError)) throw error;
    return [item(error.code === 'ENOENT' ? 'missing' : 'unreadable', `cannot read the stored diff: ${error.problem}`)];
  }
  if (code.diffSha256 === undefined) return [item('unchecked', 'the stored diff is present; the bundle records no digest to compare it with', { actual })];
  return actual === code.diffSha256
    ? [item('match', 'the stored diff has the recorded SHA-256', { expected: code.diffSha256, actual })]
    : [item('unchecked', 'the stored diff is present but differs from reprov:diffSha256 (secrets redacted from the stored copy change its digest)', { expected: code.diffSha256, actual })];
}
