/**
 * The files a bundle names beside itself (metric files, a stored diff, outputs), found where their
 * producer meant them. Every reader of a bundle's side files (check's RPV-M004, verify, the RO-Crate
 * export, the yProv4ML importer) resolves them here.
 *
 * A producer may name them relative to the directory the run was started in rather than to the
 * bundle: yProv4ML writes `examples/prov/mnist_exp_0/metrics/loss.nc` into a bundle that lies in
 * `examples/prov/mnist_exp_0/`. Such a path repeats the bundle directory's trailing segments at its
 * head; when the path as written is not there, it is tried with those repeated segments dropped
 * (the longest repetition first). Every spelling goes through `confine`: nothing is ever resolved
 * outside the root, and a spelling that would leave it is refused, never read.
 */
import { statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { confine, type Confined } from './confine.js';

/** Where a side file is: `confine`'s answer, and the spelling under the root it was resolved from. */
export type SideFile = Confined & { path: string };

export interface SideFileOptions {
  /**
   * The root as the user named it (before symbolic links were resolved): its trailing segments
   * count as repeated too, so a bundle reached through a link is treated as the producer saw it.
   */
  alias?: string;
}

/**
 * `given` (a path the bundle names) resolved under `realRoot` (a real path, as `confine` takes):
 * the path as written when it exists or is refused; else the first shorter spelling (repeated
 * directory segments dropped) that exists or is refused; else the path as written (missing).
 */
export function locateSideFile(realRoot: string, given: string, options: SideFileOptions = {}): SideFile {
  const first = confine(realRoot, given);
  if (!first.ok || exists(first.absolute)) return { ...first, path: given };
  for (const candidate of shorterSpellings(given, [realRoot, ...(options.alias ? [resolve(options.alias)] : [])])) {
    const where = confine(realRoot, candidate);
    if (!where.ok || exists(where.absolute)) return { ...where, path: candidate };
  }
  return { ...first, path: given };
}

/**
 * The spellings of `given` with a head dropped that repeats the trailing segments of one of the
 * directories, longest repetition first. `.` segments are ignored; a `..` never matches (a directory
 * path holds none), so only plain names are dropped and whatever follows is judged by `confine`.
 */
export function shorterSpellings(given: string, directories: readonly string[]): string[] {
  const segments = given.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  const found = new Set<string>();
  const lengths = new Set<number>();
  for (const directory of directories) {
    const tail = directory.split(sep).filter(Boolean);
    for (let k = Math.min(tail.length, segments.length - 1); k >= 1; k--) {
      if (tail.slice(-k).every((name, i) => name === segments[i])) lengths.add(k);
    }
  }
  for (const k of [...lengths].sort((a, b) => b - a)) found.add(segments.slice(k).join('/'));
  found.delete(given);
  return [...found];
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
