/** How the CLI reports failures: one line for the user's mistakes, a stack only for our own bugs. */
import { UserError } from '../base/user-error.js';

export class UsageError extends UserError {}

export function reportError(error: unknown): void {
  if (error instanceof UserError) process.stderr.write(`reprov: ${error.message}\n`);
  else process.stderr.write(`reprov: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
}

export function exitCodeFor(error: unknown): number {
  return error instanceof UserError ? 2 : 3;
}
