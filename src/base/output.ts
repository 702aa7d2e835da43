/**
 * Where command output goes: a file written atomically, or standard output. Every file reprov
 * writes goes through {@link withOutput}; directories through `writeDirectory` (./output-dir.ts)
 * and, for a run's bundle, `claimDirectory` (./lock.ts).
 *
 * Temporary names (`.<name>.<pid>.<random>.tmp`) are registered with {@link removeOnExit}: they are
 * removed when the process exits, and when it dies of SIGINT, SIGTERM or SIGHUP, so an interrupted
 * conversion leaves neither a half-written file nor a 0-byte temporary. (A SIGKILL cannot be
 * caught: `reprov record`'s watchdog removes what a killed recorder leaves, and the next write of
the same file removes the temporaries of writers that died, {@link removeStaleTemporaries}.) System errors become
 * one line naming the file the user named ({@link PathError}).
 */
import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathError, PathError } from './user-error.js';

/** A sink that buffers writer output and hands it on in large chunks. */
export interface TextSink {
  write(chunk: string | Uint8Array): void;
}

/**
 * Collects many small writes and hands them to `sink` about a megabyte at a time (a large
 * document's text is never one string); `end()` hands on what is left.
 */
export function chunkedWriter(sink: TextSink, flushAt = 1 << 20): { write(text: string): void; end(): void } {
  let buffer = '';
  return {
    write(text) {
      buffer += text;
      if (buffer.length > flushAt) {
        sink.write(buffer);
        buffer = '';
      }
    },
    end() {
      sink.write(buffer);
      buffer = '';
    },
  };
}

const registered = new Set<string>();
const CLEANUP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let installed = false;

/** Removes everything registered now (temporaries, staging directories, locks). */
export function removeRegisteredNow(): void {
  for (const path of registered) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // best effort: the process is going away
    }
  }
  registered.clear();
}

/**
 * Removes `path` (a file or a directory) when the process exits or dies of a catchable signal,
 * unless the returned function is called first (the path became the real output).
 */
export function removeOnExit(path: string): () => void {
  install();
  registered.add(path);
  return () => void registered.delete(path);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', removeRegisteredNow);
  for (const signal of CLEANUP_SIGNALS) {
    const onSignal = () => {
      // A command that handles the signal itself (record forwards it to its child) decides what it means.
      if (process.listenerCount(signal) > 1) return;
      removeRegisteredNow();
      process.off(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/** The temporary name beside `path` that an atomic write goes through. */
export function temporaryName(path: string, suffix = 'tmp'): string {
  // Not node:crypto (~4 ms to load, a tenth of a small conversion): the name only has to differ from
  // other writers', and the file or directory is created exclusively, so a clash fails, never clobbers.
  const unique = Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0');
  return join(dirname(path), `.${basename(path)}.${process.pid}.${unique}.${suffix}`);
}

/**
 * Runs `produce` against a sink for `path` (`-` or undefined: stdout). A file is written to a
 * temporary name beside it and renamed into place only when `produce` succeeds, so an error
 * never leaves a half-written file nor destroys the previous one. File system errors (EACCES,
 * ENOSPC, EISDIR, ELOOP, ENAMETOOLONG, a missing directory) are thrown as one-line
 * {@link PathError}s naming `path`.
 */
export async function withOutput<T>(path: string | undefined, produce: (sink: TextSink) => Promise<T>): Promise<T> {
  if (!path || path === '-') return produce({ write: (chunk) => void process.stdout.write(chunk) });
  const fail = (error: unknown): never => {
    throw pathError(error, path) ?? error;
  };
  let existing;
  try {
    existing = statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    fail(error);
  }
  if (existing?.isDirectory()) throw new PathError(path, 'EISDIR', 'is a directory (name a file to write)');
  // A device or a pipe (`-o /dev/null`, `-o /dev/stdout`) is written in place: renaming over it would replace it.
  if (existing && !existing.isFile()) {
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (error) {
      return fail(error);
    }
    try {
      return await produce(sinkOf(fd, path));
    } finally {
      closeSync(fd);
    }
  }
  removeStaleTemporaries(path);
  const temporary = temporaryName(path);
  let fd: number;
  try {
    fd = openSync(temporary, 'wx');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new PathError(path, code, `no such directory: ${dirname(path)}`);
    return fail(error);
  }
  const forget = removeOnExit(temporary);
  let open = true;
  try {
    const result = await produce(sinkOf(fd, path));
    try {
      fsyncSync(fd);
      closeSync(fd);
      open = false;
      renameSync(temporary, path);
    } catch (error) {
      fail(error);
    }
    forget();
    return result;
  } catch (error) {
    if (open) closeSync(fd);
    rmSync(temporary, { force: true });
    forget();
    throw error;
  }
}

/** How long a dead writer's temporary is left alone, in case it belongs to a live writer on another host sharing the directory. */
const STALE_AFTER_MS = 60_000;

/**
 * Removes the temporaries of earlier writes of `path` whose process is gone (a SIGKILLed
 * conversion cannot clean up after itself) and that nothing has written to for a minute.
 */
export function removeStaleTemporaries(path: string): void {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(path)).filter((name) => name.startsWith(prefix) && name.endsWith('.tmp'));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = /^(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length))?.[1];
    if (!pid || isAlive(Number(pid))) continue;
    const temporary = join(dirname(path), name);
    try {
      if (Date.now() - statSync(temporary).mtimeMs > STALE_AFTER_MS) rmSync(temporary, { force: true });
    } catch {
      // gone meanwhile, or not ours to remove: the write goes on
    }
  }
}

/** Whether process `pid` runs on this host (one we may not signal counts as running). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A sink on `fd` whose write errors (ENOSPC, EIO) name `path`. */
function sinkOf(fd: number, path: string): TextSink {
  return {
    write(chunk) {
      try {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        // A write may be partial (a pipe, a device): the rest follows until all of it is written.
        for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done);
      } catch (error) {
        throw pathError(error, path) ?? error;
      }
    },
  };
}
