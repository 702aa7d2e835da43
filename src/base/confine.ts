/**
 * Paths taken from a bundle, resolved under a directory they may not leave. A bundle is data from
 * elsewhere: `/etc/shadow`, `../../.ssh/id_rsa` or a symbolic link inside the tree that points out
 * of it must not make reprov read (and report on) a file outside the directory the user named.
 * Every reader of paths from a bundle (check's RPV-M004, verify, the yProv4ML importer, the RO-Crate
 * export) goes through `confine`.
 */
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep, win32 } from 'node:path';

/** Why a path is not followed: absolute (also a `file:` URL or a Windows path), `..` out of the root, a symbolic link out of it, a NUL character. */
export type Refusal = 'absolute' | 'leaves' | 'link' | 'nul';

export type Confined = { ok: true; absolute: string } | { ok: false; problem: Refusal; reason: string };

/**
 * `given` resolved under `root`, following symbolic links, when it stays inside `root` (whose own
 * real path is `realRoot`); otherwise why not. A path that does not exist yet is judged by its
 * nearest existing ancestor, so a missing file behind a link that leaves `root` is refused too.
 */
export function confine(realRoot: string, given: string): Confined {
  if (given.includes('\0')) return { ok: false, problem: 'nul', reason: 'the path holds a NUL character' };
  if (/^file:/i.test(given) || isAbsolute(given) || win32.isAbsolute(given)) return { ok: false, problem: 'absolute', reason: 'an absolute path: only paths relative to the root are followed' };
  const lexical = resolve(realRoot, given);
  if (!inside(realRoot, lexical)) return { ok: false, problem: 'leaves', reason: 'the path leaves the root (../)' };
  const real = realPathOf(lexical);
  if (!inside(realRoot, real)) return { ok: false, problem: 'link', reason: 'a symbolic link on the path leads out of the root' };
  return { ok: true, absolute: real };
}

/** Whether `path` is `root` or lies below it (both absolute, resolved). */
export function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The real path of `path`, or of its nearest existing ancestor joined with the rest. A dangling link counts as its target. */
function realPathOf(path: string, depth = 0): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    // The root directory, or a cycle of links (which every later read fails on with ELOOP).
    if (parent === path || depth > MAX_LINKS) return path;
    const realParent = realPathOf(parent, depth + 1);
    // A dangling link: judge where it points, so that a link out of the root is refused even when its target is absent.
    const target = linkTarget(path);
    if (target !== undefined) return realPathOf(resolve(realParent, target), depth + 1);
    return resolve(realParent, basename(path));
  }
}

function linkTarget(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}

/** Links followed before giving up, as Linux's ELOOP limit. */
const MAX_LINKS = 40;
