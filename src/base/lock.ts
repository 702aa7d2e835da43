/**
 * Who owns a directory reprov writes (a run's bundle, an imported bundle, a merged bundle, an
 * RO-Crate), and who is writing it now.
 *
 * - The marker `.reprov-bundle` (JSON: tool, run id, pid, host, start) says reprov wrote the
 *   directory. A directory without it that is not empty is someone else's: it is never emptied
 *   nor replaced, whatever the flags. One with it is replaced only with `--overwrite`.
 * - A run (`share`) may put its bundle into a directory that holds other files (the run's own
 *   working directory), as long as none of them is a name the bundle writes (prov.json,
 *   prov.ttl, metrics/, artifacts/): the marker then says `shared`, a later run replaces only the
 *   bundle's own files, and a whole-directory writer (import, merge, export) never replaces it.
 * - The lock `.reprov-bundle.lock` (created with O_EXCL; JSON: pid, host, start) is held while a
 *   writer works in the directory. A second writer is refused while the holder lives; a lock whose
 *   process is gone from this host is stale and taken over, with a note.
 * - The ranks of a distributed run (`rank`) share one directory: each has its own marker
 *   `.reprov-bundle.rank<N>`, lock `.reprov-bundle.rank<N>.lock` and files (`prov.rank<N>.json`,
 *   `prov.rank<N>.ttl`, `metrics/*_GR<N>.csv`, `artifacts/*.rank<N>.*`), so ranks never refuse
 *   each other while two writers of one rank still do, and `--overwrite` replaces one rank's files
 *   only. A whole-directory writer (import, merge, export) never replaces a directory of ranks.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { isAlive, removeOnExit, withOutput } from './output.js';
import { pathError, PathError, UserError } from './user-error.js';

export const BUNDLE_MARKER = '.reprov-bundle';
export const BUNDLE_LOCK = '.reprov-bundle.lock';
/** What a run's bundle consists of, beside its marker: all that replacing a run's bundle removes. */
export const BUNDLE_NAMES: ReadonlySet<string> = new Set(['prov.json', 'prov.ttl', 'metrics', 'artifacts']);

/** `.rank<N>` for a distributed run's rank, `` for a run of one process: what sets a rank's file names apart. */
export function rankSuffix(rank?: number): string {
  return rank === undefined ? '' : `.rank${rank}`;
}

/** The marker of a run's bundle (`.reprov-bundle`, or a rank's `.reprov-bundle.rank<N>`). */
export function markerName(rank?: number): string {
  return `${BUNDLE_MARKER}${rankSuffix(rank)}`;
}

/** The lock of a run's bundle (`.reprov-bundle.lock`, or a rank's `.reprov-bundle.rank<N>.lock`). */
export function lockName(rank?: number): string {
  return `${BUNDLE_MARKER}${rankSuffix(rank)}.lock`;
}

/** The bundle files of a run (`prov.json`, `prov.ttl`), or of a rank (`prov.rank<N>.json`, `prov.rank<N>.ttl`). */
export function bundleFileNames(rank?: number): [json: string, turtle: string] {
  return [`prov${rankSuffix(rank)}.json`, `prov${rankSuffix(rank)}.ttl`];
}

const RANK_MARKER = /^\.reprov-bundle\.rank\d+$/;
const ANY_LOCK = /^\.reprov-bundle(?:\.rank\d+)?\.lock$/;
const RANK_FILE = /^prov\.rank\d+\.(?:json|ttl)$/;

/** Whether `name` is reprov's marker, of a run or of a rank. */
export function isMarkerName(name: string): boolean {
  return name === BUNDLE_MARKER || RANK_MARKER.test(name);
}

/** Whether `name` is a lock reprov holds on a directory, of a run or of a rank. */
export function isLockName(name: string): boolean {
  return ANY_LOCK.test(name);
}

/** Whether a file in `metrics/` or `artifacts/` is a rank's (`*_GR<N>.csv`, `*.rank<N>.*`); a run of one process has rank 0's metric files. */
function ownsRankFile(folder: string, name: string, rank: number | undefined): boolean {
  if (folder === 'metrics') return new RegExp(`_GR${rank ?? 0}(?:-\\d+)?\\.csv$`).test(name);
  const tagged = /\.rank(\d+)\./.exec(name);
  return rank === undefined ? !tagged : tagged?.[1] === String(rank);
}

/** What the marker and the lock say. */
export interface DirectoryOwner {
  /** The command or API that wrote it (`reprov record`, `reprov merge`, ...). */
  tool: string;
  runId?: string;
  pid: number;
  host: string;
  /** ISO time the writer started. */
  started: string;
  /** Set in the marker once the writer finished (`succeeded`, `failed`, `interrupted`, `written`). */
  status?: string;
  /** The directory holds other files beside the bundle: only the bundle's own may be replaced. */
  shared?: boolean;
}

