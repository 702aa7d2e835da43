/**
 * Parsing of `nvidia-smi` output, with no I/O, so it can be tested on recorded text from real GPUs
 * (fixtures/nvidia-smi/) on machines that have none.
 *
 * Three shapes are read:
 * - the CSV of `nvidia-smi --query-gpu=<fields> --format=csv[,noheader][,nounits]`: the inventory
 *   (`parseGpuQuery`, fields `GPU_QUERY_FIELDS`) and the periodic sample (`parseSampleQuery`,
 *   fields `SAMPLE_QUERY_FIELDS`). With a header the columns are taken from it (so any recorded
 *   query parses); without one, from the field list the caller asked for;
 * - the plain `nvidia-smi` table, for what the CSV query cannot tell: the CUDA version the driver
 *   supports (`parseCudaVersion`, `parseSmiHeader`), and a fallback inventory (`parseSmiTable`).
 *
 * Placeholders (`[N/A]`, `[Not Supported]`, `[Insufficient Permissions]`, ...) never become numbers:
 * the value is left out and the placeholder kept in `unavailable`. Outputs that are not data (no
 * driver, no devices, NVML errors) give an `Unknown` with a short reason instead of an empty list,
 * because "no GPU" and "could not ask" are different facts for a reproducibility check.
 */
import type { Unknown } from './context.js';

/** Inventory fields, in the order reprov queries them. `compute_cap` needs driver >= 510. */
export const GPU_QUERY_FIELDS = [
  'index', 'uuid', 'name', 'memory.total', 'driver_version', 'pci.bus_id', 'mig.mode.current', 'power.limit', 'compute_cap',
] as const;

/** `GPU_QUERY_FIELDS` without `compute_cap`, for drivers that reject it ("is not a valid field to query"). */
export const GPU_QUERY_FIELDS_LEGACY = GPU_QUERY_FIELDS.filter((f) => f !== 'compute_cap');

/** Fields of the periodic sample taken by the system sampler. */
export const SAMPLE_QUERY_FIELDS = ['index', 'utilization.gpu', 'memory.used', 'power.draw', 'temperature.gpu'] as const;

/** `nvidia-smi` arguments for a query of these fields, header-less and unit-less. */
export function queryArgs(fields: readonly string[]): string[] {
  return [`--query-gpu=${fields.join(',')}`, '--format=csv,noheader,nounits'];
}

export interface GpuInfo {
  /** nvidia-smi's index (row order when the query had no `index` column). */
  index: number;
  name?: string;
  uuid?: string;
  /** Total framebuffer memory in bytes (nvidia-smi reports MiB). */
  memoryBytes?: number;
  driverVersion?: string;
  pciBusId?: string;
  /** `Enabled` / `Disabled`; `N/A` where the GPU has no MIG support. */
  migMode?: string;
  powerLimitW?: number;
  /** Compute capability, e.g. `9.0`. */
  computeCap?: string;
  /** Fields answered with a placeholder, e.g. `{ 'fan.speed': '[N/A]' }`. */
  unavailable: Record<string, string>;
}

export interface GpuSample {
  index: number;
  utilizationPct?: number;
  memoryUsedBytes?: number;
  powerW?: number;
  temperatureC?: number;
  unavailable: Record<string, string>;
}

export interface GpuQuery {
  gpus: GpuInfo[];
  /** Lines that were neither header nor a GPU row (e.g. a per-GPU "GPU is lost" error). */
  skipped: string[];
}

export interface SampleQuery {
  samples: GpuSample[];
  skipped: string[];
}

export interface SmiHeader {
  smiVersion?: string;
  driverVersion?: string;
  cudaVersion?: string;
}

export function isUnknown(value: unknown): value is Unknown {
  return typeof value === 'object' && value !== null && (value as { unknown?: unknown }).unknown === true;
}

const unknown = (reason: string): Unknown => ({ unknown: true, reason });

const MIB = 1024 * 1024;
const UNIT_BYTES: Record<string, number> = { B: 1, KIB: 1024, MIB, GIB: 1024 * MIB, KB: 1000, MB: 1e6, GB: 1e9 };

const FIELD_ALIASES: Record<string, string> = {
  gpu_name: 'name', gpu_uuid: 'uuid', gpu_bus_id: 'pci.bus_id', 'compute_capability': 'compute_cap',
  'mig.mode': 'mig.mode.current',
};

/**
 * Why this output carries no GPU data, or undefined when it may. Recognises the messages
 * nvidia-smi prints instead of data: driver not loaded, NVML init failures, no devices.
 */
