/**
 * nvidia-smi parsing against recorded outputs of real GPUs (fixtures/nvidia-smi/, sources in
 * SOURCES.md), plus a few constructed strings, marked as such, for shapes no public recording had.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  GPU_QUERY_FIELDS, isUnknown, nvidiaSmiFailure, parseCudaVersion, parseGpuQuery, parseSampleQuery, parseSmiHeader,
  parseSmiTable, type GpuQuery, type SampleQuery,
} from '../../src/collect/nvidia-smi.js';
import type { Unknown } from '../../src/collect/context.js';

const MIB = 2 ** 20;
const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../fixtures/nvidia-smi/${name}`, import.meta.url)), 'utf8');

function ok<T extends GpuQuery | SampleQuery>(result: T | Unknown): T {
  if (isUnknown(result)) throw new Error(`expected data, got unknown: ${result.reason}`);
  return result;
}
function reason(result: unknown): string {
  if (!isUnknown(result)) throw new Error(`expected an unknown, got ${JSON.stringify(result)}`);
  return result.reason;
}

describe('recorded --query-gpu CSV', () => {
  it('reads 8 MIG-enabled RTX PRO 6000 GPUs, columns and units taken from the header', () => {
    const { gpus, skipped } = ok(parseGpuQuery(fixture('rtx-pro-6000-x8-mig-query.csv.txt')));
    expect(skipped).toEqual([]);
    expect(gpus.map((g) => g.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const gpu of gpus) {
      expect(gpu.name).toBe('NVIDIA RTX PRO 6000 Blackwell Server Edition');
      expect(gpu.memoryBytes).toBe(97887 * MIB);
      expect(gpu.driverVersion).toBe('610.43.02');
      expect(gpu.migMode).toBe('Enabled');
      expect(gpu.uuid).toMatch(/^GPU-[0-9a-f-]{36}$/);
    }
    expect(gpus[4]?.uuid).toBe('GPU-4c395b7a-a7e6-d90f-1ced-d96e8dd68288');
  });

  it('reads the Tesla P100 capture, keeping [N/A] out of the numbers', () => {
    const { gpus } = ok(parseGpuQuery(fixture('tesla-p100-query.csv.txt')));
    expect(gpus).toHaveLength(1);
    expect(gpus[0]).toMatchObject({ index: 0, name: 'Tesla P100-PCIE-16GB', uuid: 'GPU-ef1b2c9b-38d8-2090-2bd1-f567a3eb42a6' });
    expect(gpus[0]?.unavailable).toEqual({ 'fan.speed': '[N/A]' });
    expect(gpus[0]?.memoryBytes).toBeUndefined(); // memory.total was not queried
  });

  it('reads utilisation, memory, power and temperature from the same capture as a sample', () => {
    const { samples } = ok(parseSampleQuery(fixture('tesla-p100-query.csv.txt')));
    expect(samples).toEqual([{ index: 0, utilizationPct: 0, memoryUsedBytes: 0, powerW: 28.16, temperatureC: 37, unavailable: { 'fan.speed': '[N/A]' } }]);
  });
});

describe('recorded plain nvidia-smi tables', () => {
  it('8x H100 SXM: CUDA 12.7, driver 565.57.01, eight GPUs with MIG disabled', () => {
    const text = fixture('h100-sxm-x8-table.txt');
    expect(parseCudaVersion(text)).toBe('12.7');
    expect(parseSmiHeader(text)).toEqual({ smiVersion: '565.57.01', driverVersion: '565.57.01', cudaVersion: '12.7' });
    const { gpus } = ok(parseSmiTable(text));
    expect(gpus.map((g) => g.pciBusId)).toEqual([
      '00000000:18:00.0', '00000000:2A:00.0', '00000000:3A:00.0', '00000000:5D:00.0',
      '00000000:9A:00.0', '00000000:AB:00.0', '00000000:BA:00.0', '00000000:DB:00.0',
    ]);
    for (const [i, gpu] of gpus.entries()) {
      expect(gpu).toMatchObject({ index: i, name: 'NVIDIA H100 80GB HBM3', memoryBytes: 81559 * MIB, driverVersion: '565.57.01', migMode: 'Disabled' });
    }
  });

  it('one A10G: CUDA 12.2, MIG N/A', () => {
    const text = fixture('a10g-table.txt');
    expect(parseCudaVersion(text)).toBe('12.2');
    const { gpus } = ok(parseSmiTable(text));
    expect(gpus).toEqual([{
      index: 0, name: 'NVIDIA A10G', pciBusId: '00000000:00:1E.0', memoryBytes: 23028 * MIB, driverVersion: '535.247.01', migMode: 'N/A', unavailable: {},
    }]);
  });

  it('one A800 with MIG enabled', () => {
    const text = fixture('a800-mig-table.txt');
    expect(parseCudaVersion(text)).toBe('12.2');
    const { gpus } = ok(parseSmiTable(text));
    expect(gpus).toHaveLength(1);
    expect(gpus[0]).toMatchObject({ name: 'NVIDIA A800-SXM4-80GB', memoryBytes: 81920 * MIB, migMode: 'Enabled', driverVersion: '535.86.10' });
  });
});

describe('recorded failure outputs', () => {
  const noDriver = fixture('no-driver.txt');
  const noDevices = fixture('no-devices.txt');

  it('no driver: an unknown naming the first line, from every parser', () => {
    const expected = "driver not loaded: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.";
    expect(reason(parseGpuQuery(noDriver))).toBe(expected);
    expect(reason(parseSampleQuery(noDriver))).toBe(expected);
    expect(reason(parseSmiTable(noDriver))).toBe(expected);
    expect(parseCudaVersion(noDriver)).toBeUndefined();
  });

  it('no devices', () => {
    expect(reason(parseGpuQuery(noDevices))).toBe('no devices');
    expect(reason(parseSampleQuery(noDevices))).toBe('no devices');
    expect(reason(parseSmiTable(noDevices))).toBe('no devices');
  });
});

// Constructed strings (not recordings): shapes nvidia-smi documents but no public capture had.
describe('constructed inputs', () => {
  it('header-less, unit-less answer to GPU_QUERY_FIELDS with [N/A] MIG and [Not Supported] power limit', () => {
    const text = [
      '0, GPU-11111111-2222-3333-4444-555555555555, NVIDIA A100-SXM4-80GB, 81920, 550.54.15, 00000000:07:00.0, Disabled, 400.00, 8.0',
      '1, GPU-66666666-7777-8888-9999-000000000000, Tesla T4, 15360, 550.54.15, 00000000:3B:00.0, [N/A], [Not Supported], 7.5',
    ].join('\n');
    const { gpus } = ok(parseGpuQuery(text));
    expect(GPU_QUERY_FIELDS).toHaveLength(9);
    expect(gpus[0]).toEqual({
      index: 0, uuid: 'GPU-11111111-2222-3333-4444-555555555555', name: 'NVIDIA A100-SXM4-80GB', memoryBytes: 81920 * MIB,
      driverVersion: '550.54.15', pciBusId: '00000000:07:00.0', migMode: 'Disabled', powerLimitW: 400, computeCap: '8.0', unavailable: {},
    });
    expect(gpus[1]).toMatchObject({ index: 1, name: 'Tesla T4', migMode: 'N/A', computeCap: '7.5' });
    expect(gpus[1]?.powerLimitW).toBeUndefined();
    expect(gpus[1]?.unavailable).toEqual({ 'mig.mode.current': '[N/A]', 'power.limit': '[Not Supported]' });
  });

  it('skips a per-GPU error line and keeps the healthy GPUs', () => {
    const text = '0, 12, 1024, 61.5, 40\nUnable to determine the device handle for GPU0000:3B:00.0: Unknown Error\n2, 0, 0, [N/A], 35\n';
    const { samples, skipped } = ok(parseSampleQuery(text));
    expect(samples.map((s) => s.index)).toEqual([0, 2]);
    expect(samples[0]).toMatchObject({ utilizationPct: 12, memoryUsedBytes: 1024 * MIB, powerW: 61.5, temperatureC: 40 });
    expect(samples[1]?.powerW).toBeUndefined();
    expect(skipped).toEqual(['Unable to determine the device handle for GPU0000:3B:00.0: Unknown Error']);
  });

  it('names NVML and query-field failures', () => {
    expect(nvidiaSmiFailure('Failed to initialize NVML: Driver/library version mismatch\n')?.reason)
      .toBe('driver not loaded: Failed to initialize NVML: Driver/library version mismatch');
    expect(nvidiaSmiFailure('Field "compute_cap" is not a valid field to query.\n\n')?.reason)
      .toBe('unsupported query field: Field "compute_cap" is not a valid field to query.');
    expect(reason(parseGpuQuery(''))).toBe('nvidia-smi printed nothing');
    expect(reason(parseGpuQuery('something else entirely'))).toBe('unrecognised nvidia-smi output: something else entirely');
    expect(parseCudaVersion('| NVIDIA-SMI 550.54.15   Driver Version: 550.54.15   CUDA Version: N/A |')).toBeUndefined();
  });
});
