/**
 * The check engine: reads a bundle into an indexed store, runs SHACL once for every rule shape,
 * runs each rule, and scores the result. Shapes are compiled once per Checker and bundles are
 * checked one after another on that one compiled set.
 */
import { dirname } from 'node:path';
import { findBundles } from '../io/find-bundles.js';
import { readInputText } from '../io/read.js';
import { parseBundleInto } from '../io/load-bundle.js';
import { UserError } from '../base/user-error.js';
import { formatDiagnostic, type Diagnostic } from '../base/diagnostics.js';
import { categoryScores, score } from './score.js';
import { ShapeSet } from './shacl.js';
import { BundleStore } from './bundle-store.js';
import { collectOutcomes, type Outcome } from './worker-pool.js';
import { SEVERITIES, type BundleResult, type CheckInput, type CheckResult, type Rule, type RuleResult, type Severity } from './types.js';

export type { RuleSetting } from './config.js';
import type { RuleSetting } from './config.js';

export interface CheckerOptions {
  rules: readonly Rule[];
  /** Rule settings for a bundle (from the configuration); default: every rule at its own severity. */
  settingsFor?: (file: string) => Record<string, RuleSetting>;
  /** Bundles not to check. */
  isIgnored?: (file: string) => boolean;
  /** Read invalid UTF-8 with U+FFFD in place and a warning, instead of refusing the bundle. */
  lenient?: boolean;
}

/** The less severe of two severities. */
function milder(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b;
}

export class Checker {
  private readonly shapes: ShapeSet;

  get rules(): readonly Rule[] {
    return this.options.rules;
  }

  constructor(private readonly options: CheckerOptions) {
    const files = options.rules.map((r) => r.meta.shape).filter((f): f is string => !!f);
    this.shapes = new ShapeSet([...new Set(files)]);
  }

  /** Checks one bundle's text. Throws ProvInputError when it cannot be read. */
  async checkText(text: string, file: string, baseDir?: string, readWarnings: readonly Diagnostic[] = []): Promise<BundleResult> {
    const store = new BundleStore();
    const { prefixes, warnings: parseWarnings = [] } = await parseBundleInto(store, text, file, baseDir);
    return this.checkStore(store, { prefixes, file, baseDir }, [...readWarnings, ...parseWarnings]);
  }

  /** Checks a bundle already read into a store (`reprov report` reads it once for its page and the check). */
  async checkStore(store: BundleStore, bundle: { prefixes: Record<string, string>; file: string; baseDir?: string }, readWarnings: readonly Diagnostic[] = []): Promise<BundleResult> {
    const { prefixes, file, baseDir } = bundle;
    const warnings = readWarnings.map(formatDiagnostic);
    const input: CheckInput = { store, prefixes, file, baseDir, violations: await this.shapes.validate(store) };
    const settings = this.options.settingsFor?.(file) ?? {};
    const rules: RuleResult[] = [];
    for (const rule of this.options.rules) {
      const setting = settings[rule.meta.id] ?? rule.meta.severity;
      if (setting === 'off') continue;
      const outcome = await rule.check(input);
      // A finding the rule itself rates below the rule's severity (RPV-M004: an absent file is a warning) keeps the lower of the two.
      const findings = outcome.applies ? outcome.findings.map((f) => ({ ...f, severity: f.severity === rule.meta.severity ? setting : milder(f.severity, setting) })) : [];
      // The rule loses its weight at its worst finding's severity (the setting when it has none).
      const severity = findings.length ? findings.reduce((worst, f) => milder(worst, f.severity) === worst ? f.severity : worst, findings[0]!.severity) : setting;
      rules.push({ rule: rule.meta, severity, applies: outcome.applies, reason: outcome.applies ? undefined : outcome.reason, findings });
    }
    return { file, score: score(rules), categories: categoryScores(rules), findings: rules.flatMap((r) => r.findings), rules, ...(warnings.length && { warnings }) };
  }

  /** The bundle files `paths` name (directories searched recursively; `-` is standard input), ignored ones left out. */
  files(paths: readonly string[]): string[] {
    return paths.flatMap((path) => (path === '-' ? ['-'] : findBundles(path))).filter((file) => !this.options.isIgnored?.(file));
  }

  /** Checks one bundle file (`-` reads standard input); an unreadable or invalid one becomes an error entry. */
  async checkFile(file: string): Promise<Outcome> {
    const name = file === '-' ? '<stdin>' : file;
    try {
      const readWarnings: Diagnostic[] = [];
      const text = await readInputText(file, { lenient: this.options.lenient, warnings: readWarnings });
      return await this.checkText(text, name, file === '-' ? process.cwd() : dirname(file), readWarnings);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      return { file: name, message: error.message };
    }
  }

  /** Checks bundle files one after another, in this thread. */
  async checkFiles(files: readonly string[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    for (const file of files) outcomes.push(await this.checkFile(file));
    return outcomes;
  }

  /** Checks files and directories (searched recursively for bundles). Unreadable inputs become errors; the rest are still checked. */
  async check(paths: readonly string[]): Promise<CheckResult> {
    return collectOutcomes(await this.checkFiles(this.files(paths)));
  }
}
