/**
 * AMD GPUs through rocm-smi: the parser on recorded outputs of real MI250s (fixtures/rocm-smi/),
 * hostile answers, the hardware collector's reasons, and a fake `rocm-smi` on PATH read through
 * the real `reprov record` CLI.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandResult, CommandRunner } from '../../src/collect/hardware.js';
import { collectHardware } from '../../src/collect/hardware.js';
import { isUnknown } from '../../src/collect/nvidia-smi.js';
import { parseRocmSmiJson, ROCM_SMI_ARGS, type RocmQuery } from '../../src/collect/rocm-smi.js';
import { RunGraph } from '../../src/prov/graph.js';
import { reprov, schema } from '../../src/prov/vocabulary.js';
import { CLI } from '../support/cli.js';
import { tempDirs } from '../support/collect.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/rocm-smi/${name}`, import.meta.url), 'utf8');
const tempDir = tempDirs('rocm');
const parsed = (text: string): RocmQuery => {
  const result = parseRocmSmiJson(text);
  if (isUnknown(result)) throw new Error(result.reason);
  return result;
};
const reason = (text: string) => {
  const result = parseRocmSmiJson(text);
  return isUnknown(result) ? result.reason : `parsed ${result.gpus.length}`;
};

describe('parseRocmSmiJson on recorded outputs', () => {
  it('ROCm 5 (MI250, two GCDs): name from "Card series", driver from system, bus and unique id', () => {
    const { gpus } = parsed(fixture('mi250-x2-rocm5-all.json'));
    expect(gpus.map((g) => [g.index, g.vendor, g.name, g.driverVersion, g.pciBusId, g.uuid])).toEqual([
      [0, 'AMD', 'AMD INSTINCT MI250 (MCM) OAM AC MBA', '6.2.4', '0000:2F:00.0', '0x719d230578348e8c'],
      [1, 'AMD', 'AMD INSTINCT MI250 (MCM) OAM AC MBA', '6.2.4', '0000:2F:00.0', '0x719d230578348e8c'],
    ]);
    expect(gpus[0]?.memoryBytes).toBeUndefined(); // `-a` of ROCm 5 prints no VRAM total
  });

  it('ROCm 6 (MI250): "Card Series" in its new case, gfx version', () => {
    const { gpus } = parsed(fixture('mi250-rocm6-all.json'));
    expect(gpus).toHaveLength(1);
    expect(gpus[0]).toMatchObject({ index: 0, name: 'AMD INSTINCT MI250 (MCM) OAM AC MBA', driverVersion: '6.2.4', pciBusId: '0000:29:00.0', gfxVersion: 'gfx9010' });
  });

  it('VRAM in bytes or MiB, warnings before the JSON, placeholders left out (constructed answers)', () => {
    const text = 'WARNING: AMD GPU device(s) is/are in a low-power state. Check power control/runtime_status\n\n' +
      JSON.stringify({ card1: { 'Card Series': 'Instinct MI210', 'VRAM Total Memory (B)': '68702699520', 'Card SKU': 'D67301' },
        card0: { 'Card series': 'N/A', 'Card SKU': 'unknown', 'Card model': '0x740c', 'vram Total Memory (MiB)': '65520', 'Unique ID': 'N/A' } });
    const { gpus } = parsed(text);
    expect(gpus.map((g) => [g.index, g.name, g.memoryBytes, g.uuid])).toEqual([[0, '0x740c', 65520 * 1024 ** 2, undefined], [1, 'Instinct MI210', 68702699520, undefined]]);
    expect(gpus[0]?.unavailable).toMatchObject({ 'card series': 'N/A', 'unique id': 'N/A' });
  });
});

describe('parseRocmSmiJson on hostile and failure answers (constructed)', () => {
  it.each([
    ['empty', '', 'rocm-smi printed nothing'],
    ['garbage', '\u0000\u0001 garbage ###', 'unrecognised rocm-smi output: \u0000\u0001 garbage ###'],
    ['truncated JSON', '{"card0": {"Card series": "MI250"', /^rocm-smi printed invalid JSON: /],
    ['a JSON array', '[1, 2, 3]', 'unrecognised rocm-smi output: [1, 2, 3]'],
    ['an empty object', '{}', 'no devices'],
    ['no cards', JSON.stringify({ system: { 'Driver version': '6.2.4' } }), 'no devices'],
    ['cards that are not objects', JSON.stringify({ card0: 'x', card1: null, card2: [1] }), 'parsed 3'],
    ['a huge card index', JSON.stringify({ card99999999999: {} }), 'no devices'],
    ['driver not loaded', 'ERROR:root:Driver not initialized (amdgpu not found in modules)\n', 'driver not loaded: ERROR:root:Driver not initialized (amdgpu not found in modules)'],
    ['no GPUs', 'WARNING: No AMD GPUs specified\n{}', 'no devices'],
    ['huge', `{"card0": {"Card series": "${'x'.repeat(5 * 1024 * 1024)}"}}`, /^rocm-smi printed \d+ characters, more than an inventory/],
  ])('%s', (_label, text, expected) => {
    if (typeof expected === 'string') expect(reason(text)).toBe(expected);
    else expect(reason(text)).toMatch(expected);
  });

  it('clips a long name to 200 characters', () => {
    expect(parsed(JSON.stringify({ card0: { 'Card series': 'y'.repeat(10_000) } })).gpus[0]?.name).toHaveLength(200);
  });
});

describe('collectHardware with rocm-smi', () => {
  const ctx = () => {
    const graph = new RunGraph('https://example.org/runs/1/');
    return { graph, run: graph.node('run'), cwd: process.cwd(), env: {} };
  };
  const enoent = (cmd: string) => Object.assign(new Error(`spawn ${cmd} ENOENT`), { code: 'ENOENT' });
  const machine = (answers: Record<string, string | Error>): CommandRunner & { calls: string[] } => {
    const calls: string[] = [];
    const run = async (cmd: string, args: string[]): Promise<CommandResult> => {
      calls.push(`${cmd} ${args.join(' ')}`.trim());
      const answer = answers[cmd] ?? enoent(cmd);
      if (answer instanceof Error) throw answer;
      return { code: 0, stdout: answer, stderr: '' };
    };
    return Object.assign(run, { calls });
  };

  it('records AMD GPUs when nvidia-smi is absent, with vendor, name, driver, bus and unique id', async () => {
    const c = ctx();
    const run = machine({ 'rocm-smi': fixture('mi250-x2-rocm5-all.json') });
    const info = await collectHardware(c, { run });
    expect(run.calls).toContain(`rocm-smi ${ROCM_SMI_ARGS.join(' ')}`);
    expect(info.gpuUnknownReason).toBeUndefined();
    expect(info.gpus.map((g) => g.name)).toEqual(['AMD INSTINCT MI250 (MCM) OAM AC MBA', 'AMD INSTINCT MI250 (MCM) OAM AC MBA']);
    const hw = c.graph.node('hardware');
    const value = (s: ReturnType<typeof c.graph.node>, p: typeof reprov.gpuCount) => c.graph.quads.filter((q) => q.subject.equals(s) && q.predicate.equals(p)).map((q) => q.object.value);
    expect(value(hw, reprov.gpuCount)).toEqual(['2']);
    const gpu1 = c.graph.node('hardware', 'gpu', '1');
    expect(value(gpu1, reprov.gpuVendor)).toEqual(['AMD']);
    expect(value(gpu1, schema.name)).toEqual(['AMD INSTINCT MI250 (MCM) OAM AC MBA']);
    expect(value(gpu1, reprov.driverVersion)).toEqual(['6.2.4']);
    expect(value(gpu1, reprov.pciBusId)).toEqual(['0000:2F:00.0']);
  });

  it.each([
    ['both absent: nvidia-smi\'s reason, as before', {}, 'nvidia-smi not found'],
    ['rocm-smi only, garbage', { 'rocm-smi': 'Segmentation fault (core dumped)' }, 'rocm-smi: unrecognised rocm-smi output: Segmentation fault (core dumped)'],
    ['rocm-smi only, driver not loaded', { 'rocm-smi': 'ERROR:root:Driver not initialized (amdgpu not found in modules)' }, 'rocm-smi: driver not loaded: ERROR:root:Driver not initialized (amdgpu not found in modules)'],
    ['rocm-smi only, no devices', { 'rocm-smi': '{}' }, 'no devices'],
    ['rocm-smi timing out', { 'rocm-smi': Object.assign(new Error('rocm-smi timed out after 10 s'), { code: 'ETIMEDOUT' }) }, 'rocm-smi timed out'],
    ['both present, both failing', { 'nvidia-smi': 'No devices were found', 'rocm-smi': 'not json' }, 'no devices; rocm-smi: unrecognised rocm-smi output: not json'],
  ] as [string, Record<string, string | Error>, string][])('%s', async (_label, answers, expected) => {
    const c = ctx();
    const info = await collectHardware(c, { run: machine(answers) });
    expect(info.gpus).toEqual([]);
    expect(info.gpuUnknownReason).toBe(expected);
    expect(c.graph.quads.filter((q) => q.predicate.equals(reprov.unknownReason)).map((q) => q.object.value)).toEqual([expected]);
  });
});

describe('reprov record reads a rocm-smi on PATH', () => {
  it('records the GPUs a fake rocm-smi prints, and the reason when it prints garbage', () => {
    const dir = tempDir();
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const record = (script: string, out: string) => {
      writeFileSync(join(bin, 'rocm-smi'), script);
      chmodSync(join(bin, 'rocm-smi'), 0o755);
      // nvidia-smi may be installed on a GPU machine: a PATH of our bin and the system dirs without it is not guaranteed, so skip there
      const result = spawnSync(process.execPath, [CLI, 'record', '-o', out, '--no-system', '--', 'true'], {
        cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:/usr/bin:/bin`, NO_COLOR: '1' },
      });
      expect(result.status, result.stderr).toBe(0);
      return readFileSync(join(dir, out, 'prov.ttl'), 'utf8');
    };
    if (spawnSync('sh', ['-c', 'command -v nvidia-smi'], { env: { PATH: '/usr/bin:/bin' } }).status === 0) return;
    writeFileSync(join(dir, 'answer.json'), fixture('mi250-rocm6-all.json'));
    const turtle = record(`#!/bin/sh\necho "$@" > '${join(dir, 'args')}'\ncat '${join(dir, 'answer.json')}'\n`, 'runs/amd');
    expect(readFileSync(join(dir, 'args'), 'utf8').trim()).toBe(ROCM_SMI_ARGS.join(' '));
    expect(turtle).toMatch(/reprov:gpuVendor "AMD"/);
    expect(turtle).toContain('AMD INSTINCT MI250 (MCM) OAM AC MBA');
    expect(turtle).toMatch(/reprov:gpuCount "1"\^\^xsd:int/);

    const broken = record('#!/bin/sh\nhead -c 3000 /dev/urandom | tr -d "\\000{"\nexit 3\n', 'runs/garbage');
    expect(broken).toMatch(/reprov:unknownReason "rocm-smi: unrecognised rocm-smi output: /);
    expect(broken).not.toMatch(/reprov:gpuCount/);
  });
});