export function nvidiaSmiFailure(text: string): Unknown | undefined {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  const first = lines[0];
  if (first === undefined) return unknown('nvidia-smi printed nothing');
  const line = (re: RegExp) => lines.find((l) => re.test(l));
  const failed = line(/NVIDIA-SMI has failed/i) ?? line(/Failed to initialize NVML/i) ?? line(/couldn'?t communicate with the NVIDIA driver/i);
  if (failed !== undefined) return unknown(`driver not loaded: ${clip(failed)}`);
  if (line(/^No devices were found/i) !== undefined) return unknown('no devices');
  const invalid = line(/is not a valid field to query/i);
  if (invalid !== undefined) return unknown(`unsupported query field: ${clip(invalid)}`);
  return undefined;
}

/** The `CUDA Version` in plain `nvidia-smi` (or `nvidia-smi -q`) output; undefined if absent or N/A. */
export function parseCudaVersion(text: string): string | undefined {
  return parseSmiHeader(text).cudaVersion;
}

/** NVIDIA-SMI, driver and CUDA versions from the banner of plain `nvidia-smi` (or `-q`) output. */
export function parseSmiHeader(text: string): SmiHeader {
  const version = (label: string) => new RegExp(`${label}\\s*:\\s*(\\d+(?:\\.\\d+)*)`, 'i').exec(text)?.[1];
  const header: SmiHeader = {};
  const smi = /NVIDIA-SMI\s+(\d+(?:\.\d+)+)/.exec(text)?.[1];
  const driver = version('Driver Version');
  const cuda = version('CUDA Version');
  if (smi !== undefined) header.smiVersion = smi;
  if (driver !== undefined) header.driverVersion = driver;
  if (cuda !== undefined) header.cudaVersion = cuda;
  return header;
}

/**
 * The GPUs in the CSV answer to `--query-gpu`. `fields` names the columns when the text has no
 * header (defaults to `GPU_QUERY_FIELDS`); a header line, when present, wins.
 */
export function parseGpuQuery(csvText: string, fields: readonly string[] = GPU_QUERY_FIELDS): GpuQuery | Unknown {
  const table = readCsv(csvText, fields);
  if (isUnknown(table)) return table;
  const gpus = table.rows.map((row, i): GpuInfo => {
    const gpu: GpuInfo = { index: i, unavailable: {} };
    for (const [field, cell] of row) {
      if (isPlaceholder(cell.value)) {
        gpu.unavailable[field] = cell.value;
        if (field === 'mig.mode.current') gpu.migMode = 'N/A';
        continue;
      }
      switch (field) {
        case 'index': { const n = toNumber(cell.value); if (n !== undefined) gpu.index = n; break; }
        case 'name': gpu.name = cell.value; break;
        case 'uuid': gpu.uuid = cell.value; break;
        case 'driver_version': gpu.driverVersion = cell.value; break;
        case 'pci.bus_id': gpu.pciBusId = cell.value; break;
        case 'compute_cap': gpu.computeCap = cell.value; break;
        case 'mig.mode.current': gpu.migMode = normaliseMig(cell.value); break;
        case 'memory.total': { const b = toBytes(cell.value, cell.unit); if (b !== undefined) gpu.memoryBytes = b; break; }
        case 'power.limit': { const w = toNumber(cell.value); if (w !== undefined) gpu.powerLimitW = w; break; }
        default: break;
      }
    }
    return gpu;
  });
  return { gpus, skipped: table.skipped };
}

/** Per-GPU utilisation (%), memory used (bytes), power draw (W) and temperature (°C) from a sample query. */
export function parseSampleQuery(csvText: string, fields: readonly string[] = SAMPLE_QUERY_FIELDS): SampleQuery | Unknown {
  const table = readCsv(csvText, fields);
  if (isUnknown(table)) return table;
  const samples = table.rows.map((row, i): GpuSample => {
    const sample: GpuSample = { index: i, unavailable: {} };
    for (const [field, cell] of row) {
      if (isPlaceholder(cell.value)) {
        sample.unavailable[field] = cell.value;
        continue;
      }
      const n = toNumber(cell.value);
      if (n === undefined) continue;
      switch (field) {
        case 'index': sample.index = n; break;
        case 'utilization.gpu': sample.utilizationPct = n; break;
        case 'power.draw': sample.powerW = n; break;
        case 'temperature.gpu': sample.temperatureC = n; break;
        case 'memory.used': { const b = toBytes(cell.value, cell.unit); if (b !== undefined) sample.memoryUsedBytes = b; break; }
        default: break;
      }
    }
    return sample;
  });
  return { samples, skipped: table.skipped };
}

/**
 * The GPUs listed in the plain `nvidia-smi` table: index, name (as printed, which older drivers
 * truncate with `...`), bus id, total memory and, where the table has a `MIG M.` column, MIG mode.
 * Driver version comes from the banner. A fallback for when the CSV query is unusable.
 */
export function parseSmiTable(text: string): GpuQuery | Unknown {
  const failure = nvidiaSmiFailure(text);
  if (failure !== undefined) return failure;
  const header = parseSmiHeader(text);
  const lines = text.split(/\r?\n/);
  const end = lines.findIndex((l) => /^\|\s*(Processes|MIG devices)\s*:/.test(l));
  const body = end === -1 ? lines : lines.slice(0, end);
  const hasMigColumn = body.some((l) => /MIG M\./.test(l));
  const gpus: GpuInfo[] = [];
  const row = /^\|\s*(\d+)\s+(.+?)\s+(?:On|Off|WDDM|TCC|N\/A)\s*\|\s*([0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-9A-Fa-f])\s+\S+\s*\|/;
  for (let i = 0; i < body.length; i++) {
    const m = row.exec(body[i] ?? '');
    if (!m) continue;
    const gpu: GpuInfo = { index: Number(m[1]), name: (m[2] ?? '').trim(), pciBusId: m[3] ?? '', unavailable: {} };
    if (header.driverVersion !== undefined) gpu.driverVersion = header.driverVersion;
    const memory = /(\d+)\s*MiB\s*\/\s*(\d+)\s*MiB/.exec(body[i + 1] ?? '');
    if (memory) gpu.memoryBytes = Number(memory[2]) * MIB;
    if (hasMigColumn) {
      const mig = /\|\s*(Enabled|Disabled|N\/A)\s*\|\s*$/.exec(body[i + 2] ?? '');
      if (mig && !row.test(body[i + 2] ?? '')) gpu.migMode = normaliseMig(mig[1] ?? '');
    }
    gpus.push(gpu);
  }
  if (gpus.length === 0) return unknown(`no GPU rows in nvidia-smi output: ${clip(firstLine(text))}`);
  return { gpus, skipped: [] };
}

// --- CSV ---------------------------------------------------------------------------------------

interface Cell { value: string; unit?: string }
interface CsvTable { rows: Map<string, Cell>[]; skipped: string[] }

function readCsv(text: string, fields: readonly string[]): CsvTable | Unknown {
  const failure = nvidiaSmiFailure(text);
  if (failure !== undefined) return failure;
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  let columns: { field: string; unit?: string }[] = fields.map((f) => ({ field: normaliseField(f) }));
  const head = lines[0] !== undefined ? parseHeader(lines[0]) : undefined;
  if (head !== undefined) {
    columns = head;
    lines.shift();
  }
  const rows: Map<string, Cell>[] = [];
  const skipped: string[] = [];
  const nameAt = columns.findIndex((c) => c.field === 'name');
  const indexAt = columns.findIndex((c) => c.field === 'index');
  for (const line of lines) {
    let cells = line.split(',').map((c) => c.trim());
    // A name holding commas splits into extra cells; give them back to the name.
    if (cells.length > columns.length && nameAt !== -1) {
      const extra = cells.length - columns.length;
      cells = [...cells.slice(0, nameAt), cells.slice(nameAt, nameAt + extra + 1).join(', '), ...cells.slice(nameAt + extra + 1)];
    }
    if (cells.length !== columns.length || (indexAt !== -1 && !/^\d+$/.test(cells[indexAt] ?? ''))) {
      skipped.push(line);
      continue;
    }
    const row = new Map<string, Cell>();
    columns.forEach((column, i) => {
      const raw = cells[i] ?? '';
      const cell: Cell = { value: raw };
      const unit = column.unit ?? /^-?\d+(?:\.\d+)?\s*([A-Za-z%]+)$/.exec(raw)?.[1];
      if (unit !== undefined) cell.unit = unit;
      row.set(column.field, cell);
    });
    rows.push(row);
  }
  if (rows.length === 0) return unknown(`unrecognised nvidia-smi output: ${clip(firstLine(text))}`);
  return { rows, skipped };
}

/** Columns named by a CSV header line (`index, name, memory.total [MiB]`), or undefined for a data line. */
function parseHeader(line: string): { field: string; unit?: string }[] | undefined {
  const cells = line.split(',').map((c) => c.trim());
  const parsed = cells.map((c) => /^([a-z][a-z0-9_.]*)(?:\s*\[([^\]]+)\])?$/.exec(c));
  if (parsed.some((m) => m === null)) return undefined;
  return parsed.map((m) => {
    const column: { field: string; unit?: string } = { field: normaliseField(m?.[1] ?? '') };
    if (m?.[2] !== undefined) column.unit = m[2];
    return column;
  });
}

