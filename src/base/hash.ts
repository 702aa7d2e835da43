/**
 * Content hashing for data and artifacts: SHA-256 of files (streamed, never loaded whole), a
 * stable SHA-256 of directory trees, a persistent cache so unchanged files are not read again,
 * and a progress bar on a terminal for large inputs.
 *
 * ## File digest
 * The plain SHA-256 of the file's bytes, equal to `sha256sum FILE`. The file is read with
 * blocking reads of 256 KiB into one reused buffer, hashed as each arrives, giving the event loop
 * a turn every 10 ms: the chunk is still in the core's cache when it is hashed, so this costs
 * about what `openssl dgst -sha256` does, where 4 MiB promise-based reads (the read on a pool
 * thread, the hash on the main one) cost 1.5x and `fs.createReadStream` 1.5-1.9x (bench/hash.mjs).
 *
 * ## Directory digest (method `reprov-dir-sha256/1`)
 * The directory is walked without following symbolic links. Every regular file and every
 * symbolic link below it gets its path relative to the directory, `/`-separated, without a
 * leading `./`. The entries are sorted by the bytes of that path (C locale order), and for
 * each one this line is fed, as raw bytes, into one SHA-256:
 *
 *     <path> NUL <sha256 hex of the file's content, lower case> LF      for a regular file
 *     <path> NUL "link:" <the link's target, as readlink prints it> LF  for a symbolic link
 *
 * Directories themselves (empty ones included), file modes, owners and times do not enter the
 * digest; sockets, FIFOs and device files are skipped. `fileCount` counts regular files and
 * `bytes` sums their sizes. An empty directory digests to the SHA-256 of nothing
 * (`e3b0c442...b855`). Each file is read as above. The same digest from a shell (bash, GNU findutils
 * and coreutils):
 *
 *     cd DIR && find . \( -type f -o -type l \) -print0 | LC_ALL=C sort -z |
 *       while IFS= read -r -d '' p; do p=${p#./}
 *         if [ -L "$p" ]; then printf '%s\0link:%s\n' "$p" "$(readlink -- "$p")"
 *         else printf '%s\0%s\n' "$p" "$(sha256sum < "$p" | cut -c1-64)"; fi
 *       done | sha256sum
 *
 * (The one-liner differs only for link targets that end in a newline, which `$(...)` strips.)
 *
 * ## Cache
 * {@link HashCache} remembers, per absolute path, the size, mtime (ms) and inode a digest was
 * computed for; when a stat of the path shows the same three, the digest is reused without
 * reading the file. Like make and rsync it trusts the mtime: a rewrite that keeps the size and
 * restores the mtime is not noticed. Like git's "racily clean" index entries, a digest is not
 * trusted when the file's mtime was within {@link RACY_WINDOW_MS} of the moment its hashing
 * began (the file may have changed again within the timestamp's granularity); such a file is
 * read once more and the fresh entry is trusted from then on.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync, constants as fsConstants, type Dirent, fstatSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, statSync, type Stats,
} from 'node:fs';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ProgressBar } from './progress.js';

/** The name recorded (as `reprov:digestMethod`) for the directory digest described above. */
export const DIRECTORY_DIGEST_METHOD = 'reprov-dir-sha256/1';

/** Inputs larger than this get a progress bar when standard error is a terminal. */
export const PROGRESS_THRESHOLD_BYTES = 256 * 1024 * 1024;

/** A cached digest whose file was modified this close to its hashing is checked again. */
export const RACY_WINDOW_MS = 2000;

/** One read: small enough to stay in a core's cache between the kernel's copy and the hash. */
const CHUNK_BYTES = 256 * 1024;
/** Files up to this size inside a directory are hashed without the stability check (two more stats). */
const SMALL_FILE_BYTES = 1024 * 1024;
/** The longest a directory hash holds the event loop between two turns it gives back. */
const PAUSE_EVERY_MS = 10;

export interface HashOptions {
  /** Reuse and record digests; saved (atomically) at the end of the call when it changed. */
  cache?: HashCache;
  /** Called as bytes are read, with the bytes done and the total to read (cache hits excluded). */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /**
   * A progress bar on standard error: `'auto'` (the default) draws one only when standard error
   * is a TTY and more than 256 MiB are to be read; `false` never; `true` whenever it is a TTY.
   * Never after `disableProgress()` (src/base/progress.ts; the CLI's `-q`).
   */
  progress?: boolean | 'auto';
  /** What the progress bar names (default: the path). */
  label?: string;
}

