/**
 * `scan` as the library offers it: finds the source files, reduces each to facts with the
 * analyzer of its language (each loaded only when a file of its language is present), runs the
 * scan rules in force on them, drops suppressed findings, and scores each file as check scores a
 * bundle. The result has check's shape (one entry per file), so check's reporters and gate serve.
 */
import { readFileSync } from 'node:fs';
import { RULES } from '../../rules/index.js';
import { SCAN_RULES } from '../../rules/scan/index.js';
import { evaluateGate, type GateResult } from '../check/check.js';
import { redactText } from '../collect/redact.js';
import { checkRuleIds, isIgnored, loadConfig, ruleSettingsFor, type LoadedConfig, type RuleSetting } from '../check/config.js';
import { categoryScores, score } from '../check/score.js';
import type { BundleResult, CheckResult, Finding, RuleResult } from '../check/types.js';
import type { FileFacts, Language } from './facts.js';
import { findSources, type SourceFile } from './files.js';
import { scanInput, type ScanRule } from './rule.js';
import { findSuppressions, isSuppressed } from './suppressions.js';

export interface ScanOptions {
  /** Configuration file; default: found by walking up from the working directory (the one check uses). */
  config?: string;
  failOn?: 'error' | 'warning' | 'none';
  maxWarnings?: number;
  /** Directory the configuration is found from and relative paths (and reported file names) are taken against; default: the working directory. */
  cwd?: string;
}

export interface ScanFilesOptions {
  rules?: readonly ScanRule[];
  /** Rule settings for a file (from the configuration); default: every rule at its own severity. */
  settingsFor?: (file: string) => Record<string, RuleSetting>;
}

type Analyze = (text: string, file: string) => Promise<FileFacts> | FileFacts;
const analyzers = new Map<Language, Promise<Analyze>>();

/** The analyzer of a language, loaded on first use: a scan of Python files never loads ts-morph, and the other way round. */
function analyzerFor(language: Language): Promise<Analyze> {
  let analyzer = analyzers.get(language);
  if (!analyzer) {
    analyzer = language === 'python'
      ? import('./python.js').then((m) => m.analyzePython)
      : import('./typescript.js').then((m) => {
          const typescript = new m.TypeScriptAnalyzer();
          return (text, file) => typescript.analyze(text, file);
        });
    analyzers.set(language, analyzer);
  }
  return analyzer;
}

/** Scans files and directories (`.` by default in the CLI) with the configuration, and applies the gate. */
export async function scanSources(paths: readonly string[], options: ScanOptions = {}): Promise<{ result: CheckResult; gate: GateResult; loaded: LoadedConfig }> {
  const cwd = options.cwd ?? process.cwd();
  const loaded = loadConfig(options.config, { cwd });
  checkRuleIds(loaded, [...RULES, ...SCAN_RULES].map((r) => r.meta.id));
  const files = findSources(paths, cwd).filter((f) => !isIgnored(loaded, f.file, cwd));
  const result = await scanFiles(files, { settingsFor: (file) => ruleSettingsFor(loaded, file, cwd) });
  const gate = evaluateGate(result, {
    failOn: options.failOn ?? loaded.config.failOn ?? 'error',
    maxWarnings: options.maxWarnings ?? loaded.config.maxWarnings,
  });
  return { result, gate, loaded };
}

/** Scans the given files. A file that cannot be read or does not parse becomes an entry of `errors` (file:line:column: problem); the others are still scanned. */
export async function scanFiles(files: readonly SourceFile[], options: ScanFilesOptions = {}): Promise<CheckResult> {
  const rules = options.rules ?? SCAN_RULES;
  const result: CheckResult = { bundles: [], errors: [] };
  for (const source of files) {
    let text: string;
    try {
      text = readFileSync(source.path, 'utf8').replace(/^\uFEFF/, '');
    } catch (error) {
      result.errors.push({ file: source.file, message: `${source.file}: cannot read: ${(error as Error).message}` });
      continue;
    }
    const facts = await (await analyzerFor(source.language))(text, source.file);
    if (facts.syntaxError) {
      const { at, message } = facts.syntaxError;
      result.errors.push({ file: source.file, message: `${source.file}:${at.line}:${at.column}: syntax error: ${message}; the file was not scanned` });
      continue;
    }
    result.bundles.push(scanFacts(source.file, facts, text, rules, options.settingsFor?.(source.file) ?? {}));
  }
  return result;
}

/** Runs the rules on one file's facts: the rules of other languages do not apply. */
export function scanFacts(file: string, facts: FileFacts, text: string, rules: readonly ScanRule[], settings: Record<string, RuleSetting> = {}): BundleResult {
  const input = scanInput(facts);
  const suppressions = findSuppressions(text);
  const results: RuleResult[] = [];
  for (const rule of rules) {
    const { meta } = rule;
    const severity = settings[meta.id] ?? meta.severity;
    if (severity === 'off') continue;
    if (!meta.languages.includes(facts.language)) {
      results.push({ rule: meta, severity, applies: false, reason: `the rule reads ${meta.languages.join(' and ')} files only`, findings: [] });
      continue;
    }
    const findings: Finding[] = rule
      .check(input)
      .filter((hit) => !isSuppressed(suppressions, hit.at.line, meta.id))
      // A message quotes code, and code can hold a credential (a URL with a password).
      .map((hit) => ({ rule: meta.id, category: meta.category, severity, focus: redactText(hit.focus), message: redactText(hit.message), fix: meta.fix, location: { file, ...hit.at } }));
    results.push({ rule: meta, severity, applies: true, findings });
  }
  return { file, score: score(results), categories: categoryScores(results), findings: results.flatMap((r) => r.findings), rules: results };
}
