/**
 * The flag conventions of docs/cli.md, checked on every command's `--help` through the built CLI;
 * the old spellings (hidden, deprecated, still working with one warning line); `-q`; and errors
 * printed once, on stderr only.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, reprov } from '../support/cli.js';

const workdir = () => mkdtempSync(join(tmpdir(), 'reprov-cli-'));
const QUICK = ['--no-git', '--no-hardware', '--no-system', '--no-instrument'];
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Flag { short?: string; long: string; line: string }

/** The options of a `--help` text: short and long name of each. */
function flagsOf(help: string): Flag[] {
  const flags: Flag[] = [];
  let inOptions = false;
  for (const line of help.split('\n')) {
    if (/^Options:/.test(line)) inOptions = true;
    else if (/^\S/.test(line)) inOptions = false;
    const match = inOptions ? /^ {2}(?:(-[A-Za-z]), )?(--[a-z][a-z-]*)/.exec(line) : null;
    if (match) flags.push({ ...(match[1] ? { short: match[1] } : {}), long: match[2]!, line });
  }
  return flags;
}

/** Every command, nested ones (`import mlflow`) included, read from the help itself. */
function commandsOf(help: string): string[] {
  const names: string[] = [];
  let inCommands = false;
  for (const line of help.split('\n')) {
    if (/^Commands:/.test(line)) inCommands = true;
    else if (/^\S/.test(line)) inCommands = false;
    const match = inCommands ? /^ {2}([a-z][a-z0-9-]*)/.exec(line) : null;
    if (match && match[1] !== 'help') names.push(match[1]!);
  }
  return names;
}

const helps = new Map<string, string>();

beforeAll(() => {
  const top = reprov(['--help']);
  expect(top.status).toBe(0);
  for (const name of commandsOf(top.stdout)) {
    const help = reprov([name, '--help']);
    expect(help.status).toBe(0);
    const sub = commandsOf(help.stdout);
    if (sub.length === 0) helps.set(name, help.stdout);
    for (const child of sub) {
      const childHelp = reprov([name, child, '--help']);
      expect(childHelp.status).toBe(0);
      helps.set(`${name} ${child}`, childHelp.stdout);
    }
  }
});

/** Commands that print notes, warnings or progress on stderr: each has `-q, --quiet`. */
const NOISY = ['convert', 'record', 'merge', 'check', 'init', 'scan', 'import mlflow', 'import yprov4ml', 'export ro-crate', 'verify'];

