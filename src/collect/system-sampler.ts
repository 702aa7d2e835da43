/**
 * Background sampler of system metrics and energy while a run is in progress: how busy the
 * machine was and how much energy the run took are part of what it costs to reproduce it.
 *
 * Every `intervalMs` (a `setInterval` that does not keep the process alive; a tick is skipped
 * while the previous sample is still being taken) it records:
 * - `system.cpu.utilization` (%, from `os.cpus()` time deltas across all CPUs),
 * - `system.memory.used_bytes` (`os.totalmem() - os.freemem()`),
 * - `system.disk.read_bytes` / `system.disk.write_bytes` (bytes since the sampler started, from
 *   /proc/diskstats deltas over whole disks only, so partitions are not counted twice),
 * - `gpu.<i>.utilization`, `gpu.<i>.memory.used_bytes`, `gpu.<i>.power_w`, `gpu.<i>.temperature_c`
 *   via an `nvidia-smi` sample query (after the first failure GPU sampling stops for the run),
 * - `system.cpu.energy_j` and `gpu.<i>.energy_j` (joules since start).
 *
 * Energy: GPU energy is the trapezoid integral of the power.draw samples over their timestamps;
 * CPU energy is the sum of RAPL `intel-rapl:N/energy_uj` counter deltas (package domains), with
 * wrap-around handled through `max_energy_range_uj`. Where a figure cannot be had it is absent and
 * `energyJoules.unknown` says why (e.g. "RAPL not readable": the counters are root-only on most
 * kernels since 2020).
 *
 * Independent of the run API: the caller writes each returned series through its metric writer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { runCommand, runnerFailureReason, type CommandRunner } from './hardware.js';
import { isUnknown, parseSampleQuery, queryArgs, SAMPLE_QUERY_FIELDS } from './nvidia-smi.js';

export interface SeriesPoint {
  /** Epoch milliseconds. */
  t: number;
  value: number;
}

export interface Series {
  name: string;
  /** UCUM-style unit: `%`, `By`, `W`, `Cel`, `J`. */
  unit: string;
  points: SeriesPoint[];
}

export interface EnergyJoules {
  cpu?: number;
  gpu?: number;
  /** Why a figure is missing, e.g. "RAPL not readable". */
  unknown: string[];
}

export interface SamplerSummary {
  series: Series[];
  /** Samples taken, the baseline at start included. */
  sampleCount: number;
  startedAt: number;
  endedAt: number;
  energyJoules: EnergyJoules;
  /** GPU energy per nvidia-smi index. */
  gpuEnergyJoules: Record<number, number>;
}

/** One sample: the points it added, by series name. */
export interface SystemSample {
  t: number;
  values: Record<string, number>;
}

export interface SamplerOptions {
  intervalMs?: number;
  /** Runs nvidia-smi; defaults to spawning it with a 10 s limit. */
  run?: CommandRunner;
  /** Set false to skip GPU sampling. */
  gpu?: boolean;
  powercapRoot?: string;
  diskstatsPath?: string;
  onSample?: (sample: SystemSample) => void;
}

export interface SystemSampler {
  /** Takes a sample now (after any in flight); for phase boundaries and tests. */
  sampleNow(): Promise<void>;
  /** Stops the timer, takes a last sample and returns the series and energy. */
  stop(): Promise<SamplerSummary>;
}

const RAPL_NOT_READABLE = 'RAPL not readable';

