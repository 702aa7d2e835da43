/** What rule files (rules/*.ts) build on: findings named by PROV id, applicability, shape rules. */
import type { Term } from 'n3';
import { focusName, runs } from './graph-query.js';
import type { CheckInput, Finding, Rule, RuleMeta, RuleOutcome } from './types.js';

export function finding(input: CheckInput, meta: RuleMeta, focus: Term, message: string): Finding {
  return { rule: meta.id, category: meta.category, severity: meta.severity, focus: focusName(input, focus), message, fix: meta.fix };
}

export const notApplicable = (reason: string): RuleOutcome => ({ applies: false, reason });
export const findings = (list: Finding[]): RuleOutcome => ({ applies: true, findings: list });

/** The rule applies to bundles that hold a run; otherwise it says so. */
export function eachRun(input: CheckInput, check: (run: Term) => Finding[]): RuleOutcome {
  const list = runs(input.store);
  return list.length ? findings(list.flatMap(check)) : notApplicable('the bundle records no run (mls:Run)');
}

/**
 * A rule implemented by a SHACL shape in shapes/ (`meta.shape`), whose node shape is named
 * `<https://w3id.org/reprov/shapes#RULE-ID>`: its findings are that shape's results.
 * `applies` says when the rule has something to look at (a run, a GPU, a data input).
 */
export function shapeRule(meta: RuleMeta & { shape: string }, applies: (input: CheckInput) => string | true): Rule {
  return {
    meta,
    check(input) {
      const applicable = applies(input);
      if (applicable !== true) return notApplicable(applicable);
      return findings(input.violations.filter((v) => v.shape === meta.id).map((v) => finding(input, meta, v.focus as Term, v.message)));
    },
  };
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
