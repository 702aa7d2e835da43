/**
 * Compiles the PROV-JSON schema (the document, and one record of each section) into standalone validation code (ajv's standalone mode) beside the
 * built dist/src/prov/schema.js, which loads it instead of loading ajv and compiling at each start
 * (~100 ms of a small conversion; issue 16). Run by `npm run build`, after tsc.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PRECOMPILED_VALIDATOR_PATH, PROV_JSON_AJV_OPTIONS, PROV_JSON_SCHEMA_PATH, recordSchemaRefs } from '../dist/src/prov/schema.js';

const require = createRequire(import.meta.url);
const { Ajv } = require('ajv');
const standaloneCode = require('ajv/dist/standalone').default;

// Compile time does not matter here: ajv's code optimizer makes the file smaller, so faster to load.
const ajv = new Ajv({ ...PROV_JSON_AJV_OPTIONS, code: { source: true, optimize: true } });
const schema = JSON.parse(readFileSync(PROV_JSON_SCHEMA_PATH, 'utf8'));
ajv.addSchema(schema, 'prov-json');
// The document's validator as the default export; one per section for a single record (the streaming reader's).
writeFileSync(PRECOMPILED_VALIDATOR_PATH, standaloneCode(ajv, { default: 'prov-json', ...recordSchemaRefs(schema) }));
