/**
 * ajv, loaded on first use: it costs ~40 ms to load, and most commands (a check of Turtle bundles
 * without a configuration file, a record) never validate JSON against a schema.
 */
import { createRequire } from 'node:module';

export function loadAjv(): typeof import('ajv') {
  return createRequire(import.meta.url)('ajv') as typeof import('ajv');
}
