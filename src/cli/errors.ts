/** How the CLI reports failures: one line for the user's mistakes, a stack only for our own bugs. */
import { ProvInputError } from '../io/diagnostics.js';
import { BundlesNeedNamedGraphs } from '../io/write.js';

export class UsageError extends Error {}

/** Errors caused by the input or the command line, as opposed to bugs in reprov. */
function isUserError(error: unknown): boolean {
  return error instanceof ProvInputError || error instanceof UsageError || error instanceof BundlesNeedNamedGraphs;
}

export function reportError(error: unknown): void {
  if (isUserError(error)) process.stderr.write(`reprov: ${(error as Error).message}\n`);
  else process.stderr.write(`reprov: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
}

export function exitCodeFor(error: unknown): number {
  return isUserError(error) ? 2 : 3;
}
