/**
 * An error caused by the input or the command line, not by reprov: the CLI prints its message
 * as one line and exits 2, without a stack trace.
 */
export class UserError extends Error {}
