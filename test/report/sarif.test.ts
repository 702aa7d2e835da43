/** The SARIF report, validated against the shipped SARIF 2.1.0 schema (schemas/sarif-2.1.0.schema.json). */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/base/package-root.js';
import { artifactUri, fingerprint, FINGERPRINT_KEY, renderSarif, toSarif, type SarifLog } from '../../src/report/sarif.js';
import { version } from '../../src/base/version.js';
import { finding, fixture, RULES } from './fixture.js';

// ajv-formats is CommonJS: under NodeNext its plugin is the `default` of the imported module object.
const addFormats = addFormatsModule.default;
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const schemaText = readFileSync(join(PACKAGE_ROOT, 'schemas', 'sarif-2.1.0.schema.json'), 'utf8');
const validate = ajv.compile(JSON.parse(schemaText) as object);

function errorsOf(doc: unknown): string[] {
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

describe('schemas/sarif-2.1.0.schema.json', () => {
  it('is the file schemas/SOURCES.md names (sha256)', () => {
    const sources = readFileSync(join(PACKAGE_ROOT, 'schemas', 'SOURCES.md'), 'utf8');
    const digest = createHash('sha256').update(schemaText).digest('hex');
    expect(sources).toContain(`\`${digest}\``);
    expect((JSON.parse(schemaText) as { title: string }).title).toBe('Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema');
  });
});

describe('renderSarif', () => {
  const log = JSON.parse(renderSarif(fixture(), { rules: RULES })) as SarifLog;
  const run = log.runs[0]!;

  it('is valid SARIF 2.1.0 (the shipped schema, formats checked)', () => {
    expect(errorsOf(log)).toEqual([]);
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
  });

  it('the shipped schema rejects what is not SARIF', () => {
    expect(errorsOf({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toContain("/runs/0/tool/driver must have required property 'name'");
    expect(errorsOf({ ...log, version: '2.0.0' }).length).toBeGreaterThan(0);
    const badLevel = structuredClone(log);
    (badLevel.runs[0]!.results[0] as { level: string }).level = 'info';
    expect(errorsOf(badLevel).length).toBeGreaterThan(0);
  });

  it('describes every rule that ran, sorted by id, with help from why and fix, level from severity, category as tag', () => {
    const driver = run.tool.driver;
    expect(driver.name).toBe('reprov');
    expect(driver.version).toBe(version);
    expect(driver.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id).sort());
    const s001 = driver.rules.find((r) => r.id === 'RPV-S001')!;
    expect(s001).toMatchObject({
      name: 'TheRunRecordsItsRandomSeed',
      shortDescription: { text: 'The run records its random seed' },
      fullDescription: { text: 'Checks that the run records its random seed.' },
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['randomness'] },
    });
    expect(s001.help.text).toContain('Without it, a rerun of RPV-S001 cannot be compared.');
    expect(s001.help.text).toContain('Record what RPV-S001 asks for.');
    expect(s001.help.markdown).toContain('**How to fix.** Record what RPV-S001 asks for.');
    expect(driver.rules.find((r) => r.id === 'RPV-D001')!.defaultConfiguration.level).toBe('warning');
    expect(driver.rules.find((r) => r.id === 'RPV-H001')!.defaultConfiguration.level).toBe('note');
  });

  it('gives a security-severity to secrets rules only', () => {
    const withSeverity = run.tool.driver.rules.filter((r) => r.properties['security-severity'] !== undefined);
    expect(withSeverity.map((r) => r.id)).toEqual(['RPV-X001']);
    expect(Number(withSeverity[0]!.properties['security-severity'])).toBeGreaterThanOrEqual(7);
  });

  it('has one result per finding, located in its bundle file at line 1 with the focus as logical location', () => {
    expect(run.results).toHaveLength(6);
    const first = run.results[0]!;
    expect(first).toMatchObject({
      ruleId: 'RPV-S001',
      level: 'error',
      message: { text: 'no seed is recorded for the run & its children' },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: 'runs/a/prov.json' }, region: { startLine: 1 } },
          logicalLocations: [{ fullyQualifiedName: 'run:train' }],
        },
      ],
    });
    for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex]!.id).toBe(result.ruleId);
    expect(run.results.map((r) => r.level)).toEqual(['error', 'error', 'warning', 'note', 'warning', 'note']);
    // A file name with a space is percent-encoded.
    expect(run.results[4]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('runs/b%20dir/prov.ttl');
  });

  it('appends a finding-specific fix to the message, and not the rule fix again', () => {
    const d001 = run.results.find((r) => r.ruleId === 'RPV-D001')!;
    expect(d001.message.text).toBe('input `train.csv` has no content hash | columns a|b Fix: add a sha256 checksum (spdx:checksum) to `data:train.csv`');
    expect(run.results.find((r) => r.ruleId === 'RPV-H001')!.message.text).toBe('no accelerator is recorded for the run');
  });

  it('reports unreadable inputs as error notifications of a completed invocation', () => {
    expect(run.invocations[0]).toEqual({
      executionSuccessful: true,
      toolExecutionNotifications: [
        {
          level: 'error',
          message: { text: 'runs/c/prov.json: /entity/e1: expected an object, found a string' },
          locations: [{ physicalLocation: { artifactLocation: { uri: 'runs/c/prov.json' } } }],
        },
      ],
    });
  });
});