export function startSystemSampler(options: SamplerOptions = {}): SystemSampler {
  const intervalMs = options.intervalMs ?? 1000;
  const run = options.run ?? ((cmd, args) => runCommand(cmd, args));
  const powercapRoot = options.powercapRoot ?? '/sys/class/powercap';
  const diskstatsPath = options.diskstatsPath ?? '/proc/diskstats';
  const startedAt = Date.now();

  const series = new Map<string, Series>();
  const unknown = new Set<string>();
  let sampleCount = 0;

  let prevCpu: CpuTimes | undefined;

  const raplPrev = new Map<string, number>();
  const raplMax = new Map<string, number>();
  let cpuEnergyJ: number | undefined;

  let gpuEnabled = options.gpu !== false;
  let gpuReason: string | undefined = gpuEnabled ? undefined : 'GPU sampling disabled';
  const gpuPrevPower = new Map<number, SeriesPoint>();
  const gpuEnergy = new Map<number, number>();

  const push = (sample: SystemSample, name: string, unit: string, value: number) => {
    let s = series.get(name);
    if (!s) series.set(name, (s = { name, unit, points: [] }));
    s.points.push({ t: sample.t, value });
    sample.values[name] = value;
  };

  // Counter baselines are read synchronously, so energy and I/O count from the moment of the call.
  const raplZones = readRaplBaseline(powercapRoot, raplPrev, raplMax);
  if (raplZones === 0) unknown.add(RAPL_NOT_READABLE);
  else cpuEnergyJ = 0;
  const diskBase = readDiskstatsSync(diskstatsPath);
  let diskReadable = diskBase !== undefined;

  async function readRapl(sample: SystemSample): Promise<void> {
    if (raplPrev.size === 0) return;
    let added = 0;
    for (const [zone, prev] of raplPrev) {
      const now = await readNumber(join(powercapRoot, zone, 'energy_uj'));
      if (now === undefined) continue; // a missed read: the next delta covers the gap
      const max = (await readNumber(join(powercapRoot, zone, 'max_energy_range_uj'))) ?? raplMax.get(zone) ?? 0;
      raplMax.set(zone, max);
      added += now >= prev ? now - prev : max - prev + now;
      raplPrev.set(zone, now);
    }
    cpuEnergyJ = (cpuEnergyJ ?? 0) + added / 1e6;
    push(sample, 'system.cpu.energy_j', 'J', cpuEnergyJ);
  }

  async function readGpus(sample: SystemSample): Promise<void> {
    if (!gpuEnabled) return;
    let text: string;
    try {
      const answer = await run('nvidia-smi', queryArgs(SAMPLE_QUERY_FIELDS));
      text = answer.stdout.trim() === '' ? answer.stderr : answer.stdout;
    } catch (error) {
      gpuEnabled = false;
      gpuReason = runnerFailureReason('nvidia-smi', error);
      return;
    }
    const parsed = parseSampleQuery(text);
    if (isUnknown(parsed)) {
      gpuEnabled = false;
      gpuReason = parsed.reason;
      return;
    }
    for (const g of parsed.samples) {
      const prefix = `gpu.${g.index}`;
      if (g.utilizationPct !== undefined) push(sample, `${prefix}.utilization`, '%', g.utilizationPct);
      if (g.memoryUsedBytes !== undefined) push(sample, `${prefix}.memory.used_bytes`, 'By', g.memoryUsedBytes);
      if (g.temperatureC !== undefined) push(sample, `${prefix}.temperature_c`, 'Cel', g.temperatureC);
      if (g.powerW === undefined) {
        gpuPrevPower.delete(g.index); // a gap: do not integrate across it
        continue;
      }
      push(sample, `${prefix}.power_w`, 'W', g.powerW);
      const prev = gpuPrevPower.get(g.index);
      const energy = (gpuEnergy.get(g.index) ?? 0) + (prev ? ((prev.value + g.powerW) / 2) * ((sample.t - prev.t) / 1000) : 0);
      gpuEnergy.set(g.index, energy);
      gpuPrevPower.set(g.index, { t: sample.t, value: g.powerW });
      push(sample, `${prefix}.energy_j`, 'J', energy);
    }
  }

  async function readDisks(sample: SystemSample): Promise<void> {
    if (!diskReadable) return;
    const now = await readDiskstats(diskstatsPath);
    if (!now) {
      diskReadable = false;
      return;
    }
    if (!diskBase) return;
    push(sample, 'system.disk.read_bytes', 'By', Math.max(0, now.readBytes - diskBase.readBytes));
    push(sample, 'system.disk.write_bytes', 'By', Math.max(0, now.writeBytes - diskBase.writeBytes));
  }

  async function takeSample(baseline = false): Promise<void> {
    const sample: SystemSample = { t: Date.now(), values: {} };
    const cpu = cpuTimes();
    if (prevCpu) {
      const total = cpu.total - prevCpu.total;
      const idle = cpu.idle - prevCpu.idle;
      if (total > 0) push(sample, 'system.cpu.utilization', '%', Math.min(100, Math.max(0, (1 - idle / total) * 100)));
    }
    prevCpu = cpu;
    push(sample, 'system.memory.used_bytes', 'By', os.totalmem() - os.freemem());
    if (baseline) {
      // The counters were just read: their series start at zero.
      if (cpuEnergyJ !== undefined) push(sample, 'system.cpu.energy_j', 'J', 0);
      if (diskBase) {
        push(sample, 'system.disk.read_bytes', 'By', 0);
        push(sample, 'system.disk.write_bytes', 'By', 0);
      }
      await readGpus(sample);
    } else {
      await Promise.all([readDisks(sample), readRapl(sample), readGpus(sample)]);
    }
    sampleCount++;
    if (options.onSample) {
      try {
        options.onSample(sample);
      } catch {
        // A failing listener must not stop sampling.
      }
    }
  }

  // Samples run one after another: the timer skips a tick while one is in flight, explicit calls queue.
  let chain: Promise<void> = takeSample(true);
  let busy = true;
  const settle = () => { busy = false; };
  chain = chain.then(settle, settle);
  const enqueue = (): Promise<void> => {
    busy = true;
    chain = chain.then(() => takeSample()).then(settle, settle);
    return chain;
  };
  const timer = setInterval(() => {
    if (!busy) void enqueue();
  }, intervalMs);
  timer.unref();

  let stopped: Promise<SamplerSummary> | undefined;
  return {
    sampleNow: () => (stopped ? chain : enqueue()),
    stop() {
      stopped ??= (async () => {
        clearInterval(timer);
        await enqueue();
        const energyJoules: EnergyJoules = { unknown: [...unknown] };
        if (cpuEnergyJ !== undefined) energyJoules.cpu = cpuEnergyJ;
        if (gpuEnergy.size > 0) energyJoules.gpu = [...gpuEnergy.values()].reduce((a, b) => a + b, 0);
        else energyJoules.unknown.push(`GPU energy unknown: ${gpuReason ?? 'no GPU reported power draw'}`);
        return {
          series: [...series.values()],
          sampleCount,
          startedAt,
          endedAt: Date.now(),
          energyJoules,
          gpuEnergyJoules: Object.fromEntries(gpuEnergy),
        };
      })();
      return stopped;
    },
  };
}

