/**
 * The instrumentation channel is input: the recorded program (or anything it runs) writes it. A
 * hostile or broken writer must not make the recorder read files outside the run's directories,
 * write outside the bundle, crash, or put a secret into the bundle; the command's exit code is
 * kept and the bundle stays readable.
 */
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { attack, expectContained, sandbox, type Sandbox } from './harness.js';

const PYTHON = '/usr/bin/python3';
const pythonPresent = spawnSync(PYTHON, ['-c', 'import json'], { stdio: 'ignore' }).status === 0;
const QUICK = ['--no-hardware', '--no-system', '--no-git'];

let box: Sandbox;
afterEach(() => box?.remove());

/** A program that appends `lines` (JSON values, or raw strings; `$VICTIM` becomes the victim file's absolute path) to the channel, then exits with `code`. */
function writer(lines: unknown[], code = 0): string {
  return [
    'import json, os',
    'pid = os.getpid()',
    'victim = os.path.abspath("../victim.txt")',
    `lines = json.loads(${JSON.stringify(JSON.stringify(lines))})`,
    'with open(os.environ["REPROV_CHANNEL"], "a") as channel:',
    '    for line in lines:',
    '        channel.write((line if isinstance(line, str) else json.dumps(dict(line, pid=pid)).replace("$VICTIM", victim)) + "\\n")',
    `raise SystemExit(${code})`,
  ].join('\n');
}

function record(lines: unknown[], code = 0) {
  box = sandbox('reprov-adv-channel-');
  writeFileSync(box.path('w.py'), writer(lines, code));
  writeFileSync(box.path('victim.txt'), 'outside the run, never to be read');
  const run = box.path('run');
  spawnSync('mkdir', [run]);
  const result = attack(box, ['record', ...QUICK, '-o', 'b', '--', PYTHON, '../w.py'], { cwd: run });
  const bundle = (name: string) => readFileSync(join(run, 'b', name), 'utf8');
  return { result, bundle, run };
}

describe.skipIf(!pythonPresent && !process.env.CI)('a hostile channel', () => {
  it('a forged file event naming a file outside the run is not hashed nor named', () => {
    const { result, bundle } = record([{ v: 1, type: 'file', path: '$VICTIM', mode: 'r' }, { v: 1, type: 'file', path: '/etc/hostname', mode: 'r' }]);
    expectContained(result, { status: 0, writes: ['run/b'] });
    expect(bundle('prov.ttl')).not.toContain('victim');
    expect(bundle('prov.ttl')).not.toContain('/etc/hostname');
  });

  it('malformed lines, an oversized line and unknown types are skipped with a note; the exit code is kept', () => {
    const { result, bundle } = record(['{not json', 'x'.repeat(9 * 1024 * 1024), '[]', 'null', { v: 1, type: 'no-such-type' }, { v: 99, type: 'param', name: 'a', value: 1 }], 3);
    expectContained(result, { status: 3, writes: ['run/b'] });
    expect(bundle('prov.ttl')).toMatch(/malformed line\(s\) in the channel were skipped/);
  });

  it('hostile names (traversal, prototype keys, NUL, newlines, 10k characters) stay inside the bundle as file names; secrets are redacted', () => {
    const names = ['../../evil', '/abs/evil', '__proto__', 'constructor', 'a\u0000b', 'line\nbreak', 'n'.repeat(10_000), 'api_key=sk-abcdefghijklmnopqrstuvwxyz123456'];
    const { result, bundle, run } = record([
      { v: 1, type: 'metrics', points: names.map((name, i) => [name, i, i, null, name, 0]) },
      { v: 1, type: 'metrics', points: [['loss', 'NaN', null, null, 'training', 0], ['loss', 'Infinity', 1e300, null, 'training', 0]] },
      ...names.map((name) => ({ v: 1, type: 'param', name, value: 'sk-abcdefghijklmnopqrstuvwxyz123456' })),
      { v: 1, type: 'param', name: 'password', value: 'hunter2hunter2' },
      { __proto__: null, v: 1, type: 'seed', name: 'toString', value: 1, rng: 'constructor' },
    ]);
    expectContained(result, { status: 0, writes: ['run/b'] });
    const files = readdirSync(join(run, 'b', 'metrics'));
    expect(files.length).toBeGreaterThanOrEqual(names.length);
    for (const file of files) expect(file.length).toBeLessThanOrEqual(255);
    for (const name of ['prov.ttl', 'prov.json']) {
      expect(bundle(name)).not.toContain('sk-abcdefghijklmnopqrstuvwxyz123456');
      expect(bundle(name)).not.toContain('hunter2hunter2');
      expect(bundle(name)).not.toMatch(/native code/);
    }
    expect(files.join('\n')).not.toContain('sk-abcdef');
  });
});

