/**
 * The reproducibility score. Every rule that applies to a bundle carries its weight; a rule with
 * findings loses its weight times its severity's factor (error 1, warning 0.5, info 0). The score
 * is 100 × (1 − lost / total) over the rules that apply, rounded; a category's score is the same
 * over that category's rules. Rules that do not apply (no GPU, no data input) count for nothing,
 * and a bundle to which no rule applies has no score (null).
 */
import type { Category, RuleResult, Severity } from './types.js';

export const SEVERITY_FACTOR: Record<Severity, number> = { error: 1, warning: 0.5, info: 0 };

export const SCORE_FORMULA =
  'score = round(100 × (1 − Σ lost / Σ weight)) over the rules that apply; a rule with findings loses weight × (error 1, warning 0.5, info 0)';

export function score(results: readonly RuleResult[]): number | null {
  let total = 0;
  let lost = 0;
  for (const result of results) {
    if (!result.applies) continue;
    total += result.rule.weight;
    if (result.findings.length) lost += result.rule.weight * SEVERITY_FACTOR[result.severity];
  }
  return total === 0 ? null : Math.round(100 * (1 - lost / total));
}

export function categoryScores(results: readonly RuleResult[]): Partial<Record<Category, number | null>> {
  const byCategory = new Map<Category, RuleResult[]>();
  for (const result of results) byCategory.set(result.rule.category, [...(byCategory.get(result.rule.category) ?? []), result]);
  return Object.fromEntries([...byCategory].map(([category, list]) => [category, score(list)]));
}
