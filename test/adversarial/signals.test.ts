/**
 * `reprov record` interrupted at every moment, with real signals to real processes:
 * - SIGKILL of reprov in its first second leaves the first snapshot (parameters, seeds, inputs
 *   known at start; status running, complete false), no temporary file, no lock, and the command
 *   dies with it (the watchdog, src/run/watchdog.ts);
 * - SIGINT while it collects (a slow `--python` freeze): the command never starts, the bundle says
 *   interrupted, exit 130;
 * - SIGTERM while the command runs: forwarded, the command's exit code kept, the run interrupted;
 * - SIGTERM while the final bundle is written: the command's exit code is not lost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, REPO } from '../support/cli.js';
import { readBundle, PROV, REPROV } from '../support/bundle.js';
import { sandbox, snapshot, type Sandbox } from './harness.js';

const QUICK = ['--no-git', '--no-hardware', '--no-system'];
const TEMPORARY = /(^|[\\/])\.[^\\/]*\.(tmp|old)$|\.tmp$|\.lock$/;

let box: Sandbox;
const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  box?.remove();
});

function recordIn(dir: string, args: string[]): { child: ChildProcess; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
  const child = spawn(process.execPath, [CLI, 'record', ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  started.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((done) => child.on('close', (code, signal) => done({ code, signal, stderr })));
  return { child, exit };
}

/** Alive and not a zombie (a container's PID 1 may not reap orphans). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const leftovers = (dir: string) => [...snapshot(dir).keys()].filter((path) => TEMPORARY.test(path));

describe('reprov record is SIGKILLed', () => {
  it('at its first snapshot (~0.5 s, collectors still running): the bundle holds params, seeds and inputs, marked incomplete; no temp file, no lock', async () => {
    box = sandbox();
    writeFileSync(box.path('data.csv'), 'x,y\n1,2\n');
    const { child, exit } = recordIn(box.dir, ['--no-system', '-o', 'b', '-p', 'lr=0.1', '-s', 'numpy=7', '-i', 'data.csv', '--', 'sh', '-c', 'echo $$ > child.pid; exec sleep 30']);
    // The snapshot writes prov.json, then prov.ttl (each atomically): the test reads the Turtle.
    await waitFor(() => existsSync(box.path('b/prov.json')) && existsSync(box.path('b/prov.ttl')));
    child.kill('SIGKILL');
    expect((await exit).signal).toBe('SIGKILL');
    // The watchdog removes what the killed recorder left: its temporaries and its lock.
    await waitFor(() => leftovers(box.dir).length === 0, 5_000);
    const bundle = readBundle(box.path('b'));
    expect(bundle.values('run', `${REPROV}status`)).toEqual(['running']);
    expect(bundle.values('run', `${REPROV}complete`)).toEqual(['false']);
    expect(bundle.values('param/lr', `${PROV}value`)).toEqual(['0.1']);
    expect(bundle.values('seed/numpy', `${PROV}value`)).toEqual(['7']);
    expect(bundle.values('data/input/data.csv', `${PROV}atLocation`)).toEqual(['data.csv']);
    expect(bundle.values('run', `${PROV}used`).filter((iri) => iri.endsWith('/data/input/data.csv'))).toHaveLength(1);
    // The command either never started, or died with reprov.
    if (existsSync(box.path('child.pid'))) {
      const pid = Number(readFileSync(box.path('child.pid'), 'utf8'));
      await waitFor(() => !alive(pid), 5_000);
    }
  });

  it('while the command runs: the command (and its process group) dies with it', async () => {
    box = sandbox();
    const { child, exit } = recordIn(box.dir, [...QUICK, '-o', 'b', '-p', 'lr=0.1', '--', 'sh', '-c', 'sleep 30 & echo $! > grandchild.pid; echo $$ > child.pid; wait']);
    await waitFor(() => existsSync(box.path('child.pid')) && readFileSync(box.path('child.pid'), 'utf8').endsWith('\n'));
    const pid = Number(readFileSync(box.path('child.pid'), 'utf8'));
    const grandchild = Number(readFileSync(box.path('grandchild.pid'), 'utf8'));
    expect(alive(pid)).toBe(true);
    child.kill('SIGKILL');
    expect((await exit).signal).toBe('SIGKILL');
    await waitFor(() => !alive(pid) && !alive(grandchild), 5_000);
    await waitFor(() => leftovers(box.dir).length === 0, 5_000);
    const bundle = readBundle(box.path('b'));
    expect(bundle.values('run', `${REPROV}complete`)).toEqual(['false']);
    expect(bundle.values('param/lr', `${PROV}value`)).toEqual(['0.1']);
  });
});

describe('reprov record gets SIGINT or SIGTERM', () => {
  it('SIGINT while it collects (a slow --python freeze): the command never starts, the bundle says interrupted, exit 130', async () => {
    box = sandbox();
    const python = box.path('slow-python');
    writeFileSync(python, '#!/bin/sh\nsleep 5\n');
    chmodSync(python, 0o755);
    const { child, exit } = recordIn(box.dir, [...QUICK, '--python', python, '-o', 'b', '-p', 'lr=0.1', '--', 'touch', 'ran']);
    await waitFor(() => existsSync(box.path('b/prov.json')));
    const sent = Date.now();
    child.kill('SIGINT');
    const { code, stderr } = await exit;
    expect(code, stderr).toBe(130);
    expect(Date.now() - sent).toBeLessThan(4_000);
    expect(stderr).toMatch(/interrupted \(SIGINT\) before the command started/);
    expect(existsSync(box.path('ran'))).toBe(false);
    const bundle = readBundle(box.path('b'));
    expect(bundle.values('run', `${REPROV}status`)).toEqual(['interrupted']);
    expect(bundle.values('run', `${REPROV}complete`)).toEqual(['false']);
    expect(bundle.values('run', `${REPROV}signal`)).toEqual(['SIGINT']);
    expect(bundle.values('param/lr', `${PROV}value`)).toEqual(['0.1']);
    expect(leftovers(box.dir)).toEqual([]);
  });

  it('SIGTERM while the command runs: forwarded; the command\'s own exit code is kept and the run is interrupted, incomplete', async () => {
    box = sandbox();
    const { child, exit } = recordIn(box.dir, [...QUICK, '-o', 'b', '--', 'sh', '-c', 'trap "exit 7" TERM; touch started; while true; do sleep 0.05; done']);
    await waitFor(() => existsSync(box.path('started')));
    child.kill('SIGTERM');
    const { code, stderr } = await exit;
    expect(code, stderr).toBe(7);
    const bundle = readBundle(box.path('b'));
    expect(bundle.values('run', `${REPROV}status`)).toEqual(['interrupted']);
    expect(bundle.values('run', `${REPROV}complete`)).toEqual(['false']);
    expect(bundle.values('run', `${REPROV}exitCode`)).toEqual(['7']);
    expect(bundle.values('run', `${REPROV}signal`)).toEqual(['SIGTERM']);
    expect(leftovers(box.dir)).toEqual([]);
  });

  // The final write is made slow by an output to hash (a sparse 1 GiB file the command makes).
  const SLOW_END = [...QUICK, '-o', 'b', '--output', 'big.bin', '--', 'sh', '-c', 'truncate -s 1G big.bin; touch done.flag; exit 5'];

  it('SIGTERM while the final bundle is written: the bundle is finished and the command\'s exit code kept', async () => {
    box = sandbox();
    const { child, exit } = recordIn(box.dir, SLOW_END);
    await waitFor(() => existsSync(box.path('done.flag')));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    const { code, stderr } = await exit;
    expect(code, stderr).toBe(5);
    const bundle = readBundle(box.path('b'));
    expect(bundle.values('run', `${REPROV}status`)).toEqual(['failed']);
    expect(bundle.values('run', `${REPROV}exitCode`)).toEqual(['5']);
    expect(bundle.values('data/output/big.bin', `${PROV}atLocation`)).toEqual(['big.bin']);
    expect(leftovers(box.dir)).toEqual([]);
  });

  it('a second SIGTERM while the final bundle is written stops at once, still with the command\'s exit code, leaving no temp file or lock', async () => {
    box = sandbox();
    const { child, exit } = recordIn(box.dir, SLOW_END);
    await waitFor(() => existsSync(box.path('done.flag')));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    const { code, stderr } = await exit;
    expect(code, stderr).toBe(5);
    expect(leftovers(box.dir)).toEqual([]);
    expect(readBundle(box.path('b')).values('run', `${REPROV}complete`)).toEqual(['false']);
  });
});

describe('the one writer (withOutput) interrupted mid-write', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s: the process dies of the signal, leaving neither the file nor its temporary', async (sig) => {
    box = sandbox();
    const script = `import { withOutput } from ${JSON.stringify(join(REPO, 'dist/src/base/output.js'))};
      await withOutput('out.ttl', async (sink) => { sink.write('partial'); process.stdout.write('ready'); await new Promise(() => setInterval(() => {}, 1000)); });`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: box.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(child);
    await new Promise<void>((done) => child.stdout!.once('data', () => done()));
    expect(readdirSync(box.dir).some((name) => name.endsWith('.tmp'))).toBe(true);
    child.kill(sig);
    const signal = await new Promise<NodeJS.Signals | null>((done) => child.on('close', (_code, s) => done(s)));
    expect(signal).toBe(sig);
    expect(readdirSync(box.dir)).toEqual([]);
  });
});
