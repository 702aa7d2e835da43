/** The scanner on real files in temporary directories: discovery, suppressions, files that do not parse, configuration. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findSources } from '../../src/scan/files.js';
import { scanFiles, scanSources } from '../../src/scan/scan.js';
import { findSuppressions, isSuppressed } from '../../src/scan/suppressions.js';
import { REPO } from '../support/cli.js';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'reprov-scan-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const names = (dir: string, paths = [dir]) => findSources(paths, dir).map((f) => f.file).sort();

describe('findSources', () => {
  it('finds Python, TypeScript and JavaScript files, leaving out node_modules, .git, virtual environments and declaration files', () => {
    const dir = tree({
      'train.py': '', 'src/model.ts': '', 'src/types.d.ts': '', 'web/app.mjs': '', 'README.md': '', 'data.csv': '',
      'node_modules/lib/index.js': '', '.git/hooks/x.py': '', 'env/pyvenv.cfg': '', 'env/lib/site.py': '', '.venv/x.py': '',
    });
    expect(names(dir)).toEqual(['src/model.ts', 'train.py', 'web/app.mjs']);
  });

  it('honours .gitignore files, nested ones and those above the scanned directory up to the repository root', () => {
    const dir = tree({
      '.git/HEAD': '', '.gitignore': 'build/\n*.gen.py\n', 'build/out.py': '', 'a.gen.py': '',
      'pkg/.gitignore': 'scratch.py\n!keep.gen.py\n', 'pkg/scratch.py': '', 'pkg/main.py': '', 'pkg/sub/scratch.py': '',
    });
    expect(names(dir)).toEqual(['pkg/main.py']);
    expect(names(dir, [join(dir, 'pkg')])).toEqual(['pkg/main.py']);
  });

  it('scans a file named on the command line even when ignored; refuses a missing path or another kind of file', () => {
    const dir = tree({ '.git/HEAD': '', '.gitignore': 'x.py\n', 'x.py': '', 'notes.txt': '' });
    expect(names(dir, ['x.py'])).toEqual(['x.py']);
    expect(() => findSources(['missing.py'], dir)).toThrow('scan: missing.py: no such file or directory');
    expect(() => findSources(['notes.txt'], dir)).toThrow('not a Python, TypeScript or JavaScript file');
  });
});

describe('suppressions', () => {
  it('cover their own line after code, the next line when alone, the rules named or all', () => {
    const s = findSuppressions([
      'x = 1  # reprov: ignore[RPV-S101]',
      '# reprov: ignore[RPV-S102, RPV-S103]',
      'y = 2',
      'z = 3  // reprov-ignore RPV-D101 RPV-D102',
      'w = 4  # reprov: ignore',
      '# an ordinary comment naming reprov',
    ].join('\n'));
    expect(isSuppressed(s, 1, 'RPV-S101')).toBe(true);
    expect(isSuppressed(s, 1, 'RPV-S102')).toBe(false);
    expect(isSuppressed(s, 2, 'RPV-S102')).toBe(false);
    expect(isSuppressed(s, 3, 'RPV-S102') && isSuppressed(s, 3, 'RPV-S103')).toBe(true);
    expect(isSuppressed(s, 4, 'RPV-D102') && isSuppressed(s, 4, 'RPV-D101')).toBe(true);
    expect(isSuppressed(s, 5, 'RPV-T101')).toBe(true);
    expect(isSuppressed(s, 6, 'RPV-S101') || isSuppressed(s, 7, 'RPV-S101')).toBe(false);
  });
});

describe('scanFiles', () => {
  it('a file that does not parse is an entry of errors naming file:line:column; the other files are still scanned', async () => {
    const dir = tree({
      'bad.py': 'import torch\n\ndef f(:\n    pass\n',
      'bad.ts': 'const x = ;\n',
      'good.py': 'import torch\nx = torch.rand(2)\n',
    });
    const files = findSources([dir], dir);
    const result = await scanFiles(files);
    expect(result.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^bad\.py:3:\d+: syntax error: .+; the file was not scanned$/),
      expect.stringMatching(/^bad\.ts:1:11: syntax error: Expression expected\.; the file was not scanned$/),
    ]);
    expect(result.bundles.map((b) => [b.file, b.findings.map((f) => `${f.rule}@${f.location!.line}:${f.location!.column}`)])).toEqual([
      ['good.py', ['RPV-S103@2:5']],
    ]);
  });

  it('rules of another language do not apply, and the score counts only those that do', async () => {
    const dir = tree({ 'a.ts': 'const x = Math.random();\n' });
    const [bundle] = (await scanFiles(findSources([dir], dir))).bundles;
    expect(bundle!.rules.find((r) => r.rule.id === 'RPV-S101')).toMatchObject({ applies: false, reason: 'the rule reads python files only' });
    expect(bundle!.findings.map((f) => f.rule)).toEqual(['RPV-S106']);
    expect(bundle!.score).toBeLessThan(100);
  });
});

describe('scanSources', () => {
  it('applies the configuration: severities, rules turned off, ignore patterns, overrides; and the gate', async () => {
    const dir = tree({
      'reprov.config.json': JSON.stringify({
        rules: { 'RPV-S103': 'warning', 'RPV-T101': 'off' },
        ignore: ['vendor/'],
        overrides: [{ files: ['experiments/**'], rules: { 'RPV-S103': 'off' } }],
      }),
      'train.py': 'import torch\ntorch.backends.cudnn.benchmark = True\nx = torch.rand(2)\n',
      'experiments/try.py': 'import torch\nx = torch.rand(2)\n',
      'vendor/lib.py': 'import torch\nx = torch.rand(2)\n',
    });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const { result, gate } = await scanSources(['.']);
      expect(result.bundles.map((b) => [b.file, b.findings.map((f) => `${f.rule} ${f.severity}`)])).toEqual([
        ['experiments/try.py', []],
        ['train.py', ['RPV-S103 warning']],
      ]);
      expect(gate.passed).toBe(true);
      expect((await scanSources(['.'], { failOn: 'warning' })).gate).toEqual({ passed: false, reasons: ['1 finding at warning or above'] });
    } finally {
      process.chdir(cwd);
    }
  });

  it('refuses a configuration naming an unknown rule, and accepts check rule ids (one configuration for both)', async () => {
    const dir = tree({ 'reprov.config.json': JSON.stringify({ rules: { 'RPV-S109': 'off', 'RPV-C001': 'off' } }), 'a.py': '' });
    await expect(scanSources([dir], { config: join(dir, 'reprov.config.json') })).rejects.toThrow(/unknown rule RPV-S109/);
    writeFileSync(join(dir, 'reprov.config.json'), JSON.stringify({ rules: { 'RPV-S101': 'off', 'RPV-C001': 'off' } }));
    await expect(scanSources([dir], { config: join(dir, 'reprov.config.json') })).resolves.toBeDefined();
  });
});

describe('secrets in scanned code', () => {
  it('never reach a finding: the quoted call is redacted, wherever the scan was run from', async () => {
    const dir = tree({ 'fetch.py': 'import requests\nr = requests.get("https://bob:hunter2pass@example.org/data.csv")\n' });
    const { result } = await scanSources([dir], { cwd: dir });
    const [hit] = result.bundles.flatMap((b) => b.findings);
    expect(hit).toMatchObject({ rule: 'RPV-D102', location: { file: 'fetch.py', line: 2, column: 5 } });
    expect(JSON.stringify(result)).not.toContain('hunter2pass');
    expect(hit!.message).toContain('[REDACTED:password]');
  });
});

describe('parsers load lazily', () => {
  it('a scan of Python files never loads ts-morph', () => {
    const dir = tree({ 'a.py': 'import random\nrandom.random()\n' });
    const script = `
      import { createRequire } from 'node:module';
      const { scanFiles } = await import(${JSON.stringify(join(REPO, 'dist/src/scan/scan.js'))});
      const { findSources } = await import(${JSON.stringify(join(REPO, 'dist/src/scan/files.js'))});
      const result = await scanFiles(findSources([${JSON.stringify(dir)}]));
      const loaded = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('ts-morph'));
      console.log(JSON.stringify({ findings: result.bundles[0].findings.length, tsMorph: loaded }));
    `;
    const run = (code: string) => JSON.parse(spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' }).stdout) as { findings: number; tsMorph: boolean };
    expect(run(script)).toEqual({ findings: 1, tsMorph: false });
    const ts = tree({ 'a.ts': 'Math.random();\n' });
    expect(run(script.replace(JSON.stringify(dir), JSON.stringify(ts)))).toEqual({ findings: 1, tsMorph: true });
  });
});
