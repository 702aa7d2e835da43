/** Findings located in source code (reprov scan): every report names file, line and column. */
import { describe, expect, it } from 'vitest';
import type { CheckResult, Finding } from '../../src/check/types.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { fingerprint, FINGERPRINT_KEY, toSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import { toJsonReport } from '../../src/report/json.js';

const at = (line: number, column: number): Finding => ({
  rule: 'RPV-S102', category: 'randomness', severity: 'error', focus: 'numpy.random.rand', message: 'numpy.random.rand() draws unseeded', fix: 'seed it',
  location: { file: 'src/train.py', line, column },
});

function result(findings: Finding[]): CheckResult {
  return { bundles: [{ file: 'src/train.py', score: 80, categories: { randomness: 0 }, findings, rules: [] }, { file: 'src/clean.py', score: 100, categories: {}, findings: [], rules: [] }], errors: [] };
}

describe('located findings', () => {
  const r = result([at(30, 5), at(12, 9)]);

  it('text: file:line:column in place of the focus, in line order; clean files hidden on request; the unit named', () => {
    const text = renderText(r, { unit: 'file', hideClean: true });
    expect(text.indexOf('src/train.py:12:9')).toBeGreaterThan(0);
    expect(text.indexOf('src/train.py:12:9')).toBeLessThan(text.indexOf('src/train.py:30:5'));
    expect(text).not.toContain('src/clean.py');
    expect(text.trimEnd().split('\n').at(-1)).toBe('2 errors, 0 warnings in 2 files; lowest score 80');
    expect(renderText(r)).toContain('src/clean.py  score 100');
  });

  it('SARIF: a region with line and column, and distinct fingerprints for two findings of one rule and focus', () => {
    const results = toSarif(r).runs[0]!.results;
    expect(results.map((x) => x.locations[0]!.physicalLocation.region)).toEqual([{ startLine: 12, startColumn: 9 }, { startLine: 30, startColumn: 5 }]);
    const prints = results.map((x) => x.partialFingerprints[FINGERPRINT_KEY]);
    expect(prints).toEqual([fingerprint('RPV-S102', 'numpy.random.rand', 'src/train.py'), fingerprint('RPV-S102', 'numpy.random.rand', 'src/train.py', 1)]);
    expect(prints[0]).not.toBe(prints[1]);
  });

  it('JSON, Markdown and JUnit carry the location', () => {
    expect(toJsonReport(r).bundles[0]!.findings[0]!.location).toEqual({ file: 'src/train.py', line: 12, column: 9 });
    expect(renderMarkdown(r, { unit: 'file', title: 'reprov scan' })).toContain('| error | RPV-S102 | `src/train.py:12:9` |');
    expect(renderJunit(r)).toContain('error RPV-S102 src/train.py:12:9: numpy.random.rand() draws unseeded');
  });
});
