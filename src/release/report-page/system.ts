/**
 * System metrics and energy on a run page: which of a bundle's series describe the machine rather
 * than the model, and the cumulative energy of a power series.
 *
 * - reprov's sampler (src/collect/system-sampler.ts) logs its series in the context `system`:
 *   `system.cpu.utilization`, `system.memory.used_bytes`, `system.disk.*`, `gpu.<i>.utilization`,
 *   `gpu.<i>.power_w`, `gpu.<i>.temperature_c`, and the cumulative `system.cpu.energy_j` and
 *   `gpu.<i>.energy_j` (the sampler's own trapezoid integral of the power samples).
 * - yProv4ML logs them as ordinary metrics of a training context, told apart by name only (their
 *   source is the library that read them, `pyamdgpuinfo`, or `LoggingItemKind.SYSTEM_METRIC` in
 *   older versions): `log_system_metrics` writes cpu_usage, memory_usage, disk_usage,
 *   gpu_memory_usage, gpu_usage, gpu_temperature and gpu_power_usage (W); `log_carbon_metrics`
 *   writes codecarbon's figures (emissions, emissions_rate, cpu/gpu/ram_power in W, cpu/gpu/ram_energy
 *   and energy_consumed in kWh per tracked block). HPCI-Lab/yProv4ML `yprov4ml/logging_aux.py`.
 *
 * A power series (in watts) whose cumulative energy the bundle does not already hold gets one,
 * integrated here over the sample times by the trapezoid rule, from every point of its file.
 */
import type { Columns } from './metrics.js';

/** The context reprov's system sampler logs in. */
export const SYSTEM_CONTEXT = 'system';

const YPROV4ML_SYSTEM = new Set([
  'cpu_usage', 'memory_usage', 'disk_usage', 'gpu_memory_usage', 'gpu_usage', 'gpu_temperature', 'gpu_power_usage',
  'emissions', 'emissions_rate', 'cpu_power', 'gpu_power', 'ram_power', 'cpu_energy', 'gpu_energy', 'ram_energy', 'energy_consumed',
]);

/** Power series in watts, by name. */
const YPROV4ML_POWER = new Set(['gpu_power_usage', 'cpu_power', 'gpu_power', 'ram_power']);
const REPROV_POWER = /^gpu\.(\d+)\.power_w$/;

export function isSystemSeries(series: { name: string; context: string }): boolean {
  return series.context === SYSTEM_CONTEXT || YPROV4ML_SYSTEM.has(series.name);
}

/**
 * The power series among `series` (in watts) to integrate into energy: reprov's `gpu.<i>.power_w`
 * unless `gpu.<i>.energy_j` is recorded beside it, and yProv4ML's power metrics.
 */
export function powerSeries<T extends { name: string; context: string }>(series: readonly T[]): T[] {
  const names = new Set(series.filter((s) => s.context === SYSTEM_CONTEXT).map((s) => s.name));
  return series.filter((s) => {
    const gpu = s.context === SYSTEM_CONTEXT ? REPROV_POWER.exec(s.name) : null;
    if (gpu) return !names.has(`gpu.${gpu[1]}.energy_j`);
    return s.context !== SYSTEM_CONTEXT && YPROV4ML_POWER.has(s.name);
  });
}

/** The name of the energy series integrated from the power series `name`. */
export function energyName(name: string): string {
  return `${name} → energy (J)`;
}

/**
 * Joules since the first sample, from power samples in watts at times in milliseconds (trapezoid
 * rule, in file order, as a sampler writes them). A sample without a power value is passed over
 * (the interval is taken between its neighbours); one without a time has no energy (NaN) and is
 * passed over too; an interval that goes back in time adds nothing.
 */
export function integratePower(cols: Columns): Columns {
  const n = cols.value.length;
  const energy = new Float64Array(n);
  let total = 0;
  let last = -1;
  for (let i = 0; i < n; i++) {
    const t = cols.time[i]!;
    const p = cols.value[i]!;
    if (t !== t) {
      energy[i] = NaN;
      continue;
    }
    // NaN compares unequal to itself: p === p means the power is there.
    if (last >= 0 && p === p) {
      const dt = (t - cols.time[last]!) / 1000;
      if (dt > 0) total += ((p + cols.value[last]!) / 2) * dt;
    }
    energy[i] = total;
    if (p === p) last = i;
  }
  return { ...cols, value: energy };
}