export interface FileDigest {
  sha256: string;
  bytes: number;
  /** The digest came from the cache, the file was not read. */
  cached?: boolean;
}

export interface DirectoryDigest {
  sha256: string;
  /** Sum of the regular files' sizes. */
  bytes: number;
  /** Regular files in the tree (symbolic links not counted). */
  fileCount: number;
  /** Symbolic links in the tree (recorded by target, not followed). */
  linkCount: number;
  /** Regular files whose digest came from the cache. */
  cachedCount: number;
}

/** A path that could not be hashed: names the path and keeps the system error code (ENOENT, EACCES...). */
export class HashError extends Error {
  constructor(readonly path: string, readonly problem: string, readonly code?: string) {
    super(`${path}: ${problem}`);
    this.name = 'HashError';
  }
}

/** The SHA-256 of a file's content, streamed. Symbolic links given as `path` are followed. */
export async function hashFile(path: string, options: HashOptions = {}): Promise<FileDigest> {
  const absolute = resolve(path);
  let stats: Stats;
  try {
    stats = statSync(absolute); // one blocking stat: a cache hit costs nothing more
  } catch (e) {
    throw toHashError(path, e);
  }
  if (!stats.isFile()) throw new HashError(path, stats.isDirectory() ? 'is a directory' : 'not a regular file');
  const cached = options.cache?.get(absolute, stats);
  if (cached !== undefined) return { sha256: cached, bytes: stats.size, cached: true };

  const progress = new Progress(stats.size, options, options.label ?? path);
  const buffer = takeBuffer();
  try {
    const { sha256, bytes, stable, hashedAtMs, statsRead } = await streamFile(absolute, path, progress, buffer);
    if (stable) options.cache?.set(absolute, statsRead, sha256, hashedAtMs);
    await options.cache?.save();
    return { sha256, bytes };
  } finally {
    spareBuffers.push(buffer);
    progress.end();
  }
}

/** The directory digest (method `reprov-dir-sha256/1`, see the file comment) of a tree. */
export async function hashDirectory(path: string, options: HashOptions = {}): Promise<DirectoryDigest> {
  const root = resolve(path);
  let rootStats: Stats;
  try {
    rootStats = statSync(root);
  } catch (e) {
    throw toHashError(path, e);
  }
  if (!rootStats.isDirectory()) throw new HashError(path, 'not a directory');

  const pause = new Pauser();
  const entries: TreeEntry[] = [];
  await walk(Buffer.from(root), Buffer.alloc(0), path, entries, pause);
  entries.sort((a, b) => Buffer.compare(a.relative, b.relative));

  // Stat first: the cache decides what must be read, and the progress bar needs the total.
  const cache = options.cache;
  for (const entry of entries) {
    if (entry.kind !== 'file') continue;
    try {
      entry.stats = lstatSync(entry.absolute);
    } catch (e) {
      throw toHashError(displayPath(path, entry), e);
    }
    entry.sha256 = cache?.get(entry.absolute.toString(), entry.stats);
    await pause.now();
  }
  const toRead = entries.filter((e) => e.kind === 'file' && e.sha256 === undefined);
  const progress = new Progress(toRead.reduce((sum, e) => sum + (e.stats?.size ?? 0), 0), options, options.label ?? path);
  const buffer = takeBuffer();
  try {
    for (const entry of toRead) {
      const shown = displayPath(path, entry);
      const size = entry.stats?.size ?? 0;
      if (size <= SMALL_FILE_BYTES) {
        const hashedAtMs = Date.now();
        const { sha256, bytes } = hashSmallFileSync(entry.absolute, shown, buffer);
        entry.sha256 = sha256;
        progress.add(bytes);
        if (bytes === size && entry.stats) cache?.set(entry.absolute.toString(), entry.stats, sha256, hashedAtMs);
        await pause.now();
      } else {
        const result = await streamFile(entry.absolute, shown, progress, buffer);
        entry.sha256 = result.sha256;
        if (result.stable) cache?.set(entry.absolute.toString(), result.statsRead, result.sha256, result.hashedAtMs);
      }
    }
  } finally {
    spareBuffers.push(buffer);
    progress.end();
  }
  await cache?.save();

  const digest = createHash('sha256');
  let bytes = 0;
  let fileCount = 0;
  let linkCount = 0;
  const NUL_LINK = Buffer.from('\0link:');
  const NUL = Buffer.from('\0');
  const LF = Buffer.from('\n');
  for (const entry of entries) {
    digest.update(entry.relative);
    if (entry.kind === 'link') {
      linkCount++;
      digest.update(NUL_LINK).update(entry.target ?? Buffer.alloc(0)).update(LF);
    } else {
      fileCount++;
      bytes += entry.stats?.size ?? 0;
      digest.update(NUL).update(entry.sha256 ?? '', 'latin1').update(LF);
    }
  }
  const cachedCount = fileCount - toRead.length;
  return { sha256: digest.digest('hex'), bytes, fileCount, linkCount, cachedCount };
}

