/** The Markdown report (a pull-request comment): tables, PASS/FAIL, escaping of what comes from bundles. */
import { describe, expect, it } from 'vitest';
import { codeSpan, escapeMarkdown, renderMarkdown } from '../../src/report/markdown.js';
import { finding, fixture } from './fixture.js';

/** The cells of a GFM table row, split on unescaped pipes (as GitHub does, code spans included). */
function cells(row: string): string[] {
  expect(row.startsWith('| ') && row.endsWith(' |')).toBe(true);
  return row
    .slice(2, -2)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

describe('renderMarkdown', () => {
  const md = renderMarkdown(fixture());
  const lines = md.split('\n');

  it('starts with a heading and the summary', () => {
    expect(lines[0]).toBe('## reprov check');
    expect(lines[2]).toBe('2 errors, 2 warnings, 2 infos in 2 bundles; lowest score 44; 1 input could not be read. 1 bundle fails the gate (errors fail).');
  });

  it('has a table of bundles with score and a text PASS/FAIL marker, and no emoji', () => {
    const header = lines.indexOf('| Bundle | Score | Result | Errors | Warnings | Infos |');
    expect(header).toBeGreaterThan(0);
    expect(cells(lines[header + 2]!)).toEqual(['`runs/a/prov.json`', '44', '**FAIL**', '2', '1', '1']);
    expect(cells(lines[header + 3]!)).toEqual(['`runs/b dir/prov.ttl`', '94', 'PASS', '0', '1', '1']);
    expect(md).not.toMatch(/\p{Extended_Pictographic}/u);
  });

  it('judges PASS/FAIL by failOn and minScore', () => {
    const withMin = renderMarkdown(fixture(), { minScore: 95 });
    expect(withMin).toContain('| `runs/b dir/prov.ttl` | 94 | **FAIL** |');
    expect(withMin).toContain('2 bundles fail the gate (errors fail, scores below 95 fail).');
    expect(renderMarkdown(fixture(), { failOn: 'warning' })).toContain('2 bundles fail the gate (warnings and errors fail).');
    expect(renderMarkdown(fixture(), { failOn: 'none' })).toContain('All bundles pass the gate (no finding fails).');
  });

  it('lists each bundle\'s findings in a table, sorted, focus in a code span, cells escaped', () => {
    const start = lines.indexOf('### `runs/a/prov.json`: score 44');
    expect(lines[start + 2]).toBe('| Severity | Rule | Focus | Message |');
    const rows = lines.slice(start + 4, start + 8).map(cells);
    expect(rows.map((r) => r.length)).toEqual([4, 4, 4, 4]);
    expect(rows.map((r) => `${r[0]} ${r[1]}`)).toEqual(['error RPV-S001', 'error RPV-X001', 'warning RPV-D001', 'info RPV-H001']);
    expect(rows[0]).toEqual(['error', 'RPV-S001', '`run:train`', 'no seed is recorded for the run &amp; its children']);
    // `|` and backticks in a message are escaped and do not split the cell; `<` `>` do not open HTML; `_` does not emphasise.
    expect(rows[2]![3]).toBe('input \\`train.csv\\` has no content hash \\| columns a\\|b');
    expect(rows[1]![3]).toBe('the environment variable WANDB\\_API\\_KEY holds what looks like a token &lt;redacted&gt;');
  });

  it('puts the fixes in a collapsible <details>', () => {
    const open = lines.indexOf('<details><summary>How to fix (4 findings)</summary>');
    expect(open).toBeGreaterThan(0);
    const close = lines.indexOf('</details>', open);
    expect(lines.slice(open + 2, close - 1)).toEqual([
      '- **RPV-S001** `run:train`: Record what RPV-S001 asks for.',
      '- **RPV-X001** `env:WANDB_API_KEY`: Record what RPV-X001 asks for.',
      '- **RPV-D001** `data:train.csv`: add a sha256 checksum (spdx:checksum) to \\`data:train.csv\\`',
      '- **RPV-H001** `run:train`: Record what RPV-H001 asks for.',
    ]);
    expect(lines[open + 1]).toBe('');
    expect(lines[close - 1]).toBe('');
  });

  it('lists inputs that could not be read', () => {
    expect(md).toContain('### Inputs that could not be read\n\n- `runs/c/prov.json`: /entity/e1: expected an object, found a string\n');
    expect(md.endsWith('\n')).toBe(true);
  });

  it('keeps a focus with pipes and backticks in one cell, verbatim in its code span', () => {
    const result = fixture();
    result.bundles[1]!.findings = [finding('RPV-E001', 'ex:a`b|c', 'line one\nline two | more')];
    const row = renderMarkdown(result)
      .split('\n')
      .find((l) => l.startsWith('| warning | RPV-E001'))!;
    expect(cells(row)).toEqual(['warning', 'RPV-E001', '``ex:a`b\\|c``', 'line one line two \\| more']);
  });

  it('caps the findings listed per bundle', () => {
    const result = fixture();
    result.bundles[0]!.findings = Array.from({ length: 5 }, (_, i) => finding('RPV-S001', `run:r${i}`, `no seed ${i}`));
    const out = renderMarkdown(result, { maxFindingsPerBundle: 2, title: 'Provenance | check', headingLevel: 3 });
    expect(out.startsWith('### Provenance \\| check\n')).toBe(true);
    expect(out).toContain('#### `runs/a/prov.json`: score 44');
    expect(out).toContain('… and 3 more findings (see the full report).');
    expect(out.match(/^\| error \| RPV-S001/gm)).toHaveLength(2);
  });

  it('says when a bundle has no findings or no score', () => {
    const result = fixture();
    result.bundles[1] = { ...result.bundles[1]!, findings: [], score: null };
    const out = renderMarkdown(result);
    expect(out).toContain('### `runs/b dir/prov.ttl`: no score\n\nNo findings.\n');
    expect(out).toContain('| `runs/b dir/prov.ttl` | n/a | PASS | 0 | 0 | 0 |');
  });
});

describe('escapeMarkdown and codeSpan', () => {
  it('escape what would start Markdown or HTML', () => {
    expect(escapeMarkdown('a|b `c` *d* _e_ [f](g) <h> & \\ #i ~j~')).toBe(
      'a\\|b \\`c\\` \\*d\\* \\_e\\_ \\[f\\](g) &lt;h&gt; &amp; \\\\ \\#i \\~j\\~',
    );
    expect(escapeMarkdown('one\r\ntwo\n\nthree')).toBe('one two three');
  });

  it('fence code spans longer than any backtick run inside', () => {
    expect(codeSpan('run:a')).toBe('`run:a`');
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('a``b`')).toBe('``` a``b` ```');
    expect(codeSpan('a|b')).toBe('`a\\|b`');
  });
});
