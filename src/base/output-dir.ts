/**
 * Output directories written all at once (imported bundles, RO-Crates): the content is built in a
 * temporary directory beside the target and renamed into place only when it is complete, so an
 * error never leaves a half-written bundle and never destroys the previous one.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from './user-error.js';

/**
 * Builds `target` with `build(stagingDir)`. An existing `target` is replaced only when it holds
 * `marker` (it is then an earlier output of the same kind) or is empty; anything else is refused,
 * so a mistyped `-o` cannot wipe a user's directory. `what` names the output in that message.
 */
export async function writeDirectory<T>(target: string, marker: string, what: string, build: (dir: string) => Promise<T>): Promise<T> {
  const absolute = resolve(target);
  const existing = statSync(absolute, { throwIfNoEntry: false });
  if (existing && !existing.isDirectory()) throw new UserError(`${target} exists and is not a directory`);
  if (existing && readdirSync(absolute).length && !existsSync(join(absolute, marker))) {
    throw new UserError(`${target} exists and is not ${what} (no ${marker}): refusing to replace it; choose another output directory`);
  }
  const parent = dirname(absolute);
  mkdirSync(parent, { recursive: true });
  const tag = `${process.pid}.${randomBytes(4).toString('hex')}`;
  const staging = join(parent, `.${basename(absolute)}.${tag}.tmp`);
  mkdirSync(staging);
  let result: T;
  try {
    result = await build(staging);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  // Two renames: the old output is moved aside first, because a directory cannot be renamed over a non-empty one.
  const old = join(parent, `.${basename(absolute)}.${tag}.old`);
  if (existing) renameSync(absolute, old);
  renameSync(staging, absolute);
  if (existing) rmSync(old, { recursive: true, force: true });
  return result;
}
