/**
 * What `npm pack` ships is enough to run: every module the built CLI and library import, and every
 * file they read at run time (shapes, schemas, JSON-LD contexts, the tree-sitter grammar comes from
 * its own package). A missing directory in package.json "files" breaks every install, not one test.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './support/cli.js';

const packed = (): Set<string> => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return new Set((JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path));
};

describe('the npm package', () => {
  const files = packed();

  it('holds every module the built code imports, and the bin', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string>; main: string };
    const missing: string[] = [];
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      if (!files.has(file)) return void missing.push(file);
      const text = readFileSync(join(REPO, file), 'utf8');
      // The library's ES modules (tsc) and the CLI bundle's CommonJS chunks (esbuild).
      for (const [, , spec] of text.matchAll(/(?:from\s+|import\(|require\()\s*(['"])(\.{1,2}\/[^'"]+)\1/g)) visit(normalize(join(dirname(file), spec!)));
    };
    for (const entry of [...Object.values(pkg.bin), pkg.main, 'dist/src/check/worker.js', 'dist/src/scan/worker.js']) visit(normalize(entry));
    expect(missing).toEqual([]);
    expect(seen.size).toBeGreaterThan(100);
  });

  it('holds the data files the code reads at run time', () => {
    for (const file of ['shapes/RPV-C004.ttl', 'shapes/reprov-vocabulary.ttl', 'schemas/prov-json.schema.json', 'schemas/reprov-config.schema.json', 'schemas/check-report.schema.json', 'contexts/index.json']) {
      expect(files.has(file), file).toBe(true);
    }
    expect([...files].some((f) => f.endsWith('.test.js') || f.startsWith('test/') || f.startsWith('dist/test/'))).toBe(false);
  });

  it('holds the Python instrumentation `record` puts on PYTHONPATH (source: it is not compiled)', () => {
    for (const file of ['src/instrument/python/sitecustomize.py', 'src/instrument/python/reprov/__init__.py', 'src/instrument/python/reprov/_core.py', 'src/instrument/python/reprov/_boot.py']) {
      expect(files.has(file), file).toBe(true);
    }
    expect([...files].some((f) => f.startsWith('src/') && !f.endsWith('.py'))).toBe(false);
  });
});