/** Records `python -c`-style `script` (run from `run/`, beside the files `setup` made in the sandbox), and the bundle's text. */
function recordScript(script: string, options: { code?: number; setup?: (box: Sandbox) => void; timeoutMs?: number } = {}) {
  box = sandbox('reprov-adv-channel-');
  const run = box.path('run');
  spawnSync('mkdir', [run]);
  options.setup?.(box);
  writeFileSync(box.path('w.py'), `import json, os, sys\nCHANNEL = os.environ["REPROV_CHANNEL"]\nPID = os.getpid()\n${script}\nraise SystemExit(${options.code ?? 0})\n`);
  const started = Date.now();
  const result = attack(box, ['record', ...QUICK, '-o', 'b', '--', PYTHON, '../w.py'], { cwd: run, timeoutMs: options.timeoutMs ?? 60_000 });
  const seconds = (Date.now() - started) / 1000;
  const bundle = (name: string) => readFileSync(join(run, 'b', name), 'utf8');
  const all = () => [bundle('prov.ttl'), bundle('prov.json'), ...readdirSync(join(run, 'b', 'metrics'), { withFileTypes: true }).filter((e) => e.isFile()).map((e) => readFileSync(join(run, 'b', 'metrics', e.name), 'utf8'))].join('\n');
  /** `reprov check` reads the bundle (exit 0 or 1: findings, not a broken input). */
  const checks = () => {
    const checked = attack(box, ['check', join(run, 'b', 'prov.json'), '--format', 'json'], { cwd: run });
    expectContained(checked, { status: checked.status === 0 ? 0 : 1 });
    return JSON.parse(checked.stdout) as { findings: { rule: string; message: string }[] };
  };
  return { result, bundle, all, run, seconds, checks };
}

/** Python source that appends `lines` (raw text, one per element) to the channel in one write. */
const append = (lines: string) => `with open(CHANNEL, "a") as f:\n    f.write(${lines})\n`;

