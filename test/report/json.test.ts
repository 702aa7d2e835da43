/** The JSON report, validated against its shipped schema (schemas/check-report.schema.json). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, SEVERITIES } from '../../src/check/types.js';
import { PACKAGE_ROOT } from '../../src/base/package-root.js';
import { CHECK_REPORT_SCHEMA_PATH, renderJson, toJsonReport } from '../../src/report/json.js';
import { version } from '../../src/base/version.js';
import { finding, fixture } from './fixture.js';

const schema = JSON.parse(readFileSync(CHECK_REPORT_SCHEMA_PATH, 'utf8')) as { $defs: Record<string, { enum?: string[] }> };
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const validate = ajv.compile(schema);

function errorsOf(doc: unknown): string[] {
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

describe('renderJson', () => {
  const text = renderJson(fixture());
  const doc = JSON.parse(text) as ReturnType<typeof toJsonReport>;

  it('is valid against the shipped schema', () => {
    expect(errorsOf(doc)).toEqual([]);
  });

  it('carries the version, the tool, bundles with scores and sorted findings, errors and the summary', () => {
    expect(doc.version).toBe(1);
    expect(doc.tool).toEqual({ name: 'reprov', version });
    expect(doc.bundles.map((b) => [b.file, b.score])).toEqual([
      ['runs/a/prov.json', 44],
      ['runs/b dir/prov.ttl', 94],
    ]);
    expect(Object.keys(doc.bundles[0]!.categories)).toEqual(['randomness', 'data', 'code', 'environment', 'hardware', 'secrets']);
    expect(doc.bundles[0]!.findings.map((f) => `${f.severity} ${f.rule}`)).toEqual(['error RPV-S001', 'error RPV-X001', 'warning RPV-D001', 'info RPV-H001']);
    expect(doc.bundles[0]!.findings[0]).toEqual({
      rule: 'RPV-S001',
      category: 'randomness',
      severity: 'error',
      focus: 'run:train',
      message: 'no seed is recorded for the run & its children',
      fix: 'Record what RPV-S001 asks for.',
    });
    expect(doc.errors).toEqual([{ file: 'runs/c/prov.json', message: 'runs/c/prov.json: /entity/e1: expected an object, found a string' }]);
    expect(doc.summary).toEqual({ errors: 2, warnings: 2, infos: 2, bundles: 2, lowestScore: 44 });
  });

  it('is indented text ending with a newline; indent 0 gives one line', () => {
    expect(text.startsWith('{\n  "version": 1,')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    expect(renderJson(fixture(), { indent: 0 }).trimEnd().split('\n')).toHaveLength(1);
  });

  it('takes the tool version it is given, and an empty result is valid', () => {
    const empty = toJsonReport({ bundles: [], errors: [] }, { toolVersion: '9.9.9' });
    expect(empty.tool.version).toBe('9.9.9');
    expect(empty.summary).toEqual({ errors: 0, warnings: 0, infos: 0, bundles: 0, lowestScore: null });
    expect(errorsOf(empty)).toEqual([]);
  });

  it('is valid with null scores (no rule applies)', () => {
    const result = fixture();
    result.bundles[1] = { ...result.bundles[1]!, score: null, categories: { data: null } };
    expect(errorsOf(toJsonReport(result))).toEqual([]);
  });
});

describe('schemas/check-report.schema.json', () => {
  it('lists exactly the categories and severities of src/check/types.ts', () => {
    expect(schema.$defs.category!.enum).toEqual([...CATEGORIES]);
    expect(schema.$defs.severity!.enum).toEqual([...SEVERITIES]);
  });

  it('rejects a finding whose focus is a bare blank node', () => {
    const result = fixture();
    result.bundles[0]!.findings.push(finding('RPV-S001', '_:b0', 'a blank node'));
    const errors = errorsOf(toJsonReport(result));
    expect(errors.some((e) => /^\/bundles\/0\/findings\/\d+\/focus must match pattern/.test(e))).toBe(true);
  });

  it('accepts qualified names and IRIs as focus, also ones with _: inside', () => {
    const result = fixture();
    result.bundles[0]!.findings.push(finding('RPV-S001', 'ex:a_:b', 'fine'), finding('RPV-S001', 'urn:x:_:y', 'fine'));
    expect(errorsOf(toJsonReport(result))).toEqual([]);
  });

  it('rejects an unknown category, an unknown severity, a score over 100 and a missing field', () => {
    const doc = toJsonReport(fixture()) as unknown as { bundles: { score: number; findings: Record<string, unknown>[]; categories: Record<string, unknown> }[]; summary: Record<string, unknown> };
    const bad = structuredClone(doc);
    bad.bundles[0]!.findings[0]!.category = 'style';
    bad.bundles[0]!.findings[1]!.severity = 'fatal';
    bad.bundles[0]!.categories.style = 10;
    bad.bundles[1]!.score = 101;
    delete bad.summary.lowestScore;
    const errors = errorsOf(bad);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/bundles\/0\/findings\/0\/category must be equal to one of the allowed values/),
        expect.stringMatching(/^\/bundles\/0\/findings\/1\/severity must be equal to one of the allowed values/),
        expect.stringMatching(/^\/bundles\/0\/categories must be equal to one of the allowed values/),
        expect.stringMatching(/^\/bundles\/1\/score must be <= 100/),
        expect.stringMatching(/^\/summary must have required property 'lowestScore'/),
      ]),
    );
  });
});

describe('docs/check-report.md', () => {
  const doc = readFileSync(join(PACKAGE_ROOT, 'docs', 'check-report.md'), 'utf8');

  it('has an example that is valid against the schema', () => {
    const example = /```json\n([\s\S]*?)\n```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    expect(errorsOf(JSON.parse(example!))).toEqual([]);
  });

  it('documents every field of the schema in a table row', () => {
    const fields = (node: unknown, prefix: string): string[] => {
      const n = node as { properties?: Record<string, unknown>; items?: unknown; $ref?: string };
      if (n.$ref) return fields(schema.$defs[n.$ref.replace('#/$defs/', '')], prefix);
      if (n.items) return fields(n.items, `${prefix}[]`);
      return Object.entries(n.properties ?? {}).flatMap(([key, value]) => {
        const path = prefix ? `${prefix}.${key}` : key;
        return [path, ...fields(value, path)];
      });
    };
    const rows = new Set([...doc.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!));
    const documented = (path: string): boolean => rows.has(path) || rows.has(path.split(/\[\]\.|\./).at(-1)!);
    expect(fields(schema, '').filter((path) => !documented(path))).toEqual([]);
  });
});
