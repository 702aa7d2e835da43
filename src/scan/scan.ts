/**
 * `scan` as the library offers it: finds the source files, reduces each to facts with the
 * analyzer of its language (each loaded only when a file of its language is present), runs the
 * scan rules in force on them, drops suppressed findings, and scores each file as check scores a
 * bundle. The result has check's shape (one entry per file), so check's reporters and gate serve.
 */
import { readFileSync } from 'node:fs';
import { RULES } from '../../rules/index.js';
import { SCAN_RULES } from '../../rules/scan/index.js';
import { evaluateGate, gateOptionsOf, type GateOptions, type GateResult } from '../check/gate.js';
import { redactText } from '../base/redact.js';
import { checkRuleIds, isIgnored, loadConfig, ruleSettingsFor, type LoadedConfig, type RuleSetting } from '../check/config.js';
import { categoryScores, score } from '../check/score.js';
import type { BundleResult, CheckResult, Finding, RuleResult } from '../check/types.js';
import { collectOutcomes, defaultJobs, runInWorkers, type Outcome } from '../check/worker-pool.js';
import type { FileFacts, Language } from './facts.js';
import { findSources, type SourceFile } from './files.js';
import { scanInput, type ScanRule } from './rule.js';
import { findSuppressions, isSuppressed } from './suppressions.js';
import { UserError } from '../base/user-error.js';

export interface ScanOptions {
  /** Configuration file; default: found by walking up from the working directory (the one check uses). */
  config?: string;
  failOn?: 'error' | 'warning' | 'none';
  maxWarnings?: number;
  /** Directory the configuration is found from and relative paths (and reported file names) are taken against; default: the working directory. */
  cwd?: string;
  /** Worker threads (default: {@link defaultJobs}, {@link FILES_PER_WORKER}; 1 scans in this thread). */
  jobs?: number;
  /** Resolve with an empty result when the paths hold no source file (default: throw a NothingToScanError: a gate that scanned nothing did not pass). */
  allowNoFiles?: boolean;
}

/** The paths hold no Python, TypeScript or JavaScript file (after ignores): nothing was scanned, which is not a pass (exit 2). */
export class NothingToScanError extends UserError {}

/** What a scan worker (src/scan/worker.ts) starts from: the parent's configuration and directory. */
export interface ScanWorkerData {
  config?: string;
  cwd: string;
}

const SCAN_WORKER = new URL('./worker.js', import.meta.url);
/**
 * Files a scan worker must get to pay back its start-up: loading tree-sitter costs ~0.38 s of CPU
 * and 150-line Python files ~5 ms each, TypeScript ~0.7 s and ~9 ms; either way ~75 files
 * (bench/jobs.mjs; the CLI's --jobs help says the same number).
 */
export const FILES_PER_WORKER = 75;

/** Each file's rule settings under a loaded configuration. */
export function settingsFrom(loaded: LoadedConfig, cwd: string): (file: string) => Record<string, RuleSetting> {
  return (file) => ruleSettingsFor(loaded, file, cwd);
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
export async function scanSources(paths: readonly string[], options: ScanOptions = {}): Promise<{ result: CheckResult; gate: GateResult; gateOptions: GateOptions; loaded: LoadedConfig }> {
  const cwd = options.cwd ?? process.cwd();
  const loaded = loadConfig(options.config, { cwd });
  checkRuleIds(loaded, [...RULES, ...SCAN_RULES].map((r) => r.meta.id));
  const found = findSources(paths, cwd);
  const files = found.filter((f) => !isIgnored(loaded, f.file, cwd));
  if (!files.length && !options.allowNoFiles) {
    const why = found.length ? `the configuration ignores all ${found.length} source files there` : 'no Python, TypeScript or JavaScript file there (.gitignore honoured)';
    throw new NothingToScanError(`scan: nothing to scan in ${paths.join(', ')}: ${why}`);
  }
  const jobs = options.jobs ?? defaultJobs(SCAN_WORKER, files.length, FILES_PER_WORKER);
  const result = jobs > 1
    ? collectOutcomes(await runInWorkers(SCAN_WORKER, files, jobs, { config: options.config, cwd } satisfies ScanWorkerData, new Map(SCAN_RULES.map((r) => [r.meta.id, r.meta]))))
    : await scanFiles(files, { settingsFor: settingsFrom(loaded, cwd) });
  // Scores of source files are shown, not gated on: the configuration's minScore is check's.
  const gateOptions: GateOptions = { ...gateOptionsOf(options, loaded), minScore: undefined };
  return { result, gate: evaluateGate(result, gateOptions), gateOptions, loaded };
}

/** Scans the given files. A file that cannot be read or does not parse becomes an entry of `errors` (file:line:column: problem); the others are still scanned. */
export async function scanFiles(files: readonly SourceFile[], options: ScanFilesOptions = {}): Promise<CheckResult> {
  const outcomes: Outcome[] = [];
  for (const source of files) outcomes.push(await scanFile(source, options));
  return collectOutcomes(outcomes);
}

/** Scans one file: its result, or the one-line error it gives (it cannot be read, it does not parse). */
export async function scanFile(source: SourceFile, options: ScanFilesOptions = {}): Promise<Outcome> {
  let text: string;
  try {
    text = readFileSync(source.path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    return { file: source.file, message: `${source.file}: cannot read: ${(error as Error).message}` };
  }
  let facts: FileFacts;
  try {
    facts = await (await analyzerFor(source.language))(text, source.file);
  } catch (error) {
    // The parsers and the walks over their trees recurse: a file nested thousands of levels deep exhausts the stack.
    if (!(error instanceof RangeError)) throw error;
    return { file: source.file, message: `${source.file}: nested too deeply to analyse (${error.message.toLowerCase()}); the file was not scanned` };
  }
  if (facts.syntaxError) {
    const { at, message } = facts.syntaxError;
    return { file: source.file, message: `${source.file}:${at.line}:${at.column}: syntax error: ${message}; the file was not scanned` };
  }
  return scanFacts(source.file, facts, text, options.rules ?? SCAN_RULES, options.settingsFor?.(source.file) ?? {});
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
