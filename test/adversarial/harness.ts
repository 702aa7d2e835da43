/**
 * The adversarial suite's one way to run a command against hostile input and hold it to the
 * promises every command keeps (README, "Promises"):
 *   - the documented exit code (0, 1 or 2; never 3 or a signal),
 *   - at most three lines on stderr, none of them a stack frame (the indented notes an import or
 *     export lists after what it wrote, `reprov:   ...`, are its output and not counted),
 *   - nothing created, changed or deleted outside the paths the command may write,
 *   - no temporary file left behind anywhere in the sandbox.
 * `sandbox()` makes a temp directory to build the hostile input in; `attack()` snapshots it (names,
 * sizes, modes, link targets, content hashes), runs the built CLI there, and returns what changed.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { expect } from 'vitest';
import { CLI } from '../support/cli.js';

export interface Sandbox {
  dir: string;
  path(...parts: string[]): string;
  remove(): void;
}

export function sandbox(prefix = 'reprov-adv-'): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, path: (...parts) => join(dir, ...parts), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** What each entry of a tree looks like, keyed by its path relative to the tree. */
export type Snapshot = Map<string, string>;

export function snapshot(root: string): Snapshot {
  const entries: Snapshot = new Map();
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return; // unreadable on purpose (mode 000): its contents are not ours to see
    }
    for (const name of names) {
      const path = join(dir, name);
      const stat = lstatSync(path);
      const key = relative(root, path);
      if (stat.isSymbolicLink()) entries.set(key, `link ${readlinkSync(path)}`);
      else if (stat.isDirectory()) {
        entries.set(key, `dir ${(stat.mode & 0o777).toString(8)}`);
        walk(path);
      } else if (!stat.isFile()) {
        // A FIFO, socket or device: reading it would block or never end.
        entries.set(key, `special ${(stat.mode & 0o777).toString(8)}`);
      } else {
        let digest = 'unreadable';
        try {
          digest = createHash('sha256').update(readFileSync(path)).digest('hex');
        } catch {}
        entries.set(key, `file ${(stat.mode & 0o777).toString(8)} ${stat.size} ${digest}`);
      }
    }
  };
  walk(root);
  return entries;
}

export interface Attack {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Paths (relative to the sandbox) created, changed or deleted by the command. */
  touched: string[];
}

export interface AttackOptions {
  cwd?: string;
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs `reprov ...args` with the sandbox as the working directory (unless `cwd`), and reports what it touched. */
export function attack(box: Sandbox, args: string[], options: AttackOptions = {}): Attack {
  const before = snapshot(box.dir);
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? box.dir,
    input: options.input,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 20_000,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
  const after = snapshot(box.dir);
  const touched = new Set<string>();
  for (const [path, what] of after) if (before.get(path) !== what) touched.add(path);
  for (const path of before.keys()) if (!after.has(path)) touched.add(path);
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr, touched: [...touched].sort() };
}

const STACK_FRAME = /^\s+at .+(\(|:\d+:\d+)|node:internal|Error: .*\n\s+at /m;
const NOTE = /^reprov: {3}\S/;
const TEMPORARY = /(^|[\\/])\.[^\\/]*\.(tmp|old)$|\.tmp$|\.lock$/;

export interface Expectation {
  /** The documented exit code: 0, 1 or 2; for `record`, the wrapped command's own. */
  status: number;
  /** Paths (relative to the sandbox) the command may write: an entry covers itself and everything below it. */
  writes?: string[];
  /** A fragment the one-line error must hold (a file name, a location, the problem). */
  stderr?: RegExp;
}

/** The promises every command keeps, whatever the input. */
export function expectContained(result: Attack, expected: Expectation): void {
  const context = `exit ${result.status}${result.signal ? ` (${result.signal})` : ''}; stderr:\n${result.stderr}`;
  expect(result.signal, context).toBeNull();
  expect(result.status, context).toBe(expected.status);
  const lines = result.stderr.split('\n').filter((line) => line.trim() !== '' && !NOTE.test(line));
  expect(lines.length, context).toBeLessThanOrEqual(3);
  expect(result.stderr, context).not.toMatch(STACK_FRAME);
  const allowed = expected.writes ?? [];
  const outside = result.touched.filter((path) => !allowed.some((root) => path === root || path.startsWith(root + sep)));
  expect(outside, `touched outside ${JSON.stringify(allowed)}`).toEqual([]);
  const temporaries = result.touched.filter((path) => TEMPORARY.test(path));
  expect(temporaries, 'temporary files left behind').toEqual([]);
  if (expected.stderr) expect(result.stderr, context).toMatch(expected.stderr);
}
