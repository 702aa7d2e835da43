/** The README's check example behaves as the README says. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reprov } from '../support/cli.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README: check, read, fix, re-check', () => {
  it('the failing bundle fails with the findings the README shows', () => {
    const result = reprov(['check', 'examples/check/before']);
    expect(result.status).toBe(1);
    for (const rule of ['RPV-C002', 'RPV-C005', 'RPV-D001', 'RPV-S001', 'RPV-P002', 'RPV-T001']) {
      expect(result.stdout).toContain(rule);
      expect(readme).toContain(rule);
    }
    expect(result.stdout).toContain('score 70');
    expect(readme).toContain('score 70');
    expect(result.stdout).toContain('3 errors, 3 warnings in 1 bundle; lowest score 70');
  });

  it('the fixed bundle passes the gate', () => {
    const result = reprov(['check', 'examples/check/after', '--min-score', '90']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('score 100');
  });
});

describe('check on real recordings and bad input', () => {
  it('checks good bundles and reports an unreadable one on one line, exit 2', () => {
    const result = reprov(['check', 'examples/check/after', 'package.json', '-f', 'json']);
    expect(result.status).toBe(2);
    expect(JSON.parse(result.stdout).bundles).toHaveLength(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toBe("reprov: package.json:/name: unknown top-level key 'name'\n");
  });

  it('refuses an unknown rule in explain with exit 2', () => {
    const result = reprov(['explain', 'RPV-Z999']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("reprov: unknown rule 'RPV-Z999'; `reprov rules` lists them\n");
  });
});
