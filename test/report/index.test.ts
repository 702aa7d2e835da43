/** render picks the reporter by format name. */
import { describe, expect, it } from 'vitest';
import { render, REPORT_FORMATS } from '../../src/report/index.js';
import { reprov } from '../support/cli.js';
import { renderJson } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import { fixture, RULES } from './fixture.js';

describe('render', () => {
  it('check and scan offer every format there is, and no other', () => {
    for (const command of ['check', 'scan']) {
      const choices = /--format <format>[\s\S]*?\(choices: ([^)]*), default/.exec(reprov([command, '--help']).stdout)?.[1];
      expect(choices?.replace(/\s+/g, ' ').split(', ').map((c) => JSON.parse(c) as string), command).toEqual([...REPORT_FORMATS]);
    }
  });

  it('gives what each reporter gives, with the options that reporter reads', () => {
    const options = { color: true, rules: RULES, failOn: 'warning' as const, minScore: 90, toolVersion: '1.2.3' };
    expect(render('text', fixture(), options)).toBe(renderText(fixture(), options));
    expect(render('json', fixture(), options)).toBe(renderJson(fixture(), options));
    expect(render('sarif', fixture(), options)).toBe(renderSarif(fixture(), options));
    expect(render('markdown', fixture(), options)).toBe(renderMarkdown(fixture(), options));
    expect(render('junit', fixture(), options)).toBe(renderJunit(fixture(), options));
  });

  it('renders an empty result in every format', () => {
    for (const format of REPORT_FORMATS) expect(render(format, { bundles: [], errors: [] }).length).toBeGreaterThan(0);
    expect(render('text', { bundles: [], errors: [] })).toBe('0 errors, 0 warnings in 0 bundles\n');
  });
});