export interface ClaimOptions {
  tool: string;
  runId?: string;
  /** Replace an existing reprov bundle (one with the marker). Never a directory without it. */
  overwrite?: boolean;
  /** What the directory holds, in the refusal messages (`a reprov bundle`, `an RO-Crate`). */
  what?: string;
  /** How messages name the directory (default: the path given). */
  label?: string;
  /** A run's bundle: may go into a directory that holds other files (see the file comment). */
  share?: boolean;
  /** A distributed run's rank: its own marker, lock and files in a directory its ranks share (with `share`). */
  rank?: number;
}

export interface DirectoryClaim {
  /** The absolute path of the directory, which exists and is locked by this process. */
  readonly dir: string;
  /** The owner recorded in the lock and the marker. */
  readonly owner: DirectoryOwner;
  /** True when the directory holds an earlier bundle that `overwrite` allows replacing. */
  readonly replaces: boolean;
  /** Things the user should know (a stale lock taken over). */
  readonly notes: string[];
  /** Writes the marker into `dir` (default: the claimed directory). */
  writeMarker(dir?: string, status?: string): Promise<void>;
  /** Removes the earlier bundle's files (prov.json, prov.ttl, metrics/, artifacts/) when it is ours to replace; nothing else. */
  empty(): void;
  /** Gives up the lock. Idempotent. */
  release(): void;
  /** Gives up the lock and removes the directory again when this claim created it (nothing was written). */
  abandon(): void;
}

/** Reads a marker or a lock; undefined when absent or not what reprov writes. */
export function readOwner(path: string): DirectoryOwner | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as DirectoryOwner;
    return typeof value === 'object' && value !== null && typeof value.pid === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `dir` carries reprov's marker. */
export function isReprovDirectory(dir: string): boolean {
  return statSync(join(dir, BUNDLE_MARKER), { throwIfNoEntry: false })?.isFile() ?? false;
}

/**
 * Creates `target` (and its parents) when missing, locks it, and checks that it is ours to write:
 * empty, or a reprov bundle and `overwrite`. Throws a one-line UserError otherwise (nothing is
 * changed then, and a directory this call created is removed again).
 */
