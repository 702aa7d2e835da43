/**
 * The instrumentation channel is input: the recorded program (or anything it runs) writes it. A
 * hostile or broken writer must not make the recorder read files outside the run's directories,
 * write outside the bundle, crash, or put a secret into the bundle; the command's exit code is
 * kept and the bundle stays readable.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
