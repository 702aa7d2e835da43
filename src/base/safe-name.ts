/**
 * The one way an id, a name or a path taken from an input (an MLflow run id, an experiment or
 * metric name, a context) becomes a file or directory name. Inputs are data from elsewhere:
 * `../../victim`, `/etc`, `a/b`, a NUL, `CON` or 300 characters must not name a file outside the
 * directory reprov writes in, nor one that some system cannot hold.
 *
 * `safeName(id)`:
 * - keeps `id` as it is when it is already a safe name: only `A-Z a-z 0-9 . _ -`, not starting
 *   or ending with a dot, not a Windows device name (CON, NUL, COM1...), at most MAX_NAME characters;
 * - otherwise replaces every other character (separators, NUL, control characters, spaces,
 *   non-ASCII) with `_`, and leading and trailing dots too, truncates, and appends `~` and the
 *   first 12 hex digits of the SHA-256 of the whole `id`.
 * Never empty, never `.` or `..`, deterministic. Injective (up to a 48-bit digest collision): `~`
 * is not in the kept set, so a name with a `~` came from sanitising and carries its id's digest
 * (of its UTF-16 code units, so even ids that differ in a lone surrogate differ), and a name
 * without one is the id itself.
 * Names that differ only in case stay different (a case-insensitive file system can still fold
 * them: callers that write several names into one directory compare them case-folded).
 */
import { createHash } from 'node:crypto';

/** The longest name returned (characters, all ASCII): room for a prefix and suffix within 255 bytes. */
export const MAX_NAME = 100;
const DIGEST_LENGTH = 12;
const UNSAFE = /[^A-Za-z0-9._-]/g;
/** Windows device names, with or without an extension, are not files on Windows. */
const DEVICE = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])(?:\.|$)/i;

/** Whether `name` is returned by `safeName` unchanged. */
export function isSafeName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_NAME && !/[^A-Za-z0-9._-]/.test(name) && !name.startsWith('.') && !name.endsWith('.') && !DEVICE.test(name);
}

/** `id` as a file name of its own (see the file comment). */
export function safeName(id: string): string {
  if (isSafeName(id)) return id;
  let name = id.replace(UNSAFE, '_').replace(/^\.+|\.+$/g, (dots) => '_'.repeat(dots.length));
  if (DEVICE.test(name)) name = `_${name}`;
  const digest = createHash('sha256').update(id, 'utf16le').digest('hex').slice(0, DIGEST_LENGTH);
  return `${name.slice(0, MAX_NAME - DIGEST_LENGTH - 1)}~${digest}`;
}
