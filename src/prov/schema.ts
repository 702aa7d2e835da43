/**
 * Validation of PROV-JSON documents against the shipped JSON schema
 * (schemas/prov-json.schema.json), with ajv. The schema is compiled at build time
 * where built (dist/), else once, on first use.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv';
import { requireOnUse } from '../base/require-on-use.js';
import { jsonPointer, type Diagnostics } from '../base/diagnostics.js';
import { PACKAGE_ROOT } from '../base/package-root.js';
import { describe } from './json-values.js';
import { didYouMean } from '../base/suggest.js';

export const PROV_JSON_SCHEMA_PATH = join(PACKAGE_ROOT, 'schemas', 'prov-json.schema.json');

/**
 * ajv's options for this schema; `npm run build` compiles the schema with them into standalone
 * code (tools/precompile-schemas.mjs), so that the CLI neither loads ajv nor compiles at start-up.
 */
export const PROV_JSON_AJV_OPTIONS = {
  allErrors: false,
  // Errors carry their parentSchema, whose description names what was expected. This costs
  // nothing while a document is valid: the extra fields are only built on failure.
  verbose: true,
  strict: true,
  allowUnionTypes: true,
  // Startup: checking the schema against the draft-07 meta-schema and optimizing the generated
  // code more than double the cold compile time (~230 -> ~90 ms) and do not make validation faster.
  // test/prov-json-schema.test.ts checks the schema against the meta-schema instead.
  validateSchema: false,
  code: { optimize: false },
} as const;

/** Where the build writes the precompiled validator: beside this module in dist/ (absent in src/). */
export const PRECOMPILED_VALIDATOR_PATH = join(dirname(fileURLToPath(import.meta.url)), 'prov-json-validate.cjs');

/** The validators: the whole document's, and one record's of each section. */
export interface ProvJsonValidators {
  document: ValidateFunction;
  /** By section name (`entity`, `used`, ...): what one identifier of that section maps to (a record or an array of them). */
  records: Record<string, ValidateFunction>;
}

/**
 * Where in the schema one record of section `section` is described: the `additionalProperties`
 * of its records' definition. The build compiles one validator per section from these (ajv
 * `getSchema` resolves a JSON pointer into a schema added under the id `prov-json`).
 */
export function recordSchemaRefs(schema: AnySchemaObject): Record<string, string> {
  const refs: Record<string, string> = Object.create(null);
  for (const [section, property] of Object.entries(schema.properties as Record<string, { $ref?: string }>)) {
    if (section !== 'prefix' && section !== 'bundle' && property.$ref) refs[section] = `prov-json${property.$ref}/additionalProperties`;
  }
  return refs;
}

let compiled: ProvJsonValidators | undefined;

/** The validators: the precompiled ones where built, else compiled on first use; kept for the life of the process. */
function validators(): ProvJsonValidators {
  if (!compiled) {
    if (existsSync(PRECOMPILED_VALIDATOR_PATH)) {
      const { default: document, ...records } = requireOnUse(PRECOMPILED_VALIDATOR_PATH) as Record<string, ValidateFunction>;
      compiled = { document: document!, records };
    } else {
      const { Ajv } = requireOnUse('ajv') as typeof import('ajv');
      const ajv = new Ajv(PROV_JSON_AJV_OPTIONS);
      const schema = readSchema();
      ajv.addSchema(schema, 'prov-json');
      const records: Record<string, ValidateFunction> = Object.create(null);
      for (const [section, ref] of Object.entries(recordSchemaRefs(schema))) records[section] = ajv.getSchema(ref)!;
      compiled = { document: ajv.getSchema('prov-json')!, records };
    }
  }
  return compiled;
}

function readSchema(): AnySchemaObject {
  return JSON.parse(readFileSync(PROV_JSON_SCHEMA_PATH, 'utf8')) as AnySchemaObject;
}

/** Reports the first schema violation through `diagnostics` (which throws unless lenient). */
export function checkProvJsonSchema(doc: unknown, diagnostics: Diagnostics): void {
  const validate = validators().document;
  if (!validate(doc)) report(validate, doc, '', diagnostics);
}

/**
 * {@link checkProvJsonSchema} for what identifier `id` maps to in section `section` (a known
 * section name) at `sectionPath`: the streaming reader checks each record alone, and a problem is
 * reported at the same JSON pointer and in the same words as in the whole document.
 */
export function checkProvJsonRecord(section: string, id: string, record: unknown, sectionPath: readonly string[], diagnostics: Diagnostics): void {
  const validate = validators().records[section]!;
  // The pointer only for a problem: a streamed document has millions of records.
  if (!validate(record)) report(validate, record, jsonPointer(...sectionPath, id), diagnostics);
}

/** Reports the error `validate` found in `value`, which is at JSON pointer `at`. */
function report(validate: ValidateFunction, value: unknown, at: string, diagnostics: Diagnostics): void {
  const error = mostUseful(validate.errors ?? []);
  if (!error) return;
  const { location, message } = explain(error, value, at, Object.keys(readSchema().properties as object));
  diagnostics.error(location, message);
}

/**
 * The error to report. The schema tells alternatives apart by JSON type (type unions, if/then/else),
 * never anyOf/oneOf, so ajv stops at the first failing keyword; the `if` error it adds after the
 * branch's own error says less.
 */
function mostUseful(errors: readonly ErrorObject[]): ErrorObject | undefined {
  return errors.find((e) => e.keyword !== 'if' && e.keyword !== 'anyOf' && e.keyword !== 'oneOf') ?? errors[0];
}

/** What `error` says about `value`, which is at JSON pointer `base` in the document. */
function explain(error: ErrorObject, value: unknown, base: string, sections: readonly string[]): { location: string; message: string } {
  const at = base + error.instancePath;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const location = at + jsonPointer(key);
      if (at === '') return { location, message: `unknown top-level key '${key}'${didYouMean(key, sections)}` };
      if (key === 'bundle') return { location, message: 'bundles cannot be nested' };
      return { location, message: `unknown key '${key}' in a bundle${didYouMean(key, sections)}` };
    }
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      return { location: at, message: missing === '$' ? 'a typed value must have a "$" member' : `missing "${missing}"` };
    }
    case 'type': {
      const expected = (error.parentSchema as { description?: string } | undefined)?.description;
      const found = describe(valueAt(value, error.instancePath));
      return { location: at, message: expected ? `expected ${expected}, found ${found}` : `${error.message ?? 'invalid'}, found ${found}` };
    }
    default:
      return { location: at, message: error.message ?? `fails the PROV-JSON schema (${error.keyword})` };
  }
}


/** The value a JSON pointer names (the pointer comes from ajv, so it exists). */
function valueAt(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  let value = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    value = value !== null && typeof value === 'object' && Object.hasOwn(value, segment) ? (value as Record<string, unknown>)[segment] : undefined;
  }
  return value;
}