interface CpuTimes { idle: number; total: number }

function cpuTimes(): CpuTimes {
  let idle = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { idle, total };
}

interface DiskCounters { readBytes: number; writeBytes: number }

/** Whole disks only (sda, vda, xvda, nvme0n1, mmcblk0): partitions and dm/loop devices repeat their I/O. */
const WHOLE_DISK = /^(?:[shv]d[a-z]+|xvd[a-z]+|nvme\d+n\d+|mmcblk\d+)$/;

/** Sector counts from /proc/diskstats (always 512-byte units) as bytes, summed over whole disks. */
export function parseDiskstats(text: string): DiskCounters {
  let readBytes = 0;
  let writeBytes = 0;
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !WHOLE_DISK.test(f[2] ?? '')) continue;
    readBytes += Number(f[5]) * 512;
    writeBytes += Number(f[9]) * 512;
  }
  return { readBytes, writeBytes };
}

async function readDiskstats(path: string): Promise<DiskCounters | undefined> {
  try {
    return parseDiskstats(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function readDiskstatsSync(path: string): DiskCounters | undefined {
  try {
    return parseDiskstats(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Package zones (`intel-rapl:N`; sub-zones are parts of them) with readable counters; returns how many. */
function readRaplBaseline(root: string, prev: Map<string, number>, max: Map<string, number>): number {
  let zones: string[];
  try {
    zones = readdirSync(root).filter((z) => /^intel-rapl:\d+$/.test(z)).sort();
  } catch {
    return 0;
  }
  for (const zone of zones) {
    try {
      const range = Number(readFileSync(join(root, zone, 'max_energy_range_uj'), 'utf8').trim());
      const now = Number(readFileSync(join(root, zone, 'energy_uj'), 'utf8').trim());
      if (Number.isFinite(range) && Number.isFinite(now)) {
        max.set(zone, range);
        prev.set(zone, now);
      }
    } catch {
      // unreadable zone (energy_uj is root-only on most kernels since 2020)
    }
  }
  return prev.size;
}

async function readNumber(path: string): Promise<number | undefined> {
  try {
    const n = Number((await readFile(path, 'utf8')).trim());
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}
