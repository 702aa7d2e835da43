/**
 * Parsing of `rocm-smi --json` output (AMD GPUs), with no I/O, so it can be tested on recorded text
 * from real machines (fixtures/hardware/rocm-smi/) on machines that have none.
 *
 * reprov asks `rocm-smi --showproductname --showmeminfo vram --showdriverversion --showbus
 * --showuniqueid --json` (`ROCM_SMI_ARGS`). The answer is one JSON object with a key per GPU
 * (`card0`, `card1`, ...; `GPU[0]` in some builds) and a `system` key (`Driver version`). Field
 * names changed between ROCm releases (`Card series` in 5.x, `Card Series` / `Device Name` in 6.x)
 * and are matched without regard to case. rocm-smi prints warnings before the JSON (`WARNING: AMD
 * GPU device(s) is/are in a low-power state`): text before the first `{` line is skipped.
 *
 * As for nvidia-smi (src/collect/nvidia-smi.ts), output that is not data (no driver, no devices,
 * garbage, something too large) gives an `Unknown` with a short reason, never an empty inventory.
 */
import type { Unknown } from './context.js';
import type { GpuInfo } from './nvidia-smi.js';

export const ROCM_SMI_ARGS = ['--showproductname', '--showmeminfo', 'vram', '--showdriverversion', '--showbus', '--showuniqueid', '--json'] as const;

/** Larger answers are not an inventory of a machine's GPUs (a few KiB per GPU). */
export const ROCM_SMI_MAX_CHARS = 4 * 1024 * 1024;

export interface RocmGpu extends GpuInfo {
  vendor: string;
  /** `GFX Version` (gfx90a, gfx942), the AMD counterpart of a compute capability. */
  gfxVersion?: string;
}

export interface RocmQuery {
  gpus: RocmGpu[];
}

const unknown = (reason: string): Unknown => ({ unknown: true, reason });
const UNIT_BYTES: Record<string, number> = { b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, kb: 1e3, mb: 1e6, gb: 1e9 };

/** The AMD GPUs in `rocm-smi ... --json` output, or why there are none to tell. */
export function parseRocmSmiJson(text: string): RocmQuery | Unknown {
  if (text.length > ROCM_SMI_MAX_CHARS) return unknown(`rocm-smi printed ${text.length} characters, more than an inventory (${ROCM_SMI_MAX_CHARS})`);
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => l.trimStart().startsWith('{'));
  const before = (start === -1 ? lines : lines.slice(0, start)).map((l) => l.trim()).filter(Boolean);
  const failure = rocmSmiFailure(before);
  if (start === -1) return failure ?? unknown(before.length ? `unrecognised rocm-smi output: ${clip(before[0] ?? '')}` : 'rocm-smi printed nothing');
  let document: unknown;
  try {
    document = JSON.parse(lines.slice(start).join('\n'));
  } catch (error) {
    return failure ?? unknown(`rocm-smi printed invalid JSON: ${clip((error as Error).message)}`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return unknown('rocm-smi printed JSON that is not an object');
  const entries = Object.entries(document as Record<string, unknown>);
  const system = fields(entries.find(([key]) => key.toLowerCase() === 'system')?.[1]);
  const systemDriver = field(system, 'driver version');
  const gpus: RocmGpu[] = [];
  for (const [key, value] of entries) {
    const index = /^card(\d+)$/i.exec(key)?.[1] ?? /^GPU\[(\d+)\]$/i.exec(key)?.[1];
    if (index === undefined || index.length > 6) continue;
    const card = fields(value);
    const gpu: RocmGpu = { index: Number(index), vendor: 'AMD', unavailable: {} };
    const name = field(card, 'card series') ?? field(card, 'device name') ?? field(card, 'card sku') ?? field(card, 'card model');
    if (name !== undefined) gpu.name = name;
    const memory = vramBytes(card);
    if (memory !== undefined) gpu.memoryBytes = memory;
    const driver = field(card, 'driver version') ?? systemDriver;
    if (driver !== undefined) gpu.driverVersion = driver;
    const bus = field(card, 'pci bus');
    if (bus !== undefined) gpu.pciBusId = bus.split(/\s/)[0] ?? bus;
    const uuid = field(card, 'unique id');
    if (uuid !== undefined) gpu.uuid = uuid;
    const gfx = field(card, 'gfx version');
    if (gfx !== undefined) gpu.gfxVersion = gfx;
    for (const [field, raw] of card) if (isPlaceholder(raw)) gpu.unavailable[field] = raw;
    gpus.push(gpu);
  }
  if (!gpus.length) return failure ?? unknown('no devices');
  gpus.sort((a, b) => a.index - b.index);
  return { gpus };
}

/** Messages rocm-smi prints instead of data. */
function rocmSmiFailure(lines: string[]): Unknown | undefined {
  const line = (re: RegExp) => lines.find((l) => re.test(l));
  const driver = line(/amdgpu not found|driver not initiali[sz]ed|Unable to (?:open|find) .*kfd|ROCm.*not found|rsmi_init/i);
  if (driver !== undefined) return unknown(`driver not loaded: ${clip(driver)}`);
  if (line(/No AMD GPUs (?:specified|found)|No GPUs? (?:found|detected)/i) !== undefined) return unknown('no devices');
  return undefined;
}

/** A card's fields with string values, keys in lower case. */
function fields(value: unknown): Map<string, string> {
  const map = new Map<string, string>();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return map;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string' || typeof v === 'number') map.set(key.trim().toLowerCase(), String(v).trim());
  }
  return map;
}

function field(card: Map<string, string>, key: string): string | undefined {
  const value = card.get(key);
  return value === undefined || isPlaceholder(value) ? undefined : clip(value);
}

/** `VRAM Total Memory (B)` (also `(MiB)` and friends, any case). */
function vramBytes(card: Map<string, string>): number | undefined {
  for (const [key, value] of card) {
    const unit = /^vram total memory \((\w+)\)$/.exec(key)?.[1];
    if (unit === undefined || !/^\d+(?:\.\d+)?$/.test(value)) continue;
    const factor = UNIT_BYTES[unit];
    if (factor === undefined) continue;
    const bytes = Math.round(Number(value) * factor);
    if (Number.isSafeInteger(bytes)) return bytes;
  }
  return undefined;
}

function isPlaceholder(value: string): boolean {
  return value === '' || /^(n\/a|unknown|unsupported|not supported)$/i.test(value) || /^\[.*\]$/.test(value);
}

function clip(line: string): string {
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
