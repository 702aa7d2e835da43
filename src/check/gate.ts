/** The CI gate of check and scan: whether findings and scores pass, and why not. */
import type { LoadedConfig } from './config.js';
import type { CheckResult } from './types.js';

export interface GateOptions {
  minScore?: number;
  failOn?: 'error' | 'warning' | 'none';
  maxWarnings?: number;
}

/** The gate to apply: each option as given, else as the configuration sets it; findings fail from `error` by default. */
export function gateOptionsOf(options: GateOptions, loaded: LoadedConfig): GateOptions {
  return {
    minScore: options.minScore ?? loaded.config.minScore,
    failOn: options.failOn ?? loaded.config.failOn ?? 'error',
    maxWarnings: options.maxWarnings ?? loaded.config.maxWarnings,
  };
}

export interface GateResult {
  passed: boolean;
  reasons: string[];
}

/** Exit 1 conditions: findings at or above `failOn`, more warnings than allowed, or a score below the minimum. */
export function evaluateGate(result: CheckResult, options: GateOptions): GateResult {
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

