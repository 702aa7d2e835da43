/**
 * The JUnit XML report of `reprov check`, for CI dashboards (GitLab, Jenkins, Azure, CircleCI).
 * One <testsuite> per bundle, one <testcase> per rule that ran: a failure when the rule has
 * findings at or above `failOn`, skipped when the rule does not apply (with the reason), passed
 * otherwise; findings below `failOn` go to the test case's <system-out>. An input that could not
 * be read is a suite with one test case in error.
 */
import type { BundleResult, CheckResult, Finding, RuleResult } from '../check/types.js';
import { atOrAbove, categoryEntries, compare, findingPlace, SEVERITY_RANK, sortFindings, type FailOn } from './common.js';

export interface JunitOptions {
  /** Findings at or above this severity fail their test case (default `error`; `none`: none fails); the others are written to <system-out>. */
  failOn?: FailOn;
}

/** Text for XML: escapes `&`, `<`, `>`, drops characters XML 1.0 cannot hold (control characters, lone surrogates, U+FFFE/U+FFFF). */
export function escapeXmlText(text: string): string {
  return stripInvalid(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An attribute value (double-quoted): also escapes quotes, and keeps tabs and newlines as character references so parsers do not normalise them away. */
export function escapeXmlAttribute(text: string): string {
  return escapeXmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

function stripInvalid(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
}

type Attributes = Record<string, string | number>;

function attributes(attrs: Attributes): string {
  return Object.entries(attrs)
    .map(([name, value]) => ` ${name}="${escapeXmlAttribute(String(value))}"`)
    .join('');
}

export function renderJunit(result: CheckResult, options: JunitOptions = {}): string {
  const failOn: FailOn = options.failOn ?? 'error';
  const suites = result.bundles.map((bundle) => suite(bundle, failOn));
  const errorSuites = result.errors.map((error) => ({
    counts: { tests: 1, failures: 0, errors: 1, skipped: 0 },
    xml: [
      `  <testsuite${attributes({ name: error.file, tests: 1, failures: 0, errors: 1, skipped: 0 })}>`,
      `    <testcase${attributes({ classname: 'input', name: 'read the bundle' })}>`,
      `      <error${attributes({ message: error.message, type: 'unreadable' })}>${escapeXmlText(error.message)}</error>`,
      '    </testcase>',
      '  </testsuite>',
    ],
  }));
  const all = [...suites, ...errorSuites];
  const total = (key: 'tests' | 'failures' | 'errors' | 'skipped'): number => all.reduce((sum, s) => sum + s.counts[key], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: 'reprov check', tests: total('tests'), failures: total('failures'), errors: total('errors'), skipped: total('skipped') })}>`,
    ...all.flatMap((s) => s.xml),
    '</testsuites>',
    '',
  ].join('\n');
}

/**
 * `tests` counts every test case, the skipped ones included (as JUnit, Surefire and the dashboards
 * that read them count: passed = tests − failures − errors − skipped).
 */
function suite(bundle: BundleResult, failOn: FailOn): { counts: Record<'tests' | 'failures' | 'errors' | 'skipped', number>; xml: string[] } {
  const rules = [...bundle.rules].sort((a, b) => compare(a.rule.id, b.rule.id));
  const known = new Set(rules.map((r) => r.rule.id));
  // Findings of rules missing from `rules` (should not happen) still show, as their own test cases.
  const orphans = new Map<string, Finding[]>();
  for (const f of bundle.findings) if (!known.has(f.rule)) orphans.set(f.rule, [...(orphans.get(f.rule) ?? []), f]);

  let failures = 0;
  let skipped = 0;
  const cases: string[] = [];
  for (const r of rules) {
    const outcome = testcase(r.rule.category, `${r.rule.id} ${r.rule.title}`, r.applies ? r.findings : undefined, r, failOn);
    if (outcome.failed) failures++;
    if (!r.applies) skipped++;
    cases.push(...outcome.xml);
  }
  for (const [id, findings] of [...orphans].sort(([a], [b]) => compare(a, b))) {
    const outcome = testcase(findings[0]?.category ?? 'provenance', id, findings, undefined, failOn);
    if (outcome.failed) failures++;
    cases.push(...outcome.xml);
  }
  const counts = { tests: rules.length + orphans.size, failures, errors: 0, skipped };
  const properties = [
    '    <properties>',
    `      <property${attributes({ name: 'score', value: bundle.score === null ? 'n/a' : bundle.score })}/>`,
    ...categoryEntries(bundle).map(([category, value]) => `      <property${attributes({ name: `score.${category}`, value: value === null ? 'n/a' : value })}/>`),
    '    </properties>',
  ];
  return {
    counts,
    xml: [`  <testsuite${attributes({ name: bundle.file, ...counts })}>`, ...properties, ...cases, '  </testsuite>'],
  };
}

function testcase(
  classname: string,
  name: string,
  findings: Finding[] | undefined,
  rule: RuleResult | undefined,
  failOn: FailOn,
): { failed: boolean; xml: string[] } {
  const open = `    <testcase${attributes({ classname, name })}`;
  if (findings === undefined) {
    return { failed: false, xml: [`${open}>`, `      <skipped${attributes({ message: rule?.reason ?? 'does not apply' })}/>`, '    </testcase>'] };
  }
  if (findings.length === 0) return { failed: false, xml: [`${open}/>`] };
  const sorted = sortFindings(findings);
  const failing = sorted.filter((f) => atOrAbove(f.severity, failOn));
  const rest = sorted.filter((f) => !atOrAbove(f.severity, failOn));
  const xml = [`${open}>`];
  if (failing.length > 0) {
    const worst = failing.reduce((a, b) => (SEVERITY_RANK[b.severity] < SEVERITY_RANK[a.severity] ? b : a));
    const message = failing.length === 1 ? worst.message : `${failing.length} findings; first: ${worst.message}`;
    xml.push(`      <failure${attributes({ message, type: worst.severity })}>${escapeXmlText(findingLines(failing))}</failure>`);
  }
  if (rest.length > 0) xml.push(`      <system-out>${escapeXmlText(findingLines(rest))}</system-out>`);
  xml.push('    </testcase>');
  return { failed: failing.length > 0, xml };
}

function findingLines(findings: Finding[]): string {
  return findings.map((f) => `${f.severity} ${f.rule} ${findingPlace(f)}: ${f.message}${f.fix ? `\n  fix: ${f.fix}` : ''}`).join('\n');
}
