/**
 * The data of a run page's "System and energy" section, without a browser: which series are system
 * metrics (reprov's sampler, yProv4ML's names), and energy integrated from power samples read
 * from real metric files in a bundle directory.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Parser } from 'n3';
import { describe, expect, it } from 'vitest';
import { BundleStore } from '../../src/check/bundle-store.js';
import { readSeries, type PageSeries } from '../../src/release/report-page/metrics.js';
import { energyName, integratePower, isSystemSeries } from '../../src/release/report-page/system.js';

const cols = (time: number[], value: number[]) => ({
  step: Float64Array.from(time, (_, i) => i), epoch: new Float64Array(time.length), time: Float64Array.from(time), value: Float64Array.from(value),
});

describe('integratePower', () => {
  it('is the trapezoid integral of watts over milliseconds, in joules since the first sample', () => {
    expect([...integratePower(cols([0, 1000, 3000], [10, 20, 20])).value]).toEqual([0, 15, 55]);
  });

  it('passes over a sample without power (its neighbours span it), gives no energy to one without a time, and adds nothing backwards in time', () => {
    expect([...integratePower(cols([0, 1000, 2000], [10, NaN, 30])).value]).toEqual([0, 0, 40]);
    expect([...integratePower(cols([0, NaN, 2000], [10, 99, 30])).value]).toEqual([0, NaN, 40]);
    expect([...integratePower(cols([0, 2000, 1000, 2000], [1, 1, 1, 1])).value]).toEqual([0, 2, 2, 3]);
  });
});

describe('isSystemSeries', () => {
  it("takes reprov's sampler context and yProv4ML's system and carbon metric names, not a model metric", () => {
    expect(isSystemSeries({ name: 'system.cpu.utilization', context: 'system' })).toBe(true);
    expect(isSystemSeries({ name: 'gpu_power_usage', context: 'training' })).toBe(true);
    expect(isSystemSeries({ name: 'energy_consumed', context: 'Context.TRAINING' })).toBe(true);
    expect(isSystemSeries({ name: 'loss', context: 'training' })).toBe(false);
    expect(isSystemSeries({ name: 'cpu_usage_ratio', context: 'training' })).toBe(false);
  });
});

/** A bundle directory holding `files` under metrics/, each a metric node of its context. */
async function bundleWith(files: Record<string, { name: string; context: string; csv: string }>): Promise<Map<string, PageSeries>> {
  const dir = mkdtempSync(join(tmpdir(), 'reprov-report-system-'));
  mkdirSync(join(dir, 'metrics'));
  const nodes = Object.entries(files).map(([file, { name, context, csv }], i) => {
    if (!file.startsWith('..')) writeFileSync(join(dir, 'metrics', file), csv);
    return `<urn:m/${i}> a reprov:Metric; rdfs:label "${name}"; reprov:context <urn:c/${context}>; reprov:metricFile "metrics/${file}".
      <urn:c/${context}> rdfs:label "${context}".`;
  });
  const ttl = `@prefix reprov: <https://w3id.org/reprov#>. @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#>.\n${nodes.join('\n')}`;
  const series = await readSeries(new BundleStore(new Parser().parse(ttl)), dir);
  return new Map(series.map((s) => [`${s.context}/${s.name}`, s]));
}

const T0 = 1_764_000_000_000;

describe('system series of a bundle', () => {
  it("integrates reprov's GPU power into energy when the run recorded no gpu energy, from every sample", async () => {
    const lines = ['gpu.0.power_w,system,reprov'];
    // 3000 samples a second apart at 100 W: more than the page shows, integrated before reducing.
    for (let i = 0; i < 3000; i++) lines.push(`0,${i % 2 ? 150 : 50},${T0 + i * 1000},${i}`);
    const series = await bundleWith({
      'power.csv': { name: 'gpu.0.power_w', context: 'system', csv: lines.join('\n') },
      'cpu.csv': { name: 'system.cpu.utilization', context: 'system', csv: `x,system,reprov\n0,12.5,${T0},0\n0,50,${T0 + 1000},1\n` },
      'loss.csv': { name: 'loss', context: 'training', csv: `x,training,reprov\n0,1,${T0},0\n` },
    });
    const power = series.get('system/gpu.0.power_w')!;
    const energy = series.get(`system/${energyName('gpu.0.power_w')}`)!;
    expect(power.system).toBe(true);
    expect(series.get('system/system.cpu.utilization')!.system).toBe(true);
    expect(series.get('training/loss')!.system).toBeUndefined();
    expect(energy).toMatchObject({ system: true, count: 3000, reduced: true });
    expect(energy.derived).toMatch(/trapezoid integral of gpu\.0\.power_w \(W\).*3000 samples/);
    // 2999 one-second intervals averaging 100 W.
    expect(energy.value[energy.value.length - 1]).toBe(299_900);
    expect(energy.shown).toBeLessThanOrEqual(2000);
  });

  it('does not integrate again what the sampler integrated (gpu.<i>.energy_j recorded)', async () => {
    const csv = (name: string) => `${name},system,reprov\n0,100,${T0},0\n0,100,${T0 + 1000},1\n`;
    const series = await bundleWith({
      'p.csv': { name: 'gpu.0.power_w', context: 'system', csv: csv('gpu.0.power_w') },
      'e.csv': { name: 'gpu.0.energy_j', context: 'system', csv: csv('gpu.0.energy_j') },
    });
    expect([...series.keys()].sort()).toEqual(['system/gpu.0.energy_j', 'system/gpu.0.power_w']);
  });

  it("takes yProv4ML's system metrics of a training context and integrates its GPU power", async () => {
    const series = await bundleWith({
      'gpu_power_usage_training_pyamdgpuinfo_GR0.csv': { name: 'gpu_power_usage', context: 'training', csv: `gpu_power_usage,training,pyamdgpuinfo\n0,200,${T0}\n0,100,${T0 + 2000}\n` },
      'cpu_usage_training_pyamdgpuinfo_GR0.csv': { name: 'cpu_usage', context: 'training', csv: `cpu_usage,training,pyamdgpuinfo\n0,30,${T0}\n` },
    });
    expect(series.get('training/cpu_usage')!.system).toBe(true);
    expect(series.get(`training/${energyName('gpu_power_usage')}`)!.value).toEqual([0, 300]);
  });

  it('reads a hostile power file without failing: text, nan, a missing time, time going back; a path out of the bundle is not read', async () => {
    const csv = ['gpu.0.power_w,system,reprov', '0,100,oops,0', 'garbage line', `0,nan,${T0},1`, `0,1e3,${T0 + 1000},2`, `0,1e3,${T0},3`, `0,inf,${T0 + 5000},4`, `0,1e3,${T0 + 2000},5`, `0,${'9'.repeat(400)},${T0 + 3000},6`].join('\r\n');
    const series = await bundleWith({
      'p.csv': { name: 'gpu.0.power_w', context: 'system', csv },
      '../../outside.csv': { name: 'gpu.1.power_w', context: 'system', csv: '' },
    });
    const energy = series.get(`system/${energyName('gpu.0.power_w')}`)!;
    // The first sample has no time (no energy); nan and inf are passed over; going back in time adds
    // nothing; from the sample at T0 to T0 + 2 s at 1000 W adds 2000 J; a power too large to be finite is passed over.
    expect(energy.value).toEqual([null, 0, 0, 0, 0, 2000, 2000]);
    expect(series.get('system/gpu.1.power_w')!.note).toMatch(/not read: .*leaves/);
    expect(series.has(`system/${energyName('gpu.1.power_w')}`)).toBe(false);
  });
});
