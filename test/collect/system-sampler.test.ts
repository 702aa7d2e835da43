/**
 * The system sampler: a real run on this machine (CPU and memory series), RAPL energy from a fake
 * powercap tree whose counters the test rewrites between samples (wrap-around included), and GPU
 * energy integrated from injected power.draw answers.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandRunner } from '../../src/collect/hardware.js';
import { parseDiskstats, startSystemSampler, type SamplerSummary, type Series } from '../../src/collect/system-sampler.js';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seriesOf = (summary: SamplerSummary, name: string): Series | undefined => summary.series.find((s) => s.name === name);

/** Trapezoid integral (J) of a power series (W) over its timestamps (ms), computed independently. */
function trapezoid(points: { t: number; value: number }[]): number {
  let joules = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (a && b) joules += ((a.value + b.value) / 2) * ((b.t - a.t) / 1000);
  }
  return joules;
}

/** A runner answering the sample query with the given power draw(s) per call (constructed, not recorded). */
function powerRunner(power: (call: number) => string[]): CommandRunner & { calls: number } {
  const state = { calls: 0 };
  const run = async () => {
    const rows = power(state.calls++).map((w, i) => `${i}, 50, 1024, ${w}, 40`);
    return { code: 0, stdout: `${rows.join('\n')}\n`, stderr: '' };
  };
  return Object.assign(run, state, { get calls() { return state.calls; } });
}

describe('real sampling on this machine', () => {
  it('collects at least 3 CPU and memory points at 50 ms over ~300 ms', async () => {
    const seen: number[] = [];
    const sampler = startSystemSampler({ intervalMs: 50, onSample: (s) => seen.push(s.t) });
    await sleep(300);
    const summary = await sampler.stop();

    const cpu = seriesOf(summary, 'system.cpu.utilization');
    const memory = seriesOf(summary, 'system.memory.used_bytes');
    expect(cpu?.unit).toBe('%');
    expect(memory?.unit).toBe('By');
    expect(cpu?.points.length).toBeGreaterThanOrEqual(3);
    expect(memory?.points.length).toBeGreaterThanOrEqual(3);
    for (const p of cpu?.points ?? []) expect(p.value).toBeGreaterThanOrEqual(0), expect(p.value).toBeLessThanOrEqual(100);
    for (const p of memory?.points ?? []) expect(p.value).toBeGreaterThan(0), expect(p.value).toBeLessThanOrEqual(os.totalmem());
    const times = memory?.points.map((p) => p.t) ?? [];
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(summary.sampleCount).toBe(seen.length);
    expect(summary.endedAt).toBeGreaterThanOrEqual(summary.startedAt);

    // Energy is either measured or explained, never silently missing.
    if (summary.energyJoules.cpu === undefined) expect(summary.energyJoules.unknown).toContain('RAPL not readable');
    if (summary.energyJoules.gpu === undefined) expect(summary.energyJoules.unknown.some((u) => u.startsWith('GPU energy unknown: '))).toBe(true);
  });

  it('never overlaps samples, even when nvidia-smi is slower than the interval', async () => {
    let active = 0;
    let maxActive = 0;
    const run: CommandRunner = async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await sleep(60);
      active--;
      return { code: 0, stdout: '0, 10, 100, 50.0, 30\n', stderr: '' };
    };
    const sampler = startSystemSampler({ intervalMs: 10, run, powercapRoot: tempDir('reprov-nopowercap-') });
    await sleep(250);
    await sampler.stop();
    expect(maxActive).toBe(1);
  });
});

describe('CPU energy from RAPL counters', () => {
  it('sums energy_uj deltas over package zones and handles a wrap-around', async () => {
    const root = tempDir('reprov-powercap-');
    const zone = (name: string) => {
      mkdirSync(join(root, name));
      return (uj: number, max = 10_000_000) => {
        writeFileSync(join(root, name, 'energy_uj'), `${uj}\n`);
        writeFileSync(join(root, name, 'max_energy_range_uj'), `${max}\n`);
      };
    };
    const pkg0 = zone('intel-rapl:0');
    const pkg1 = zone('intel-rapl:1');
    const core0 = zone('intel-rapl:0:0'); // a sub-zone of package 0: already counted in it
    pkg0(1_000_000);
    pkg1(5_000_000);
    core0(0);

    const sampler = startSystemSampler({ intervalMs: 60_000, powercapRoot: root, gpu: false, diskstatsPath: join(root, 'none') });
    pkg0(3_000_000); // +2 J
    pkg1(5_500_000); // +0.5 J
    core0(9_000_000); // ignored
    await sampler.sampleNow();
    pkg0(500_000); // wrapped at 10 J: +7 J (to the top) +0.5 J
    pkg1(6_000_000); // +0.5 J
    await sampler.sampleNow();
    pkg0(1_500_000); // +1 J, read by the final sample in stop()
    const summary = await sampler.stop();

    expect(summary.energyJoules.cpu).toBeCloseTo(2 + 0.5 + 7.5 + 0.5 + 1, 9);
    expect(summary.energyJoules.unknown).not.toContain('RAPL not readable');
    expect(seriesOf(summary, 'system.cpu.energy_j')?.points.map((p) => p.value)).toEqual([0, 2.5, 10.5, 11.5]);
    expect(seriesOf(summary, 'system.cpu.energy_j')?.unit).toBe('J');
  });

  it('says "RAPL not readable" when the counters cannot be read', async () => {
    const root = tempDir('reprov-powercap-');
    mkdirSync(join(root, 'intel-rapl:0')); // a zone without readable energy_uj
    const sampler = startSystemSampler({ intervalMs: 60_000, powercapRoot: root, gpu: false });
    const summary = await sampler.stop();
    expect(summary.energyJoules.cpu).toBeUndefined();
    expect(summary.energyJoules.unknown).toContain('RAPL not readable');

    const missing = await startSystemSampler({ intervalMs: 60_000, powercapRoot: join(root, 'absent'), gpu: false }).stop();
    expect(missing.energyJoules.unknown).toContain('RAPL not readable');
  });
});

