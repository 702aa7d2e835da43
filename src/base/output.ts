/** Where command output goes: a file written atomically, or standard output. */
import { closeSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A sink that buffers writer output and hands it on in large chunks. */
export interface TextSink {
  write(chunk: string): void;
}

/**
 * Runs `produce` against a sink for `path` (`-` or undefined: stdout). A file is written to a
 * temporary name beside it and renamed into place only when `produce` succeeds, so an error
 * never leaves a half-written file nor destroys the previous one.
 */
export async function withOutput<T>(path: string | undefined, produce: (sink: TextSink) => Promise<T>): Promise<T> {
  if (!path || path === '-') return produce({ write: (chunk) => void process.stdout.write(chunk) });
  // A device or a pipe (`-o /dev/null`, `-o /dev/stdout`) is written in place: renaming over it would replace it.
  const existing = statSync(path, { throwIfNoEntry: false });
  if (existing && !existing.isFile()) {
    const fd = openSync(path, 'w');
    try {
      return await produce({ write: (chunk) => void writeSync(fd, chunk) });
    } finally {
      closeSync(fd);
    }
  }
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(temporary, 'w');
  let open = true;
  try {
    const result = await produce({ write: (chunk) => void writeSync(fd, chunk) });
    closeSync(fd);
    open = false;
    renameSync(temporary, path);
    return result;
  } catch (error) {
    if (open) closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
}