describe.skipIf(!pythonPresent && !process.env.CI)('a hostile channel, case by case', () => {
  it('a 50 MB single line is skipped without holding it, and the lines after it are read', () => {
    const { result, bundle, checks } = recordScript(append(`"x" * (50 * 1024 * 1024) + "\\n" + json.dumps({"v": 1, "pid": PID, "type": "param", "name": "after_the_flood", "value": 7}) + "\\n"`), { code: 5 });
    expectContained(result, { status: 5, writes: ['run/b'] });
    expect(bundle('prov.ttl')).toContain('after_the_flood');
    expect(bundle('prov.ttl')).toMatch(/1 malformed line\(s\) in the channel were skipped/);
    checks();
  });

  it('a million lines of distinct names: bounded per kind, noted, done in bounded time', () => {
    const kinds = [
      '{"v":1,"pid":%d,"type":"param","name":"p%d","value":1}',
      '{"v":1,"pid":%d,"type":"metrics","points":[["m%d",1.5,1,null,"training",0]]}',
      '{"v":1,"pid":%d,"type":"seed","rng":"r%d","value":1}',
      '{"v":1,"pid":%d,"type":"determinism","name":"d%d","value":"1"}',
      '{"v":1,"pid":%d,"type":"framework","name":"f%d","version":"1"}',
      '{"v":1,"pid":%d,"type":"context","name":"c%d"}',
      '{"v":1,"pid":%d,"type":"input","path":"/nonexistent/i%d"}',
      '{"v":1,"pid":%d,"type":"file","path":"/nonexistent/f%d","mode":"r"}',
      '{"v":1,"pid":%d,"type":"u%d"}',
      '{"v":1,"pid":%d,"type":"note","text":"n%d"}',
    ];
    const script = [
      `kinds = ${JSON.stringify(kinds)}`,
      'with open(CHANNEL, "a") as f:',
      '    for block in range(100):',
      '        f.write("".join((kinds[i % 10] % (i, i)) + "\\n" for i in range(block * 10000, (block + 1) * 10000)))',
    ].join('\n');
    const { result, bundle, run, seconds, checks } = recordScript(script, { timeoutMs: 120_000 });
    expectContained(result, { status: 0, writes: ['run/b'] });
    expect(seconds).toBeLessThan(60);
    const ttl = bundle('prov.ttl');
    expect(ttl).toMatch(/more metric series in the channel were not recorded \(at most 1000\)/);
    expect(readdirSync(join(run, 'b', 'metrics')).length).toBeLessThanOrEqual(1001);
    expect(ttl.length).toBeLessThan(50 * 1024 * 1024);
    checks();
  }, 180_000);

  it('keys __proto__, constructor and toString as event types, fields, names and rngs', () => {
    const lines = [
      '{"v":1,"pid":1,"type":"__proto__"}', '{"v":1,"pid":1,"type":"constructor"}', '{"v":1,"pid":1,"type":"toString"}',
      '{"v":1,"pid":1,"type":"hasOwnProperty"}', '{"__proto__":{"type":"param","pid":1,"v":1},"name":"x","value":1}',
      '{"v":1,"pid":1,"type":"param","name":"__proto__","value":{"polluted":true}}', '{"v":1,"pid":1,"type":"param","name":"constructor","value":"c"}',
      '{"v":1,"pid":1,"type":"param","name":"toString","value":1}', '{"v":1,"pid":1,"type":"metrics","points":[["__proto__",1,1,null,"constructor",0],["toString",2,1,null,"__proto__",0]]}',
      '{"v":1,"pid":1,"type":"seed","rng":"__proto__","value":1,"name":"constructor"}', '{"v":1,"pid":1,"type":"framework","name":"__proto__","version":"1"}',
      '{"v":1,"pid":1,"type":"determinism","name":"toString","value":"1"}', '{"v":1,"pid":1,"type":"context","name":"__proto__"}',
      '{"v":1,"pid":1,"type":"device","framework":"constructor","initialized":true,"devices":[{"index":0,"name":"__proto__"}]}',
    ];
    const { result, bundle, checks } = recordScript(append(JSON.stringify(lines.join('\n') + '\n')));
    expectContained(result, { status: 0, writes: ['run/b'] });
    expect(bundle('prov.json')).not.toMatch(/native code|polluted/);
    checks();
  });

  it('bytes that are not UTF-8, in names, values and between lines', () => {
    const script = [
      'with open(CHANNEL, "ab") as f:',
      '    f.write(b\'{"v":1,"pid":1,"type":"param","name":"bad\\xff\\xfename","value":"v\\xc3("}\\n\')',
      '    f.write(b"\\x00\\x01\\xff\\xfe\\x80 binary junk\\n")',
      '    f.write(b\'{"v":1,"pid":1,"type":"metrics","points":[["m\\xed\\xa0\\x80",1,1,null,"tr\\xffain",0]]}\\n\')',
      '    f.write(b\'{"v":1,"pid":1,"type":"param","name":"lone\\\\ud800","value":"\\\\udfff"}\\n\')',
      '    f.write(b\'{"v":1,"pid":1,"type":"param","name":"fine","value":1}\\n\')',
    ].join('\n');
    const { result, bundle, checks } = recordScript(script);
    expectContained(result, { status: 0, writes: ['run/b'] });
    expect(bundle('prov.ttl')).toContain('fine');
    checks();
  });

  it('NaN, infinities and huge numbers as metric values, steps, epochs and times', () => {
    const lines = [
      '{"v":1,"pid":1,"type":"metrics","points":[["loss","NaN","NaN","Infinity",null,"NaN"],["loss","Infinity",1e308,1e308,"training",1e308],["loss","-Infinity",-1,-5,"training",-1e308],["loss",1e309,18446744073709551616,null,"training",0],["loss",-1e309,1.5,2.5,"training",0],["loss",1e-320,3,null,"training",0]]}',
      '{"v":1,"pid":1,"type":"metrics","points":[["loss",NaN,1,null,"training",0]]}',
      '{"v":1,"pid":1,"type":"param","name":"huge","value":1e309}', '{"v":1,"pid":1,"type":"seed","rng":"numpy","value":1e400}',
      '{"v":1,"pid":1,"type":"seed","rng":"python","value":18446744073709551617}', '{"v":1,"pid":1,"type":"exception","exception":"E","message":"m","line":1e309}',
    ];
    const { result, checks } = recordScript(append(JSON.stringify(lines.join('\n') + '\n')));
    expectContained(result, { status: 0, writes: ['run/b'] });
    checks();
  });

  it('metric, context and param names with ../../x, /, NUL, newline and 10k characters name files inside metrics/ only', () => {
    const names = ['../../x', '../outside', '/', '/etc/passwd', 'a\u0000b', 'a\nb', 'x'.repeat(10_000), '..', '.', ''];
    const script = `names = ${JSON.stringify(names)}\nwith open(CHANNEL, "a") as f:\n    for n in names:\n        f.write(json.dumps({"v": 1, "pid": PID, "type": "metrics", "points": [[n, 1, 1, None, n, 0], ["ok", 1, 1, None, n, 0]]}) + "\\n")\n        f.write(json.dumps({"v": 1, "pid": PID, "type": "param", "name": n, "value": n}) + "\\n")\n`;
    const { result, run, checks } = recordScript(script);
    expectContained(result, { status: 0, writes: ['run/b'] });
    for (const file of readdirSync(join(run, 'b', 'metrics'))) {
      expect(file.length).toBeLessThanOrEqual(255);
      expect(file).not.toMatch(/[\u0000\n/]|^\.\.?$/);
    }
    checks();
  });

  it('secrets in names, values, contexts, seeds, exception messages, notes and file paths are redacted', () => {
    const key = 'sk-abcdefghijklmnopqrstuvwxyz123456';
    const script = [
      `KEY = "${key}"`,
      'os.makedirs("token " + KEY, exist_ok=True)',
      'open("token " + KEY + "/data.csv", "w").write("a\\n")',
      'open("password=hunter2hunter2.txt", "w").write("b\\n")',
      'events = [',
      '  {"type": "param", "name": "api_key=" + KEY, "value": KEY},',
      '  {"type": "param", "name": "db", "value": "postgres://u:password=hunter2hunter2@h/db"},',
      '  {"type": "metrics", "points": [["loss " + KEY, 1, 1, None, "ctx:" + KEY, 0]]},',
      '  {"type": "context", "name": KEY},',
      '  {"type": "seed", "rng": KEY, "name": KEY, "value": KEY, "via": KEY, "file": "/tmp/" + KEY + ".py", "line": 3},',
      '  {"type": "determinism", "name": "TOKEN", "value": KEY},',
      '  {"type": "framework", "name": KEY, "version": KEY},',
      '  {"type": "exception", "exception": "ValueError", "message": "password=hunter2hunter2 and " + KEY, "file": os.path.abspath(KEY + ".py"), "line": 2},',
      '  {"type": "note", "text": "leaked " + KEY},',
      '  {"type": "input", "path": os.path.abspath("token " + KEY + "/data.csv")},',
      '  {"type": "file", "path": os.path.abspath("password=hunter2hunter2.txt"), "mode": "r"},',
      '  {"type": "modules", "files": [os.path.abspath(KEY + ".py")]},',
      '  {"type": "x:" + KEY},',
      ']',
      'with open(CHANNEL, "a") as f:',
      '    for e in events:',
      '        f.write(json.dumps(dict(e, v=1, pid=PID)) + "\\n")',
    ].join('\n');
    const { result, all, run, checks } = recordScript(script);
    expectContained(result, { status: 0, writes: ['run/b', 'run/token ' + key, 'run/password=hunter2hunter2.txt'] });
    expect(all()).not.toContain(key);
    expect(all()).not.toContain('hunter2hunter2');
    expect(readdirSync(join(run, 'b', 'metrics')).join('\n')).not.toContain('abcdefghijklmnop');
    expect(result.stdout + result.stderr).not.toContain(key);
    checks();
  });

  it('input and output paths naming /etc/passwd, ../outside, a FIFO, /dev/zero, a symlink loop and a directory of 5000 files: none hangs, nothing outside is read', () => {
    const setup = (b: Sandbox) => {
      writeFileSync(b.path('outside'), 'outside the run');
      spawnSync('mkfifo', [b.path('run', 'fifo')]);
      symlinkSync('loop-b', b.path('run', 'loop-a'));
      symlinkSync('loop-a', b.path('run', 'loop-b'));
      symlinkSync('/dev/zero', b.path('run', 'zero-link'));
      symlinkSync(b.path('run', 'fifo'), b.path('run', 'fifo-link'));
      mkdirSync(b.path('run', 'many'));
      for (let i = 0; i < 5000; i++) writeFileSync(b.path('run', 'many', `f${i}`), String(i));
    };
    const script = [
      'here = os.getcwd()',
      'paths = ["/etc/passwd", "../outside", os.path.abspath("../outside"), "fifo", here + "/fifo", "/dev/zero", here + "/zero-link", here + "/fifo-link", here + "/loop-a", here + "/many", "/proc/self/mem", "/"]',
      'with open(CHANNEL, "a") as f:',
      '    for p in paths:',
      '        for t in ("input", "output", "model", "artifact"):',
      '            f.write(json.dumps({"v": 1, "pid": PID, "type": t, "path": p}) + "\\n")',
      '        for t, m in (("file", "r"), ("file", "w"), ("dir", "r")):',
      '            f.write(json.dumps({"v": 1, "pid": PID, "type": t, "path": p if p.startswith("/") else os.path.abspath(p), "mode": m}) + "\\n")',
    ].join('\n');
    const { result, bundle, seconds, checks } = recordScript(script, { setup, timeoutMs: 60_000 });
    expectContained(result, { status: 0, writes: ['run/b'] });
    expect(seconds).toBeLessThan(30);
    const ttl = bundle('prov.ttl');
    expect(ttl).not.toContain('outside the run');
    expect(ttl).toMatch(/many/);
    checks();
  }, 90_000);

  it('the channel replaced during the run by a link to a file outside: the recorder reads its own file, not the link', () => {
    const setup = (b: Sandbox) => writeFileSync(b.path('outside.jsonl'), '{"v":1,"pid":1,"type":"param","name":"from_outside","value":1}\n');
    const script = [
      append('json.dumps({"v": 1, "pid": PID, "type": "param", "name": "before_swap", "value": 1}) + "\\n"'),
      'os.unlink(CHANNEL)',
      'os.symlink(os.path.abspath("../outside.jsonl"), CHANNEL)',
      'print(oct(os.stat(os.path.dirname(CHANNEL)).st_mode & 0o777))',
    ].join('\n');
    const { result, bundle, checks } = recordScript(script, { setup });
    expectContained(result, { status: 0, writes: ['run/b'] });
    expect(result.stdout).toContain('0o700');
    expect(bundle('prov.ttl')).toContain('before_swap');
    expect(bundle('prov.ttl')).not.toContain('from_outside');
    checks();
  });
});