// --- reading --------------------------------------------------------------------------------

interface StreamResult {
  sha256: string;
  bytes: number;
  /** Size and mtime were the same before and after reading, and the byte count matched. */
  stable: boolean;
  hashedAtMs: number;
  statsRead: Stats;
}

/** Read buffers no call is using: allocating one per file cost 10% of the CPU at 1 MB a file. */
const spareBuffers: Buffer[] = [];

function takeBuffer(): Buffer {
  return spareBuffers.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES);
}

/**
 * A file read with blocking calls into `buffer`, hashed chunk by chunk, the event loop given a turn
 * every few milliseconds ({@link Pauser}); size and mtime compared before and after.
 */
async function streamFile(absolute: string | Buffer, shown: string, progress: Progress, buffer: Buffer): Promise<StreamResult> {
  let fd: number;
  try {
    fd = openSync(absolute, fsConstants.O_RDONLY);
  } catch (e) {
    throw toHashError(shown, e);
  }
  try {
    const before = fstatSync(fd);
    const hashedAtMs = Date.now();
    const hash = createHash('sha256');
    const pause = new Pauser();
    let bytes = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      hash.update(n === buffer.length ? buffer : buffer.subarray(0, n));
      bytes += n;
      progress.add(n);
      await pause.now();
    }
    const after = fstatSync(fd);
    const stable = after.size === before.size && after.mtimeMs === before.mtimeMs && bytes === after.size;
    return { sha256: hash.digest('hex'), bytes, stable, hashedAtMs, statsRead: before };
  } catch (e) {
    throw toHashError(shown, e);
  } finally {
    closeSync(fd);
  }
}

/**
 * A small file inside a directory, read with blocking calls into a reused buffer, without
 * {@link streamFile}'s two stats (the walk has one): for thousands of small files that matters.
 */
function hashSmallFileSync(absolute: Buffer, shown: string, buffer: Buffer): { sha256: string; bytes: number } {
  let fd: number;
  try {
    fd = openSync(absolute, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
  } catch (e) {
    throw toHashError(shown, e);
  }
  try {
    const hash = createHash('sha256');
    let bytes = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      bytes += n;
    }
    return { sha256: hash.digest('hex'), bytes };
  } catch (e) {
    throw toHashError(shown, e);
  } finally {
    closeSync(fd);
  }
}

/** Lets the event loop run (timers, signals, a progress bar) at least every {@link PAUSE_EVERY_MS}. */
class Pauser {
  private last = Date.now();

  async now(): Promise<void> {
    const t = Date.now();
    if (t - this.last < PAUSE_EVERY_MS) return;
    await new Promise<void>((done) => setImmediate(done));
    this.last = Date.now();
  }
}

interface TreeEntry {
  kind: 'file' | 'link';
  /** Relative `/`-separated path, raw bytes (names need not be UTF-8). */
  relative: Buffer;
  absolute: Buffer;
  target?: Buffer;
  stats?: Stats;
  sha256?: string | undefined;
}

const SLASH = Buffer.from('/');

