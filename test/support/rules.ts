/** Running one rule on a Turtle bundle, as the engine would. */
import { Parser } from 'n3';
import { BundleStore } from '../../src/check/bundle-store.js';
import { ShapeSet } from '../../src/check/shacl.js';
import type { CheckInput, Rule, RuleOutcome } from '../../src/check/types.js';
import { RUN_PREFIXES } from '../../src/prov/vocabulary.js';

const PREAMBLE = Object.entries(RUN_PREFIXES).map(([p, iri]) => `@prefix ${p}: <${iri}> .`).join('\n') + '\n';
const shapeSets = new Map<string, ShapeSet>();

/** The rule's outcome on `turtle` (the run prefixes — prov, reprov, mls, schema, spdx, dcat, … — are predeclared). */
export async function runRule(rule: Rule, turtle: string, options: { baseDir?: string } = {}): Promise<RuleOutcome> {
  const quads = new Parser().parse(PREAMBLE + turtle);
  const store = new BundleStore(quads);
  let violations: CheckInput['violations'] = [];
  if (rule.meta.shape) {
    if (!shapeSets.has(rule.meta.shape)) shapeSets.set(rule.meta.shape, new ShapeSet([rule.meta.shape]));
    violations = await shapeSets.get(rule.meta.shape)!.validate(store);
  }
  return rule.check({ store, prefixes: { ...RUN_PREFIXES, r: 'urn:r/' }, file: 'bundle.ttl', baseDir: options.baseDir, violations });
}

/** The focus names of the findings, or `not applicable: <reason>`. */
export async function focuses(rule: Rule, turtle: string, options?: { baseDir?: string }): Promise<string[] | string> {
  const outcome = await runRule(rule, turtle, options);
  return outcome.applies ? outcome.findings.map((f) => f.focus) : `not applicable: ${outcome.reason}`;
}
