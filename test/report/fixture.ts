/**
 * A hand-built CheckResult for the report tests: two bundles, findings of several categories and
 * all three severities, a rule that does not apply, and an input that could not be read.
 * Scores follow src/check/score.ts (error 1, warning 0.5, info 0).
 */
import type { BundleResult, CheckResult, Finding, RuleMeta, RuleResult } from '../../src/check/types.js';

function meta(id: string, title: string, category: RuleMeta['category'], severity: RuleMeta['severity'], weight: number): RuleMeta {
  return {
    id,
    title,
    category,
    severity,
    weight,
    description: `Checks that ${title.toLowerCase()}.`,
    why: `Without it, a rerun of ${id} cannot be compared.`,
    fix: `Record what ${id} asks for.`,
    example: { failing: '', passing: '' },
  };
}

export const RULES: RuleMeta[] = [
  meta('RPV-S001', 'The run records its random seed', 'randomness', 'error', 10),
  meta('RPV-D001', 'Input data is pinned by a content hash', 'data', 'warning', 6),
  meta('RPV-D002', 'Data splits are recorded', 'data', 'warning', 4),
  meta('RPV-C001', 'Code is committed', 'code', 'error', 8),
  meta('RPV-E001', 'The software environment is recorded', 'environment', 'warning', 5),
  meta('RPV-H001', 'The hardware is recorded', 'hardware', 'info', 2),
  meta('RPV-X001', 'No secret in the bundle', 'secrets', 'error', 10),
];

function rule(id: string): RuleMeta {
  const found = RULES.find((r) => r.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
}

export function finding(id: string, focus: string, message: string, fix?: string): Finding {
  const r = rule(id);
  return { rule: id, category: r.category, severity: r.severity, focus, message, fix: fix ?? r.fix };
}

function results(findings: Finding[], notApplying: Record<string, string>): RuleResult[] {
  return RULES.map((r) =>
    r.id in notApplying
      ? { rule: r, severity: r.severity, applies: false, reason: notApplying[r.id], findings: [] }
      : { rule: r, severity: r.severity, applies: true, findings: findings.filter((f) => f.rule === r.id) },
  );
}

function bundle(file: string, score: number | null, categories: BundleResult['categories'], findings: Finding[], notApplying: Record<string, string> = {}): BundleResult {
  return { file, score, categories, findings, rules: results(findings, notApplying) };
}

/**
 * Bundle A (runs/a/prov.json), rules applying weigh 41: S001 error (−10), D001 warning (−3),
 * X001 error (−10), H001 info (−0); D002 does not apply → 100 × (1 − 23/41) = 44 (rounded).
 * Bundle B (runs/b dir/prov.ttl), all 7 rules apply, weight 45: E001 warning (−2.5), H001 info → 94.
 */
export function fixture(): CheckResult {
  const a = [
    // Out of order on purpose: reports sort them.
    finding('RPV-H001', 'run:train', 'no accelerator is recorded for the run'),
    finding('RPV-D001', 'data:train.csv', 'input `train.csv` has no content hash | columns a|b', 'add a sha256 checksum (spdx:checksum) to `data:train.csv`'),
    finding('RPV-X001', 'env:WANDB_API_KEY', 'the environment variable WANDB_API_KEY holds what looks like a token <redacted>'),
    finding('RPV-S001', 'run:train', 'no seed is recorded for the run & its children'),
  ];
  const b = [
    finding('RPV-H001', 'http://example.org/run/42', 'no accelerator is recorded for the run'),
    finding('RPV-E001', 'http://example.org/run/42', 'no Python version is recorded'),
  ];
  return {
    bundles: [
      bundle(
        'runs/a/prov.json',
        44,
        { randomness: 0, data: 50, code: 100, hardware: 100, environment: 100, secrets: 0 },
        a,
        { 'RPV-D002': 'the run uses no input data' },
      ),
      bundle('runs/b dir/prov.ttl', 94, { randomness: 100, data: 100, code: 100, environment: 50, hardware: 100, secrets: 100 }, b),
    ],
    errors: [{ file: 'runs/c/prov.json', message: 'runs/c/prov.json: /entity/e1: expected an object, found a string' }],
  };
}
