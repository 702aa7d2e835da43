/**
 * yProv4ML's binary metric files: NetCDF4 (`.nc`) and Zarr (`.zarr`) stores of one series.
 *
 * What yProv4ML writes (HPCI-Lab/yProv4ML `yprov4ml/datamodel/metric_data.py` @ 2f4e137d,
 * HPCI-Lab/yProvML `prov4ml/datamodel/metric_data.py` @ 102ece2a, `MetricInfo.save_to_*`): three
 * 1-D arrays along an unlimited dimension `time`: `epochs` (i4), `values` (f4) and `timestamps`
 * (i8, Unix milliseconds), one point per `log_metric` call, appended in order. The NetCDF4 file
 * (HDF5 underneath, read with h5wasm) is zlib-compressed when asked; the Zarr store (v2 from zarr
 * 2, v3 from zarr 3's `create_array`, read with zarrita) is chunked by 1000 or 1024 points, blosc
 * by default. Global attributes `_name`/`_context`/`_source` (NetCDF) or `name`/`context`/`source`
 * (Zarr) repeat what the PROV document says. With `unify_experiments` yProvML writes 2-D arrays
 * (`exp`, `time`) holding several runs: such a file is refused with a note, not guessed at.
 * NetCDF classic files (CDF-1/2, which scipy writes) are not yProv4ML's and are refused by name.
 *
 * The libraries are loaded only when such a file is met: start-up time matters. Every read is
 * bounded (MAX_ARRAY_POINTS); every key of a Zarr store is confined to the store's directory; of a
 * NetCDF4 file, nothing that makes HDF5 open another file (external links, virtual datasets,
 * contiguous storage with external raw data) is read. A Zarr chunk is checked to decode to its
 * full size (zarrita turns a corrupt blosc chunk into no bytes, which `get` would fill silently).
 */
import { open as openFile, readFile, stat } from 'node:fs/promises';
import { confine } from '../../base/confine.js';

/** Points read from one file at most: a header that claims more is capped, and the note says so. */
export const MAX_ARRAY_POINTS = 2_000_000;
/** A Zarr chunk file above this size is not read. */
const MAX_CHUNK_BYTES = 256 * 1024 * 1024;
/**
 * Chunks read per Zarr array at most: each is a file lookup, so a store claiming chunks of one point
 * took minutes (200k points, no chunk files: 34 s). yProv4ML chunks by 1000 or 1024 points, which
 * reaches MAX_ARRAY_POINTS in ~2000 chunks.
 */
const MAX_CHUNKS = 4096;

export interface ArraySeries {
  epoch: (number | null)[];
  /** Non-finite values are null. */
  value: (number | null)[];
  time: (number | null)[];
  /** Why fewer points than the file claims were read. */
  note?: string;
}

const ARRAY_FILE = /\.(?:nc|zarr)$/i;

/** Whether `path` names a metric file this module reads (`.nc`, `.zarr`). */
export function isArraySeriesFile(path: string): boolean {
  return ARRAY_FILE.test(path.replace(/[\\/]+$/, ''));
}

/**
 * The series in the NetCDF4 file or Zarr store at `absolute` (a confined real path). Throws an
 * Error whose message says what is wrong (not a NetCDF4 file, truncated, a key leaving the store).
 */
export async function readArraySeries(absolute: string): Promise<ArraySeries> {
  const info = await stat(absolute);
  if (info.isDirectory()) return readZarr(absolute);
  if (!info.isFile()) throw new Error('not a regular file');
  return readNetcdf(absolute);
}

/** Columns of equal length as numbers, capped at MAX_ARRAY_POINTS. */
function columns(length: number, epochs: ArrayLike<number | bigint>, values: ArrayLike<number | bigint>, times: ArrayLike<number | bigint>, claimed: number): ArraySeries {
  const out: ArraySeries = { epoch: new Array(length), value: new Array(length), time: new Array(length) };
  const finite = (x: number | bigint | undefined) => {
    const n = Number(x);
    return x === undefined || !Number.isFinite(n) ? null : n;
  };
  for (let i = 0; i < length; i++) {
    out.epoch[i] = finite(epochs[i]);
    out.value[i] = finite(values[i]);
    out.time[i] = finite(times[i]);
  }
  if (claimed > length) out.note = `${claimed} points claimed, the first ${length} read (at most ${MAX_ARRAY_POINTS})`;
  return out;
}

