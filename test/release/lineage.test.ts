/** `reprov lineage` and `reprov impact` through the built CLI, over runs recorded through the CLI: a two-step pipeline, digests, JSON, a cycle, hostile names, bad input. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprov } from '../support/cli.js';
import { git, initRepo } from '../support/git.js';
import { expectOneLineError } from './sweep.js';

const RAW = 'a,b\n1,2\n3,4\n';
const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const CLEAN = RAW.toUpperCase();
const MODEL = `model:${CLEAN}`;
const QUICK = ['-q', '--no-hardware', '--no-system'];

let root: string;
let cacheDir: string;
let commit: string;

interface Entity { location?: string; digest?: string; runs: Run[] }
interface Run { run: string; iri: string; file: string; seeAbove?: true; experiment?: string; code?: { commit?: string; dirty?: boolean }; params?: Record<string, unknown>; seeds?: Record<string, unknown>; inputs?: Entity[]; outputs?: Entity[] }
interface Answer { direction: string; digest: string; file?: string; runs: Run[] }

const run = (args: string[], cwd = root) => reprov(args, { cwd });
const json = (args: string[], cwd = root): Answer => {
  const result = run([...args, '-f', 'json'], cwd);
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Answer;
};

beforeAll(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'reprov-cache-'));
  process.env.REPROV_CACHE_DIR = cacheDir;
  root = mkdtempSync(join(tmpdir(), 'reprov-lineage-'));
  initRepo(root, {
    'data/raw.csv': RAW,
    'prep.py': "open('data/clean.csv', 'w').write(open('data/raw.csv').read().upper())\n",
    'train.py': "open('model.bin', 'w').write('model:' + open('data/clean.csv').read())\n",
    '.gitignore': 'runs/\ndata/clean.csv\nmodel.bin\n',
  });
  commit = git(root, 'rev-parse', 'HEAD').trim();
  let r = run(['record', ...QUICK, '-e', 'prep', '-o', 'runs/a', '-s', '7', '-p', 'k=1', '--input', 'data/raw.csv', '--produces', 'data/clean.csv', '--', 'python3', 'prep.py']);
  expect(r.status, r.stderr).toBe(0);
  r = run(['record', ...QUICK, '-e', 'train', '-o', 'runs/b', '-s', '42', '-p', 'lr=0.1', '--input', 'data/clean.csv', '--produces', 'model.bin', '--', 'python3', 'train.py']);
  expect(r.status, r.stderr).toBe(0);
  expect(readFileSync(join(root, 'model.bin'), 'utf8')).toBe(MODEL);
}, 120_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
});

describe('reprov lineage', () => {
  it('shows the run that generated the model, then the run that generated its input, with digests, code, params and seeds', () => {
    const result = run(['lineage', 'model.bin', 'runs']);
    expect(result.status, result.stderr).toBe(0);
    const out = result.stdout;
    expect(out.split('\n')[0]).toBe(`sha256:${sha(MODEL)} (model.bin)`);
    const b = out.indexOf('[experiment train'), a = out.indexOf('[experiment prep');
    expect(b).toBeGreaterThan(0);
    expect(a).toBeGreaterThan(b);
    expect(out).toContain(`input data/clean.csv  sha256:${sha(CLEAN)}`);
    expect(out).toContain(`input data/raw.csv  sha256:${sha(RAW)}`);
    expect(out).toContain(`code: commit ${commit}`);
    expect(out).toContain('params: lr=0.1');
    expect(out).toContain('seeds: global=7');
    expect(out).not.toContain('model.bin  sha256');
  });

  it('gives a nested JSON structure, the same for the file, its digest and sha256:<digest>', () => {
    const byFile = json(['lineage', 'model.bin', 'runs']);
    expect(byFile).toMatchObject({ direction: 'upstream', digest: sha(MODEL), file: 'model.bin' });
    expect(byFile.runs).toHaveLength(1);
    const b = byFile.runs[0]!;
    expect(b).toMatchObject({ experiment: 'train', params: { lr: 0.1 }, seeds: { global: 42 }, code: { commit } });
    expect(b.inputs).toHaveLength(1);
    expect(b.inputs![0]).toMatchObject({ location: 'data/clean.csv', digest: sha(CLEAN) });
    const a = b.inputs![0]!.runs[0]!;
    expect(a).toMatchObject({ experiment: 'prep', params: { k: 1 }, seeds: { global: 7 }, file: join('runs', 'a', 'prov.ttl') });
    expect(a.inputs).toEqual([{ location: 'data/raw.csv', digest: sha(RAW), runs: [] }]);
    const { file: _file, ...rest } = byFile;
    expect(json(['lineage', sha(MODEL), 'runs'])).toEqual(rest);
    expect(json(['lineage', `sha256:${sha(MODEL).toUpperCase()}`, 'runs'])).toEqual(rest);
  });

  it('writes to a file with -o', () => {
    const result = run(['lineage', 'model.bin', 'runs', '-o', 'lineage.txt']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(readFileSync(join(root, 'lineage.txt'), 'utf8')).toContain('[experiment prep');
  });
});

describe('reprov impact', () => {
  it('shows the run that used the raw data, what it generated, the run that used that, and the model', () => {
    const result = run(['impact', 'data/raw.csv', 'runs']);
    expect(result.status, result.stderr).toBe(0);
    const out = result.stdout;
    const order = ['[experiment prep', `output data/clean.csv  sha256:${sha(CLEAN)}`, '[experiment train', `output model.bin  sha256:${sha(MODEL)}`].map((s) => out.indexOf(s));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
  });

  it('gives the same nested JSON by digest', () => {
    const answer = json(['impact', `sha256:${sha(RAW)}`, 'runs']);
    expect(answer.direction).toBe('downstream');
    const a = answer.runs[0]!;
    expect(a.experiment).toBe('prep');
    expect(a.outputs).toHaveLength(1);
    const b = a.outputs![0]!.runs[0]!;
    expect(b.experiment).toBe('train');
    expect(b.outputs!.map((o) => [o.location, o.digest, o.runs.length])).toEqual([['model.bin', sha(MODEL), 0]]);
  });
});

describe('reprov lineage and impact: bad input, cycles, hostile names', () => {
  it('an unknown digest is one line on stderr, exit 2', () => {
    expectOneLineError(run(['lineage', 'f'.repeat(64), 'runs']), 'no run generated');
    expectOneLineError(run(['impact', 'sha256:' + '0'.repeat(64), 'runs']), 'no run used');
  });

  it('a target that is neither a file nor a digest is one line, exit 2', () => {
    expectOneLineError(run(['lineage', 'no-such\u001b[31m-file', 'runs']), 'not a SHA-256 digest');
    expect(run(['lineage', 'no-such\u001b[31m-file', 'runs']).stderr).not.toContain('\u001b');
  });

  it('a target that never ends (/dev/zero, a FIFO) is refused in one line, not hashed forever', () => {
    expectOneLineError(run(['lineage', '/dev/zero', 'runs']), 'not a regular file or a directory');
    const fifo = join(mkdtempSync(join(tmpdir(), 'reprov-lineage-fifo-')), 'pipe');
    execFileSync('mkfifo', [fifo]);
    expectOneLineError(run(['impact', fifo, 'runs']), 'not a regular file or a directory');
  });

  it('a bundle that fails to parse is one line, and the others are still searched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprov-lineage-bad-'));
    try {
      mkdirSync(join(dir, 'bad'));
      writeFileSync(join(dir, 'bad', 'prov.json'), '{ "entity": [');
      const result = run(['lineage', '-q', sha(MODEL), join(root, 'runs'), dir]);
      expect(result.status).toBe(2);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain('prov.json');
      expect(result.stdout).toContain('[experiment prep');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a run whose output has its input\'s digest ends, the run shown once', () => {
    const dir = initRepo(mkdtempSync(join(tmpdir(), 'reprov-lineage-cycle-')), { 'x.txt': 'same\n' });
    try {
      const r = run(['record', ...QUICK, '--no-git', '-e', 'touch', '-o', 'runs/c', '--input', 'x.txt', '--produces', 'x.txt', '--', 'true'], dir);
      expect(r.status, r.stderr).toBe(0);
      for (const command of ['lineage', 'impact']) {
        const result = run([command, 'x.txt', 'runs'], dir);
        expect(result.status, result.stderr).toBe(0);
        expect(result.stdout.match(/\[experiment touch/g)).toHaveLength(1);
        expect(result.stdout).toContain('(shown above)');
      }
      const answer = json(['lineage', 'x.txt', 'runs'], dir);
      expect(answer.runs[0]!.inputs![0]!.runs[0]!.seeAbove).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a file name with a newline and ANSI escapes is escaped in the tree', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprov-lineage-evil-'));
    const evil = 'evil\n\u001b[31mred\u202e.csv';
    try {
      writeFileSync(join(dir, evil), 'x\n');
      const r = run(['record', ...QUICK, '--no-git', '-e', 'ev\u001b[2Jil', '-o', 'runs/e', '-p', 'n=a\nb', '--input', evil, '--', 'true'], dir);
      expect(r.status, r.stderr).toBe(0);
      const result = run(['impact', evil, 'runs'], dir);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).not.toMatch(/[\u001b\u202e]/);
      expect(result.stdout).toContain('evil\\n\\u001b[31mred\\u202e.csv');
      expect(result.stdout).toContain('[experiment ev\\u001b[2Jil');
      // The JSON keeps the name as recorded.
      expect(json(['impact', evil, 'runs'], dir).runs[0]!.inputs![0]!.location).toBe(evil);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
