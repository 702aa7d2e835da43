/**
 * Every command that writes (record, convert -o, merge -o, import yprov4ml -o, export ro-crate -o)
 * against a hostile place to write: one line naming the path and the problem, exit 2, nothing
 * touched outside the output, no temporary file; and no writer ever loses or mixes another's data
 * (two records into one directory, a second record into a finished bundle, a directory that is
 * not reprov's). One writer does it all: src/base/output.ts, output-dir.ts and lock.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO } from '../support/cli.js';
import { readBundle, REPROV } from '../support/bundle.js';
import { attack, expectContained, sandbox, snapshot, type Attack, type Sandbox } from './harness.js';
import { startRun } from '../../src/run/run.js';
import { UserError } from '../../src/base/user-error.js';
import { initRepo } from '../support/git.js';

const QUICK = ['--no-git', '--no-hardware', '--no-system'];
const GEN3 = join(REPO, 'fixtures/yprov4ml/gen3-mnist-cnn.json');
const LONG = 'x'.repeat(5000);
const ROOT = process.getuid?.() === 0;
const OFF = { git: false, environment: false, hardware: false, dependencies: false, determinism: false, system: false };

/** A finished bundle recorded by the CLI, copied into each sandbox that needs one. */
let recorded: Sandbox;
beforeAll(() => {
  recorded = sandbox();
  writeFileSync(recorded.path('data.csv'), 'x,y\n1,2\n');
  const result = spawnSync(process.execPath, [CLI, 'record', ...QUICK, '-o', 'bundle', '-p', 'lr=0.1', '-i', 'data.csv', '--', 'true'], { cwd: recorded.dir, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
});
afterAll(() => recorded.remove());

function withBundle(): Sandbox {
  const box = sandbox();
  cpSync(recorded.path('bundle'), box.path('bundle'), { recursive: true });
  return box;
}

/** The writing commands, each given its output path. */
const WRITERS: { name: string; args: (out: string) => string[] }[] = [
  { name: 'record', args: (out) => ['record', ...QUICK, '-o', out, '--', 'true'] },
  { name: 'convert -o', args: (out) => ['convert', 'bundle/prov.json', '-t', 'turtle', '-o', out] },
  { name: 'merge -o', args: (out) => ['merge', 'bundle', '-o', out] },
  { name: 'import yprov4ml -o', args: (out) => ['import', 'yprov4ml', GEN3, '-o', out] },
  { name: 'export ro-crate -o', args: (out) => ['export', 'ro-crate', 'bundle', '-o', out] },
];

describe.each(WRITERS)('$name: an output it cannot write is one line, exit 2', ({ name, args }) => {
  it('a file where a directory is needed (ENOTDIR)', () => {
    const box = withBundle();
    writeFileSync(box.path('afile'), 'mine');
    const result = attack(box, args('afile/out'));
    expectContained(result, { status: 2, stderr: /afile\/out: a component of the path is not a directory/ });
    box.remove();
  });

  it('a symbolic link loop (ELOOP)', () => {
    const box = withBundle();
    symlinkSync('loop', box.path('loop'));
    const result = attack(box, args('loop'));
    expectContained(result, { status: 2, stderr: /loop: too many levels of symbolic links/ });
    box.remove();
  });

  it('a 5000-character path (ENAMETOOLONG), shortened in the message', () => {
    const box = withBundle();
    const result = attack(box, args(LONG));
    expectContained(result, { status: 2, stderr: /x…x+ \(a path of 5000 characters\): file name too long/ });
    expect(result.stderr.length).toBeLessThan(400);
    box.remove();
  });

  it.skipIf(ROOT)('a read-only directory (EACCES; skipped as root, where permissions do not stop writes)', () => {
    const box = withBundle();
    mkdirSync(box.path('ro'));
    chmodSync(box.path('ro'), 0o555);
    const result = attack(box, args('ro/out'));
    chmodSync(box.path('ro'), 0o755);
    expectContained(result, { status: 2, stderr: /ro\/out: permission denied/ });
    box.remove();
  });

  if (name !== 'convert -o') {
    it('an existing file where the output directory goes', () => {
      const box = withBundle();
      writeFileSync(box.path('taken'), 'mine');
      const result = attack(box, args('taken'));
      expectContained(result, { status: 2, stderr: /taken: exists and is not a directory/ });
      box.remove();
    });

    it('a missing parent is created (a directory output)', () => {
      const box = withBundle();
      const result = attack(box, args('new/deep/out'));
      expectWritten(result, ['new']);
      expect(existsSync(box.path('new/deep/out/.reprov-bundle'))).toBe(true);
      box.remove();
    });
  }
});

describe('convert -o: single-file outputs', () => {
  it('a directory as -o (EISDIR)', () => {
    const box = withBundle();
    mkdirSync(box.path('somedir'));
    expectContained(attack(box, ['convert', 'bundle/prov.json', '-t', 'turtle', '-o', 'somedir']), { status: 2, stderr: /somedir: is a directory/ });
    expectContained(attack(box, ['convert', 'bundle/prov.json', '-o', 'somedir']), { status: 2, stderr: /somedir: is a directory/ });
    box.remove();
  });

  it('a missing parent directory', () => {
    const box = withBundle();
    expectContained(attack(box, ['convert', 'bundle/prov.json', '-o', 'nodir/x.ttl']), { status: 2, stderr: /nodir\/x\.ttl: no such directory: nodir/ });
    box.remove();
  });

  it('a failed conversion leaves the previous output as it was, and no temporary file', () => {
    const box = withBundle();
    writeFileSync(box.path('out.ttl'), 'previous');
    writeFileSync(box.path('bad.json'), '{"entity": ');
    expectContained(attack(box, ['convert', 'bad.json', '-o', 'out.ttl']), { status: 2, stderr: /bad\.json/ });
    expect(readFileSync(box.path('out.ttl'), 'utf8')).toBe('previous');
    box.remove();
  });

  it('a temporary left by a killed writer (SIGKILL cannot be caught) is removed by the next write of the file, once a minute old', () => {
    const box = withBundle();
    const dead = spawnSync('true').pid!;
    const old = Date.now() / 1000 - 120;
    const stale = box.path(`.out.ttl.${dead}.0badcafe.tmp`);
    const recent = box.path(`.out.ttl.${dead}.00c0ffee.tmp`);
    const live = box.path(`.out.ttl.${process.pid}.0000beef.tmp`);
    for (const temporary of [stale, recent, live]) writeFileSync(temporary, '');
    utimesSync(stale, old, old);
    utimesSync(live, old, old);
    const result = attack(box, ['convert', 'bundle/prov.json', '-t', 'turtle', '-o', 'out.ttl']);
    expect(result.status, result.stderr).toBe(0);
    expect(existsSync(stale)).toBe(false);
    // A recent one may belong to a writer on another host sharing the directory; a live process's is its own.
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(live)).toBe(true);
    box.remove();
  });

  it('a full disk (/dev/full: ENOSPC)', () => {
    const box = withBundle();
    expectContained(attack(box, ['convert', 'bundle/prov.json', '-t', 'turtle', '-o', '/dev/full']), { status: 2, stderr: /\/dev\/full: no space left on device/ });
    symlinkSync('/dev/full', box.path('full.ttl'));
    expectContained(attack(box, ['convert', 'bundle/prov.json', '-o', 'full.ttl']), { status: 2, stderr: /full\.ttl: no space left on device/ });
    box.remove();
  });
});

describe('a full disk (ENOSPC) for the other writers', () => {
  it('export ro-crate -o a zip on a full device', () => {
    const box = withBundle();
    symlinkSync('/dev/full', box.path('crate.zip'));
    expectContained(attack(box, ['export', 'ro-crate', 'bundle', '-o', 'crate.zip']), { status: 2, stderr: /crate\.zip: no space left on device/ });
    box.remove();
  });

  it('record: a full disk after the command succeeded exits 125 (documented), not 0 nor 3; a failed command keeps its code', () => {
    const box = sandbox();
    // The command makes the final write hit a full device: the bundle's prov.ttl becomes /dev/full.
    const succeeded = attack(box, ['record', ...QUICK, '-o', 'b', '--', 'sh', '-c', 'ln -sf /dev/full b/prov.ttl']);
    expect(succeeded.status, succeeded.stderr).toBe(125);
    expect(succeeded.stderr.trim().split('\n')).toEqual([expect.stringMatching(/b\/prov\.ttl: no space left on device$/)]);
    expect(succeeded.touched.filter((p) => /\.tmp$|\.lock$/.test(p))).toEqual([]);
    const failed = attack(box, ['record', ...QUICK, '-o', 'c', '--', 'sh', '-c', 'ln -sf /dev/full c/prov.ttl; exit 4']);
    expect(failed.status, failed.stderr).toBe(4);
    expect(failed.stderr).toMatch(/c\/prov\.ttl: no space left on device/);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
    box.remove();
  });
});

describe('data is never lost or mixed', () => {
  it('two records into one -o at once: the second is refused (exit 2) and the first bundle is intact', async () => {
    const box = sandbox();
    const first = spawn(process.execPath, [CLI, 'record', ...QUICK, '-o', 'b', '-p', 'who=first', '--', 'sh', '-c', 'touch started; sleep 1.5'], { cwd: box.dir, stdio: 'ignore' });
    const exited = new Promise<number | null>((done) => first.on('exit', (code) => done(code)));
    await waitFor(() => existsSync(box.path('started')));
    const second = attack(box, ['record', ...QUICK, '-o', 'b', '-p', 'who=second', '--', 'touch', 'second-ran'], { timeoutMs: 20_000 });
    expectContained(second, { status: 2, stderr: /b: in use by reprov record \(run .*\), pid \d+ on .* since .*: wait for it to finish/ });
    expect(existsSync(box.path('second-ran'))).toBe(false);
    expect(await exited).toBe(0);
    const bundle = readBundle(box.path('b'));
    expect(bundle.values('run', `${REPROV}status`)).toEqual(['succeeded']);
    expect(bundle.values('run', `${REPROV}complete`)).toEqual(['true']);
    expect(bundle.values('param/who', 'http://www.w3.org/ns/prov#value')).toEqual(['first']);
    expect(existsSync(box.path('b/.reprov-bundle.lock'))).toBe(false);
    box.remove();
  });

  it('a second record into a finished bundle is refused without --overwrite; --overwrite replaces all of the bundle', () => {
    const box = withBundle();
    mkdirSync(box.path('bundle/metrics'));
    writeFileSync(box.path('bundle/metrics/loss_training_reprov_GR0.csv'), 'loss,training,reprov\n0,9,0,0\n');
    const refused = attack(box, ['record', ...QUICK, '-o', 'bundle', '--', 'touch', 'ran']);
    expectContained(refused, { status: 2, stderr: /bundle already holds a reprov bundle \(run .*\): pass --overwrite to replace it/ });
    expect(existsSync(box.path('ran'))).toBe(false);
    const replaced = attack(box, ['record', ...QUICK, '-o', 'bundle', '--overwrite', '--', 'touch', 'ran']);
    expectContained(replaced, { status: 0, writes: ['bundle', 'ran'] });
    expect(existsSync(box.path('bundle/metrics'))).toBe(false);
    expect(readBundle(box.path('bundle')).values('param/lr', 'http://www.w3.org/ns/prov#value')).toEqual([]);
    box.remove();
  });

  it('a new run never appends to the metric files an earlier run left (library API, overwrite)', async () => {
    const box = sandbox();
    for (const value of [1, 2]) {
      const run = await startRun({ experiment: 'm', cwd: box.dir, dir: 'b', collect: OFF, snapshotIntervalMs: 0, overwrite: true });
      run.logMetric('loss', value);
      await run.end();
    }
    const csv = readFileSync(box.path('b/metrics/loss_training_reprov_GR0.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(2);
    expect(csv[1]).toMatch(/^0,2,/);
    box.remove();
  });

  it('two runs of one process into one directory: the second is refused while the first holds it', async () => {
    const box = sandbox();
    const options = { experiment: 'm', cwd: box.dir, dir: 'b', snapshotIntervalMs: 0, collect: OFF };
    const first = await startRun(options);
    await expect(startRun(options)).rejects.toThrow(UserError);
    await expect(startRun(options)).rejects.toThrow(/b: in use by reprov run API/);
    await first.end();
    box.remove();
  });

  it('a stale lock (its process is gone) is taken over with a note; a live one is not', () => {
    const box = withBundle();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const lock = (pid: number) => JSON.stringify({ tool: 'reprov record', pid, host: hostname(), started: '2020-01-01T00:00:00.000Z' });
    writeFileSync(box.path('bundle/.reprov-bundle.lock'), lock(process.pid));
    expectContained(attack(box, ['record', ...QUICK, '-o', 'bundle', '--overwrite', '--', 'true']), { status: 2, writes: ['bundle/.reprov-bundle.lock'], stderr: new RegExp(`in use by reprov record, pid ${process.pid}`) });
    writeFileSync(box.path('bundle/.reprov-bundle.lock'), lock(Number(dead.stdout)));
    const taken = attack(box, ['record', ...QUICK, '-o', 'bundle', '--overwrite', '--', 'true']);
    // (The harness counts the stale lock's removal as a temporary file: checked by hand here.)
    expect(taken.status, taken.stderr).toBe(0);
    expect(taken.stderr).toMatch(new RegExp(`took over a stale lock on bundle: pid ${dead.stdout} on .* is gone`));
    expect(existsSync(box.path('bundle/.reprov-bundle.lock'))).toBe(false);
    expect(readBundle(box.path('bundle')).values('run', `${REPROV}status`)).toEqual(['succeeded']);
    box.remove();
  });

  it.each([
    ['garbage', 'not json {'],
    ['pid -1 (every process, for kill)', JSON.stringify({ tool: 'x', pid: -1, host: hostname() })],
    ['pid as text', JSON.stringify({ tool: 'x', pid: '1; rm -rf /', host: hostname() })],
    ['prototype keys', '{"__proto__": {"pid": 1}, "constructor": 1}'],
  ])('a hostile lock (%s) is refused or taken over in one line; it never signals a process nor crashes', (_name, text) => {
    const box = withBundle();
    writeFileSync(box.path('bundle/.reprov-bundle.lock'), text);
    const result = attack(box, ['record', ...QUICK, '-o', 'bundle', '--overwrite', '--', 'true']);
    expect([0, 2], result.stderr).toContain(result.status);
    expect(result.stderr).not.toMatch(/\n\s+at |internal error/);
    expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(3);
    box.remove();
  });

  it.each([
    ['live, this process', () => JSON.stringify({ tool: 'reprov record', pid: process.pid, host: hostname(), started: '2020-01-01T00:00:00.000Z' }), 2],
    ['garbage', () => 'not json {', 2],
    ['pid as text', () => JSON.stringify({ tool: 'x', pid: '1; rm -rf /', host: hostname() }), 2],
  ])('a hostile rank lock (%s) holds off that rank only; other ranks record beside it', (_name, text, status) => {
    const box = sandbox();
    mkdirSync(box.path('ranks'));
    writeFileSync(box.path('ranks/.reprov-bundle.rank1.lock'), text());
    const rank1 = attack(box, ['record', ...QUICK, '-o', 'ranks', '--', 'touch', 'ran1'], { env: { RANK: '1', WORLD_SIZE: '2' } });
    // A fresh unreadable lock may be a writer between creating and filling it: refused, not taken over.
    expectContained(rank1, { status, stderr: /ranks: in use by (reprov record|another writer)/ });
    expect(existsSync(box.path('ran1'))).toBe(false);
    const rank0 = attack(box, ['record', ...QUICK, '-o', 'ranks', '--', 'true'], { env: { RANK: '0', WORLD_SIZE: '2' } });
    expect(rank0.status, rank0.stderr).toBe(0);
    expect(rank0.touched.filter((p) => !p.endsWith('.lock'))).toEqual(['ranks/.reprov-bundle.rank0', 'ranks/prov.rank0.json', 'ranks/prov.rank0.ttl']);
    expect(readFileSync(box.path('ranks/.reprov-bundle.rank1.lock'), 'utf8')).toBe(text());
    box.remove();
  });

  it.each([
    ['RANK=1 WORLD_SIZE=2', { RANK: '1', WORLD_SIZE: '2' }],
    ['a run of one process', {}],
  ])('a directory holding someone else\'s prov.rank1.json (no marker) is never written into (%s)', (_name, env) => {
    const box = sandbox();
    mkdirSync(box.path('foreign'));
    writeFileSync(box.path('foreign/prov.rank1.json'), '{"entity": {"mine": {}}}');
    const before = snapshot(box.path('foreign'));
    const result = attack(box, ['record', ...QUICK, '-o', 'foreign', '--overwrite', '--', 'touch', 'ran'], { env });
    expectContained(result, { status: 2, stderr: /foreign: not empty and not written by reprov \(no \.reprov-bundle; it holds prov\.rank1\.json\)/ });
    expect(snapshot(box.path('foreign'))).toEqual(before);
    expect(existsSync(box.path('ran'))).toBe(false);
    box.remove();
  });

  describe.each([
    { name: 'record', args: ['record', ...QUICK, '-o', 'foreign', '--', 'touch', 'ran'] },
    { name: 'record --overwrite', args: ['record', ...QUICK, '-o', 'foreign', '--overwrite', '--', 'touch', 'ran'] },
    { name: 'merge -o', args: ['merge', 'bundle', '-o', 'foreign'] },
    { name: 'merge -o --overwrite', args: ['merge', 'bundle', '-o', 'foreign', '--overwrite'] },
    { name: 'import yprov4ml -o --overwrite', args: ['import', 'yprov4ml', GEN3, '-o', 'foreign', '--overwrite'] },
    { name: 'export ro-crate -o --overwrite', args: ['export', 'ro-crate', 'bundle', '-o', 'foreign', '--overwrite'] },
  ])('$name into a directory holding someone else\'s prov.json', ({ args }) => {
    it('never empties nor replaces it', () => {
      const box = withBundle();
      mkdirSync(box.path('foreign'));
      writeFileSync(box.path('foreign/prov.json'), '{"entity": {"mine": {}}}');
      writeFileSync(box.path('foreign/notes.txt'), 'my notes');
      const before = snapshot(box.path('foreign'));
      const result = attack(box, args);
      expectContained(result, { status: 2, stderr: /foreign: not empty and not written by reprov \(no \.reprov-bundle(; it holds prov\.json)?\): refusing to write into it/ });
      expect(snapshot(box.path('foreign'))).toEqual(before);
      expect(existsSync(box.path('ran'))).toBe(false);
      box.remove();
    });
  });

  it('a run may add its bundle to a directory of other files (none named like a bundle\'s), never removing them; a whole-directory writer refuses it', () => {
    const box = withBundle();
    mkdirSync(box.path('project'));
    writeFileSync(box.path('project/notes.txt'), 'my notes');
    expectWritten(attack(box, ['record', ...QUICK, '-o', 'project', '--', 'true']), ['project/.reprov-bundle', 'project/prov.json', 'project/prov.ttl']);
    expectWritten(attack(box, ['record', ...QUICK, '-o', 'project', '--overwrite', '--', 'true']), ['project/.reprov-bundle', 'project/prov.json', 'project/prov.ttl']);
    expect(readFileSync(box.path('project/notes.txt'), 'utf8')).toBe('my notes');
    const before = snapshot(box.path('project'));
    expectContained(attack(box, ['merge', 'bundle', '-o', 'project', '--overwrite']), { status: 2, stderr: /project: holds a run's bundle beside files that are not reprov's: refusing to replace the whole directory/ });
    expect(snapshot(box.path('project'))).toEqual(before);
    box.remove();
  });

  it('the bundle written before the code state is read does not make a clean repository dirty', () => {
    const box = sandbox();
    initRepo(box.dir, { 'train.py': 'print(1)\n' });
    const result = attack(box, ['record', '--no-hardware', '--no-system', '-o', 'b', '--', 'true']);
    expect(result.status, result.stderr).toBe(0);
    expect(readBundle(box.path('b')).values('code', `${REPROV}dirty`)).toEqual(['false']);
    box.remove();
  });

  it('merge, import and export replace their own earlier output only with --overwrite', () => {
    const box = withBundle();
    for (const args of [['merge', 'bundle', '-o', 'out1'], ['import', 'yprov4ml', GEN3, '-o', 'out2'], ['export', 'ro-crate', 'bundle', '-o', 'out3']]) {
      expectWritten(attack(box, args), [args.at(-1)!]);
      expectContained(attack(box, args), { status: 2, stderr: /already holds .*: pass --overwrite to replace it/ });
      expectWritten(attack(box, [...args, '--overwrite']), [args.at(-1)!]);
    }
    box.remove();
  });
});

/** A successful write: exit 0, only `writes` touched, no temporary file, its notes within three lines. */
function expectWritten(result: Attack, writes: string[]): void {
  expectContained(result, { status: 0, writes });
}

async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