const NAMES = ['epochs', 'values', 'timestamps'] as const;

/** The one length yProv4ML's three arrays share, refused when they are not 1-D (several runs) or disagree. */
function seriesLength(shapes: (readonly number[] | null | undefined)[]): number {
  for (const [i, shape] of shapes.entries()) {
    if (!shape) throw new Error(`no '${NAMES[i]}' array`);
    if (shape.length !== 1) throw new Error(`'${NAMES[i]}' has ${shape.length} dimensions (several experiments in one file?): only yProv4ML's 1-D series are read`);
  }
  const lengths = new Set(shapes.map((s) => s![0]!));
  if (lengths.size !== 1) throw new Error(`'epochs', 'values' and 'timestamps' differ in length (${shapes.map((s) => s![0]).join(', ')})`);
  return shapes[0]![0]!;
}

// --- NetCDF4 (HDF5) ------------------------------------------------------------------------------

const HDF5_MAGIC = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

async function readNetcdf(absolute: string): Promise<ArraySeries> {
  const head = Buffer.alloc(8);
  const handle = await openFile(absolute, 'r');
  try {
    await handle.read(head, 0, 8, 0);
  } finally {
    await handle.close();
  }
  if (head.subarray(0, 3).toString('latin1') === 'CDF') throw new Error('a NetCDF classic file (CDF-1/2/5): yProv4ML writes NetCDF4; classic files are not read');
  if (!head.equals(HDF5_MAGIC)) throw new Error('not a NetCDF4 file (no HDF5 signature)');
  const h5wasm = await import('h5wasm/node');
  // HDF5's errors thrown as JS errors, instead of its error stack printed on stderr and a dead file handle returned.
  (await h5wasm.ready).activate_throwing_error_handler();
  let file: InstanceType<typeof h5wasm.File>;
  try {
    file = new h5wasm.File(absolute, 'r');
  } catch (error) {
    throw new Error(`not readable as NetCDF4/HDF5 (${errorText(error)})`);
  }
  try {
    const datasets = NAMES.map((name) => {
      // Nothing that makes HDF5 open another file, which may lie outside the bundle: a link of any
      // kind (checked before `get`, which follows it: a soft link may lead to an external one),
      // a virtual dataset, or contiguous storage (which may name external raw-data files;
      // yProv4ML writes its growing arrays as plain chunked datasets).
      const link = linkAt(file, name);
      if (link) throw new Error(`'${name}' is ${link}: not followed`);
      const entity = file.get(name);
      if (!(entity instanceof h5wasm.Dataset)) return undefined;
      if (entity.metadata.virtual_sources?.length) throw new Error(`'${name}' is a virtual dataset (it names other files): not read`);
      if (!entity.metadata.chunks) throw new Error(`'${name}' is not chunked as yProv4ML's growing arrays are (contiguous storage may name other files): not read`);
      return entity;
    });
    const claimed = seriesLength(datasets.map((d) => d?.shape));
    const length = Math.min(claimed, MAX_ARRAY_POINTS);
    const read = (d: (typeof datasets)[number]) => {
      const data = d!.slice([[0, length]]);
      if (!data || typeof data !== 'object' || !('length' in data)) throw new Error('an array of numbers was expected');
      return data as ArrayLike<number | bigint>;
    };
    return columns(length, read(datasets[0]), read(datasets[1]), read(datasets[2]), claimed);
  } catch (error) {
    throw new Error(errorText(error));
  } finally {
    try {
      file.close();
    } catch {
      // a file HDF5 could not finish reading may not close cleanly either: nothing was written to it
    }
  }
}

