/** The text report, its colours and shouldColor, and the --explain text of the score. */
import { describe, expect, it } from 'vitest';
import { categoryScores, score } from '../../src/check/score.js';
import { explainScore, renderText, shouldColor } from '../../src/report/text.js';
import { fixture } from './fixture.js';

const ESC = '\u001b[';

describe('the fixture', () => {
  it('has the scores the engine computes from its rule results', () => {
    for (const bundle of fixture().bundles) {
      expect(bundle.score).toBe(score(bundle.rules));
      expect(bundle.categories).toEqual(categoryScores(bundle.rules));
    }
  });
});

describe('renderText', () => {
  const text = renderText(fixture());
  const lines = text.split('\n');

  it('has no colour unless asked', () => {
    expect(text).not.toContain(ESC);
  });

  it('gives each bundle its file, score and category scores', () => {
    expect(lines).toContain('runs/a/prov.json  score 44');
    expect(lines).toContain('  randomness 0, data 50, code 100, environment 100, hardware 100, secrets 0');
    expect(lines).toContain('runs/b dir/prov.ttl  score 94');
  });

  it('sorts findings by severity then rule id, each with its fix on the next line', () => {
    const start = lines.indexOf('runs/a/prov.json  score 44');
    const block = lines.slice(start + 2, start + 10);
    expect(block.filter((_, i) => i % 2 === 0).map((l) => l.trim().split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'error RPV-S001',
      'error RPV-X001',
      'warning RPV-D001',
      'info RPV-H001',
    ]);
    expect(block[0]).toBe('  error    RPV-S001  run:train          no seed is recorded for the run & its children');
    expect(block[1]).toBe('           fix: Record what RPV-S001 asks for.');
    expect(block.filter((_, i) => i % 2 === 1).every((l) => /^ {11}fix: /.test(l))).toBe(true);
  });

  it('lists unreadable inputs once, without repeating the file name, and ends with the summary line', () => {
    expect(lines).toContain('error    runs/c/prov.json: /entity/e1: expected an object, found a string');
    expect(lines.at(-2)).toBe('2 errors, 2 warnings, 2 infos in 2 bundles; lowest score 44; 1 input could not be read');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('keeps one finding on one line when its message has newlines', () => {
    const result = fixture();
    result.bundles[0]!.findings[0]!.message = 'first line\nsecond line';
    const out = renderText(result);
    expect(out).toContain('  info     RPV-H001  run:train          first line second line\n');
  });

  it('says "no findings" for a clean bundle, and uses singulars', () => {
    const result = fixture();
    const clean = { ...result.bundles[1]!, findings: [], rules: result.bundles[1]!.rules.map((r) => ({ ...r, findings: [] })), score: 100 };
    const out = renderText({ bundles: [clean], errors: [] });
    expect(out).toContain('  no findings');
    expect(out.trimEnd().split('\n').at(-1)).toBe('0 errors, 0 warnings in 1 bundle; lowest score 100');
  });

  it('colours severities and scores when asked, and the text is the same once colours are stripped', () => {
    const coloured = renderText(fixture(), { color: true });
    expect(coloured).toContain(`${ESC}31merror  ${ESC}39m`);
    expect(coloured).toContain(`${ESC}33mwarning${ESC}39m`);
    expect(coloured).toContain(`${ESC}36minfo   ${ESC}39m`);
    expect(coloured).toContain(`${ESC}1mruns/a/prov.json${ESC}22m`);
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(text);
  });
});

describe('shouldColor', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  it('follows the stream when neither NO_COLOR nor FORCE_COLOR is set', () => {
    expect(shouldColor(tty, {})).toBe(true);
    expect(shouldColor(pipe, {})).toBe(false);
    expect(shouldColor({}, {})).toBe(false);
  });
  it('never colours when NO_COLOR is set, whatever its value (even empty), and over FORCE_COLOR', () => {
    expect(shouldColor(tty, { NO_COLOR: '1' })).toBe(false);
    expect(shouldColor(tty, { NO_COLOR: '' })).toBe(false);
    expect(shouldColor(tty, { NO_COLOR: '0' })).toBe(false);
    expect(shouldColor(tty, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
  });
  it('colours a pipe when FORCE_COLOR is set, except to 0 or false', () => {
    expect(shouldColor(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldColor(pipe, { FORCE_COLOR: '' })).toBe(true);
    expect(shouldColor(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(shouldColor(tty, { FORCE_COLOR: 'false' })).toBe(false);
  });
  it('treats an unset variable (undefined) as absent', () => {
    expect(shouldColor(tty, { NO_COLOR: undefined })).toBe(true);
  });
});

describe('explainScore', () => {
  const text = explainScore(fixture(), { formula: 'score = the formula under test' });
  const lines = text.split('\n');

  it('prints the formula it is given first', () => {
    expect(lines[0]).toBe('Formula: score = the formula under test');
  });

  it("shows each rule's weight, severity, and whether it passed, failed or did not apply (with the reason)", () => {
    expect(lines).toContain('    RPV-C001  weight  8  error    passed');
    expect(lines).toContain('    RPV-D002  weight  4  warning  does not apply: the run uses no input data; not counted');
    expect(lines.find((l) => l.startsWith('    RPV-S001  weight 10  error    failed (1 finding)'))).toBeDefined();
  });

  it('shows the points a failed rule cost, from its weight, its severity factor and the weight of the rules that apply', () => {
    const a = lines.slice(0, lines.indexOf('runs/b dir/prov.ttl: score 94'));
    expect(a).toContain('  rules that apply weigh 41 in all; a rule\'s points are 100 × its weight lost / 41');
    // 100 × 10 / 41 = 24.4; a warning loses half its weight: 100 × 3 / 41 = 7.3; an info loses nothing.
    expect(a.find((l) => l.includes('RPV-S001'))).toMatch(/lost weight 10 \(10 × 1\)  −24\.4 points$/);
    expect(a.find((l) => l.includes('RPV-D001'))).toMatch(/lost weight 3 \(6 × 0\.5\)  −7\.3 points$/);
    expect(a.find((l) => l.includes('RPV-H001'))).toMatch(/lost weight 0 \(2 × 0\)  0 points$/);
  });

  it('shows the category scores and the bundle score from the result', () => {
    expect(lines).toContain('  data: 50  (lost 3 of weight 6)');
    expect(lines).toContain('  secrets: 0  (lost 10 of weight 10)');
    expect(lines).toContain('  environment: 50  (lost 2.5 of weight 5)');
    expect(lines).toContain('  bundle score: 44  (6 rules applied, 1 did not; 2 errors, 1 warning, 1 info)');
    expect(lines).toContain('  bundle score: 94  (7 rules applied, 0 did not; 0 errors, 1 warning, 1 info)');
  });

  it('uses the factors it is given, and names inputs that were not scored', () => {
    const strict = explainScore(fixture(), { factors: { error: 1, warning: 1, info: 1 } });
    expect(strict).toMatch(/RPV-H001 .*lost weight 2 \(2 × 1\)  −4\.9 points/);
    expect(strict).toContain('not scored: runs/c/prov.json: /entity/e1: expected an object, found a string');
  });

  it('defaults to the engine\'s formula, and says so when no rule applies', () => {
    const none = fixture().bundles[0]!;
    const result = { bundles: [{ ...none, score: null, categories: {}, findings: [], rules: none.rules.map((r) => ({ ...r, applies: false, reason: 'no run', findings: [] })) }], errors: [] };
    const out = explainScore(result);
    expect(out.split('\n')[0]).toMatch(/^Formula: score = /);
    expect(out).toContain('runs/a/prov.json: no score (no rule applies)');
  });
});
