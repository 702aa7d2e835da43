/**
 * The text report of `reprov check` (the default, for a terminal), and the `--explain` text of
 * the score. Colour only when asked: the caller decides with `shouldColor`.
 */
import { SCORE_FORMULA, SEVERITY_FACTOR } from '../check/score.js';
import { CATEGORIES, type BundleResult, type Category, type CheckResult, type RuleResult, type Severity } from '../check/types.js';
import { categoryEntries, compare, countBySeverity, findingPlace, messageAfterFile, plural, sortFindings, summaryLine } from './common.js';

export interface TextOptions {
  /** ANSI colours (default false). */
  color?: boolean;
  /** What each entry of the result is, for the summary line (default `bundle`; `file` for scan). */
  unit?: string;
  /** Leave out entries without findings (a scan of many files lists only those with findings). */
  hideClean?: boolean;
  /** Leave out the lines of inputs that could not be read (the CLI writes them to stderr); the summary still counts them. */
  errorsElsewhere?: boolean;
}

/**
 * Whether to colour output written to `stream`: never when NO_COLOR is set (whatever its value,
 * even empty); always when FORCE_COLOR is set (except to `0` or `false`); else only on a terminal.
 */
export function shouldColor(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return stream.isTTY === true;
}

type Paint = (text: string) => string;

interface Palette {
  severity: Record<Severity, Paint>;
  bold: Paint;
  dim: Paint;
  ok: Paint;
  score: (score: number | null) => Paint;
}

const plain: Paint = (text) => text;
const sgr = (open: number, close: number): Paint => (text) => `\u001b[${open}m${text}\u001b[${close}m`;
const red = sgr(31, 39);
const yellow = sgr(33, 39);
const green = sgr(32, 39);
const cyan = sgr(36, 39);

function palette(color: boolean | undefined): Palette {
  if (!color) return { severity: { error: plain, warning: plain, info: plain }, bold: plain, dim: plain, ok: plain, score: () => plain };
  return {
    severity: { error: red, warning: yellow, info: cyan },
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    ok: green,
    score: (score) => (score === null ? plain : score >= 80 ? green : score >= 50 ? yellow : red),
  };
}

const SEVERITY_WIDTH = Math.max(...(['error', 'warning', 'info'] as const).map((s) => s.length));
const FOCUS_ALIGN_MAX = 32;

function scoreText(score: number | null): string {
  return score === null ? 'n/a' : String(score);
}

/**
 * One block per bundle: the file and its score, the category scores on one line, then its
 * findings (error, warning, info; then by rule id), each with its fix on the next line; then the
 * inputs that could not be read, and a summary line.
 */
export function renderText(result: CheckResult, options: TextOptions = {}): string {
  const p = palette(options.color);
  const lines: string[] = [];
  for (const bundle of result.bundles) {
    if (options.hideClean && bundle.findings.length === 0) continue;
    const score = bundle.score === null ? 'no score (no rule applies)' : `score ${bundle.score}`;
    lines.push(`${p.bold(bundle.file)}  ${p.score(bundle.score)(score)}`);
    const categories = categoryEntries(bundle);
    if (categories.length > 0) {
      lines.push(`  ${categories.map(([category, value]) => `${category} ${p.score(value)(scoreText(value))}`).join(', ')}`);
    }
    const findings = sortFindings(bundle.findings);
    if (findings.length === 0) lines.push(`  ${p.dim('no findings')}`);
    const ruleWidth = Math.max(0, ...findings.map((f) => f.rule.length));
    // Focus ids are aligned up to a width, so that one long IRI does not push every message right.
    const focusWidth = Math.min(FOCUS_ALIGN_MAX, Math.max(0, ...findings.map((f) => findingPlace(f).length)));
    for (const finding of findings) {
      const severity = p.severity[finding.severity](finding.severity.padEnd(SEVERITY_WIDTH));
      lines.push(`  ${severity}  ${finding.rule.padEnd(ruleWidth)}  ${findingPlace(finding).padEnd(focusWidth)}  ${oneLine(finding.message)}`);
      if (finding.fix) lines.push(`  ${' '.repeat(SEVERITY_WIDTH + 2)}${p.dim(`fix: ${oneLine(finding.fix)}`)}`);
    }
    lines.push('');
  }
  const errors = options.errorsElsewhere ? [] : result.errors;
  for (const error of errors) lines.push(`${p.severity.error('error'.padEnd(SEVERITY_WIDTH))}  ${errorText(error, p)}`);
  if (errors.length > 0) lines.push('');
  lines.push(p.bold(summaryLine(result, options.unit)));
  return `${lines.join('\n')}\n`;
}

