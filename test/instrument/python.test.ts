/**
 * The injected Python package, run by /usr/bin/python3 as `reprov record` runs it (PYTHONPATH and
 * REPROV_CHANNEL), but without the recorder: what it writes, and what it must never change.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PYTHON_INSTRUMENT_DIR } from '../../src/instrument/python.js';

const PYTHON = '/usr/bin/python3';
const pythonPresent = spawnSync(PYTHON, ['-c', 'import sys; assert sys.version_info >= (3, 8)'], { stdio: 'ignore' }).status === 0;
const numpyPresent = pythonPresent && spawnSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

interface Ran {
  status: number | null;
  stdout: Buffer;
  stderr: string;
  events: Record<string, unknown>[];
}

/** Runs `script` in a fresh directory; instrumented unless `channel` is null. */
function runPython(script: string, options: { channel?: string | null; pythonPath?: string; files?: Record<string, string>; env?: Record<string, string> } = {}): Ran {
  const cwd = mkdtempSync(join(tmpdir(), 'reprov-py-'));
  for (const [name, text] of Object.entries(options.files ?? {})) {
    mkdirSync(join(cwd, name, '..'), { recursive: true });
    writeFileSync(join(cwd, name), text);
  }
  writeFileSync(join(cwd, 'main.py'), script);
  const channelDir = mkdtempSync(join(tmpdir(), 'reprov-ch-'));
  const channel = options.channel === undefined ? join(channelDir, 'channel.jsonl') : options.channel;
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, PYTHONPATH: [PYTHON_INSTRUMENT_DIR, options.pythonPath].filter(Boolean).join(':'), ...options.env };
  if (channel !== null) env.REPROV_CHANNEL = channel;
  const result = spawnSync(PYTHON, ['main.py'], { cwd, env });
  let events: Record<string, unknown>[] = [];
  try {
    if (channel && statSync(channel).isFile()) events = readFileSync(channel, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  } catch {
    events = [];
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString(), events };
}

const SEEDED = `
import random, sys
random.seed(7)
draws = [random.random() for _ in range(3)]
r = random.Random(5)
print(draws, r.random(), hash("reprov") if False else 0)
sys.stdout.write("done\\n")
sys.exit(3)
`;

