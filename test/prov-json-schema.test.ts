/**
 * The shipped PROV-JSON schema (schemas/prov-json.schema.json) and its use by the readers:
 * real documents pass, malformed ones fail with one diagnostic that names a JSON pointer,
 * and lenient reading bypasses it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { convert } from '../src/convert.js';
import { Diagnostics, ProvInputError } from '../src/base/diagnostics.js';
import { parseJsonText } from '../src/io/json-text.js';
import { readProv } from '../src/io/read.js';
import { ELEMENT_BY_KIND, RELATIONS, RELATION_BY_KIND } from '../src/prov/relations.js';
import { checkProvJsonSchema, PROV_JSON_SCHEMA_PATH } from '../src/prov/schema.js';

const CORPUS_JSON = '/usr/lib/python3/dist-packages/prov/tests/json/';
const corpusPresent = existsSync(CORPUS_JSON);
const YPROV4ML = fileURLToPath(new URL('../../shared/fixtures/yprov4ml/', import.meta.url));
const yprov4mlPresent = existsSync(YPROV4ML);
const CLI = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));

type Schema = { properties: Record<string, { $ref?: string }>; definitions: Record<string, any> };
const schema = JSON.parse(readFileSync(PROV_JSON_SCHEMA_PATH, 'utf8')) as Schema;

/** Schema-checks JSON text the way the strict readers do; returns the problem, or undefined when valid. */
function schemaProblem(text: string): string | undefined {
  const diagnostics = new Diagnostics('doc.json', false);
  try {
    checkProvJsonSchema(parseJsonText(text, diagnostics), diagnostics);
    return undefined;
  } catch (error) {
    if (error instanceof ProvInputError) return error.message;
    throw error;
  }
}

function problemsIn(dir: string): string[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  expect(files.length).toBeGreaterThan(0);
  return files.flatMap((f) => {
    const problem = schemaProblem(readFileSync(join(dir, f), 'utf8'));
    return problem ? [`${f}: ${problem}`] : [];
  });
}

describe('the schema file', () => {
  it('is a valid draft-07 schema that compiles under ajv strict mode', () => {
    const ajv = new Ajv({ strict: true, allowUnionTypes: true });
    expect(ajv.validateSchema(schema)).toBe(true);
    expect(() => ajv.compile(schema)).not.toThrow();
  });

  it('spells wasEndedBy correctly (the official schema has "wasEndedby") and says so', () => {
    expect(schema.properties).toHaveProperty('wasEndedBy');
    expect(schema.properties).not.toHaveProperty('wasEndedby');
    expect(JSON.stringify((schema as { $comment?: string }).$comment)).toContain('wasEndedby');
  });

  it('has exactly the sections the converter knows, in documents and in bundles', () => {
    const kinds = [...ELEMENT_BY_KIND.keys(), ...RELATION_BY_KIND.keys()];
    expect(Object.keys(schema.properties).sort()).toEqual(['bundle', 'prefix', ...kinds].sort());
    expect(Object.keys(schema.definitions.bundle.properties).sort()).toEqual(['prefix', ...kinds].sort());
  });

  it("types every relation's formal identifier attributes as identifiers", () => {
    const recordDefinition = (kind: string) => {
      const records = schema.definitions[schema.properties[kind]!.$ref!.split('/').pop()!];
      return schema.definitions[records.additionalProperties.then.$ref.split('/').pop()];
    };
    for (const relation of RELATIONS) {
      const properties = recordDefinition(relation.kind).properties as Record<string, { $ref?: string; items?: { $ref: string } }>;
      const names = [relation.subject, ...relation.formal.map((f) => f.name)];
      for (const name of names) {
        const property = properties[name];
        expect(property, `${relation.kind} ${name}`).toBeDefined();
        const isTime = relation.formal.find((f) => f.name === name)?.time;
        const ref = relation.multipleObjects && name === relation.object ? property!.items!.$ref : property!.$ref;
        expect(ref, `${relation.kind} ${name}`).toBe(isTime ? '#/definitions/time' : '#/definitions/identifier');
      }
    }
  });
});

