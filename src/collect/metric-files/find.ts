/**
 * Finding the metric files a run wrote: a bounded breadth-first walk of the working tree.
 *
 * Passed over: symbolic links (never followed, so the walk stays inside `root`), hidden entries
 * (`.git`, `.venv`, ...), `node_modules`, `__pycache__`, `site-packages`, the paths in `exclude`
 * (the bundle being written), and any directory holding reprov's bundle marker. Files older than
 * `sinceMs` (mtime) are left out. Depth and the number of directory entries looked at are bounded;
 * when a bound stops the walk a note says so.
 *
 * Recognised by name: `trainer_state.json`; `events.out.tfevents.*`; `metrics.csv` with a `step`
 * column (Lightning). By header: `*.csv` and `*.log` files whose first line is a Keras CSVLogger
 * header (csv.ts, `looksLikeKerasCsv`).
 *
 * The Trainer copies trainer_state.json into every `checkpoint-N/`; each copy is a prefix of the
 * last. Where `<dir>/trainer_state.json` exists its `<dir>/checkpoint-*` copies are dropped, else
 * only the highest N is kept.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { inside } from '../../base/confine.js';
import { isMarkerName } from '../../base/lock.js';
import { looksLikeKerasCsv, MAX_CSV_BYTES, readHead } from './csv.js';
import type { MetricFile, MetricFileFormat } from './types.js';

export interface FindMetricFilesOptions {
  /** Only files modified at or after this time (unix ms). */
  sinceMs?: number;
  /** Paths (absolute, or relative to `root`) not to enter. */
  exclude?: string[];
  /** Directory levels below `root` to enter (default 8). */
  maxDepth?: number;
  /** Directory entries to look at in all (default 50,000). */
  maxEntries?: number;
  /** Receives a line when a bound stopped the walk or copies were dropped. */
  notes?: string[];
}

export const DEFAULT_MAX_DEPTH = 8;
export const DEFAULT_MAX_ENTRIES = 50_000;

const SKIPPED_DIRECTORIES = new Set(['node_modules', '__pycache__', 'site-packages', 'dist-packages']);

export async function findMetricFiles(root: string, options: FindMetricFilesOptions = {}): Promise<MetricFile[]> {
  const top = resolve(root);
  const excluded = (options.exclude ?? []).map((path) => resolve(top, path));
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const found: MetricFile[] = [];
  let seen = 0;
  let deeper = false;
  const queue: { dir: string; depth: number }[] = [{ dir: top, depth: 0 }];
  walk: while (queue.length) {
    const { dir, depth } = queue.shift()!;
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue; // unreadable or vanished: nothing of it is a metric file we can read
    }
    if (dir !== top && entries.some((e) => isMarkerName(e.name))) continue;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (++seen > maxEntries) {
        options.notes?.push(`stopped looking for metric files after ${maxEntries} directory entries`);
        break walk;
      }
      if (entry.isSymbolicLink() || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (excluded.some((ex) => inside(ex, path))) continue;
      if (entry.isDirectory()) {
        if (SKIPPED_DIRECTORIES.has(entry.name)) continue;
        if (depth + 1 > maxDepth) deeper = true;
        else queue.push({ dir: path, depth: depth + 1 });
        continue;
      }
      if (!entry.isFile()) continue;
      const format = await classify(path, entry.name, options.sinceMs);
      if (format) found.push({ path, format });
    }
  }
  if (deeper) options.notes?.push(`did not look for metric files more than ${maxDepth} directories below ${top}`);
  return dropCheckpointCopies(found, options.notes).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The format of a file by its name (and, for CSV, its header), if it is recent enough. */
async function classify(path: string, name: string, sinceMs: number | undefined): Promise<MetricFileFormat | undefined> {
  const byName = name === 'trainer_state.json' || name.startsWith('events.out.tfevents.');
  const csv = /\.(csv|log)$/i.test(name);
  if (!byName && !csv) return undefined;
  let info;
  try {
    info = await stat(path);
  } catch {
    return undefined;
  }
  if (!info.isFile() || (sinceMs !== undefined && info.mtimeMs < sinceMs)) return undefined;
  if (name === 'trainer_state.json') return 'hf-trainer-state';
  if (byName) return 'tensorboard';
  if (info.size === 0 || info.size > MAX_CSV_BYTES) return undefined;
  let head: string;
  try {
    head = await readHead(path);
  } catch {
    return undefined;
  }
  if (name === 'metrics.csv') {
    const header = head.replace(/^\ufeff/, '').split(/\r?\n/)[0]!.split(',');
    if (header.includes('step') && header.includes('epoch')) return 'lightning-csv';
  }
  return looksLikeKerasCsv(head) ? 'keras-csv' : undefined;
}

function dropCheckpointCopies(found: MetricFile[], notes: string[] | undefined): MetricFile[] {
  const states = found.filter((f) => f.format === 'hf-trainer-state');
  const direct = new Set(states.map((f) => dirname(f.path)));
  const best = new Map<string, { n: number; path: string }>();
  for (const f of states) {
    const match = /^checkpoint-(\d+)$/.exec(basename(dirname(f.path)));
    if (!match) continue;
    const parent = dirname(dirname(f.path));
    const n = Number(match[1]);
    const current = best.get(parent);
    if (!current || n > current.n) best.set(parent, { n, path: f.path });
  }
  let dropped = 0;
  const kept = found.filter((f) => {
    if (f.format !== 'hf-trainer-state') return true;
    const match = /^checkpoint-\d+$/.test(basename(dirname(f.path)));
    if (!match) return true;
    const parent = dirname(dirname(f.path));
    const keep = !direct.has(parent) && best.get(parent)?.path === f.path;
    if (!keep) dropped++;
    return keep;
  });
  if (dropped) notes?.push(`left out ${dropped} trainer_state.json copies in checkpoint-* directories (each is a prefix of a later one)`);
  return kept;
}
