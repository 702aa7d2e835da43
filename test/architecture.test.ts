/**
 * The layering of DESIGN.md (.dependency-cruiser.cjs): a module imports only from its own layer or
 * those below it, so redaction, confinement and the output writer stay the one base every
 * collector, importer, rule and reporter uses. An import that points back up fails here.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './support/cli.js';

interface Violation { from: string; to: string; rule: { name: string } }

const cruise = (...paths: string[]): Violation[] => {
  let out: string;
  try {
    out = execFileSync(join(REPO, 'node_modules/.bin/depcruise'), [...paths, '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 << 20 });
  } catch (error) {
    // depcruise exits non-zero when it finds violations; the JSON is still on stdout.
    out = (error as { stdout: string }).stdout;
  }
  return (JSON.parse(out) as { summary: { violations: Violation[] } }).summary.violations;
};

describe('layering', () => {
  it('no module imports from a layer above its own', () => {
    expect(cruise('src', 'rules').map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  });

  it('an import from base up into run is caught', () => {
    const dir = mkdtempSync(join(REPO, 'src/base/arch-probe-'));
    try {
      writeFileSync(join(dir, 'upward.ts'), "import { record } from '../../run/record.js';\nexport const upward = record;\n");
      const found = cruise(relative(REPO, join(dir, 'upward.ts')));
      expect(found.map((v) => v.rule.name)).toContain('base-imports-up');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
