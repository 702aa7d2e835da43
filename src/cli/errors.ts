/** How the CLI reports failures: one line for the user's mistakes, a stack only for our own bugs. */
import { ProvInputError } from '../io/diagnostics.js';
import { BundlesNeedNamedGraphs } from '../io/write.js';
import { DataPathError } from '../collect/data.js';
import { RecordUsageError } from '../run/record.js';

export class UsageError extends Error {}

/** Errors caused by the input or the command line, as opposed to bugs in reprov. */
function isUserError(error: unknown): boolean {
  return [ProvInputError, UsageError, BundlesNeedNamedGraphs, DataPathError, RecordUsageError].some((type) => error instanceof type);
}

export function reportError(error: unknown): void {
  if (isUserError(error)) process.stderr.write(`reprov: ${(error as Error).message}\n`);
  else process.stderr.write(`reprov: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
}

export function exitCodeFor(error: unknown): number {
  return isUserError(error) ? 2 : 3;
}
