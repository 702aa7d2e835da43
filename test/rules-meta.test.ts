/** Every rule is documented the same way, and its documented examples behave as documented. */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, SEVERITIES } from '../src/check/types.js';
import { RULES } from '../rules/index.js';
import { runRule } from './support/rules.js';

describe.each(RULES.map((r) => [r.meta.id, r] as const))('%s', (id, rule) => {
  it('has complete metadata and its own test file', () => {
    const { meta } = rule;
    expect(meta.id).toMatch(/^RPV-[A-Z]\d{3}$/);
    expect(CATEGORIES).toContain(meta.category);
    expect(SEVERITIES).toContain(meta.severity);
    expect(meta.weight).toBeGreaterThan(0);
    for (const text of [meta.title, meta.description, meta.why, meta.fix]) expect(text.length).toBeGreaterThan(10);
    expect(existsSync(new URL(`../rules/${id}.test.ts`, import.meta.url))).toBe(true);
    if (meta.shape) expect(existsSync(new URL(`../shapes/${meta.shape}`, import.meta.url))).toBe(true);
  });

  it('fails its documented failing example and passes its documented passing one', async () => {
    const { files } = rule.meta.example;
    const baseDir = files ? mkdtempSync(join(tmpdir(), 'reprov-example-')) : undefined;
    for (const [path, content] of Object.entries(files ?? {})) {
      mkdirSync(dirname(join(baseDir!, path)), { recursive: true });
      writeFileSync(join(baseDir!, path), content);
    }
    const failing = await runRule(rule, rule.meta.example.failing, { baseDir });
    expect(failing.applies && failing.findings.length).toBeGreaterThan(0);
    const passing = await runRule(rule, rule.meta.example.passing, { baseDir });
    expect(passing).toEqual({ applies: true, findings: [] });
  });
});

it('rule ids are unique', () => {
  expect(new Set(RULES.map((r) => r.meta.id)).size).toBe(RULES.length);
});

describe('the rule set as the README states it', () => {
  it('the README names how many rules check runs, and the number is the rule set\'s', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`against ${RULES.length} rules`);
  });
});
