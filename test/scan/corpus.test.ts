/**
 * The fixture corpus (fixtures/scan): realistic training scripts, each hazard with a failing and a
 * passing version. Every line that must be reported says so (`# expect: RPV-S101`); the scanner
 * must report exactly those lines and rules, no more (precision) and no fewer (recall).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCAN_RULES } from '../../rules/scan/index.js';
import { languageOf } from '../../src/scan/files.js';
import { scanFiles } from '../../src/scan/scan.js';
import { REPO } from '../support/cli.js';

const ROOT = join(REPO, 'fixtures', 'scan');
const FILES = ['python', 'ts'].flatMap((dir) => readdirSync(join(ROOT, dir)).sort().map((name) => `${dir}/${name}`));
const EXPECT = /expect:\s*((?:RPV-[A-Z]\d{3}[,\s]*)+)/;

function expected(text: string): string[] {
  return text.split('\n').flatMap((line, index) => {
    const ids = EXPECT.exec(line)?.[1]?.split(/[,\s]+/).filter(Boolean) ?? [];
    return ids.map((id) => `${index + 1} ${id}`);
  }).sort();
}

describe.each(FILES)('fixtures/scan/%s', (name) => {
  it('is reported exactly on the lines it marks', async () => {
    const path = join(ROOT, name);
    const result = await scanFiles([{ file: name, path, language: languageOf(path)! }]);
    expect(result.errors).toEqual([]);
    const reported = result.bundles[0]!.findings.map((f) => `${f.location!.line} ${f.rule}`).sort();
    expect(reported).toEqual(expected(readFileSync(path, 'utf8')));
  });
});

describe('the corpus', () => {
  const marks = FILES.map((name) => ({ name, marks: expected(readFileSync(join(ROOT, name), 'utf8')) }));

  it('has a failing example of every scan rule', () => {
    const seen = new Set(marks.flatMap((f) => f.marks.map((m) => m.split(' ')[1])));
    expect(SCAN_RULES.map((r) => r.meta.id).filter((id) => !seen.has(id))).toEqual([]);
  });

  it('has passing (correctly seeded or pinned) scripts in both languages', () => {
    const clean = marks.filter((f) => f.marks.length === 0).map((f) => f.name);
    expect(clean.filter((n) => n.startsWith('python/')).length).toBeGreaterThanOrEqual(8);
    expect(clean.filter((n) => n.startsWith('ts/')).length).toBeGreaterThanOrEqual(4);
  });
});
