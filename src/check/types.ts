/** The vocabulary of `reprov check`: rules, findings, scores and results. */
import type { BundleStore } from './bundle-store.js';
import type { ShaclViolation } from './shacl.js';

export const CATEGORIES = [
  'randomness', 'determinism', 'data', 'code', 'environment', 'dependencies', 'hardware', 'provenance', 'secrets',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What a rule is, as `reprov rules` lists it and `reprov explain` prints it. */
export interface RuleMeta {
  /** Stable id, e.g. `RPV-S001` (S randomness/seeds, T determinism, D data, C code, E environment, P dependencies, H hardware, M provenance, X secrets). */
  id: string;
  title: string;
  category: Category;
  severity: Severity;
  /** Share of the score this rule carries (see README, "Score"). */
  weight: number;
  /** What it checks. */
  description: string;
  /** Why it matters for reproducing the run. */
  why: string;
  /** How to fix a finding. */
  fix: string;
  /**
   * A bundle (Turtle) that fails the rule, and the same bundle fixed; `files` are files beside the
   * bundle (path relative to it -> content) for rules that read them.
   */
  example: { failing: string; passing: string; files?: Readonly<Record<string, string>> };
  /** SHACL shape file in shapes/ that implements the rule, when it is one. */
  shape?: string;
}

export interface Finding {
  rule: string;
  category: Category;
  severity: Severity;
  /** The PROV identifier of the node concerned, as a qualified name where a prefix fits, else the IRI. */
  focus: string;
  message: string;
  fix: string;
  /** Where in source code the hazard is (findings of `reprov scan`); line and column from 1. */
  location?: { file: string; line: number; column: number };
}

/** What a rule looks at: one bundle as an indexed RDF store. */
export interface CheckInput {
  store: BundleStore;
  prefixes: Record<string, string>;
  /** File the bundle came from (`<stdin>` for standard input). */
  file: string;
  /** Directory files named by the bundle (metric files, artifacts) are resolved against; undefined when unknown. */
  baseDir?: string;
  /** SHACL results for this bundle (every shape, once); shape rules pick theirs by rule id. */
  violations: ShaclViolation[];
}

/** A rule either does not apply (with the reason) or returns its findings. */
export type RuleOutcome = { applies: false; reason: string } | { applies: true; findings: Finding[] };

export interface Rule {
  meta: RuleMeta;
  check(input: CheckInput): RuleOutcome | Promise<RuleOutcome>;
}

export interface RuleResult {
  rule: RuleMeta;
  /** Severity after configuration; with findings, that of its worst finding (what the score charges). */
  severity: Severity;
  applies: boolean;
  reason?: string;
  findings: Finding[];
}

export interface BundleResult {
  file: string;
  /** 0-100, or null when no rule applies. */
  score: number | null;
  categories: Partial<Record<Category, number | null>>;
  findings: Finding[];
  rules: RuleResult[];
  /** What reading the bundle changed that a person should know (`file:line:col: duplicate key …`), one line each. */
  warnings?: string[];
}

export interface CheckResult {
  bundles: BundleResult[];
  /** Inputs that could not be read: one line each. */
  errors: { file: string; message: string }[];
}
