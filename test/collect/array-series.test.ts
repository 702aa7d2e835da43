/**
 * Hostile yProv4ML Zarr stores read by src/collect/metric-files/array-series.ts (the report pages and
 * `import yprov4ml` read them): written by hand, so these run without Python's zarr.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readArraySeries } from '../../src/collect/metric-files/array-series.js';

const dir = mkdtempSync(join(tmpdir(), 'reprov-array-series-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A Zarr v2 store of yProv4ML's three arrays, `points` long in chunks of `chunk`, with no chunk files (all fill values). */
function store(name: string, points: number, chunk: number): string {
  const root = join(dir, name);
  for (const [array, dtype] of [['epochs', '<i8'], ['values', '<f8'], ['timestamps', '<i8']] as const) {
    mkdirSync(join(root, array), { recursive: true });
    writeFileSync(join(root, array, '.zarray'), JSON.stringify({ zarr_format: 2, shape: [points], chunks: [chunk], dtype, compressor: null, fill_value: 0, order: 'C', filters: null }));
  }
  writeFileSync(join(root, '.zgroup'), JSON.stringify({ zarr_format: 2 }));
  return root;
}

describe('Zarr metric stores', () => {
  it('refuses chunks so small that reading them means hundreds of thousands of file lookups', async () => {
    await expect(readArraySeries(store('tiny-chunks.zarr', 200_000, 1))).rejects.toThrow(/'epochs' would be read in 200000 chunks of 1 points \(at most 4096\): not read/);
  });

  it("reads yProv4ML's own chunking of the same length", async () => {
    const series = await readArraySeries(store('yprov4ml.zarr', 200_000, 1000));
    expect(series.value).toHaveLength(200_000);
  });
});