export function claimDirectory(target: string, options: ClaimOptions): DirectoryClaim {
  const dir = resolve(target);
  target = options.label ?? target;
  const what = options.what ?? 'a reprov bundle';
  let existing;
  try {
    existing = statSync(dir, { throwIfNoEntry: false });
  } catch (error) {
    throw pathError(error, target) ?? error;
  }
  if (existing && !existing.isDirectory()) throw new PathError(target, 'ENOTDIR', 'exists and is not a directory');
  let created: string | undefined;
  try {
    created = mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw pathError(error, target) ?? error;
  }
  const undo = () => {
    if (created) rmSync(created, { recursive: true, force: true });
  };
  const owner: DirectoryOwner = { tool: options.tool, pid: process.pid, host: hostname(), started: new Date().toISOString() };
  if (options.runId) owner.runId = options.runId;
  const notes: string[] = [];
  const rank = options.share ? options.rank : undefined;
  const ownMarker = markerName(rank);
  const ownFiles = new Set(bundleFileNames(rank));
  const lockPath = join(dir, lockName(rank));
  let forget: () => void;
  try {
    forget = acquire(lockPath, target, owner, notes);
  } catch (error) {
    undo();
    throw error;
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    // Ours only while it still says so: a lock another writer took over is theirs.
    if (readOwner(lockPath)?.pid === process.pid) rmSync(lockPath, { force: true });
    forget();
  };
  let replaces = false;
  /** Other ranks' bundles share the directory: replacing ours removes our files only. */
  let ranksBeside = false;
  try {
    // Locks are not content: the other ranks' locks say who writes, not what the directory holds.
    const entries = readdirSync(dir).filter((name) => !isLockName(name));
    const markers = entries.filter(isMarkerName);
    const bundleFiles = entries.filter((name) => BUNDLE_NAMES.has(name) || RANK_FILE.test(name));
    const others = entries.filter((name) => !isMarkerName(name) && !BUNDLE_NAMES.has(name) && !RANK_FILE.test(name));
    ranksBeside = markers.some((name) => name !== ownMarker);
    if (entries.length) {
      if (!markers.length) {
        if (!options.share || bundleFiles.length) {
          throw new UserError(`${target}: not empty and not written by reprov (no ${BUNDLE_MARKER}${bundleFiles.length ? `; it holds ${bundleFiles.join(', ')}` : ''}): refusing to write into it; choose another directory`);
        }
      } else if (!options.share && markers.some((name) => RANK_MARKER.test(name))) {
        throw new UserError(`${target}: holds the bundles of a distributed run's ranks (${markers.filter((name) => RANK_MARKER.test(name)).slice(0, 3).join(', ')}${markers.length > 3 ? ', …' : ''}): refusing to replace the whole directory; choose another directory`);
      } else if (!markers.includes(ownMarker)) {
        // Another rank's (or the single run's) directory: ours to share, unless our own names are there unmarked.
        const clash = entries.filter((name) => ownFiles.has(name));
        if (clash.length) throw new UserError(`${target}: holds ${clash.join(', ')} without ${ownMarker}: not written by reprov for this ${rank === undefined ? 'run' : `rank (${rank})`}: refusing to write into it; choose another directory`);
      } else if (!options.overwrite) {
        const previous = readOwner(join(dir, ownMarker));
        const by = previous ? ` (${previous.runId ? `run ${previous.runId}, ` : ''}written by ${previous.tool} at ${previous.started})` : '';
        throw new UserError(`${target} already holds ${what}${rank === undefined ? '' : ` of rank ${rank}`}${by}: pass --overwrite to replace it, or choose another directory`);
      } else if (!options.share && (others.length && readOwner(join(dir, BUNDLE_MARKER))?.shared)) {
        throw new UserError(`${target}: holds a run's bundle beside files that are not reprov's: refusing to replace the whole directory; choose another directory`);
      } else replaces = true;
    }
    if (options.share && others.length) owner.shared = true;
  } catch (error) {
    release();
    undo();
    throw pathError(error, target) ?? error;
  }
  return {
    dir,
    owner,
    replaces,
    notes,
    release,
    abandon() {
      release();
      undo();
    },
    async writeMarker(into = dir, status) {
      const marker = status ? { ...owner, status } : owner;
      await withOutput(join(into, ownMarker), async (sink) => sink.write(JSON.stringify(marker, null, 2) + '\n'));
    },
    empty() {
      if (!replaces) return;
      if (rank === undefined && !ranksBeside) {
        // A run's bundle is its own files; what else is in the directory stays.
        for (const name of readdirSync(dir)) if (BUNDLE_NAMES.has(name)) rmSync(join(dir, name), { recursive: true, force: true });
        return;
      }
      // Ranks share metrics/ and artifacts/: only this rank's files in them go.
      for (const name of ownFiles) rmSync(join(dir, name), { force: true });
      for (const folder of ['metrics', 'artifacts']) {
        let names: string[] = [];
        try {
          names = readdirSync(join(dir, folder));
        } catch {
          continue;
        }
        for (const name of names) if (ownsRankFile(folder, name, rank)) rmSync(join(dir, folder, name), { recursive: true, force: true });
      }
    },
  };
}

/** Creates the lock file with O_EXCL; takes over a stale one once. Returns the cleanup's unregister. */
function acquire(lockPath: string, target: string, owner: DirectoryOwner, notes: string[]): () => void {
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockPath, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw pathError(error, target) ?? error;
      const holder = readOwner(lockPath);
      if (!isStale(lockPath, holder)) {
        const who = holder ? `${holder.tool}${holder.runId ? ` (run ${holder.runId})` : ''}, pid ${holder.pid} on ${holder.host} since ${holder.started}` : 'another writer';
        throw new UserError(`${target}: in use by ${who}: wait for it to finish, or choose another directory`);
      }
      rmSync(lockPath, { force: true });
      notes.push(holder
        ? `took over a stale lock on ${target}: pid ${holder.pid} on ${holder.host} (${holder.tool}, started ${holder.started}) is gone`
        : `took over a stale, unreadable lock on ${target}`);
      continue;
    }
    const forget = removeOnExit(lockPath);
    try {
      writeSync(fd, JSON.stringify(owner) + '\n');
    } catch (error) {
      closeSync(fd);
      unlinkSync(lockPath);
      forget();
      throw pathError(error, lockPath) ?? error;
    }
    closeSync(fd);
    return forget;
  }
}

/** A lock is stale when its process is gone from this host, or it is unreadable and older than a few seconds (its writer died between creating and filling it). */
function isStale(lockPath: string, holder: DirectoryOwner | undefined): boolean {
  if (!holder) {
    const age = Date.now() - (statSync(lockPath, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    return age > 5_000;
  }
  if (holder.host !== hostname()) return false;
  return holder.pid !== process.pid && !isAlive(holder.pid);
}
