/** Temp directories and collector contexts for the collector tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { CollectContext } from '../../src/collect/context.js';
import { RunGraph } from '../../src/prov/graph.js';

export const BASE = 'https://example.org/runs/1/';

/** A function making temp directories named `reprov-<name>-…`, all removed after the file's tests. */
export function tempDirs(name: string): () => string {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  return () => {
    const dir = mkdtempSync(join(tmpdir(), `reprov-${name}-`));
    dirs.push(dir);
    return dir;
  };
}

/** A fresh graph under BASE, with its run node, working in `cwd`. */
export function collectContext(cwd: string, env: NodeJS.ProcessEnv = {}): CollectContext {
  const graph = new RunGraph(BASE);
  return { graph, run: graph.node('run'), cwd, env };
}
