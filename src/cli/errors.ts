/** How the CLI reports failures: one line for the user's mistakes, a stack only for our own bugs. */
import { oneLine } from '../base/diagnostics.js';
import { redactText } from '../base/redact.js';
import { pathError, UserError } from '../base/user-error.js';

export class UsageError extends UserError {}

/**
 * The one place that decides what a failure looks like: a UserError is its message; a Node system
 * error on a path (EACCES, ENOSPC, EISDIR, ELOOP, ENAMETOOLONG, ...) is one line naming the path and
 * the problem; anything else is a bug of reprov's.
 */
export function asUserError(error: unknown): UserError | undefined {
  return error instanceof UserError ? error : pathError(error);
}

export function reportError(error: unknown): void {
  const user = asUserError(error);
  // Messages quote inputs (paths, ids, values): one line, no control characters, no secret.
  if (user) process.stderr.write(`reprov: ${oneLine(redactText(user.message), 2000)}\n`);
  else process.stderr.write(`reprov: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
}

export function exitCodeFor(error: unknown): number {
  return asUserError(error) ? 2 : 3;
}