describe('every command\'s --help follows docs/cli.md', () => {
  it('finds every command, nested ones included', () => {
    // At least these; a new command must also get its row in docs/cli.md (checked below).
    expect([...helps.keys()]).toEqual(expect.arrayContaining([
      'check', 'convert', 'diff', 'explain', 'export ro-crate', 'import mlflow', 'import yprov4ml', 'init', 'merge', 'record', 'rules', 'scan', 'verify',
    ]));
  });

  it('shows no [] default and no quoted number as a default', () => {
    for (const [name, help] of helps) {
      const text = help.replace(/\s+/g, ' ');
      expect(text, name).not.toMatch(/default: \[/);
      expect(text, name).not.toMatch(/default: "\d+(\.\d+)?"/);
    }
    expect(helps.get('record')!.replace(/\s+/g, ' ')).toContain('(default: 5000)');
    expect(helps.get('check')!.replace(/\s+/g, ' ')).toContain('(default: .)');
  });

  it('gives a letter one meaning everywhere: -f is --format, -o the output, -q --quiet, -r --root', () => {
    const meanings = new Map<string, Set<string>>();
    for (const [name, help] of helps) {
      for (const flag of flagsOf(help)) {
        if (!flag.short) continue;
        if (!meanings.has(flag.short)) meanings.set(flag.short, new Set());
        meanings.get(flag.short)!.add(flag.long);
        if (flag.short === '-f') expect(flag.long, name).toBe('--format');
        if (flag.short === '-q') expect(flag.long, name).toBe('--quiet');
        if (flag.short === '-r') expect(flag.long, name).toBe('--root');
        // -o is where the output goes: a file or directory (record's bundle directory is --out).
        if (flag.short === '-o') expect(flag.long, name).toBe(name === 'record' ? '--out' : '--output');
        if (flag.short === '-o') expect(flag.line, name).toMatch(/<(file|dir|dir-or-zip)>/);
      }
    }
    for (const [short, longs] of meanings) {
      if (short === '-o') expect([...longs].sort()).toEqual(['--out', '--output']);
      else expect([...longs], short).toHaveLength(1);
    }
    // --format is never spelled without -f, --root never without -r.
    for (const [name, help] of helps) {
      for (const flag of flagsOf(help)) {
        if (flag.long === '--format') expect(flag.short, name).toBe('-f');
        if (flag.long === '--root') expect(flag.short, name).toBe('-r');
        if (flag.long === '--output') expect(flag.short, name).toBe('-o');
      }
    }
  });

  it('has -q, --quiet on every command that prints notes, warnings or progress', () => {
    for (const name of NOISY) expect(flagsOf(helps.get(name)!).map((f) => f.long), name).toContain('--quiet');
  });

  it('does not show the deprecated spellings', () => {
    expect(helps.get('rules')).not.toContain('--json');
    expect(flagsOf(helps.get('convert')!).some((f) => f.short === '-f')).toBe(false);
    expect(flagsOf(helps.get('record')!).map((f) => f.long)).not.toContain('--output');
    expect(flagsOf(helps.get('merge')!).map((f) => f.long)).not.toContain('--out');
  });

  it('docs/cli.md lists exactly the flags each command\'s help shows', () => {
    const doc = readFileSync(join(REPO, 'docs', 'cli.md'), 'utf8');
    const rows = new Map<string, string>();
    for (const line of doc.split('\n')) {
      const match = /^\| `([a-z][a-z0-9-]*(?: [a-z][a-z0-9-]*)?)[ `]/.exec(line);
      if (match && helps.has(match[1]!)) rows.set(match[1]!, line.split('|')[2] ?? '');
    }
    expect([...rows.keys()].sort()).toEqual([...helps.keys()].sort());
    for (const [name, help] of helps) {
      const documented = [...rows.get(name)!.matchAll(/`(?:-[A-Za-z], )?(--[a-z][a-z-]*)/g)].map((m) => m[1]).sort();
      const shown = flagsOf(help).map((f) => f.long).filter((l) => l !== '--help').sort();
      expect(documented, name).toEqual(shown);
    }
  });
});

const DOC = JSON.stringify({
  prefix: { ex: 'http://example.org/' },
  entity: { 'ex:data': { 'prov:label': 'data' } },
  activity: { 'ex:train': {} },
  used: { '_:u1': { 'prov:activity': 'ex:train', 'prov:entity': 'ex:data' } },
});

describe('deprecated spellings still work, with one warning line', () => {
  it('rules --json is rules -f json', () => {
    const old = reprov(['rules', '--json']);
    const now = reprov(['rules', '-f', 'json']);
    expect(now.status).toBe(0);
    expect(now.stderr).toBe('');
    expect(old.status).toBe(0);
    expect(old.stdout).toBe(now.stdout);
    expect(JSON.parse(old.stdout)).not.toHaveLength(0);
    expect(old.stderr).toBe('reprov: warning: --json is deprecated; use --format json\n');
    // Given twice: still one warning line.
    expect(reprov(['rules', '--json', '--json']).stderr).toBe(old.stderr);
    // A later -f wins over the old flag, as with any repeated option.
    expect(reprov(['rules', '--json', '-f', 'text']).stdout).toBe(reprov(['rules']).stdout);
  });

  it('convert -f FORMAT is --from FORMAT (the input format)', () => {
    const cwd = workdir();
    writeFileSync(join(cwd, 'doc.txt'), DOC);
    const now = reprov(['convert', 'doc.txt', '--from', 'provjson', '-t', 'turtle'], { cwd });
    expect(now.status).toBe(0);
    expect(now.stdout).toContain('prov:used');
    const old = reprov(['convert', 'doc.txt', '-f', 'provjson', '-t', 'turtle'], { cwd });
    expect(old.status).toBe(0);
    expect(old.stdout).toBe(now.stdout);
    expect(old.stderr).toBe('reprov: warning: -f is deprecated; use --from\n');
    // A bad value through the old flag is refused as --from refuses it.
    const bad = reprov(['convert', 'doc.txt', '-f', 'bogus', '-t', 'turtle'], { cwd });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.split('\n')).toEqual(['reprov: warning: -f is deprecated; use --from', expect.stringMatching(/^reprov: --from: unknown format 'bogus'/), '']);
  });

  it('record --output FILE is --produces FILE (hashed after the run); -o stays the bundle directory', () => {
    const cwd = workdir();
    const result = reprov(['record', ...QUICK, '-o', 'bundle', '--produces', 'a.txt', '--output', 'b.txt', '--output', 'c', '--', 'sh', '-c', 'printf A > a.txt; printf B > b.txt; mkdir c'], { cwd });
    expect(result.status).toBe(0);
    expect(result.stderr.split('\n').filter((l) => l.includes('deprecated'))).toEqual(['reprov: warning: --output is deprecated; use --produces']);
    const prov = readFileSync(join(cwd, 'bundle', 'prov.json'), 'utf8');
    expect(prov).toContain(sha256('A'));
    expect(prov).toContain(sha256('B'));
    expect(prov).toContain(sha256('')); // the empty directory c
    // --output after `--` is the command's own argument, untouched.
    const passed = reprov(['record', ...QUICK, '-o', 'b2', '--', 'sh', '-c', 'echo "$@"', 'sh', '--output', 'x'], { cwd });
    expect(passed.status).toBe(0);
    expect(passed.stdout).toBe('--output x\n');
    expect(passed.stderr).not.toContain('deprecated');
    expect(existsSync(join(cwd, 'b2', 'prov.json'))).toBe(true);
  });

  it('merge --out DIR is -o DIR', () => {
    const cwd = workdir();
    expect(reprov(['record', ...QUICK, '-o', 'run', '--', 'true'], { cwd }).status).toBe(0);
    const old = reprov(['merge', 'run', '--out', 'merged'], { cwd });
    expect(old.status).toBe(0);
    expect(old.stderr.split('\n')[0]).toBe('reprov: warning: --out is deprecated; use --output');
    expect(existsSync(join(cwd, 'merged', 'prov.json'))).toBe(true);
    // Neither spelling: the required option is missing, a usage error.
    const none = reprov(['merge', 'run'], { cwd });
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/required option '-o, --output <dir>' not specified/);
  });
});

describe('-q, --quiet', () => {
  it('silences notes, not results or errors', () => {
    const cwd = workdir();
    const loud = reprov(['record', ...QUICK, '-o', 'run', '--', 'true'], { cwd });
    expect(loud.stderr).toMatch(/^reprov: recorded .*prov\.json\n$/);
    const quiet = reprov(['record', ...QUICK, '-q', '-o', 'run2', '--', 'true'], { cwd });
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(existsSync(join(cwd, 'run2', 'prov.json'))).toBe(true);

    expect(reprov(['merge', 'run', '-o', 'm1'], { cwd }).stderr).toMatch(/^reprov: merged .* into m1\n$/);
    expect(reprov(['merge', 'run', '-o', 'm2', '-q'], { cwd }).stderr).toBe('');
    expect(reprov(['init', '-q'], { cwd })).toMatchObject({ status: 0, stderr: '' });
    // No node_modules above: $schema is the installed reprov's own schema file.
    const schema = /"\$schema": "([^"]+)"/.exec(readFileSync(join(cwd, 'reprov.config.json'), 'utf8'))![1]!;
    expect(fileURLToPath(schema)).toBe(join(REPO, 'schemas', 'reprov-config.schema.json'));
    expect(existsSync(fileURLToPath(schema))).toBe(true);

    const exported = reprov(['export', 'ro-crate', 'run', '-o', 'crate', '-q'], { cwd });
    expect(exported).toMatchObject({ status: 0, stderr: '' });
    expect(exported.stdout).toMatch(/crate\n$/);
    // An error is still printed under -q.
    const failed = reprov(['merge', 'missing', '-o', 'm3', '-q'], { cwd });
    expect(failed.status).toBe(2);
    expect(failed.stderr).toMatch(/^reprov: missing: /);
  });
});

describe('scan: a file that does not parse is a warning, printed once, on stderr', () => {
  it('not in the report on stdout; gone with -q, the verdict kept', () => {
    const cwd = workdir();
    writeFileSync(join(cwd, 'bad.py'), 'def f(:\n  pass\n');
    writeFileSync(join(cwd, 'ok.py'), 'import random\nprint(random.random())\n');
    const loud = reprov(['scan', 'bad.py', 'ok.py'], { cwd });
    expect(loud.status).toBe(1);
    expect(loud.stdout).toContain('ok.py');
    expect(loud.stdout).not.toContain('bad.py');
    expect(loud.stderr.split('\n').filter((l) => l.includes('bad.py'))).toEqual([expect.stringMatching(/^reprov: warning: bad\.py:1:\d+: syntax error/)]);
    const quiet = reprov(['scan', 'bad.py', 'ok.py', '-q'], { cwd });
    expect(quiet.status).toBe(1);
    expect(quiet.stdout).toBe(loud.stdout);
    expect(quiet.stderr).toBe('reprov: scan failed: 1 error finding\n');
  });
});

describe('an input that does not exist: nothing on stdout, one line on stderr, exit 2', () => {
  const cases: [string, string[]][] = [
    ['convert', ['convert', 'missing.json', '-t', 'turtle']],
    ['record', ['record', ...QUICK, '-o', 'b', '-i', 'missing.csv', '--', 'true']],
    ['record --params', ['record', ...QUICK, '-o', 'b', '--params', 'missing.yaml', '--', 'true']],
    ['merge', ['merge', 'missing', '-o', 'merged']],
    ['check', ['check', 'missing']],
    ['check -f json', ['check', 'missing', '-f', 'json']],
    ['check -c', ['check', '.', '-c', 'missing.json']],
    ['scan', ['scan', 'missing']],
    ['scan -c', ['scan', '.', '-c', 'missing.json']],
    ['import mlflow', ['import', 'mlflow', 'missing', '-o', 'out']],
    ['import yprov4ml', ['import', 'yprov4ml', 'missing.json', '-o', 'out']],
    ['export ro-crate', ['export', 'ro-crate', 'missing', '-o', 'crate']],
    ['verify', ['verify', 'missing']],
    ['verify -r', ['verify', '-', '-r', 'missing']],
    ['diff', ['diff', 'missing-a', 'missing-b']],
    ['explain', ['explain', 'RPV-NOPE']],
  ];
  for (const [name, args] of cases) {
    it(name, () => {
      const result = reprov(args, { cwd: workdir(), input: DOC });
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^reprov: [^\n]*(missing|RPV-NOPE)[^\n]*\n$/);
      expect(result.status).toBe(2);
    });
  }

  it('check of a good bundle and a missing one: the report on stdout without the error, the error once on stderr', () => {
    const cwd = workdir();
    writeFileSync(join(cwd, 'prov.json'), DOC);
    const result = reprov(['check', 'prov.json', 'missing.json'], { cwd });
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('prov.json');
    expect(result.stdout).not.toContain('missing.json:');
    expect(result.stdout).toMatch(/1 input could not be read/);
    expect(result.stderr.split('\n').filter((l) => l.includes('missing.json'))).toEqual([expect.stringMatching(/^reprov: missing\.json: /)]);
  });
});