function normaliseField(field: string): string {
  const f = field.trim().toLowerCase();
  return FIELD_ALIASES[f] ?? f;
}

function isPlaceholder(value: string): boolean {
  return value === '' || /^\[.*\]$/.test(value) || /^n\/a$/i.test(value);
}

function normaliseMig(value: string): string {
  const v = value.replace(/^\[|\]$/g, '').trim();
  if (/^enabled$/i.test(v)) return 'Enabled';
  if (/^disabled$/i.test(v)) return 'Disabled';
  if (/^(n\/a|not supported)$/i.test(v)) return 'N/A';
  return v;
}

function toNumber(value: string): number | undefined {
  const m = /^(-?\d+(?:\.\d+)?)\s*[A-Za-z%]*$/.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return Number.isFinite(n) ? n : undefined;
}

/** Memory cell to bytes: the unit comes from the cell or header; nvidia-smi's unit-less memory is MiB. */
function toBytes(value: string, unit: string | undefined): number | undefined {
  const n = toNumber(value);
  if (n === undefined) return undefined;
  const factor = UNIT_BYTES[(unit ?? 'MiB').toUpperCase()] ?? MIB;
  return Math.round(n * factor);
}

function firstLine(text: string): string {
  return text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '') ?? '';
}

function clip(line: string): string {
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
