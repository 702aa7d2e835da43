/**
 * CommonJS packages loaded where they are first used rather than at start-up: ajv (~40 ms) and
 * picomatch (~15 ms) are needed only to validate JSON against a schema or match a configured glob,
 * which most commands (a check of Turtle bundles without a configuration file, a record) never do.
 * Also yaml: in the bundled CLI (tools/bundle-cli.mjs) a CommonJS package reached by `import()`
 * becomes a chunk that exports only `default`, so `(await import('yaml')).parse` was undefined.
 */
import { createRequire } from 'node:module';

export const requireOnUse = createRequire(import.meta.url);