describe('partial fingerprints', () => {
  const prints = (log: SarifLog): string[] => log.runs[0]!.results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]!);

  it('are sha256 of rule, focus and file, the same for the same input on every run', () => {
    const a = prints(toSarif(fixture(), { rules: RULES }));
    const b = prints(toSarif(fixture(), { rules: RULES, toolVersion: '2.0.0' }));
    expect(a).toEqual(b);
    for (const p of a) expect(p).toMatch(/^[0-9a-f]{64}$/);
    expect(a[0]).toBe(fingerprint('RPV-S001', 'run:train', 'runs/a/prov.json'));
    expect(new Set(a).size).toBe(a.length);
  });

  it('do not depend on the message, the severity or the order of findings', () => {
    const result = fixture();
    const f = result.bundles[0]!.findings.find((x) => x.rule === 'RPV-S001')!;
    f.message = 'reworded';
    f.severity = 'warning';
    result.bundles[0]!.findings.reverse();
    const log = toSarif(result, { rules: RULES });
    const s001 = log.runs[0]!.results.find((r) => r.ruleId === 'RPV-S001')!;
    expect(s001.partialFingerprints[FINGERPRINT_KEY]).toBe(fingerprint('RPV-S001', 'run:train', 'runs/a/prov.json'));
  });

  it('differ when the focus, the rule or the file differs', () => {
    const base = fingerprint('RPV-S001', 'run:train', 'runs/a/prov.json');
    expect(fingerprint('RPV-S001', 'run:eval', 'runs/a/prov.json')).not.toBe(base);
    expect(fingerprint('RPV-S002', 'run:train', 'runs/a/prov.json')).not.toBe(base);
    expect(fingerprint('RPV-S001', 'run:train', 'runs/b/prov.json')).not.toBe(base);
    // No ambiguity between the parts: ("a", "b:c") and ("a:b", "c") differ.
    expect(fingerprint('a', 'b:c', 'f')).not.toBe(fingerprint('a:b', 'c', 'f'));
    const result = fixture();
    result.bundles[0]!.findings = [finding('RPV-S001', 'run:eval', 'no seed is recorded for the run & its children')];
    expect(prints(toSarif(result))[0]).not.toBe(base);
  });

  it('are the same whether the bundle was named by an absolute or a relative path', () => {
    const relative = fixture();
    const absolute = fixture();
    absolute.bundles[0]!.file = join('/work/project', 'runs/a/prov.json');
    const p1 = prints(toSarif(relative, { baseDir: '/work/project' }))[0];
    const p2 = prints(toSarif(absolute, { baseDir: '/work/project' }))[0];
    expect(p2).toBe(p1);
  });
});

describe('artifactUri', () => {
  it('is relative, with forward slashes and percent-encoded segments', () => {
    expect(artifactUri('/repo/runs/a/prov.json', '/repo')).toBe('runs/a/prov.json');
    expect(artifactUri('./runs/a/prov.json', '/repo')).toBe('runs/a/prov.json');
    expect(artifactUri('runs\\a\\prov.json', '/repo')).toBe('runs/a/prov.json');
    expect(artifactUri('runs/a b/prov#1.json', '/repo')).toBe('runs/a%20b/prov%231.json');
    expect(artifactUri('<stdin>', '/repo')).toBe('%3Cstdin%3E');
  });

  it('a log with such URIs is still valid', () => {
    const result = fixture();
    result.bundles[0]!.file = '<stdin>';
    result.bundles[1]!.file = 'runs/ü ñ/prov#1.json';
    expect(errorsOf(toSarif(result, { rules: RULES }))).toEqual([]);
  });

  it('a rule named by a finding but missing from options.rules still gets an entry', () => {
    const log = toSarif(fixture(), { rules: RULES.filter((r) => r.id !== 'RPV-X001') });
    const x = log.runs[0]!.tool.driver.rules.find((r) => r.id === 'RPV-X001')!;
    expect(x.defaultConfiguration.level).toBe('error');
    expect(x.properties).toEqual({ tags: ['secrets'], 'security-severity': '8.8' });
    expect(errorsOf(log)).toEqual([]);
    const none = toSarif(fixture());
    expect(none.runs[0]!.tool.driver.rules.map((r) => r.id)).toEqual(['RPV-D001', 'RPV-E001', 'RPV-H001', 'RPV-S001', 'RPV-X001']);
    expect(errorsOf(none)).toEqual([]);
  });

  it('informationUri is passed through when given', () => {
    const log = toSarif(fixture(), { rules: RULES, informationUri: 'https://example.org/reprov' });
    expect(log.runs[0]!.tool.driver.informationUri).toBe('https://example.org/reprov');
    expect(errorsOf(log)).toEqual([]);
  });
});
