/**
 * Output directories written all at once (imported bundles, merged bundles, RO-Crates): the
 * content is built in a temporary directory beside the target and renamed into place only when it
 * is complete, so an error never leaves a half-written bundle and never destroys the previous one.
 * The target is claimed first (./lock.ts): locked against a second writer, refused when it is not
 * empty and not reprov's, refused when it holds an earlier bundle and `overwrite` is not set.
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BUNDLE_LOCK, claimDirectory, type ClaimOptions } from './lock.js';
import { removeOnExit, temporaryName } from './output.js';
import { pathError } from './user-error.js';

export interface DirectoryOptions extends ClaimOptions {
  /** What the directory holds, in messages: `a reprov bundle`, `an RO-Crate`. */
  what: string;
}

/**
 * Builds `target` with `build(stagingDir)` and puts it in place, with reprov's marker. An existing
 * `target` is replaced only when it is empty, or is an earlier reprov output and `options.overwrite`
 * is set; anything else is refused with a one-line error, so a mistyped `-o` cannot wipe a
 * user's directory.
 */
export async function writeDirectory<T>(target: string, options: DirectoryOptions, build: (dir: string) => Promise<T>): Promise<T> {
  const claim = claimDirectory(target, options);
  const absolute = claim.dir;
  const parent = dirname(absolute);
  const staging = temporaryName(absolute);
  const forgetStaging = removeOnExit(staging);
  try {
    try {
      mkdirSync(staging);
    } catch (error) {
      throw pathError(error, target) ?? error;
    }
    const result = await build(staging);
    await claim.writeMarker(staging, 'written');
    // Two renames: the old output is moved aside first, because a directory cannot be renamed over
    // a non-empty one. The staged copy carries the lock, so the target is never seen unlocked.
    const old = join(parent, `.${basename(absolute)}.${process.pid}.old`);
    try {
      renameSync(join(absolute, BUNDLE_LOCK), join(staging, BUNDLE_LOCK));
      renameSync(absolute, old);
      renameSync(staging, absolute);
    } catch (error) {
      throw pathError(error, target) ?? error;
    }
    forgetStaging();
    rmSync(old, { recursive: true, force: true });
    claim.release();
    return result;
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    forgetStaging();
    claim.abandon();
    throw error;
  }
}
