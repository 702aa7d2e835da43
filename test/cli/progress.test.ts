/**
 * The hashing progress bar through the built CLI: drawn when stderr is a terminal (a real pty,
 * through util-linux `script`), never when it is piped, never with -q.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO } from '../support/cli.js';

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
const cwd = mkdtempSync(join(tmpdir(), 'reprov-progress-'));
const env = { ...process.env, NO_COLOR: '1', REPROV_CACHE_DIR: join(cwd, 'cache') };
const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/** The CLI with stdout and stderr piped. */
function piped(args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, env, encoding: 'utf8' });
}

/** The CLI on a pseudo-terminal: what the terminal showed (stdout and stderr together). */
function onTerminal(args: string[], cache = join(cwd, 'cache')) {
  const command = [process.execPath, CLI, ...args].map(quote).join(' ');
  return spawnSync('script', ['-qec', command, '/dev/null'], { cwd, env: { ...env, REPROV_CACHE_DIR: cache }, encoding: 'utf8' });
}

describe.skipIf(!hasScript)('hashing progress on the command line', () => {
  beforeAll(() => {
    // Over the 256 MiB from which hashing shows a bar; sparse, so cheap to make.
    writeFileSync(join(cwd, 'big.bin'), '');
    truncateSync(join(cwd, 'big.bin'), 260 * 1024 * 1024);
    const recorded = piped(['record', '--no-git', '--no-hardware', '--no-system', '--no-instrument', '-o', 'run', '-i', 'big.bin', '--', 'true']);
    expect(recorded.status).toBe(0);
    // Piped: record hashed 260 MiB without drawing anything.
    expect(recorded.stderr).toMatch(/^reprov: recorded .*\n$/);
    expect(recorded.stderr).not.toContain('\r');
  });

  // Hundreds of MiB once copied: not left behind.
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('verify draws a bar with bytes and rate on a terminal, and erases it', () => {
    const shown = onTerminal(['verify', 'run']);
    expect(shown.stdout, JSON.stringify({ status: shown.status, stderr: shown.stderr, stdout: shown.stdout.slice(0, 2000) })).toMatch(/\rreprov: hashing \S*big\.bin \[[#.]+\] +\d+% \d+\/260 MiB \d+ MB\/s/);
    expect(shown.stdout).toContain('\r\x1b[K');
  });

  it('verify is silent when piped, and its report the same', () => {
    const result = piped(['verify', 'run']);
    expect(result.stderr).not.toMatch(/hashing|\r|\x1b/);
    expect(result.stdout).not.toMatch(/hashing|\r|\x1b/);
    expect(result.stdout).toContain('big.bin');
  });

  it('verify -q is silent on a terminal too', () => {
    const shown = onTerminal(['verify', '-q', 'run']);
    expect(shown.stdout).toContain('big.bin');
    expect(shown.stdout).not.toMatch(/hashing|\x1b\[K/);
  });

  it('import mlflow --copy-artifacts draws a bar for a large artifact on a terminal, none piped or with -q', () => {
    cpSync(join(REPO, 'fixtures', 'mlflow', 'project'), join(cwd, 'ml'), { recursive: true });
    const artifact = join(cwd, 'ml', 'mlruns', '274538148952064816', 'a1b2c3d4e5f60718293a4b5c6d7e8f90', 'artifacts', 'big.bin');
    writeFileSync(artifact, '');
    truncateSync(artifact, 260 * 1024 * 1024);
    const shown = onTerminal(['import', 'mlflow', 'ml/mlruns', '-o', 'imported1', '--copy-artifacts']);
    expect(shown.stdout).toMatch(/\rreprov: hashing \S*big\.bin \[[#.]+\] +\d+% \d+\/260 MiB \d+ MB\/s/);
    const quiet = onTerminal(['import', 'mlflow', 'ml/mlruns', '-o', 'imported2', '--copy-artifacts', '-q']);
    expect(quiet.stdout).toMatch(/imported2\/a1b2c3d4e5f60718293a4b5c6d7e8f90/);
    expect(quiet.stdout).not.toMatch(/hashing|imported MLflow run|\x1b\[K/);
    const result = piped(['import', 'mlflow', 'ml/mlruns', '-o', 'imported3', '--copy-artifacts']);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/imported MLflow run a1b2c3d4e5f60718293a4b5c6d7e8f90/);
    expect(result.stderr).not.toMatch(/hashing|\r|\x1b/);
  });

  it('record -q draws no bar on a terminal, record without it does', () => {
    const args = ['record', '--no-git', '--no-hardware', '--no-system', '--no-instrument', '-i', 'big.bin'];
    // A fresh cache each time: a cached digest is not read again, and draws nothing.
    const loud = onTerminal([...args, '-o', 'loud', '--', 'true'], join(cwd, 'cache-loud'));
    expect(loud.stdout).toMatch(/reprov: hashing big\.bin \[/);
    const quiet = onTerminal([...args, '-q', '-o', 'quiet', '--', 'true'], join(cwd, 'cache-quiet'));
    expect(quiet.stdout).toBe('');
  });
});