describe('GPU energy from power.draw samples', () => {
  it('100 W for 2 s is about 200 J, and exactly the trapezoid over the sample timestamps', async () => {
    const run = powerRunner(() => ['100.00']);
    const sampler = startSystemSampler({ intervalMs: 100, run, powercapRoot: tempDir('reprov-nopowercap-') });
    await sleep(2000);
    const summary = await sampler.stop();

    const power = seriesOf(summary, 'gpu.0.power_w');
    expect(power?.unit).toBe('W');
    expect(power?.points.length).toBeGreaterThanOrEqual(10);
    const first = power?.points[0];
    const last = power?.points.at(-1);
    expect(first && last).toBeTruthy();
    const seconds = ((last?.t ?? 0) - (first?.t ?? 0)) / 1000;
    expect(summary.energyJoules.gpu).toBeCloseTo(100 * seconds, 6);
    expect(summary.energyJoules.gpu).toBeGreaterThan(190);
    expect(summary.energyJoules.gpu).toBeLessThan(230);
    expect(summary.gpuEnergyJoules[0]).toBe(summary.energyJoules.gpu);
    expect(seriesOf(summary, 'gpu.0.utilization')?.points[0]?.value).toBe(50);
    expect(seriesOf(summary, 'gpu.0.memory.used_bytes')?.points[0]?.value).toBe(1024 * 2 ** 20);
    expect(seriesOf(summary, 'gpu.0.temperature_c')?.unit).toBe('Cel');
    expect(summary.energyJoules.unknown).toEqual(['RAPL not readable']);
  });

  it('integrates a changing draw per GPU and adds the GPUs up', async () => {
    const run = powerRunner((call) => [call % 2 === 0 ? '100' : '300', '[N/A]']);
    const sampler = startSystemSampler({ intervalMs: 30, run, powercapRoot: tempDir('reprov-nopowercap-') });
    await sleep(300);
    const summary = await sampler.stop();
    const points = seriesOf(summary, 'gpu.0.power_w')?.points ?? [];
    expect(points.length).toBeGreaterThanOrEqual(3);
    expect(summary.energyJoules.gpu).toBeCloseTo(trapezoid(points), 6);
    expect(seriesOf(summary, 'gpu.1.power_w')).toBeUndefined(); // [N/A] draw: no points, no energy
    expect(Object.keys(summary.gpuEnergyJoules)).toEqual(['0']);
  });

  it('stops asking nvidia-smi after the first failure and says why', async () => {
    let calls = 0;
    const run: CommandRunner = async () => {
      calls++;
      return { code: 9, stdout: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n", stderr: '' };
    };
    const sampler = startSystemSampler({ intervalMs: 20, run, powercapRoot: tempDir('reprov-nopowercap-') });
    await sleep(150);
    const summary = await sampler.stop();
    expect(calls).toBe(1);
    expect(summary.energyJoules.gpu).toBeUndefined();
    expect(summary.energyJoules.unknown).toContain("GPU energy unknown: driver not loaded: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.");

    const absent: CommandRunner = async () => { throw Object.assign(new Error('spawn nvidia-smi ENOENT'), { code: 'ENOENT' }); };
    const none = await startSystemSampler({ intervalMs: 60_000, run: absent, powercapRoot: tempDir('reprov-nopowercap-') }).stop();
    expect(none.energyJoules.unknown).toContain('GPU energy unknown: nvidia-smi not found');
  });
});

describe('disk counters', () => {
  it('counts whole disks only, in 512-byte sectors', () => {
    const text = [
      '   7       0 loop0 10 0 800 0 0 0 0 0 0 0 0 0 0 0 0 0 0',
      '   8       0 sda 100 0 2000 50 10 0 4000 20 0 70 70 0 0 0 0 0 0',
      '   8       1 sda1 90 0 1900 40 9 0 3900 19 0 60 60 0 0 0 0 0 0',
      ' 259       0 nvme0n1 5 0 10 1 6 0 20 1 0 2 2 0 0 0 0 0 0',
      ' 259       1 nvme0n1p1 5 0 10 1 6 0 20 1 0 2 2 0 0 0 0 0 0',
      ' 253       0 dm-0 5 0 10 1 6 0 20 1 0 2 2 0 0 0 0 0 0',
    ].join('\n');
    expect(parseDiskstats(text)).toEqual({ readBytes: (2000 + 10) * 512, writeBytes: (4000 + 20) * 512 });
  });
});
