/** `reprov record --scan` as a user runs it: the built CLI scans a real git repository, records the findings, and check reports them. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reprov } from '../support/cli.js';
import { loadedBy } from '../support/loaded.js';
import { REPROV, readBundle, type Bundle } from '../support/bundle.js';
import { initRepo } from '../support/git.js';

const PYTHON = '/usr/bin/python3';
/** Fast: no hardware probing or system sampling, which other tests cover. */
const QUICK = ['--no-hardware', '--no-system'];
const UNSEEDED = 'import numpy as np\n\nx = np.random.rand(3)\n';
const SEEDED = 'import numpy as np\n\nnp.random.seed(0)\nx = np.random.rand(3)\n';

/** A committed git repository holding `files` (path -> content). */
const repo = (files: Record<string, string>) => initRepo(mkdtempSync(join(tmpdir(), 'reprov-record-scan-')), files);

function record(cwd: string, ...options: string[]): Bundle {
  const result = reprov(['record', ...QUICK, ...options, '-o', 'b', '--overwrite', '--', PYTHON, '-c', 'pass'], { cwd });
  expect(result.status, result.stderr).toBe(0);
  return readBundle(join(cwd, 'b'));
}

interface JsonFinding { rule: string; severity: string; focus: string; message: string; location?: { file: string; line: number; column: number } }

function checkJson(cwd: string): { score: number; findings: JsonFinding[] } {
  const result = reprov(['check', 'b', '-f', 'json', '--fail-on', 'none'], { cwd });
  expect(result.status, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { bundles: { score: number; findings: JsonFinding[] }[] }).bundles[0]!;
}

/** The recorded findings: rule id, file, line, column and message of each `run:scan/<n>`. */
function recordedFindings(bundle: Bundle) {
  const findings = bundle.values('code', `${REPROV}scanFinding`);
  return findings.map((iri) => {
    const of = (name: string) => bundle.quads.filter((q) => q.subject.value === iri && q.predicate.value === REPROV + name).map((q) => q.object.value)[0];
    return { rule: of('ruleId'), file: of('sourceFile'), line: of('line'), column: of('column'), severity: of('severity'), message: of('message') };
  });
}

/** The modules the built CLI loads while running `args` (bundled ones named by their source file). */
const modulesLoaded = (args: string[], cwd: string): string[] => loadedBy(args, cwd).files;

