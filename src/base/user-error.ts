/**
 * An error caused by the input or the command line, not by reprov: the CLI prints its message
 * as one line and exits 2, without a stack trace.
 */
export class UserError extends Error {}

/**
 * A file system error on a path reprov reads or writes (permission denied, a full disk, a symbolic
 * link loop, ...), as one line naming the path and the problem. The environment's fault, not
 * reprov's: the CLI reports it as it reports a {@link UserError}.
 */
export class PathError extends UserError {
  constructor(readonly path: string, readonly code: string | undefined, readonly problem: string) {
    super(`${displayPath(path)}: ${problem}`);
    this.name = 'PathError';
  }
}

/** What each system error code means for the path it names, in words. */
const PROBLEMS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EISDIR: 'is a directory',
  ENOTDIR: 'a component of the path is not a directory',
  ELOOP: 'too many levels of symbolic links (a symbolic link loop)',
  ENAMETOOLONG: 'file name too long',
  ENOENT: 'no such file or directory',
  EEXIST: 'already exists',
  ENOTEMPTY: 'directory not empty',
  EBUSY: 'device or resource busy',
  ETXTBSY: 'text file busy',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
  EXDEV: 'on another file system',
  EINVAL: 'invalid argument',
};

/**
 * The one-line form of a Node system error (`code` and `path`), or undefined when `error` is not
 * one. `path` names the file the user knows when the failing call used another (a temporary name).
 */
export function pathError(error: unknown, path?: string): PathError | undefined {
  if (error instanceof PathError) return error;
  const { code, path: errorPath, dest } = (error ?? {}) as NodeJS.ErrnoException & { dest?: string };
  if (typeof code !== 'string' || !(code in PROBLEMS)) return undefined;
  const where = path ?? errorPath ?? dest;
  if (where === undefined) return undefined;
  return new PathError(where, code, PROBLEMS[code]!);
}

/** A path as an error message shows it: whole, unless it is too long for one line. */
export function displayPath(path: string): string {
  if (path.length <= 160) return path;
  return `${path.slice(0, 60)}…${path.slice(-60)} (a path of ${path.length} characters)`;
}
