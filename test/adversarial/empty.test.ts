/**
 * Empty is not a pass: a gate that found nothing to check fails with exit 2 and says so (as eslint
 * does for a pattern that matches no file), and a bundle with statements but no run is a finding
 * (RPV-M006) whose score is not 100.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { attack, expectContained, sandbox } from './harness.js';
import { checkBundles } from '../../src/check/check.js';

const box = sandbox();
afterAll(() => box.remove());
const write = (name: string, content: string) => {
  writeFileSync(box.path(name), content);
  return name;
};

const NO_RUN = '@prefix prov: <http://www.w3.org/ns/prov#> .\n<urn:x/train> a prov:Activity ; prov:used <urn:x/data> .\n<urn:x/data> a prov:Entity .\n';

describe('check finds nothing to check: exit 2, whatever --min-score says', () => {
  it('an empty file', () => {
    write('empty.ttl', '');
    const result = attack(box, ['check', 'empty.ttl', '--min-score', '90']);
    expectContained(result, { status: 2, stderr: /empty\.ttl: the input is empty/ });
    expect(result.stdout).not.toMatch(/score 100/);
  });
  it('a file of whitespace, of prefixes only, an empty PROV-JSON document', () => {
    write('blank.ttl', '  \n\t\n');
    write('prefixes.ttl', '@prefix prov: <http://www.w3.org/ns/prov#> .\n# nothing else\n');
    write('empty.json', '{}');
    write('empty-sections.json', '{"prefix": {"ex": "http://e/"}, "entity": {}, "bundle": {}}');
    expectContained(attack(box, ['check', 'blank.ttl', '--min-score', '0']), { status: 2, stderr: /blank\.ttl: the input is empty/ });
    expectContained(attack(box, ['check', 'prefixes.ttl']), { status: 2, stderr: /prefixes\.ttl: the bundle holds no provenance statements/ });
    expectContained(attack(box, ['check', 'empty.json']), { status: 2, stderr: /empty\.json: the bundle holds no provenance statements/ });
    expectContained(attack(box, ['check', 'empty-sections.json']), { status: 2, stderr: /empty-sections\.json: the bundle holds no provenance statements/ });
  });
  it('empty standard input', () => {
    expectContained(attack(box, ['check', '-', '--min-score', '90'], { input: '' }), { status: 2, stderr: /<stdin>: the input is empty/ });
  });
  it('a directory with no bundle', () => {
    mkdirSync(box.path('nothing/sub'), { recursive: true });
    write('nothing/sub/notes.txt', 'no bundle here');
    expectContained(attack(box, ['check', 'nothing', '--min-score', '90']), { status: 2, stderr: /nothing: no bundle to check/ });
  });
  it('a directory with no bundle beside one with a bundle: the bundle is checked, the gate still fails with exit 2', () => {
    mkdirSync(box.path('one'), { recursive: true });
    write('one/prov.ttl', NO_RUN);
    const result = attack(box, ['check', 'one', 'nothing']);
    expectContained(result, { status: 2, stderr: /nothing: no bundle to check/ });
    expect(result.stdout).toMatch(/RPV-M006/);
  });
  it('a record interrupted before its first snapshot: an empty prov.json, or none', () => {
    mkdirSync(box.path('interrupted/metrics'), { recursive: true });
    write('interrupted/prov.json', '');
    expectContained(attack(box, ['check', 'interrupted', '--min-score', '90']), { status: 2, stderr: /prov\.json: the input is empty/ });
    mkdirSync(box.path('never/metrics'), { recursive: true });
    expectContained(attack(box, ['check', 'never', '--min-score', '90']), { status: 2, stderr: /never: no bundle to check/ });
  });
});

describe('a bundle with statements but no run', () => {
  it('is an RPV-M006 finding (exit 1), and its score is not 100', () => {
    write('norun.ttl', NO_RUN);
    const result = attack(box, ['check', 'norun.ttl', '--format', 'json']);
    expectContained(result, { status: 1 });
    const report = JSON.parse(result.stdout) as { bundles: { score: number | null; findings: { rule: string; focus: string }[] }[] };
    const [bundle] = report.bundles;
    expect(bundle?.findings.map((f) => [f.rule, f.focus])).toContainEqual(['RPV-M006', 'urn:x/train']);
    expect(bundle?.score).not.toBe(100);
    expect(bundle?.score).not.toBeNull();
  });
  it('fails the gate in process too (the library the CLI calls)', async () => {
    const { result, gate } = await checkBundles([box.path('norun.ttl')], { minScore: 0, jobs: 1 });
    expect(result.bundles[0]?.score).toBeLessThan(100);
    expect(gate.passed).toBe(false);
    const nothing = await checkBundles([box.path('nothing')], { jobs: 1 });
    expect(nothing.result.errors.map((e) => e.message)).toEqual([expect.stringMatching(/no bundle to check/)]);
  });
});

describe('the other commands', () => {
  it('verify refuses an empty bundle, and one that names nothing to verify: never "verified"', () => {
    const empty = attack(box, ['verify', 'empty.ttl']);
    expectContained(empty, { status: 2, stderr: /empty\.ttl: the input is empty/ });
    expect(empty.stdout).not.toMatch(/verified/);
    const nothing = attack(box, ['verify', 'norun.ttl']);
    expectContained(nothing, { status: 2, stderr: /norun\.ttl: the bundle names nothing to verify/ });
    expect(nothing.stdout).not.toMatch(/verified/);
  });
  it('convert, diff, merge, export and import refuse an empty input', () => {
    for (const args of [['convert', 'empty.ttl', '-t', 'ntriples'], ['convert', '-', '--from', 'turtle', '-t', 'ntriples'], ['diff', 'empty.ttl', 'norun.ttl'], ['merge', 'empty.ttl', 'norun.ttl', '-o', 'merged'], ['export', 'ro-crate', 'empty.json', '-o', 'crate'], ['import', 'yprov4ml', 'empty.json', '-o', 'imported']]) {
      expectContained(attack(box, args, { input: '' }), { status: 2, stderr: /(empty\.ttl|empty\.json|<stdin>): (the input is empty|the bundle holds no provenance statements)/ });
    }
  });
  it('scan of a path with no source file: exit 2, it says so', () => {
    mkdirSync(box.path('docs'), { recursive: true });
    write('docs/README.md', '# no code');
    expectContained(attack(box, ['scan', 'docs']), { status: 2, stderr: /scan: nothing to scan in docs: no Python, TypeScript or JavaScript file there/ });
  });
});