async function walk(absoluteRoot: Buffer, relative: Buffer, shownRoot: string, out: TreeEntry[], pause: Pauser): Promise<void> {
  const directory = relative.length ? Buffer.concat([absoluteRoot, SLASH, relative]) : absoluteRoot;
  const shown = (rel: Buffer) => (rel.length ? `${shownRoot.replace(/\/+$/, '')}/${rel.toString()}` : shownRoot);
  let dirents: Dirent<Buffer>[];
  try {
    dirents = readdirSync(directory, { withFileTypes: true, encoding: 'buffer' });
  } catch (e) {
    throw toHashError(shown(relative), e);
  }
  const subdirectories: Buffer[] = [];
  for (const dirent of dirents) {
    const name = dirent.name;
    const childRelative = relative.length ? Buffer.concat([relative, SLASH, name]) : Buffer.from(name);
    const childAbsolute = Buffer.concat([directory, SLASH, name]);
    if (dirent.isSymbolicLink()) {
      let target: Buffer;
      try {
        target = readlinkSync(childAbsolute, { encoding: 'buffer' });
      } catch (e) {
        throw toHashError(shown(childRelative), e);
      }
      out.push({ kind: 'link', relative: childRelative, absolute: childAbsolute, target });
    } else if (dirent.isDirectory()) {
      subdirectories.push(childRelative);
    } else if (dirent.isFile()) {
      out.push({ kind: 'file', relative: childRelative, absolute: childAbsolute });
    }
    // sockets, FIFOs, devices: skipped (reading a FIFO would block)
  }
  await pause.now();
  for (const sub of subdirectories) await walk(absoluteRoot, sub, shownRoot, out, pause);
}

function displayPath(root: string, entry: TreeEntry): string {
  return `${root.replace(/\/+$/, '')}/${entry.relative.toString()}`;
}

const PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a path component is not a directory',
  EISDIR: 'is a directory',
  ELOOP: 'too many levels of symbolic links',
  EIO: 'input/output error',
};