describe.skipIf(!pythonPresent)('the injected Python package', () => {
  it('writes one JSON line per event, each with the protocol version, the pid and the type', () => {
    const { events, status } = runPython('import random\nrandom.seed(7)\n');
    expect(status).toBe(0);
    expect(events.length).toBeGreaterThan(1);
    for (const event of events) {
      expect(event.v).toBe(1);
      expect(typeof event.pid).toBe('number');
      expect(typeof event.type).toBe('string');
    }
    expect(events[0]!.type).toBe('start');
    expect(events.at(-1)!.type).toBe('exit');
  });

  it('does not change what the program does: same stdout bytes, exit code and random streams', () => {
    const plain = runPython(SEEDED, { channel: null });
    const instrumented = runPython(SEEDED);
    expect(instrumented.status).toBe(3);
    expect(plain.status).toBe(3);
    expect(instrumented.stdout.equals(plain.stdout)).toBe(true);
    expect(instrumented.stderr).toBe(plain.stderr);
    expect(instrumented.events.some((e) => e.type === 'seed' && e.value === 7)).toBe(true);
  });

  it.skipIf(!numpyPresent)('leaves numpy random streams as they were', () => {
    const script = 'import numpy as np\nnp.random.seed(3)\nprint(np.random.rand(4).tolist())\ng = np.random.default_rng(11)\nprint(g.random(4).tolist())\n';
    const plain = runPython(script, { channel: null });
    const instrumented = runPython(script);
    expect(instrumented.stdout.toString()).toBe(plain.stdout.toString());
    const seeds = instrumented.events.filter((e) => e.type === 'seed');
    expect(seeds.map((e) => [e.rng, e.value, e.via, e.line])).toEqual([['numpy', 3, 'numpy.random.seed', 2], ['numpy', 11, 'numpy.random.default_rng', 4]]);
    expect(String(seeds[0]!.file)).toMatch(/main\.py$/);
  });

  it('chains to the sitecustomize it shadows', () => {
    const other = mkdtempSync(join(tmpdir(), 'reprov-site-'));
    writeFileSync(join(other, 'sitecustomize.py'), 'import builtins\nbuiltins.SHADOWED_RAN = True\n');
    for (const channel of [undefined, null]) {
      const result = runPython('import builtins\nprint(getattr(builtins, "SHADOWED_RAN", False))\n', { pythonPath: other, channel });
      expect(result.stdout.toString()).toBe('True\n');
    }
  });

  it('reports an error in the shadowed sitecustomize as site.py would, and runs the program', () => {
    const other = mkdtempSync(join(tmpdir(), 'reprov-site-'));
    writeFileSync(join(other, 'sitecustomize.py'), 'raise RuntimeError("their bug")\n');
    const result = runPython('print("ran")\n', { pythonPath: other });
    expect(result.stdout.toString()).toBe('ran\n');
    expect(result.stderr).toContain('Error in sitecustomize; set PYTHONVERBOSE for traceback:\nRuntimeError: their bug');
  });

  it.each([
    ['a channel in a directory that does not exist', '/nonexistent/reprov/channel.jsonl'],
    ['a channel that is a directory', tmpdir()],
  ])('never stops the program: %s is reported once on stderr', (_name, channel) => {
    const result = runPython(SEEDED + '', { channel });
    const plain = runPython(SEEDED, { channel: null });
    expect(result.status).toBe(3);
    expect(result.stdout.equals(plain.stdout)).toBe(true);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^reprov: instrumentation error: cannot open the channel/);
  });

  it('never stops the program when the channel becomes unwritable mid-run', () => {
    // /dev/full: every write fails with ENOSPC.
    const result = runPython('import reprov\nfor i in range(5000): reprov.log_metric("m", i)\nprint("ok")\n', { channel: '/dev/full' });
    expect(result.status).toBe(0);
    expect(result.stdout.toString()).toBe('ok\n');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^reprov: instrumentation error: cannot write to the channel/);
  });

  it('is a no-op logger outside a recorded run, and says so once', () => {
    const result = runPython('import reprov\nreprov.log_metric("loss", 1.0)\nreprov.log_param("lr", 0.1)\nwith reprov.context("validation"): pass\nprint(reprov.active())\n', { channel: null });
    expect(result.status).toBe(0);
    expect(result.stdout.toString()).toBe('False\n');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^reprov: not recording/);
  });

  it('logs metrics (buffered, batched), parameters with nested keys, contexts and paths', () => {
    const { events } = runPython(`
import reprov
reprov.log_params({"optimizer": {"lr": 0.001, "name": "adam"}, "epochs": 5, "layers": [1, 2]})
for i in range(150):
    reprov.log_metric("loss", 1.0 / (i + 1), step=i, epoch=i // 50)
with reprov.context("validation"):
    reprov.log_metric("loss", float("nan"), step=0)
reprov.log_model("model.pt")
`);
    const params = events.filter((e) => e.type === 'param').map((e) => [e.name, e.value]);
    expect(params).toEqual([['optimizer.lr', 0.001], ['optimizer.name', 'adam'], ['epochs', 5], ['layers', '[1,2]']]);
    const points = events.filter((e) => e.type === 'metrics').flatMap((e) => e.points as unknown[][]);
    expect(points).toHaveLength(151);
    expect(points[0]!.slice(0, 5)).toEqual(['loss', 1, 0, 0, 'training']);
    expect(points.at(-1)!.slice(0, 5)).toEqual(['loss', 'NaN', 0, null, 'validation']);
    expect(events.find((e) => e.type === 'model')?.path).toMatch(/\/model\.pt$/);
  });

  it('sees files opened under the working directory, not the Python installation nor the bundle', () => {
    const { events } = runPython(`
import os, json
data = open("data/train.csv").read()
with open("out/result.txt", "w") as f: f.write(data)
os.close(os.open("data/raw.bin", os.O_RDONLY))
import email.parser
open("${'/etc/hostname'}").read() if os.path.exists("/etc/hostname") else None
open("bundle/prov.json", "w").write("{}")
`, { files: { 'data/train.csv': 'a,b\n1,2\n', 'data/raw.bin': 'x', 'out/.keep': '', 'bundle/.keep': '' }, env: { REPROV_BUNDLE_DIR: 'bundle' } });
    const files = events.filter((e) => e.type === 'file').map((e) => [String(e.path).replace(/^.*reprov-py-[^/]+\//, ''), e.mode]);
    expect(files).toEqual([['data/train.csv', 'r'], ['out/result.txt', 'w'], ['data/raw.bin', 'r']]);
  });

  it('records a directory read file by file as the directory, past a limit', () => {
    const files = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`images/${i}.txt`, String(i)]));
    const { events } = runPython('import os\nfor name in sorted(os.listdir("images")): open(os.path.join("images", name)).read()\n', { files, env: { REPROV_DIR_LIMIT: '5' } });
    expect(events.filter((e) => e.type === 'file')).toHaveLength(5);
    expect(events.filter((e) => e.type === 'dir').map((e) => String(e.path).replace(/^.*\//, ''))).toEqual(['images']);
  });

  it('records the exception that ended the program at the innermost frame of the user code', () => {
    const { events, status, stderr } = runPython('import json\ndef load():\n    return json.loads("{bad")\nload()\n');
    expect(status).toBe(1);
    expect(stderr).toContain('json.decoder.JSONDecodeError');
    const exception = events.find((e) => e.type === 'exception')!;
    expect(exception.exception).toBe('json.decoder.JSONDecodeError');
    expect(exception.line).toBe(3);
    expect(String(exception.file)).toMatch(/main\.py$/);
  });

  it('reports the modules executed from the working directory', () => {
    const { events } = runPython('import helper\nhelper.go()\n', { files: { 'helper.py': 'def go():\n    pass\n', 'unused.py': 'x = 1\n' } });
    const modules = events.find((e) => e.type === 'modules')!;
    expect((modules.files as string[]).map((f) => f.replace(/^.*\//, ''))).toEqual(['helper.py', 'main.py']);
  });

  it('flushes what a forked multiprocessing worker logged before it ends', () => {
    const { events, status } = runPython(`
import multiprocessing as mp, reprov
def work(i):
    reprov.log_metric("worker", i)
    open("data.txt").read()
if __name__ == "__main__":
    ctx = mp.get_context("fork")
    p = ctx.Process(target=work, args=(1,))
    p.start(); p.join()
`, { files: { 'data.txt': 'x' } });
    expect(status).toBe(0);
    const pids = new Set(events.map((e) => e.pid));
    expect(pids.size).toBe(2);
    const worker = events.filter((e) => e.type === 'metrics');
    expect(worker).toHaveLength(1);
    expect(events.some((e) => e.type === 'file' && String(e.path).endsWith('data.txt'))).toBe(true);
  });
});
