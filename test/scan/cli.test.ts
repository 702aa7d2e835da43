/** `reprov scan` as a user runs it: the built CLI in a subprocess, on real files. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { CHECK_REPORT_SCHEMA_PATH, SCAN_REPORT_SCHEMA_PATH } from '../../src/report/json.js';
import { REPO, reprov } from '../support/cli.js';

const UNSEEDED = 'fixtures/scan/python/torch_unseeded.py';
const SEEDED = 'fixtures/scan/python/torch_seeded.py';

describe('reprov scan', () => {
  it('reports findings with file:line:column and exits 1 on error findings', () => {
    const result = reprov(['scan', UNSEEDED]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`error    RPV-S103  ${UNSEEDED}:21:16  torch.randn() draws from torch's default generator with no torch.manual_seed() before it`);
    expect(result.stdout).toContain(`warning  RPV-T101  ${UNSEEDED}:6:1`);
    expect(result.stdout).toContain(`error    RPV-S103  ${UNSEEDED}:12:20  torch.nn.Linear() initialises its weights from torch's default generator with no torch.manual_seed() before it (and 1 more module in this file)`);
    expect(result.stdout).toMatch(/6 errors, 1 warning in 1 file; lowest score \d+\n$/);
    expect(result.stderr).toBe('reprov: scan failed: 6 error findings\n');
  });

  it('exits 0 on a correctly seeded script, and when --fail-on none', () => {
    const clean = reprov(['scan', SEEDED]);
    expect(clean).toMatchObject({ status: 0, stderr: '' });
    expect(clean.stdout).toBe('0 errors, 0 warnings in 1 file; lowest score 100\n');
    expect(reprov(['scan', UNSEEDED, '--fail-on', 'none']).status).toBe(0);
    expect(reprov(['scan', 'fixtures/scan/python/determinism_off.py', '--max-warnings', '2']).status).toBe(1);
  });

  it('writes a JSON report valid against the scan report schema, naming the scanned files `files`, with locations', () => {
    const result = reprov(['scan', 'fixtures/scan/ts', '-f', 'json']);
    const doc = JSON.parse(result.stdout) as { files: { file: string; findings: { rule: string; location: unknown }[] }[]; summary: Record<string, unknown> };
    const compile = (path: string) => new Ajv2020({ strict: true, allowUnionTypes: true }).compile(JSON.parse(readFileSync(path, 'utf8')) as object);
    const validate = compile(SCAN_REPORT_SCHEMA_PATH);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(Object.keys(doc)).toEqual(['version', 'tool', 'files', 'errors', 'summary']);
    expect(doc.summary).toMatchObject({ files: doc.files.length });
    expect(doc.summary).not.toHaveProperty('bundles');
    // Not check's shape: check's report keeps `bundles`.
    expect(compile(CHECK_REPORT_SCHEMA_PATH)(doc)).toBe(false);
    const math = doc.files.find((b) => b.file === 'fixtures/scan/ts/math_random.ts')!;
    expect(math.findings[0]).toMatchObject({ rule: 'RPV-S106', location: { file: 'fixtures/scan/ts/math_random.ts', line: 10, column: 26 } });
    expect(doc.files.find((b) => b.file === 'fixtures/scan/ts/seeded_prng.ts')!.findings).toEqual([]);
  });

  it('writes SARIF with a region per finding, and Markdown and JUnit naming file:line:column', () => {
    const sarif = JSON.parse(reprov(['scan', UNSEEDED, '-f', 'sarif']).stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: unknown } }[] }[] }[] };
    const first = sarif.runs[0]!.results.find((r) => r.ruleId === 'RPV-S103')!;
    expect(first.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: UNSEEDED }, region: { startLine: 12, startColumn: 20 } });
    expect(reprov(['scan', UNSEEDED, '-f', 'markdown']).stdout).toContain(`| error | RPV-S103 | \`${UNSEEDED}:14:9\` |`);
    expect(reprov(['scan', UNSEEDED, '-f', 'junit']).stdout).toContain(`error RPV-S103 ${UNSEEDED}:14:9: torch.nn.init.xavier_uniform_() initialises weights`);
  });

  it('warns about a file that does not parse, naming file:line:column, and still scans the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprov-scan-cli-'));
    writeFileSync(join(dir, 'broken.py'), 'def f(:\n  pass\n');
    writeFileSync(join(dir, 'train.py'), 'import numpy as np\nnp.random.rand(3)\n');
    const result = reprov(['scan'], { cwd: dir });
    expect(result.stderr.split('\n')[0]).toMatch(/^reprov: warning: broken\.py:1:\d+: syntax error: .*; the file was not scanned$/);
    expect(result.stdout).toContain('train.py:2:1');
    expect(result.status).toBe(1);
  });

  it('on worker threads (-j 2) reports exactly what one thread reports, with the configuration applied in every worker', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprov-scan-jobs-'));
    cpSync(join(REPO, 'fixtures', 'scan'), join(dir, 'scan'), { recursive: true });
    writeFileSync(join(dir, 'scan', 'python', 'broken.py'), 'def f(:\n');
    writeFileSync(join(dir, 'reprov.config.json'), '{ "rules": { "RPV-S103": "info" }, "ignore": ["scan/ts/**"] }');
    const one = reprov(['scan', '.', '-f', 'json', '-j', '1'], { cwd: dir });
    const two = reprov(['scan', '.', '-f', 'json', '-j', '2'], { cwd: dir });
    expect(two.stdout).toBe(one.stdout);
    expect(two.stderr).toBe(one.stderr);
    expect(two.stderr).toMatch(/^reprov: warning: scan\/python\/broken\.py:1:/m);
    const report = JSON.parse(two.stdout) as { files: { file: string; findings: { rule: string; severity: string }[] }[] };
    expect(report.files.some((b) => b.file.startsWith('scan/ts/'))).toBe(false);
    expect(report.files.flatMap((b) => b.findings).filter((f) => f.rule === 'RPV-S103').every((f) => f.severity === 'info')).toBe(true);
    expect(report.files.flatMap((b) => b.findings).some((f) => f.rule === 'RPV-S103')).toBe(true);
  });

  it('a missing path is a usage error: one line, exit 2', () => {
    const result = reprov(['scan', 'no/such/dir']);
    expect(result).toMatchObject({ status: 2, stdout: '', stderr: 'reprov: scan: no/such/dir: no such file or directory\n' });
  });

  it('reprov rules lists the scan rules and reprov explain shows one with its code examples', () => {
    expect(reprov(['rules']).stdout).toMatch(/^RPV-S103 {2}error {4}randomness {4}w8 +PyTorch random numbers come from a seeded generator$/m);
    const explain = reprov(['explain', 'rpv-d101']);
    expect(explain.status).toBe(0);
    expect(explain.stdout).toContain('RPV-D101: Hub datasets and models are pinned to a revision');
    expect(explain.stdout).toContain('  model = AutoModel.from_pretrained("bert-base-uncased")');
  });
});