function toHashError(path: string, error: unknown): HashError {
  if (error instanceof HashError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const problem = (code && PROBLEMS[code]) ?? (error instanceof Error ? error.message : String(error));
  return new HashError(path, problem, code);
}

// --- cache ----------------------------------------------------------------------------------

interface CacheEntry {
  size: number;
  mtimeMs: number;
  ino: number;
  sha256: string;
  /** When the hashing that produced this digest began (ms since epoch). */
  hashedAtMs: number;
}

interface CacheFile {
  version: 2;
  entries: Record<string, CacheEntry>;
}

export interface HashCacheOptions {
  /** The cache file (default `<directory>/hash-cache.json`). */
  file?: string;
  /** The cache directory (default {@link HashCache.defaultDirectory}). */
  directory?: string;
  /** The environment the default directory is read from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Entries kept at most; the least recently hashed go first (default 200 000). */
  maxEntries?: number;
}

/**
 * Digests by absolute path, persisted as JSON (`{"version":2,"entries":{key:{size,mtimeMs,ino,
 * sha256,hashedAtMs}}}`), keyed by the SHA-256 of the path: a file name can hold a secret
 * (`data/token=...csv`), and the cache lives outside any bundle, so it never holds names. Loaded on first use; an unreadable or corrupt file is ignored (and
 * replaced at the next save). Saves write a temporary file and rename it over the cache, after
 * merging what other processes saved meanwhile; a failed save is reported by its result, never
 * thrown.
 */
export class HashCache {
  readonly file: string;
  private readonly maxEntries: number;
  private entries: Map<string, CacheEntry> | undefined;
  private readonly changed = new Set<string>();
  private cleared = false;
  /** Why the cache file on disk was not used, when it was not (missing files are not a problem). */
  loadProblem: string | undefined;

  constructor(options: HashCacheOptions = {}) {
    this.file = resolve(options.file ?? join(options.directory ?? HashCache.defaultDirectory(options.env), 'hash-cache.json'));
    this.maxEntries = options.maxEntries ?? 200_000;
  }

  /** `$REPROV_CACHE_DIR`, else `$XDG_CACHE_HOME/reprov`, else `~/.cache/reprov`. */
  static defaultDirectory(env: NodeJS.ProcessEnv = process.env): string {
    if (env.REPROV_CACHE_DIR) return resolve(env.REPROV_CACHE_DIR);
    if (env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/')) return join(env.XDG_CACHE_HOME, 'reprov');
    return join(env.HOME || homedir(), '.cache', 'reprov');
  }

  /** Number of entries held. */
  get size(): number {
    return this.load().size;
  }

  /** The cached digest of `absolutePath` if `stats` (of that path) match the entry and it is not racy. */
  get(absolutePath: string, stats: Stats): string | undefined {
    const entry = this.load().get(cacheKey(absolutePath));
    if (!entry) return undefined;
    if (entry.size !== stats.size || entry.mtimeMs !== stats.mtimeMs || entry.ino !== stats.ino) return undefined;
    if (entry.mtimeMs >= entry.hashedAtMs - RACY_WINDOW_MS) return undefined;
    return entry.sha256;
  }

  /** Records a digest computed from the file as `stats` describe it, hashing having begun at `hashedAtMs`. */
  set(absolutePath: string, stats: Stats, sha256: string, hashedAtMs: number): void {
    const key = cacheKey(absolutePath);
    this.load().set(key, { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino, sha256, hashedAtMs });
    this.changed.add(key);
  }

  /** Forgets every entry (the file is rewritten at the next save). */
  clear(): void {
    const entries = this.load();
    for (const key of entries.keys()) this.changed.add(key);
    entries.clear();
    this.cleared = true;
  }

  /** Writes the cache if it changed: merge with the file on disk, temp file, rename. False when it could not. */
  async save(): Promise<boolean> {
    if (this.changed.size === 0 && !this.cleared) return true;
    const mine = this.load();
    const merged = this.cleared ? new Map<string, CacheEntry>() : readCacheFile(this.file).entries ?? new Map<string, CacheEntry>();
    for (const key of this.changed) {
      const entry = mine.get(key);
      if (entry) merged.set(key, entry);
      else merged.delete(key);
    }
    let kept = [...merged];
    if (kept.length > this.maxEntries) {
      kept.sort((a, b) => b[1].hashedAtMs - a[1].hashedAtMs);
      kept = kept.slice(0, this.maxEntries);
    }
    const body: CacheFile = { version: 2, entries: Object.fromEntries(kept) };
    const temporary = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await mkdir(dirname(this.file), { recursive: true });
      await writeFile(temporary, JSON.stringify(body), { mode: 0o600 });
      await rename(temporary, this.file);
    } catch {
      await unlink(temporary).catch(() => undefined);
      return false;
    }
    this.entries = new Map(kept);
    this.changed.clear();
    this.cleared = false;
    return true;
  }

  private load(): Map<string, CacheEntry> {
    if (!this.entries) {
      const { entries, problem } = readCacheFile(this.file);
      this.entries = entries ?? new Map();
      this.loadProblem = problem;
    }
    return this.entries;
  }
}

function readCacheFile(file: string): { entries?: Map<string, CacheEntry>; problem?: string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? {} : { problem: `cannot read ${file}: ${code ?? String(e)}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { problem: `${file} is not valid JSON; ignored` };
  }
  const body = parsed as Partial<CacheFile> | null;
  if (typeof body !== 'object' || body === null || body.version !== 2 || typeof body.entries !== 'object' || body.entries === null) {
    return { problem: `${file} is not a reprov hash cache (version 2); ignored` };
  }
  const entries = new Map<string, CacheEntry>();
  for (const [key, value] of Object.entries(body.entries)) {
    if (isCacheEntry(value)) entries.set(key, value);
  }
  return { entries };
}

function isCacheEntry(value: unknown): value is CacheEntry {
  const e = value as Partial<CacheEntry> | null;
  return typeof e === 'object' && e !== null && typeof e.size === 'number' && typeof e.mtimeMs === 'number' &&
    typeof e.ino === 'number' && typeof e.hashedAtMs === 'number' && typeof e.sha256 === 'string' && /^[0-9a-f]{64}$/.test(e.sha256);
}

// --- progress -------------------------------------------------------------------------------

/** Progress of one hashing call: the callback on every chunk, and the shared bar (src/base/progress.ts). */
class Progress {
  private done = 0;
  private readonly bar: ProgressBar;

  constructor(private readonly total: number, private readonly options: HashOptions, label: string) {
    const wanted = options.progress ?? 'auto';
    this.bar = new ProgressBar(total, label, { show: wanted !== false && (wanted === true || total > PROGRESS_THRESHOLD_BYTES) });
  }

  add(bytes: number): void {
    this.done += bytes;
    this.options.onProgress?.(this.done, this.total);
    this.bar.add(bytes);
  }

  end(): void {
    this.bar.end();
  }
}

/** The cache's key for a path: its digest, so the cache file names no file. */
function cacheKey(absolutePath: string): string {
  return createHash('sha256').update(absolutePath).digest('hex');
}
