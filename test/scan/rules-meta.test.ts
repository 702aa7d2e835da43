/** Every scan rule is documented like a check rule, and its documented code examples behave as documented. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { SCAN_RULES } from '../../rules/scan/index.js';
import { CATEGORIES, SEVERITIES } from '../../src/check/types.js';
import { hitsOf } from './support.js';

describe.each(SCAN_RULES.map((r) => [r.meta.id, r] as const))('%s', (id, rule) => {
  it('has complete metadata, an id in its category\'s 1xx range, and its own test file', () => {
    const { meta } = rule;
    expect(meta.id).toMatch(/^RPV-[STD]1\d\d$/);
    expect({ S: 'randomness', T: 'determinism', D: 'data' }[meta.id[4]!]).toBe(meta.category);
    expect(CATEGORIES).toContain(meta.category);
    expect(SEVERITIES).toContain(meta.severity);
    expect(meta.weight).toBeGreaterThan(0);
    expect(meta.languages).toContain(meta.example.language);
    for (const text of [meta.title, meta.description, meta.why, meta.fix]) expect(text.length).toBeGreaterThan(10);
    expect(existsSync(new URL(`../../rules/scan/${id}.test.ts`, import.meta.url))).toBe(true);
  });

  it('finds its documented failing example and nothing in its passing one', async () => {
    expect((await hitsOf(rule, rule.meta.example.failing, rule.meta.example.language)).length).toBeGreaterThan(0);
    expect(await hitsOf(rule, rule.meta.example.passing, rule.meta.example.language)).toEqual([]);
  });
});

it('scan rule ids are unique and distinct from check rule ids', () => {
  const ids = [...RULES, ...SCAN_RULES].map((r) => r.meta.id);
  expect(new Set(ids).size).toBe(ids.length);
});
