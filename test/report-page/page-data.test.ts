/**
 * The report page's data, without a browser: the JSON embedding, the metric reduction and the
 * metric side files a bundle names (paths out of the bundle are not followed).
 */
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Parser } from 'n3';
import { describe, expect, it } from 'vitest';
import { reprov } from '../support/cli.js';
import { BundleStore } from '../../src/check/bundle-store.js';
import { parseSeries, readSeries, reduce, MAX_COLUMNS } from '../../src/release/report-page/metrics.js';
import { scriptSafeJson } from '../../src/report/page-shell.js';

describe('scriptSafeJson', () => {
  it('holds no character that can end the element or open markup, and reads back unchanged', () => {
    const hostile = { a: '</script><img src=x onerror=alert(1)>', b: '<!-- x -->', c: 'a\u2028b\u2029c', d: '&amp;', e: '</SCRIPT >' };
    const text = scriptSafeJson(hostile);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(hostile);
  });
});

describe('metric series', () => {
  it('reads epoch,value,timestamp,step after the header; nan is a null value; text lines are skipped', () => {
    const cols = parseSeries('loss,training,reprov\r\n0,1.5,1000,0\r\n0,nan,1001,1\n1,garbage,1002,2\n1,0.5,1003\n');
    expect([...cols.value]).toEqual([1.5, NaN, 0.5]);
    expect([...cols.step]).toEqual([0, 1, 2]);
    expect([...cols.epoch]).toEqual([0, 0, 1]);
    expect([...cols.time]).toEqual([1000, 1001, 1003]);
  });

  it('reads every decimal exactly as Number does (digit-by-digit fast path and its fallback)', () => {
    const cells = ['0.1', '-0.30000000000000004', '0.9995001249791693', '123456789012345678', '1e-7', '-2.5E+3', '+.5', '5.', '0.00000000000000000000001', '9007199254740993', '1234567.0000001', '-0'];
    const cols = parseSeries(cells.map((c, i) => `0,${c},${i}`).join('\n'));
    expect([...cols.value]).toEqual(cells.map(Number));
    expect(Object.is(cols.value[cells.length - 1], -0)).toBe(true);
    // A plain decimal too large for a double is a non-finite value, as `inf` is.
    expect([...parseSeries(`0,${'9'.repeat(400)},1\n0,-${'9'.repeat(400)}.5,2\n`).value]).toEqual([NaN, NaN]);
  });

  it('reads random doubles as written by JavaScript and by Python (repr and %.6f) back to the same bits', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const written: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const x = (random() - 0.5) * 10 ** Math.floor(random() * 12 - 6);
      written.push(String(x), x.toFixed(6), x.toPrecision(17));
    }
    const cols = parseSeries(written.map((c, i) => `0,${c},${i}`).join('\n'));
    expect(cols.value.length).toBe(written.length);
    expect(written.filter((w, i) => !Object.is(cols.value[i], Number(w)))).toEqual([]);
  });

  it('reduces a million points to the lowest and highest of each column, keeping a one-point spike', () => {
    const n = 1_000_000;
    const value = Array.from({ length: n }, (_, i) => Math.sin(i / 1000));
    value[654_321] = 99;
    value[123_456] = -99;
    const out = reduce({ step: Float64Array.from(value, (_, i) => i), epoch: new Float64Array(n), time: Float64Array.from(value, (_, i) => 1e12 + i), value: Float64Array.from(value) });
    expect(out.count).toBe(n);
    expect(out.reduced).toBe(true);
    expect(out.shown).toBeLessThanOrEqual(2 * MAX_COLUMNS);
    expect(out.value.length).toBe(out.shown);
    expect(out.value).toContain(99);
    expect(out.value).toContain(-99);
    expect(out.step[out.value.indexOf(99)]).toBe(654_321);
    // Points stay in order.
    expect(out.step).toEqual([...out.step].sort((a, b) => a - b));
    expect(out.t0).toBe(1e12);
  });

  it('leaves a short series whole', () => {
    const out = reduce({ step: Float64Array.of(0, 1), epoch: Float64Array.of(0, 0), time: Float64Array.of(5, NaN), value: Float64Array.of(1, NaN) });
    expect(out).toMatchObject({ count: 2, shown: 2, reduced: false, time: [0, null], value: [1, null], t0: 5 });
  });

  it('does not follow a metric file path out of the bundle (../, absolute, a link out)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'reprov-report-series-'));
    const bundle = join(root, 'bundle');
    mkdirSync(join(bundle, 'metrics'), { recursive: true });
    writeFileSync(join(root, 'secret.csv'), 'x,training,reprov\n0,42,1,0\n');
    writeFileSync(join(bundle, 'metrics', 'ok.csv'), 'ok,training,reprov\n0,1,1,0\n0,2,2,1\n');
    const ttl = `@prefix reprov: <https://w3id.org/reprov#>. @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#>.
      <urn:m/up> a reprov:Metric; rdfs:label "up"; reprov:metricFile "../secret.csv".
      <urn:m/abs> a reprov:Metric; rdfs:label "abs"; reprov:metricFile "${join(root, 'secret.csv')}".
      <urn:m/ok> a reprov:Metric; rdfs:label "ok"; reprov:metricFile "metrics/ok.csv".
      <urn:m/missing> a reprov:Metric; rdfs:label "missing"; reprov:metricFile "metrics/none.csv".
      <urn:m/link> a reprov:Metric; rdfs:label "link"; reprov:metricFile "metrics/link.csv".`;
    symlinkSync(join(root, 'secret.csv'), join(bundle, 'metrics', 'link.csv'));
    const series = await readSeries(new BundleStore(new Parser().parse(ttl)), bundle);
    const by = new Map(series.map((s) => [s.name, s]));
    expect(by.get('ok')).toMatchObject({ count: 2, value: [1, 2] });
    expect(by.get('up')).toMatchObject({ count: 0, value: [] });
    expect(by.get('up')!.note).toMatch(/leaves the root/);
    expect(by.get('abs')!.note).toMatch(/absolute/);
    expect(by.get('missing')!.note).toMatch(/ENOENT/);
    expect(by.get('link')!.note).toMatch(/symbolic link/);
    expect(JSON.stringify(series)).not.toContain('42');
  });
});

describe('reprov report on bad input', () => {
  it('a missing bundle, an empty file or a directory of several bundles: one line, exit 2, no page', () => {
    const root = mkdtempSync(join(tmpdir(), 'reprov-report-bad-'));
    writeFileSync(join(root, 'empty.json'), '');
    mkdirSync(join(root, 'two'));
    for (const sub of ['a', 'b']) {
      mkdirSync(join(root, 'two', sub));
      writeFileSync(join(root, 'two', sub, 'prov.ttl'), '@prefix prov: <http://www.w3.org/ns/prov#>. <urn:a> a prov:Entity.');
    }
    for (const input of ['missing.json', 'empty.json', 'two']) {
      const out = join(root, `${input}.html`);
      const r = reprov(['report', input, '-o', out], { cwd: root });
      expect(r.status, input).toBe(2);
      expect(r.stderr.trim().split('\n'), input).toHaveLength(1);
      expect(r.stderr).toContain(input);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
    }
  });
});

