/** `check` as the library offers it: configuration, rules and engine put together, and the CI gate. */
import { RULES } from '../../rules/index.js';
import { checkRuleIds, isIgnored, loadConfig, ruleSettingsFor, secretPatternsOf, shapePaths, type LoadedConfig } from './config.js';
import { userShapeRules } from './user-shapes.js';
import { Checker } from './engine.js';
import { collectOutcomes, defaultJobs, runInWorkers, type Outcome } from './worker-pool.js';
import type { CheckResult, Rule, RuleMeta } from './types.js';
import { secretsRule } from '../../rules/RPV-X001.js';
import { RECORDED_SCAN_RULES } from './recorded-scan.js';
import { UserError } from '../base/user-error.js';
import { importerModules } from '../io/bundle-importers.js';
import { findBundles } from '../io/find-bundles.js';
import type { LoadedBundle } from '../io/load-bundle.js';
import type { BundleStore } from './bundle-store.js';
import { evaluateGate, gateOptionsOf, type GateOptions, type GateResult } from './gate.js';

export interface CheckOptions extends GateOptions {
  /** Configuration file; default: found by walking up from the working directory. */
  config?: string;
  /** Worker threads to check bundles with (default: {@link defaultJobs}, {@link BUNDLES_PER_WORKER}). */
  jobs?: number;
  /** Read invalid UTF-8 with U+FFFD in place and a warning, instead of refusing the bundle. */
  lenient?: boolean;
}


/** The rules in force: the built-in ones, with the secrets rule taking the configured extra patterns, then one per node shape of the configured shape files, then the scan rules over findings recorded with the run. */
export function rulesFor(loaded: LoadedConfig): Rule[] {
  const extra = secretPatternsOf(loaded.config);
  const builtIn = RULES.map((rule) => (rule.meta.id === 'RPV-X001' && extra.length ? secretsRule(extra) : rule));
  return [...builtIn, ...userShapeRules(shapePaths(loaded)), ...RECORDED_SCAN_RULES];
}

const CHECK_WORKER = new URL('./worker.js', import.meta.url);
/**
 * Bundles a check worker must get to pay back its start-up: it loads n3, rdf-stores, shacl-engine
 * and the rules and compiles the shapes, 0.55-1 s of CPU, what 11-20 varied bundles cost at ~52 ms
 * each (bench/jobs.mjs; the CLI's --jobs help says the same number).
 */
export const BUNDLES_PER_WORKER = 16;

/** The Checker a configuration describes: its rules, severities, ignores and extra shapes. */
export function checkerFor(loaded: LoadedConfig, options: { lenient?: boolean } = {}): Checker {
  return new Checker({
    rules: rulesFor(loaded),
    settingsFor: (file) => ruleSettingsFor(loaded, file),
    isIgnored: (file) => isIgnored(loaded, file),
    lenient: options.lenient,
  });
}

export interface CheckedBundles {
  result: CheckResult;
  gate: GateResult;
  /** The gate as applied: the options, else the configuration, else the defaults. */
  gateOptions: GateOptions;
  /** The rules in force (built-in, the configuration's shapes, recorded scan findings). */
  rules: readonly RuleMeta[];
  loaded: LoadedConfig;
}

export async function checkBundles(paths: readonly string[], options: CheckOptions = {}): Promise<CheckedBundles> {
  const loaded = loadConfig(options.config);
  const checker = checkerFor(loaded, { lenient: options.lenient });
  checkRuleIds(loaded, checker.rules.map((r) => r.meta.id));
  // A path that names no bundle is an input error, not a pass: a gate that found nothing to check fails (exit 2).
  const nothing: Outcome[] = [];
  const files = paths.flatMap((path) => {
    const found = checker.files([path]);
    if (!found.length) nothing.push({ file: path, message: `${path}: no bundle to check (${nothingFound(path)})` });
    return found;
  });
  const jobs = options.jobs ?? defaultJobs(CHECK_WORKER, files.length, BUNDLES_PER_WORKER);
  let outcomes: Outcome[];
  if (jobs > 1) {
    // Standard input can be read once, and by this thread only.
    const stdin = files.includes('-') ? await checker.checkFile('-') : undefined;
    const metas = new Map(checker.rules.map((r) => [r.meta.id, r.meta]));
    const checked = await runInWorkers(CHECK_WORKER, files.filter((f) => f !== '-'), jobs, { config: options.config, importers: importerModules(), lenient: options.lenient }, metas);
    let next = 0;
    outcomes = files.map((f) => (f === '-' ? stdin! : checked[next++]!));
  } else {
    outcomes = await checker.checkFiles(files);
  }
  const result = collectOutcomes([...nothing, ...outcomes]);
  const gateOptions = gateOptionsOf(options, loaded);
  return { result, gate: evaluateGate(result, gateOptions), gateOptions, rules: checker.rules.map((r) => r.meta), loaded };
}

/**
 * Checks a bundle the caller has already read into `store` (`reprov report`: the page and the check
 * share one parse), under the configuration, as checkBundles would check its file.
 */
export async function checkLoaded(bundle: LoadedBundle, store: BundleStore, options: Pick<CheckOptions, 'config'> = {}): Promise<{ result: CheckResult; rules: readonly RuleMeta[] }> {
  const loaded = loadConfig(options.config);
  const checker = checkerFor(loaded);
  checkRuleIds(loaded, checker.rules.map((r) => r.meta.id));
  const rules = checker.rules.map((r) => r.meta);
  if (isIgnored(loaded, bundle.file)) return { result: collectOutcomes([{ file: bundle.file, message: `${bundle.file}: no bundle to check (${nothingFound(bundle.file)})` }]), rules };
  let outcome: Outcome;
  try {
    outcome = await checker.checkStore(store, bundle, bundle.warnings);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    outcome = { file: bundle.file, message: error.message };
  }
  return { result: collectOutcomes([outcome]), rules };
}

/** Why a path gave no bundle file: an empty directory, or every bundle in it ignored by the configuration. */
function nothingFound(path: string): string {
  const all = findBundles(path);
  if (all.length) return `the configuration ignores ${all.length === 1 ? 'the one bundle' : `all ${all.length} bundles`} here`;
  return 'no prov*.json, prov*.ttl, prov*.trig, prov*.nt, prov*.nq, prov*.jsonld or *.provjson file in this directory';
}

export function ruleById(id: string): Rule {
  const rule = RULES.find((r) => r.meta.id === id.toUpperCase());
  if (!rule) throw new UserError(`unknown rule '${id}'; \`reprov rules\` lists them`);
  return rule;
}
