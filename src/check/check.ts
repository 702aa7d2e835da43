/** `check` as the library offers it: configuration, rules and engine put together, and the CI gate. */
import { RULES } from '../../rules/index.js';
import { checkRuleIds, isIgnored, loadConfig, ruleSettingsFor, secretPatternsOf, shapePaths, type LoadedConfig } from './config.js';
import { userShapeRules } from './user-shapes.js';
import { Checker, collectOutcomes, type CheckOutcome } from './engine.js';
import { checkInWorkers, defaultJobs } from './parallel.js';
import type { CheckResult, Rule } from './types.js';
import { secretsRule } from '../../rules/RPV-X001.js';
import { RECORDED_SCAN_RULES } from './recorded-scan.js';
import { UserError } from '../user-error.js';

export interface CheckOptions {
  /** Configuration file; default: found by walking up from the working directory. */
  config?: string;
  minScore?: number;
  failOn?: 'error' | 'warning' | 'none';
  maxWarnings?: number;
  /** Worker threads to check bundles with (default: one per core when there are many bundles; see defaultJobs). */
  jobs?: number;
}

export interface GateResult {
  passed: boolean;
  reasons: string[];
}

/** The rules in force: the built-in ones, with the secrets rule taking the configured extra patterns, then one per node shape of the configured shape files, then the scan rules over findings recorded with the run. */
export function rulesFor(loaded: LoadedConfig): Rule[] {
  const extra = secretPatternsOf(loaded.config);
  const builtIn = RULES.map((rule) => (rule.meta.id === 'RPV-X001' && extra.length ? secretsRule(extra) : rule));
  return [...builtIn, ...userShapeRules(shapePaths(loaded)), ...RECORDED_SCAN_RULES];
}

/** The Checker a configuration describes: its rules, severities, ignores and extra shapes. */
export function checkerFor(loaded: LoadedConfig): Checker {
  return new Checker({
    rules: rulesFor(loaded),
    settingsFor: (file) => ruleSettingsFor(loaded, file),
    isIgnored: (file) => isIgnored(loaded, file),
  });
}

export async function checkBundles(paths: readonly string[], options: CheckOptions = {}): Promise<{ result: CheckResult; gate: GateResult; loaded: LoadedConfig }> {
  const loaded = loadConfig(options.config);
  checkRuleIds(loaded, rulesFor(loaded).map((r) => r.meta.id));
  const checker = checkerFor(loaded);
  const files = checker.files(paths);
  const jobs = options.jobs ?? defaultJobs(files.length);
  let outcomes: CheckOutcome[];
  if (jobs > 1) {
    // Standard input can be read once, and by this thread only.
    const stdin = files.includes('-') ? await checker.checkFile('-') : undefined;
    const checked = await checkInWorkers(files.filter((f) => f !== '-'), jobs, { config: options.config }, new Map(checker.rules.map((r) => [r.meta.id, r.meta])));
    let next = 0;
    outcomes = files.map((f) => (f === '-' ? stdin! : checked[next++]!));
  } else {
    outcomes = [];
    for (const file of files) outcomes.push(await checker.checkFile(file));
  }
  const result = collectOutcomes(outcomes);
  const gate = evaluateGate(result, {
    minScore: options.minScore ?? loaded.config.minScore,
    failOn: options.failOn ?? loaded.config.failOn ?? 'error',
    maxWarnings: options.maxWarnings ?? loaded.config.maxWarnings,
  });
  return { result, gate, loaded };
}

/** Exit 1 conditions: findings at or above `failOn`, more warnings than allowed, or a score below the minimum. */
export function evaluateGate(result: CheckResult, options: Omit<CheckOptions, 'config'>): GateResult {
  const findings = result.bundles.flatMap((b) => b.findings);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  const reasons: string[] = [];
  if (options.failOn === 'error' && errors) reasons.push(`${errors} error finding${errors === 1 ? '' : 's'}`);
  if (options.failOn === 'warning' && errors + warnings) reasons.push(`${errors + warnings} finding${errors + warnings === 1 ? '' : 's'} at warning or above`);
  if (options.maxWarnings !== undefined && warnings > options.maxWarnings) reasons.push(`${warnings} warnings (at most ${options.maxWarnings} allowed)`);
  if (options.minScore !== undefined) {
    for (const bundle of result.bundles) {
      if (bundle.score !== null && bundle.score < options.minScore) reasons.push(`${bundle.file} scores ${bundle.score}, below ${options.minScore}`);
    }
  }
  return { passed: reasons.length === 0, reasons };
}

export function ruleById(id: string): Rule {
  const rule = RULES.find((r) => r.meta.id === id.toUpperCase());
  if (!rule) throw new UserError(`unknown rule '${id}'; \`reprov rules\` lists them`);
  return rule;
}
