/**
 * The JUnit XML report: parsed back with a small strict XML reader (well-formedness: nesting,
 * quoting, entities) and, where libxml2's xmllint is installed, checked by it too.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { escapeXmlAttribute, escapeXmlText, renderJunit } from '../../src/report/junit.js';
import { finding, fixture } from './fixture.js';

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, where: string): string {
  if (/[<]/.test(raw)) throw new Error(`raw < in ${where}`);
  return raw.replace(/&([^;]*);?/g, (match, body: string) => {
    if (!match.endsWith(';')) throw new Error(`unterminated entity in ${where}: ${match}`);
    if (body in ENTITIES) return ENTITIES[body]!;
    if (/^#[0-9]+$/.test(body)) return String.fromCodePoint(Number(body.slice(1)));
    if (/^#x[0-9a-fA-F]+$/.test(body)) return String.fromCodePoint(parseInt(body.slice(2), 16));
    throw new Error(`unknown entity in ${where}: ${match}`);
  });
}

/** A strict reader for the XML this reporter writes: a declaration, elements, attributes, text; no comments, CDATA or DTD. */
function parseXml(xml: string): XmlElement {
  const declaration = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/;
  if (!declaration.test(xml)) throw new Error('no XML declaration');
  let rest = xml.replace(declaration, '');
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack = [root];
  const token = /^(?:<\/([A-Za-z][\w.-]*)\s*>|<([A-Za-z][\w.-]*)((?:\s+[A-Za-z][\w.-]*="[^"]*")*)\s*(\/?)>|([^<]+))/;
  while (rest.length > 0) {
    const m = token.exec(rest);
    if (!m) throw new Error(`not well-formed at: ${rest.slice(0, 40)}`);
    rest = rest.slice(m[0].length);
    const top = stack.at(-1)!;
    if (m[1]) {
      if (top.name !== m[1]) throw new Error(`</${m[1]}> closes <${top.name}>`);
      stack.pop();
    } else if (m[2]) {
      const attrs: Record<string, string> = {};
      for (const a of m[3]!.matchAll(/([A-Za-z][\w.-]*)="([^"]*)"/g)) {
        if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]}`);
        attrs[a[1]!] = decode(a[2]!, `@${a[1]}`);
      }
      const element: XmlElement = { name: m[2], attrs, children: [], text: '' };
      if (top === root && root.children.length > 0) throw new Error('more than one root element');
      top.children.push(element);
      if (!m[4]) stack.push(element);
    } else {
      const text = decode(m[5]!, `<${top.name}>`);
      if (top === root && text.trim() !== '') throw new Error('text outside the root element');
      top.text += text;
    }
  }
  if (stack.length !== 1) throw new Error(`<${stack.at(-1)!.name}> is not closed`);
  return root.children[0]!;
}

const kids = (e: XmlElement, name: string): XmlElement[] => e.children.filter((c) => c.name === name);

const xmllint = spawnSync('xmllint', ['--version'], { encoding: 'utf8' }).status === 0;

describe('renderJunit', () => {
  const xml = renderJunit(fixture());
  const doc = parseXml(xml);
  const [a, b, unreadable] = kids(doc, 'testsuite');

  it('is one <testsuites> with a <testsuite> per bundle and one per unreadable input', () => {
    expect(doc.name).toBe('testsuites');
    expect(kids(doc, 'testsuite').map((s) => s.attrs.name)).toEqual(['runs/a/prov.json', 'runs/b dir/prov.ttl', 'runs/c/prov.json']);
    expect(doc.attrs).toMatchObject({ name: 'reprov check', tests: '15', failures: '2', errors: '1', skipped: '1' });
  });

  it('counts per suite: every rule is a test, failures are rules with error findings, skipped are rules that do not apply', () => {
    expect(a!.attrs).toMatchObject({ tests: '7', failures: '2', errors: '0', skipped: '1' });
    expect(b!.attrs).toMatchObject({ tests: '7', failures: '0', errors: '0', skipped: '0' });
    expect(kids(a!, 'testcase')).toHaveLength(7);
  });

  it('names each test case "<rule id> <title>" with the category as classname', () => {
    expect(kids(a!, 'testcase').map((t) => `${t.attrs.classname}|${t.attrs.name}`)).toEqual([
      'code|RPV-C001 Code is committed',
      'data|RPV-D001 Input data is pinned by a content hash',
      'data|RPV-D002 Data splits are recorded',
      'environment|RPV-E001 The software environment is recorded',
      'hardware|RPV-H001 The hardware is recorded',
      'randomness|RPV-S001 The run records its random seed',
      'secrets|RPV-X001 No secret in the bundle',
    ]);
  });

  it('fails a rule with error findings, listing them; skips a rule that does not apply with its reason', () => {
    const byId = (suite: XmlElement, id: string): XmlElement => kids(suite, 'testcase').find((t) => t.attrs.name!.startsWith(id))!;
    const [failure] = kids(byId(a!, 'RPV-S001'), 'failure');
    expect(failure!.attrs).toEqual({ message: 'no seed is recorded for the run & its children', type: 'error' });
    expect(failure!.text).toBe('error RPV-S001 run:train: no seed is recorded for the run & its children\n  fix: Record what RPV-S001 asks for.');
    expect(kids(byId(a!, 'RPV-X001'), 'failure')[0]!.text).toContain('token <redacted>');
    const [skipped] = kids(byId(a!, 'RPV-D002'), 'skipped');
    expect(skipped!.attrs).toEqual({ message: 'the run uses no input data' });
    expect(byId(a!, 'RPV-C001').children).toEqual([]);
  });

  it('writes warnings and infos to <system-out> by default, not as failures', () => {
    const d001 = kids(a!, 'testcase').find((t) => t.attrs.name!.startsWith('RPV-D001'))!;
    expect(kids(d001, 'failure')).toEqual([]);
    expect(kids(d001, 'system-out')[0]!.text).toContain('warning RPV-D001 data:train.csv: input `train.csv` has no content hash | columns a|b');
  });

  it('fails on warnings too with failOn: warning, and on nothing with failOn: none', () => {
    const strict = parseXml(renderJunit(fixture(), { failOn: 'warning' }));
    const [sa, sb] = kids(strict, 'testsuite');
    expect(sa!.attrs.failures).toBe('3');
    expect(sb!.attrs.failures).toBe('1');
    const e001 = kids(sb!, 'testcase').find((t) => t.attrs.name!.startsWith('RPV-E001'))!;
    expect(kids(e001, 'failure')[0]!.attrs).toEqual({ message: 'no Python version is recorded', type: 'warning' });
    // The info finding of the same suite stays in system-out.
    const h001 = kids(sb!, 'testcase').find((t) => t.attrs.name!.startsWith('RPV-H001'))!;
    expect(kids(h001, 'failure')).toEqual([]);
    expect(kids(h001, 'system-out')).toHaveLength(1);
    expect(parseXml(renderJunit(fixture(), { failOn: 'none' })).attrs.failures).toBe('0');
  });

  it('summarises several failing findings in the message and lists all of them', () => {
    const result = fixture();
    result.bundles[0]!.rules.find((r) => r.rule.id === 'RPV-S001')!.findings.push(finding('RPV-S001', 'run:eval', 'no seed for eval'));
    const suite = kids(parseXml(renderJunit(result)), 'testsuite')[0]!;
    const failure = kids(kids(suite, 'testcase').find((t) => t.attrs.name!.startsWith('RPV-S001'))!, 'failure')[0]!;
    expect(failure.attrs.message).toBe('2 findings; first: no seed for eval');
    expect(failure.text.split('\n').filter((l) => l.startsWith('error '))).toHaveLength(2);
  });

  it('reports an unreadable input as a test case in error', () => {
    expect(unreadable!.attrs).toMatchObject({ tests: '1', failures: '0', errors: '1', skipped: '0' });
    const [error] = kids(kids(unreadable!, 'testcase')[0]!, 'error');
    expect(error!.attrs).toEqual({ message: 'runs/c/prov.json: /entity/e1: expected an object, found a string', type: 'unreadable' });
  });

  it('carries the scores as suite properties', () => {
    const props = kids(kids(a!, 'properties')[0]!, 'property').map((p) => [p.attrs.name, p.attrs.value]);
    expect(props).toEqual([
      ['score', '44'],
      ['score.randomness', '0'],
      ['score.data', '50'],
      ['score.code', '100'],
      ['score.environment', '100'],
      ['score.hardware', '100'],
      ['score.secrets', '0'],
    ]);
  });

  it('escapes hostile text: quotes, ampersands, angle brackets, newlines in attributes, control characters', () => {
    const result = fixture();
    const hostile = 'a "quoted" & \'single\' <b>x</b> ]]> \u0001\u001f end\nsecond line\ttab';
    result.bundles[0]!.file = 'runs/"odd" & <dir>/prov.json';
    result.bundles[0]!.rules.find((r) => r.rule.id === 'RPV-S001')!.findings = [finding('RPV-S001', 'ex:a<b>', hostile)];
    result.bundles[0]!.rules.find((r) => r.rule.id === 'RPV-D002')!.reason = 'no <data> & "inputs"';
    const out = renderJunit(result);
    const suite = kids(parseXml(out), 'testsuite')[0]!;
    expect(suite.attrs.name).toBe('runs/"odd" & <dir>/prov.json');
    const s001 = kids(suite, 'testcase').find((t) => t.attrs.name!.startsWith('RPV-S001'))!;
    const failure = kids(s001, 'failure')[0]!;
    const clean = 'a "quoted" & \'single\' <b>x</b> ]]>  end\nsecond line\ttab';
    expect(failure.attrs.message).toBe(clean);
    expect(failure.text).toContain(`ex:a<b>: ${clean}`);
    expect(out).not.toMatch(/[\u0001\u001f]/);
    const d002 = kids(suite, 'testcase').find((t) => t.attrs.name!.startsWith('RPV-D002'))!;
    expect(kids(d002, 'skipped')[0]!.attrs.message).toBe('no <data> & "inputs"');
  });

  it.skipIf(!xmllint && !process.env.CI)('is well-formed to xmllint', () => {
    const result = fixture();
    result.bundles[0]!.findings.push(finding('RPV-S001', 'ex:<&>', 'x "y" \u0002 z'));
    for (const out of [xml, renderJunit(result, { failOn: 'warning' })]) {
      const run = spawnSync('xmllint', ['--noout', '-'], { input: out, encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    }
  });
});

describe('XML escaping', () => {
  it('escapes text and attributes', () => {
    expect(escapeXmlText('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
    expect(escapeXmlAttribute('say "hi" & \'bye\'\nnext\tcol')).toBe('say &quot;hi&quot; &amp; &apos;bye&apos;&#10;next&#9;col');
  });

  it('drops characters XML 1.0 cannot carry, keeps the rest of Unicode', () => {
    expect(escapeXmlText('a\u0000b\u0008c\u000bd\ufffe\uffffe')).toBe('abcde');
    expect(escapeXmlText('lone \ud800 high, lone \udc00 low')).toBe('lone  high, lone  low');
    expect(escapeXmlText('ok: ü ñ 中 😀 \t\n')).toBe('ok: ü ñ 中 😀 \t\n');
  });
});