/** An unreadable input: the file, then its message (without the file name the message may start with). */
function errorText(error: { file: string; message: string }, p: Palette): string {
  return `${p.bold(error.file)}: ${oneLine(messageAfterFile(error))}`;
}

/** Newlines inside a message would break the layout: they become spaces. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

export interface ExplainOptions extends TextOptions {
  /** The scoring formula, in words (default: the engine's SCORE_FORMULA). */
  formula?: string;
  /** What a rule with findings loses, as a share of its weight, by its severity (default: the engine's SEVERITY_FACTOR). */
  factors?: Record<Severity, number>;
}

/**
 * The `--explain` text: the formula, then per bundle, category by category, each rule's weight and
 * severity, whether it applied (with the reason when not), whether it passed, and the points it
 * cost the bundle score; then each category's score and the bundle's.
 */
export function explainScore(result: CheckResult, options: ExplainOptions = {}): string {
  const p = palette(options.color);
  const factors = options.factors ?? SEVERITY_FACTOR;
  const lines: string[] = [`${p.bold('Formula')}: ${options.formula ?? SCORE_FORMULA}`, ''];
  for (const bundle of result.bundles) lines.push(...explainBundle(bundle, factors, p), '');
  if (result.bundles.length === 0) lines.push('No bundle was checked.', '');
  const errors = options.errorsElsewhere ? [] : result.errors;
  for (const error of errors) lines.push(`not scored: ${errorText(error, p)}`);
  if (errors.length > 0) lines.push('');
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

function explainBundle(bundle: BundleResult, factors: Record<Severity, number>, p: Palette): string[] {
  const applied = bundle.rules.filter((r) => r.applies);
  const total = applied.reduce((sum, r) => sum + r.rule.weight, 0);
  const lost = (r: RuleResult): number => (r.applies && r.findings.length > 0 ? r.rule.weight * factors[r.severity] : 0);
  const points = (weightLost: number): string => (total === 0 || weightLost === 0 ? '0 points' : `−${round1((100 * weightLost) / total)} points`);

  const lines = [`${p.bold(bundle.file)}: ${bundle.score === null ? 'no score (no rule applies)' : `score ${bundle.score}`}`];
  if (total > 0) lines.push(`  rules that apply weigh ${round1(total)} in all; a rule's points are 100 × its weight lost / ${round1(total)}`);
  const byCategory = new Map<Category, RuleResult[]>();
  for (const r of bundle.rules) byCategory.set(r.rule.category, [...(byCategory.get(r.rule.category) ?? []), r]);
  const idWidth = Math.max(0, ...bundle.rules.map((r) => r.rule.id.length));
  const weightWidth = Math.max(0, ...bundle.rules.map((r) => round1(r.rule.weight).length));
  for (const category of CATEGORIES) {
    const rules = (byCategory.get(category) ?? []).sort((a, b) => compare(a.rule.id, b.rule.id));
    if (rules.length === 0) continue;
    const value = bundle.categories[category];
    const categoryLost = rules.reduce((sum, r) => sum + lost(r), 0);
    const categoryWeight = rules.filter((r) => r.applies).reduce((sum, r) => sum + r.rule.weight, 0);
    lines.push(
      `  ${p.bold(category)}: ${value === undefined || value === null ? 'n/a (no rule applies)' : `${value}`}` +
        (categoryWeight > 0 ? `  (lost ${round1(categoryLost)} of weight ${round1(categoryWeight)})` : ''),
    );
    for (const r of rules) {
      const head = `    ${r.rule.id.padEnd(idWidth)}  weight ${round1(r.rule.weight).padStart(weightWidth)}  ${r.severity.padEnd(SEVERITY_WIDTH)}`;
      if (!r.applies) {
        lines.push(`${head}  ${p.dim(`does not apply${r.reason ? `: ${oneLine(r.reason)}` : ''}; not counted`)}`);
        continue;
      }
      if (r.findings.length === 0) {
        lines.push(`${head}  ${p.ok('passed')}`);
        continue;
      }
      const factor = factors[r.severity];
      const cost = lost(r);
      lines.push(
        `${head}  ${p.severity[r.severity]('failed')} (${plural(r.findings.length, 'finding')})` +
          `  lost weight ${round1(cost)} (${round1(r.rule.weight)} × ${factor})  ${points(cost)}`,
      );
    }
  }
  const counts = countBySeverity(bundle.findings);
  lines.push(
    `  ${p.bold('bundle score')}: ${bundle.score === null ? 'n/a (no rule applies)' : bundle.score}` +
      `  (${plural(applied.length, 'rule')} applied, ${bundle.rules.length - applied.length} did not;` +
      ` ${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.info, 'info')})`,
  );
  return lines;
}

/** At most one decimal, no trailing `.0`. */
function round1(value: number): string {
  return String(Math.round(value * 10) / 10);
}
