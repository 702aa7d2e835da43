/**
 * The check worker thread as the bundled CLI starts it (tools/bundle-cli.mjs): the importers the
 * command registers (main.ts) are bundled with it, so the worker does not import them again from
 * their own, unbundled files.
 */
import '../interop/yprov4ml-mark.js';
import '../check/worker.js';