describe('reprov record --scan', () => {
  it('records an unseeded NumPy draw on the code node; check reports it at file:line:column and scores it below the seeded script', () => {
    const unseeded = repo({ 'train.py': UNSEEDED });
    const bundle = record(unseeded, '--scan');
    expect(bundle.values('code', `${REPROV}scanned`)).toEqual(['true']);
    expect(bundle.values('code', `${REPROV}scannedFileCount`)).toEqual(['1']);
    // Python rules only: no JavaScript file was scanned, so RPV-S106 (Math.random) was not looked for.
    expect(bundle.values('code', `${REPROV}scanRule`)).toContain('RPV-S102');
    expect(bundle.values('code', `${REPROV}scanRule`)).not.toContain('RPV-S106');
    expect(recordedFindings(bundle)).toEqual([{
      rule: 'RPV-S102', file: 'train.py', line: '3', column: '5', severity: 'error',
      message: "numpy.random.rand() draws from NumPy's global generator with no np.random.seed() before it",
    }]);
    expect(bundle.subjectsOfType(`${REPROV}ScanFinding`)).toEqual([expect.stringMatching(/\/scan\/1$/)]);

    const seeded = repo({ 'train.py': SEEDED });
    const seededBundle = record(seeded, '--scan');
    expect(seededBundle.values('code', `${REPROV}scanRule`)).toContain('RPV-S102');
    expect(recordedFindings(seededBundle)).toEqual([]);

    const before = checkJson(unseeded);
    const after = checkJson(seeded);
    const s102 = before.findings.filter((f) => f.rule === 'RPV-S102');
    expect(s102).toEqual([expect.objectContaining({
      severity: 'error', focus: 'run:scan/1', location: { file: 'train.py', line: 3, column: 5 },
      message: expect.stringMatching(/^train\.py:3:5: numpy\.random\.rand\(\) draws/),
    })]);
    expect(after.findings.map((f) => f.rule)).not.toContain('RPV-S102');
    expect(before.score).toBeLessThan(after.score);
    // The two runs differ only in the seed: the scan finding is all that separates their findings.
    expect(before.findings.map((f) => f.rule).filter((r) => r !== 'RPV-S102')).toEqual(after.findings.map((f) => f.rule));

    const text = reprov(['check', 'b', '--fail-on', 'none'], { cwd: unseeded });
    expect(text.stdout).toMatch(/error\s+RPV-S102\s+train\.py:3:5\s/);
  });

  it('without --scan records no scan, and check neither reports nor counts the scan rules', () => {
    const cwd = repo({ 'train.py': UNSEEDED });
    const bundle = record(cwd);
    expect(bundle.quads.filter((q) => q.predicate.value.startsWith(`${REPROV}scan`))).toEqual([]);
    expect(bundle.subjectsOfType(`${REPROV}ScanFinding`)).toEqual([]);
    const { findings } = checkJson(cwd);
    expect(findings.map((f) => f.rule)).not.toContain('RPV-S102');
    const explained = reprov(['check', 'b', '--explain', '--fail-on', 'none'], { cwd }).stdout;
    expect(explained).toMatch(/RPV-S102 .*does not apply: the bundle records no scan of the code \(reprov record --scan\); not counted/);
  });

  it('keeps a secret written in scanned code out of the bundle, and still records the finding', () => {
    const password = 's3cretPassw0rd';
    const token = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    const cwd = repo({
      'fetch.py': `import requests\n\nr = requests.get("https://alice:${password}@data.example.com/train.csv")\ns = requests.get("https://data.example.com/x.csv?t=${token}")\n`,
    });
    const bundle = record(cwd, '--scan');
    const findings = recordedFindings(bundle);
    expect(findings.map((f) => [f.rule, f.line])).toEqual([['RPV-D102', '3'], ['RPV-D102', '4']]);
    expect(findings[0]!.message).toContain('https://alice:[REDACTED:password]@data.example.com/train.csv');
    expect(findings[1]!.message).toContain('[REDACTED:github-token]');
    for (const file of ['prov.json', 'prov.ttl']) {
      const text = readFileSync(join(cwd, 'b', file), 'utf8');
      expect(text).not.toContain(password);
      expect(text).not.toContain(token);
    }
  });

  it('applies the configuration found from the working directory: a rule turned off is not looked for, ignored files are not read', () => {
    const cwd = repo({
      'train.py': UNSEEDED,
      'vendor/lib.py': 'import random\n\nx = random.random()\n',
      'reprov.config.json': JSON.stringify({ rules: { 'RPV-S102': 'off', 'RPV-S101': 'warning' }, ignore: ['vendor/'] }),
    });
    const bundle = record(cwd, '--scan');
    expect(recordedFindings(bundle)).toEqual([]);
    expect(bundle.values('code', `${REPROV}scanRule`)).not.toContain('RPV-S102');
    expect(bundle.values('code', `${REPROV}scannedFileCount`)).toEqual(['1']);

    // Without the ignore, the vendored draw is found, at its configured severity.
    writeFileSync(join(cwd, 'reprov.config.json'), JSON.stringify({ rules: { 'RPV-S102': 'off', 'RPV-S101': 'warning' } }));
    expect(recordedFindings(record(cwd, '--scan')).map((f) => [f.rule, f.file, f.severity])).toEqual([['RPV-S101', join('vendor', 'lib.py'), 'warning']]);
  });

  it('records a file that does not parse as unknown and still scans the others', () => {
    const cwd = repo({ 'train.py': UNSEEDED, 'broken.py': 'def f(:\n    pass\n' });
    const bundle = record(cwd, '--scan');
    expect(bundle.values('code', `${REPROV}scannedFileCount`)).toEqual(['1']);
    expect(bundle.values('code', `${REPROV}unknownReason`)).toEqual([expect.stringMatching(/^scan: broken\.py:1:\d+: syntax error: .*; the file was not scanned$/)]);
    expect(recordedFindings(bundle).map((f) => f.rule)).toEqual(['RPV-S102']);
  });

  it('does not stop the run when the scan fails: the reason is recorded on the code node', () => {
    const cwd = repo({ 'train.py': UNSEEDED, 'reprov.config.json': '{"rules": {' });
    const result = reprov(['record', ...QUICK, '--scan', '-o', 'b', '--', 'touch', 'started'], { cwd });
    expect(result.status, result.stderr).toBe(0);
    expect(existsSync(join(cwd, 'started'))).toBe(true);
    const bundle = readBundle(join(cwd, 'b'));
    expect(bundle.values('run', `${REPROV}status`)).toEqual(['succeeded']);
    expect(bundle.values('code', `${REPROV}scanned`)).toEqual([]);
    expect(bundle.values('code', `${REPROV}unknownReason`)).toEqual([expect.stringMatching(/^scan: reprov\.config\.json:1:\d+: invalid JSON/)]);
    // The git state is still recorded beside it.
    expect(bundle.values('code', `${REPROV}commit`)).toHaveLength(1);
  });

  it('loads the scanner only for --scan, and check reads recorded findings without loading any parser', () => {
    const cwd = repo({ 'train.py': UNSEEDED });
    const parsers = /web-tree-sitter|ts-morph/;
    const plain = modulesLoaded(['record', ...QUICK, '-o', 'plain', '--', 'true'], cwd);
    expect(plain.filter((url) => /\/src\/scan\/|recorded-scan|rules\/scan\//.test(url) || parsers.test(url))).toEqual([]);
    const scanned = modulesLoaded(['record', ...QUICK, '--scan', '-o', 'b', '--', 'true'], cwd);
    expect(scanned.some((url) => url.includes('web-tree-sitter'))).toBe(true);
    expect(scanned.some((url) => url.includes('ts-morph'))).toBe(false);
    const checked = modulesLoaded(['check', 'b'], cwd);
    expect(checked.some((url) => url.endsWith('/src/check/recorded-scan.js'))).toBe(true);
    expect(checked.filter((url) => parsers.test(url) || url.endsWith('/src/scan/scan.js'))).toEqual([]);
  });
});