describe('real documents validate', () => {
  it.skipIf(!corpusPresent && !process.env.CI)('every document of the python3-prov corpus', () => {
    if (!corpusPresent) throw new Error(`${CORPUS_JSON} is missing: CI must install python3-prov`);
    expect(readdirSync(CORPUS_JSON).filter((f) => f.endsWith('.json'))).toHaveLength(398);
    expect(problemsIn(CORPUS_JSON)).toEqual([]);
  });

  it.skipIf(!yprov4mlPresent)('both yProv4ML files', () => {
    expect(readdirSync(YPROV4ML).filter((f) => f.endsWith('.json'))).toHaveLength(2);
    expect(problemsIn(YPROV4ML)).toEqual([]);
  });

  it('keeps exact numbers (1.0, 2.50, 1e3) valid', () => {
    const text = '{"entity": {"ex:e": {"ex:a": {"$": 1.0, "type": "xsd:double"}, "ex:b": 2.50, "ex:c": [1e3, {"$": 1.5}]}}}';
    expect(schemaProblem(text)).toBeUndefined();
  });
});

interface Invalid {
  name: string;
  doc: unknown;
  pointer: string;
  fragment: string;
}

const ACTIVITY = { 'prov:activity': 'ex:a' };
const INVALID: Invalid[] = [
  { name: 'unknown top-level key', doc: { entitiy: {} }, pointer: '/entitiy', fragment: "unknown top-level key 'entitiy'; did you mean 'entity'?" },
  { name: 'unknown key with / and ~ (escaped pointer)', doc: { 'a/b~c': {} }, pointer: '/a~1b~0c', fragment: "unknown top-level key 'a/b~c'" },
  { name: 'the official schema\'s "wasEndedby"', doc: { wasEndedby: { '_:e': ACTIVITY } }, pointer: '/wasEndedby', fragment: "unknown top-level key 'wasEndedby'; did you mean 'wasEndedBy'?" },
  { name: '"WasEndedBy"', doc: { WasEndedBy: {} }, pointer: '/WasEndedBy', fragment: "did you mean 'wasEndedBy'?" },
  { name: '"wasendedby"', doc: { wasendedby: {} }, pointer: '/wasendedby', fragment: "did you mean 'wasEndedBy'?" },
  { name: '"wasEndedby" in a bundle', doc: { bundle: { 'ex:b': { wasEndedby: {} } } }, pointer: '/bundle/ex:b/wasEndedby', fragment: "unknown key 'wasEndedby' in a bundle" },
  { name: 'entity section that is an array', doc: { entity: [] }, pointer: '/entity', fragment: 'expected an object of entity records keyed by identifier, found an array' },
  {
    name: 'relation with a numeric prov:entity', doc: { wasGeneratedBy: { 'ex:g1': { 'prov:entity': 3, 'prov:activity': 'ex:a' } } },
    pointer: '/wasGeneratedBy/ex:g1/prov:entity', fragment: 'expected an identifier (string), found number 3',
  },
  {
    name: 'hadMember with a numeric member', doc: { hadMember: { '_:m': { 'prov:collection': 'ex:c', 'prov:entity': ['ex:e', 4] } } },
    pointer: '/hadMember/_:m/prov:entity/1', fragment: 'expected an identifier (string), found number 4',
  },
  {
    name: 'time that is not a string', doc: { used: { '_:u': { ...ACTIVITY, 'prov:time': 1700000000 } } },
    pointer: '/used/_:u/prov:time', fragment: 'expected a time (string, xsd:dateTime), found number 1700000000',
  },
  { name: 'typed value missing $', doc: { entity: { 'ex:e': { 'ex:n': { type: 'xsd:int' } } } }, pointer: '/entity/ex:e/ex:n', fragment: 'a typed value must have a "$" member' },
  { name: 'typed value whose $ is an object', doc: { entity: { 'ex:e': { 'ex:n': { $: {} } } } }, pointer: '/entity/ex:e/ex:n/$', fragment: 'found an object' },
  { name: 'attribute value null', doc: { entity: { 'ex:e': { 'ex:n': null } } }, pointer: '/entity/ex:e/ex:n', fragment: 'found null' },
  { name: 'nested array value', doc: { agent: { 'ex:ag': { 'prov:label': [['x']] } } }, pointer: '/agent/ex:ag/prov:label/0', fragment: 'found an array' },
  { name: 'prefix value that is a number', doc: { prefix: { ex: 3 } }, pointer: '/prefix/ex', fragment: 'expected a namespace IRI (string), found number 3' },
  { name: 'record that is a string', doc: { entity: { 'ex:e': 'ex:other' } }, pointer: '/entity/ex:e', fragment: 'expected an entity record (an object of attributes) or an array of them, found string "ex:other"' },
  { name: 'string in an array of records', doc: { activity: { 'ex:a': [{}, 'x'] } }, pointer: '/activity/ex:a/1', fragment: 'expected an activity record' },
  { name: 'nested bundle inside a bundle', doc: { bundle: { 'ex:b': { bundle: { 'ex:c': {} } } } }, pointer: '/bundle/ex:b/bundle', fragment: 'bundles cannot be nested' },
  { name: 'bundle that is not an object', doc: { bundle: { 'ex:b': 3 } }, pointer: '/bundle/ex:b', fragment: 'expected a bundle' },
];

