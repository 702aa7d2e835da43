/**
 * The parse cache of `reprov runs` and `reprov query`: what reading a bundle gave (its triples as
 * N-Triples, its runs, and its check score per configuration), so that a second listing or query
 * over thousands of bundles does not parse unchanged ones again.
 *
 * - Where: `$REPROV_CACHE_DIR`, else the user cache directory (`$XDG_CACHE_HOME/reprov`,
 *   `~/.cache/reprov`; `~/Library/Caches/reprov` on macOS; `%LOCALAPPDATA%\reprov\Cache` on
 *   Windows), under `bundles-v1/`. Safe to delete at any time; `--no-cache` neither reads nor writes it.
 * - Key: SHA-256 of reprov's version, the bundle's absolute path, and its size, modification and
 *   change times (nanoseconds) and inode. A bundle that changed in any of these is read again; an
 *   entry whose key does not match is never used.
 * - A score also depends on the check configuration (its content, its directory, the stat of its
 *   shape files) and on the files beside the bundle that rules read (metric files, artifacts): its
 *   key adds those; a bundle directory of more than 2000 files keeps no score.
 * - yProv4ML output is not cached (its mapping can read files beside it).
 * Entries are written atomically (a temporary file renamed); a cache that cannot be written is no
 * error: the bundles are read as without one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { version } from '../base/version.js';
import type { RunRow } from './runs.js';

const FORMAT = 1;
const MAX_SIDE_FILES = 2000;
const MAX_SCORES = 4;

export type CachedRun = Omit<RunRow, 'file' | 'score'>;

export interface CacheEntry {
  format: number;
  key: string;
  ntriples: string;
  runs: CachedRun[];
  /** Check scores by score key (configuration and side files). */
  scores?: Record<string, number | null>;
}

/** The user cache directory for reprov. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.REPROV_CACHE_DIR) return resolve(env.REPROV_CACHE_DIR);
  if (process.platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'reprov', 'Cache');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'reprov');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'reprov');
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The key of a bundle file as it is now; undefined when it cannot be stat'ed. */
export function bundleKey(file: string): string | undefined {
  const stat = statSync(file, { bigint: true, throwIfNoEntry: false });
  if (!stat?.isFile()) return undefined;
  return sha256(JSON.stringify([FORMAT, version, resolve(file), String(stat.size), String(stat.mtimeNs), String(stat.ctimeNs), String(stat.ino), String(stat.dev)]));
}

/** The stat of every file in a bundle's directory (what rules may read beside it); undefined past MAX_SIDE_FILES. */
export function sideFilesKey(file: string): string | undefined {
  const dir = dirname(resolve(file));
  const seen: string[] = [];
  const walk = (at: string, depth: number): boolean => {
    let entries;
    try {
      entries = readdirSync(at, { withFileTypes: true });
    } catch {
      seen.push(`${at}:unreadable`);
      return true;
    }
    for (const entry of entries) {
      if (entry.name === '.git' || entry.name === 'node_modules') continue;
      const full = join(at, entry.name);
      if (entry.isDirectory()) {
        if (depth > 8 || !walk(full, depth + 1)) return false;
        continue;
      }
      const stat = statSync(full, { bigint: true, throwIfNoEntry: false });
      seen.push(`${full}:${stat?.size}:${stat?.mtimeNs}:${stat?.ctimeNs}`);
      if (seen.length > MAX_SIDE_FILES) return false;
    }
    return true;
  };
  if (!walk(dir, 0)) return undefined;
  return sha256(seen.sort().join('\n'));
}

export class BundleCache {
  private readonly root: string;
  private made = false;

  constructor(dir: string) {
    this.root = join(dir, `bundles-v${FORMAT}`);
  }

  private pathOf(key: string): string {
    return join(this.root, key.slice(0, 2), `${key}.json`);
  }

  /** The entry of a bundle with this key, when one is stored for exactly this key. */
  get(key: string): CacheEntry | undefined {
    let entry: CacheEntry;
    try {
      entry = JSON.parse(readFileSync(this.pathOf(key), 'utf8')) as CacheEntry;
    } catch {
      return undefined;
    }
    if (entry?.format !== FORMAT || entry.key !== key || typeof entry.ntriples !== 'string' || !Array.isArray(entry.runs)) return undefined;
    return entry;
  }

  /** Stores an entry (best effort: a cache that cannot be written is not an error). */
  put(entry: CacheEntry): void {
    const path = this.pathOf(entry.key);
    const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      if (!this.made) {
        mkdirSync(this.root, { recursive: true, mode: 0o700 });
        this.made = true;
      }
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      const scores = entry.scores && Object.fromEntries(Object.entries(entry.scores).slice(-MAX_SCORES));
      writeFileSync(temporary, JSON.stringify({ ...entry, ...(scores && { scores }) }), { mode: 0o600 });
      renameSync(temporary, path);
    } catch {
      rmSync(temporary, { force: true });
    }
  }
}