/** Whether `name` in the file's root group is an external link (without following it). */
/** What kind of link `/name` is (soft, or external to another file), or undefined for a plain object. */
function linkAt(file: { get_link(path: string): string | null; get_external_link(path: string): { filename?: string } }, name: string): string | undefined {
  const path = `/${name}`;
  try {
    if (file.get_external_link(path).filename !== undefined) return 'an external link to another file';
  } catch {
    // not an external link
  }
  try {
    const target = file.get_link(path);
    if (target) return `a link (to ${JSON.stringify(target)})`;
  } catch {
    // not a soft link
  }
  return undefined;
}

// --- Zarr (v2 and v3) ----------------------------------------------------------------------------

async function readZarr(absolute: string): Promise<ArraySeries> {
  const zarr = await import('zarrita');
  const store = confinedStore(absolute);
  const root = zarr.root(store);
  const arrays = await Promise.all(NAMES.map(async (name) => {
    try {
      return await zarr.open(root.resolve(name), { kind: 'array' });
    } catch (error) {
      throw new Error(`'${name}': ${errorText(error)}`);
    }
  }));
  const claimed = seriesLength(arrays.map((a) => a.shape));
  for (const [i, a] of arrays.entries()) {
    if (a.chunks.some((c) => !(c > 0) || c > MAX_ARRAY_POINTS)) throw new Error(`'${NAMES[i]}' claims chunks of ${a.chunks.join('×')} points: not read`);
  }
  const length = Math.min(claimed, MAX_ARRAY_POINTS);
  for (const [i, a] of arrays.entries()) {
    const chunks = Math.ceil(length / a.chunks[0]!);
    if (chunks > MAX_CHUNKS) throw new Error(`'${NAMES[i]}' would be read in ${chunks} chunks of ${a.chunks[0]} points (at most ${MAX_CHUNKS}): not read`);
  }
  // Chunk by chunk, checking each one's size: zarrita decodes a corrupt blosc chunk to no bytes and `get` would fill the gap silently.
  const read = async (i: number) => {
    const array = arrays[i]!;
    const size = array.chunks[0]!;
    const out: (number | bigint)[] = new Array(length);
    for (let c = 0; c * size < length; c++) {
      let data: ArrayLike<number | bigint>;
      try {
        data = (await array.getChunk([c])).data as ArrayLike<number | bigint>;
      } catch (error) {
        throw new Error(`'${NAMES[i]}' chunk ${c}: ${errorText(error)}`);
      }
      if (data.length !== size) throw new Error(`'${NAMES[i]}' chunk ${c}: ${data.length} values decoded, ${size} expected (corrupt or truncated)`);
      for (let j = 0, k = c * size; j < size && k < length; j++, k++) out[k] = data[j]!;
    }
    return out;
  };
  return columns(length, await read(0), await read(1), await read(2), claimed);
}

/**
 * A read-only store over the directory `root` whose keys (`/values/.zarray`, `/values/0`) never
 * resolve outside it: a key with `..`, or a link in the store that points out, reads as absent.
 */
function confinedStore(root: string): { get(key: string): Promise<Uint8Array | undefined> } {
  return {
    async get(key: string) {
      const where = confine(root, key.replace(/^\/+/, ''));
      if (!where.ok) throw new Error(`key ${JSON.stringify(key)} is not read: ${where.reason}`);
      try {
        const info = await stat(where.absolute);
        if (!info.isFile()) return undefined;
        if (info.size > MAX_CHUNK_BYTES) throw new Error(`key ${JSON.stringify(key)} is ${info.size} bytes: not read`);
        return new Uint8Array(await readFile(where.absolute));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
  };
}

/** An error as one line: of HDF5's error stack, the innermost frame's message (`truncated file: eof = …`). */
function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const frames = [...text.matchAll(/^\s*#\d+: .*?\(\): (.*)$/gm)];
  return (frames.length ? frames[frames.length - 1]![1]! : text.split('\n')[0]!).trim().slice(0, 300);
}