describe('invalid documents', () => {
  const prefix = { ex: 'http://example.org/' };
  const text = (doc: unknown) => JSON.stringify({ prefix, ...(doc as object) });

  it.each(INVALID)('$name: rejected at $pointer', async ({ doc, pointer, fragment }) => {
    const error = await readProv(text(doc), { format: 'provjson', file: 'x.json' }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ProvInputError);
    const { location, message, problem } = error as ProvInputError;
    expect(location).toBe(pointer);
    expect(message.startsWith('x.json:')).toBe(true);
    expect(message).toBe(`x.json:${pointer}: ${problem}`);
    expect(problem).toContain(fragment);
    // The pointer is the location; the problem does not repeat it.
    expect(problem).not.toContain(pointer);
  });

  it.each(INVALID)('$name: the streaming converter rejects it the same way', async ({ doc, pointer, fragment }) => {
    const error = await convert(text(doc), { to: 'ntriples', format: 'provjson', file: 'x.json' }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ProvInputError);
    expect((error as ProvInputError).location).toBe(pointer);
    expect((error as ProvInputError).problem).toContain(fragment);
  });

  it.each(INVALID)('$name: does not throw when lenient', async ({ doc }) => {
    await expect(readProv(text(doc), { format: 'provjson', file: 'x.json', lenient: true })).resolves.toBeDefined();
    await expect(convert(text(doc), { to: 'nquads', format: 'provjson', file: 'x.json', lenient: true })).resolves.toBeDefined();
  });

  it('a document that is not an object is reported at the empty pointer', async () => {
    const error = (await readProv('[]', { format: 'provjson', file: 'x.json' }).catch((e: unknown) => e)) as ProvInputError;
    expect(error).toBeInstanceOf(ProvInputError);
    expect(error.location).toBe('');
    expect(error.message).toBe('x.json: expected a PROV-JSON document (a JSON object of record sections), found an array');
  });

  it('reports an exact number as written', async () => {
    // `1.0` reaches the checks as a marked string (io/json-text.ts); the converter names it as the number it is.
    const error = await readProv('{"prefix": {"ex": 1.0}}', { format: 'provjson', file: 'doc.json' }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('doc.json:/prefix/ex: a namespace must be a string, found number 1.0');
    const relation = await readProv('{"prefix": {"ex": "http://e/"}, "used": {"ex:u": {"prov:entity": 2.50}}}', { format: 'provjson', file: 'doc.json' }).catch((e: unknown) => e);
    expect((relation as Error).message).toBe('doc.json:/used/ex:u/prov:entity: expected an identifier (string), found number 2.50');
  });
});

describe('reprov convert on a file that fails the schema', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reprov-schema-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 2 with one line naming the file and the pointer, and no stack trace', () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build`);
    const input = join(dir, 'bad.json');
    writeFileSync(input, JSON.stringify({
      prefix: { ex: 'http://example.org/' },
      entity: { 'ex:e1': {} },
      used: { '_:u1': { 'prov:activity': 'ex:a1', 'prov:entity': 42 } },
    }, null, 2));
    const result = spawnSync(process.execPath, [CLI, 'convert', input, '-t', 'turtle'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(`reprov: ${input}:/used/_:u1/prov:entity: expected an identifier (string), found number 42`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
