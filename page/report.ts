/**
 * The browser side of `reprov report` pages (docs/report.md). Bundled with uPlot by esbuild at
 * build time (page/build.mjs → dist/page/report.js and report.css) and inlined into each page.
 *
 * Everything shown comes from the JSON in #reprov-data and #reprov-series and reaches the DOM through text nodes
 * and attribute setters only (no innerHTML), so no value from a bundle is ever parsed as markup.
 * The graph's layout was computed when the page was generated; this script only draws it.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './report.css';

type Attrs = Record<string, string | number | boolean | undefined>;
type Child = Node | string | null | undefined | false;

interface Series {
  name: string; context: string; count: number; shown: number; reduced: boolean;
  step: number[]; epoch: (number | null)[]; time: (number | null)[]; t0: number; value: (number | null)[];
  note?: string; last?: string; run?: number; system?: boolean; derived?: string;
}
interface GraphNode { id: string; label: string; kind: 'entity' | 'activity' | 'agent'; attributes: [string, string][]; findings: number[]; members?: string[] }
interface Layout { width: number; height: number; nodes: { id: string; x: number; y: number; width: number; height: number }[]; edges: { from: string; to: string; relation: string; points: [number, number][] }[] }
interface Finding { rule: string; category: string; severity: string; focus: string; message: string; fix: string; location?: { file: string; line: number; column: number } }
interface Rule { id: string; title: string; description: string; why: string; fix: string; category: string; severity: string }
interface Check { score: number | null; categories: [string, number | null][]; findings: Finding[]; rules: Rule[]; warnings: string[] }
interface Table { id: string; title: string; columns: string[]; rows: string[][]; empty: string }
type Summary = Record<string, string | undefined>;
interface DiffEntry { key: string; a: string | null; b: string | null; change: string; reproduction: boolean; delta?: number }
interface Diff { a: { file: string; run: string }; b: { file: string; run: string }; equivalent: boolean; differing: string[]; sections: { name: string; entries: DiffEntry[] }[] }
interface CheckBundle { file: string; score: number | null; findings: Finding[]; categories: Record<string, number | null> }

/** The series as embedded (src/release/report-page/metrics.ts, encodeSeries): steps and times as differences, epochs as runs. */
interface EncodedSeries extends Omit<Series, 'step' | 'epoch' | 'time'> { step: number[]; epoch: [number | null, number][]; time: (number | null)[] }

function decode(s: EncodedSeries): Series {
  const sum = (xs: (number | null)[]) => {
    let last = 0;
    return xs.map((d) => (d === null ? null : (last += d)));
  };
  const epoch: (number | null)[] = [];
  for (const [e, n] of s.epoch) for (let i = 0; i < n; i++) epoch.push(e);
  return { ...s, step: sum(s.step) as number[], epoch, time: sum(s.time) };
}

const SVG = 'http://www.w3.org/2000/svg';
/** Okabe & Ito's palette: distinguishable with the common colour-vision deficiencies; dashes tell series apart in print. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000', '#F0E442'];
const DASHES = [[], [6, 3], [2, 2], [8, 3, 2, 3]];
const TABLE_ROWS = 5000;

function el(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== false) e.setAttribute(k, v === true ? '' : String(v));
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}
function svg(tag: string, attrs: Attrs = {}, ...children: Child[]): SVGElement {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== false) e.setAttribute(k, String(v));
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}
const section = (id: string, title: string, ...children: Child[]) => el('section', { id, 'aria-labelledby': `${id}-h` }, el('h2', { id: `${id}-h` }, title), ...children);

const data = JSON.parse(document.getElementById('reprov-data')!.textContent!) as { kind: string; title: string; generator: string } & Record<string, unknown>;
const app = document.getElementById('app')!;

/** The metric points (#reprov-series: most of a page's bytes), parsed when the charts are drawn. */
const seriesData = (): EncodedSeries[] => JSON.parse(document.getElementById('reprov-series')?.textContent ?? '[]') as EncodedSeries[];

/**
 * Runs `work` once the browser has painted what the DOM holds now: a timeout queued from an
 * animation frame runs after that frame. A hidden tab gets no frames, so there it just waits a turn.
 */
function afterPaint(work: () => void): void {
  // #reprov-series follows this script: the points are read once the whole document is.
  const whenParsed = () => (document.readyState === 'loading' ? document.addEventListener('DOMContentLoaded', () => work(), { once: true }) : work());
  if (document.hidden) setTimeout(whenParsed, 0);
  else requestAnimationFrame(() => setTimeout(whenParsed, 0));
}

/** The metrics section: a placeholder now, the charts after the first paint. */
function deferredCharts(specs: () => ChartSpec[], maxColumns: number): HTMLElement {
  const placeholder = section('metrics', 'Metrics', el('p', {}, 'Drawing the charts…'));
  afterPaint(() => placeholder.replaceWith(chartsSection(specs(), maxColumns)));
  return placeholder;
}

/** A run's two chart sections, model metrics and system metrics with energy: placeholders now, charts after the first paint. */
function deferredRunCharts(maxColumns: number): HTMLElement[] {
  const metrics = section('metrics', 'Metrics', el('p', {}, 'Drawing the charts…'));
  const system = section('system', 'System and energy', el('p', {}, 'Drawing the charts…'));
  afterPaint(() => {
    const series = seriesData().map(decode);
    const model = series.filter((s) => !s.system);
    const machine = series.filter((s) => s.system);
    metrics.replaceWith(chartsSection(runCharts(model), maxColumns));
    system.replaceWith(chartsSection(runCharts(machine), maxColumns, 'system'));
  });
  return [metrics, system];
}

function table(columns: string[], rows: string[][], attrs: Attrs = {}): HTMLElement {
  return el('table', attrs,
    el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', { scope: 'col' }, c)))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((cell) => el('td', {}, cell))))));
}

function summaryList(summary: Summary): HTMLElement {
  const labels: [string, string][] = [
    ['label', 'run'], ['experiment', 'experiment'], ['status', 'status'], ['complete', 'complete'], ['started', 'started'], ['ended', 'ended'],
    ['command', 'command'], ['entryPoint', 'entry point'], ['exitCode', 'exit code'], ['signal', 'signal'], ['energyJoules', 'energy (J)'],
    ['importedFrom', 'imported from'], ['file', 'bundle'],
  ];
  return el('dl', { class: 'summary' }, ...labels.filter(([k]) => summary[k] !== undefined).flatMap(([k, label]) => [el('dt', {}, label), el('dd', { 'data-field': k, class: k === 'status' ? `status-${summary[k]}` : undefined }, summary[k]!)]));
}

function findingItem(f: Finding, index: number): HTMLElement {
  const place = f.location ? `${f.location.file}:${f.location.line}:${f.location.column}` : f.focus;
  return el('li', { class: `finding sev-${f.severity}`, 'data-rule': f.rule, 'data-index': index },
    el('span', { class: 'sev' }, f.severity), ' ',
    el('a', { href: `#rule-${f.rule}`, class: 'rule' }, f.rule), ' ',
    el('span', { class: 'message' }, f.message), ' ',
    el('span', { class: 'focus' }, place),
    el('div', { class: 'fix' }, el('strong', {}, 'Fix: '), f.fix));
}

function checkSection(check: Check | undefined, error: string | undefined): HTMLElement {
  if (!check) return section('check', 'Check', el('p', {}, error ? `The bundle could not be checked: ${error}` : 'Not checked (the bundle was read from standard input).'));
  const bars = el('div', { class: 'bars' }, ...check.categories.map(([name, value]) => el('div', { class: 'bar-row' },
    el('span', { class: 'bar-label' }, name),
    el('span', { class: 'bar', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': value ?? undefined, 'aria-label': `${name} score` },
      el('span', { class: 'bar-fill', style: `width:${value ?? 0}%` })),
    el('span', { class: 'bar-value' }, value === null ? 'n/a' : String(value)))));
  return section('check', 'Check',
    el('p', { class: 'score' }, 'Score ', el('strong', { id: 'score' }, check.score === null ? 'n/a' : String(check.score)), ' / 100'),
    bars,
    el('h3', {}, `Findings (${check.findings.length})`),
    check.findings.length ? el('ol', { id: 'findings' }, ...check.findings.map(findingItem)) : el('p', { id: 'findings-none' }, 'No findings.'),
    ...check.warnings.map((w) => el('p', { class: 'warning' }, w)),
    check.rules.length ? el('details', { id: 'rules' }, el('summary', {}, 'The rules these findings come from'),
      ...check.rules.map((r) => el('div', { id: `rule-${r.id}`, class: 'rule-doc' },
        el('h4', {}, `${r.id}: ${r.title}`), el('p', {}, `${r.category}, ${r.severity}`), el('p', {}, r.description),
        el('p', {}, el('strong', {}, 'Why: '), r.why), el('p', {}, el('strong', {}, 'Fix: '), r.fix)))) : null);
}

// ---- provenance graph -------------------------------------------------------------------------

function graphSection(graph: { nodes: Record<string, GraphNode>; collapsed: Layout; expanded?: Layout; expandedNote?: string }, findings: Finding[]): HTMLElement {
  const info = el('div', { id: 'node-info', role: 'status', 'aria-live': 'polite' }, 'Hover over or click a node to see its attributes.');
  const holder = el('div', { class: 'graph-wrap' });
  let view: 'collapsed' | 'expanded' = 'collapsed';
  const toggle = el('button', { type: 'button', id: 'graph-toggle', 'aria-pressed': 'false' }, 'Show every metric');
  const reset = el('button', { type: 'button', id: 'graph-reset' }, 'Reset zoom');
  let resetView = () => {};
  const draw = () => {
    holder.replaceChildren();
    const layout = view === 'expanded' && graph.expanded ? graph.expanded : graph.collapsed;
    const { element, reset: r } = drawGraph(layout, graph.nodes, findings, info);
    resetView = r;
    holder.append(element);
  };
  if (graph.expanded) {
    toggle.addEventListener('click', () => {
      view = view === 'collapsed' ? 'expanded' : 'collapsed';
      toggle.setAttribute('aria-pressed', String(view === 'expanded'));
      toggle.textContent = view === 'expanded' ? 'Collapse metrics' : 'Show every metric';
      draw();
    });
  }
  reset.addEventListener('click', () => resetView());
  draw();
  return section('graph', 'Provenance graph',
    el('p', { class: 'legend' }, 'Entities are ellipses, activities rectangles, agents houses (PROV\'s conventions); arrows point from a relation\'s subject to its object (', el('em', {}, 'used'), ', ', el('em', {}, 'wasGeneratedBy'), ' …).', findings.length ? ' Nodes with findings have a red outline.' : '', ' Drag to pan, wheel to zoom.'),
    el('div', { class: 'toolbar' }, graph.expanded ? toggle : null, reset, graph.expandedNote ? el('span', { class: 'note' }, graph.expandedNote) : null),
    holder, info);
}

function drawGraph(layout: Layout, nodes: Record<string, GraphNode>, findings: Finding[], info: HTMLElement): { element: SVGElement; reset: () => void } {
  const width = Math.max(layout.width, 100);
  const height = Math.max(layout.height, 60);
  let box = { x: 0, y: 0, w: width, h: height };
  const root = svg('svg', { id: 'prov-graph', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `provenance graph: ${layout.nodes.length} nodes, ${layout.edges.length} relations`, 'data-nodes': layout.nodes.length, 'data-edges': layout.edges.length });
  root.style.height = `${Math.min(Math.max(height, 200), 640)}px`;
  root.append(svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' }, svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }))));
  const edgeLayer = svg('g', { class: 'edges' });
  for (const e of layout.edges) {
    if (e.points.length < 2) continue;
    const d = e.points.map(([x, y], i) => `${i ? 'L' : 'M'}${x},${y}`).join(' ');
    edgeLayer.append(svg('path', { class: `edge rel-${e.relation}`, d, 'marker-end': 'url(#arrow)', 'data-from': e.from, 'data-to': e.to, 'data-relation': e.relation }, svg('title', {}, `${e.from} ${e.relation} ${e.to}`)));
  }
  const nodeLayer = svg('g', { class: 'nodes' });
  let pinned: string | undefined;
  const show = (id: string) => {
    const node = nodes[id];
    if (!node) return;
    const rows = node.attributes.map(([k, v]) => [k, v]);
    info.replaceChildren(...[
      el('h3', {}, `${node.label} `, el('small', {}, `${node.kind} ${node.id}`)),
      node.members ? el('p', {}, `${node.members.length} metric entities collapsed into this node; “Show every metric” draws each.`) : null,
      node.findings.length ? el('ul', { class: 'node-findings' }, ...node.findings.map((i) => findings[i]).filter((f): f is Finding => !!f).map((f) => el('li', { class: `sev-${f.severity}` }, `${f.rule}: ${f.message}`))) : null,
      rows.length ? table(['attribute', 'value'], rows, { class: 'attributes' }) : el('p', {}, 'No attributes.'),
    ].filter((e): e is HTMLElement => e !== null));
  };
  for (const n of layout.nodes) {
    const node = nodes[n.id];
    if (!node) continue;
    const { width: w, height: h } = n;
    const shape = node.kind === 'entity' ? svg('ellipse', { cx: w / 2, cy: h / 2, rx: w / 2, ry: h / 2 })
      : node.kind === 'activity' ? svg('rect', { width: w, height: h })
        : svg('polygon', { points: `0,${h * 0.35} ${w / 2},0 ${w},${h * 0.35} ${w},${h} 0,${h}` });
    const label = node.label.length > 40 ? `${node.label.slice(0, 39)}…` : node.label;
    const g = svg('g', {
      class: `node ${node.kind}${node.findings.length ? ' flagged' : ''}${node.members ? ' group' : ''}`, transform: `translate(${n.x},${n.y})`,
      'data-id': n.id, tabindex: 0, role: 'button', 'aria-label': `${node.kind} ${node.label}`,
    }, shape, svg('text', { x: w / 2, y: h / 2 + (node.kind === 'agent' ? 6 : 0), 'dominant-baseline': 'middle', 'text-anchor': 'middle' }, label));
    g.addEventListener('mouseenter', () => show(n.id));
    g.addEventListener('focus', () => show(n.id));
    g.addEventListener('mouseleave', () => { if (pinned) show(pinned); });
    g.addEventListener('click', () => {
      root.querySelector('.node.pinned')?.classList.remove('pinned');
      pinned = n.id;
      g.classList.add('pinned');
      show(n.id);
    });
    nodeLayer.append(g);
  }
  root.append(edgeLayer, nodeLayer);
  const apply = () => root.setAttribute('viewBox', `${box.x} ${box.y} ${box.w} ${box.h}`);
  root.addEventListener('wheel', (event) => {
    event.preventDefault();
    const rect = root.getBoundingClientRect();
    const factor = event.deltaY > 0 ? 1.15 : 1 / 1.15;
    const fx = (event.clientX - rect.left) / rect.width;
    const fy = (event.clientY - rect.top) / rect.height;
    const w = Math.min(Math.max(box.w * factor, width / 40), width * 4);
    const h = (w / box.w) * box.h;
    box = { x: box.x + (box.w - w) * fx, y: box.y + (box.h - h) * fy, w, h };
    apply();
  }, { passive: false });
  let drag: { x: number; y: number; box: typeof box } | undefined;
  root.addEventListener('pointerdown', (event) => {
    if ((event.target as Element).closest('.node')) return;
    drag = { x: event.clientX, y: event.clientY, box: { ...box } };
    root.setPointerCapture(event.pointerId);
  });
  root.addEventListener('pointermove', (event) => {
    if (!drag) return;
    const rect = root.getBoundingClientRect();
    box = { ...drag.box, x: drag.box.x - ((event.clientX - drag.x) * drag.box.w) / rect.width, y: drag.box.y - ((event.clientY - drag.y) * drag.box.h) / rect.height };
    apply();
  });
  root.addEventListener('pointerup', () => { drag = undefined; });
  return { element: root, reset: () => { box = { x: 0, y: 0, w: width, h: height }; apply(); } };
}

// ---- metric charts -----------------------------------------------------------------------------

type XMode = 'step' | 'epoch' | 'time';

/** x of each point for the mode, made strictly increasing: equal x values (the points of one epoch, or flushed together) are spread evenly up to the next value. */
function xValues(s: Series, mode: XMode): { xs: number[]; order: number[] } {
  const raw = s.value.map((_, i) => (mode === 'step' ? s.step[i]! : mode === 'epoch' ? s.epoch[i] ?? 0 : (s.t0 + (s.time[i] ?? 0)) / 1000));
  const order = raw.map((_, i) => i).sort((a, b) => raw[a]! - raw[b]! || a - b);
  const xs = order.map((i) => raw[i]!);
  for (let i = 0; i < xs.length;) {
    let j = i + 1;
    while (j < xs.length && xs[j] === xs[i]) j++;
    if (j - i > 1) {
      const next = j < xs.length ? xs[j]! : xs[i]! + (mode === 'time' ? 0.001 * (j - i) : 1);
      const base = xs[i]!;
      for (let k = i; k < j; k++) xs[k] = base + ((k - i) / (j - i)) * (next - base);
    }
    i = j;
  }
  return { xs, order };
}

interface ChartSpec { key: string; title: string; series: Series[]; labels: string[] }

function chartData(spec: ChartSpec, mode: XMode): uPlot.AlignedData {
  const tables = spec.series.map((s) => {
    const { xs, order } = xValues(s, mode);
    return [xs, order.map((i) => s.value[i]!)] as uPlot.AlignedData;
  });
  if (tables.length === 1) return tables[0]!;
  return uPlot.join(tables);
}

/** Points drawn: every value the chart holds (a non-finite one is a gap, but still a point of the series). */
const COMPACT = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 4 });
const compact = (n: number) => (Math.abs(n) >= 10000 ? COMPACT.format(n) : String(Number(n.toPrecision(6))));

function pointCount(aligned: uPlot.AlignedData): number {
  let n = 0;
  for (let i = 1; i < aligned.length; i++) for (const v of aligned[i]!) if (v !== undefined) n++;
  return n;
}

/** Chart sections still drawing; the page is marked ready (data-charts) when none is. */
let drawing = 0;

/** Metrics: x switchable between step, epoch and time. System metrics and energy: x is time. */
function chartsSection(specs: ChartSpec[], maxColumns: number, kind: 'metrics' | 'system' = 'metrics'): HTMLElement {
  let mode: XMode = kind === 'system' ? 'time' : 'step';
  const select = el('select', { id: 'x-mode', 'aria-label': 'x axis' }, el('option', { value: 'step' }, 'step'), el('option', { value: 'epoch' }, 'epoch'), el('option', { value: 'time' }, 'time')) as HTMLSelectElement;
  const grid = el('div', { class: 'charts' });
  const charts: { spec: ChartSpec; figure: HTMLElement; plot?: uPlot; host: HTMLElement; tableHost: HTMLElement }[] = [];
  for (const spec of specs) {
    const host = el('div', { class: 'plot' });
    const tableHost = el('div', { class: 'chart-table', hidden: true });
    const button = el('button', { type: 'button', class: 'table-toggle', 'aria-expanded': 'false' }, 'Table');
    const reduced = spec.series.filter((s) => s.reduced);
    const notes = [
      ...spec.series.filter((s) => s.note).map((s) => `${s.context || s.name}: ${s.note}${s.last !== undefined ? ` (last value recorded: ${s.last})` : ''}`),
      ...spec.series.filter((s) => s.derived).map((s) => `${s.context || s.name}: not recorded but computed, as ${s.derived}.`),
    ];
    const figure = el('figure', { class: 'chart', 'data-metric': spec.key, 'data-series': spec.series.length, 'data-count': spec.series.reduce((a, s) => a + s.count, 0), 'data-shown': spec.series.reduce((a, s) => a + s.shown, 0) },
      el('figcaption', {}, el('span', { class: 'chart-title' }, spec.title), ' ', button),
      reduced.length ? el('p', { class: 'reduced' }, `Reduced for display: ${reduced.map((s) => `${s.context || s.name} shows ${s.shown} of ${s.count} points`).join('; ')} (the lowest and highest point of each of ${maxColumns} columns). The bundle's metric files hold every point.`) : null,
      ...notes.map((n) => el('p', { class: 'note' }, n)),
      host, tableHost);
    const entry = { spec, figure, host, tableHost } as (typeof charts)[number];
    button.addEventListener('click', () => {
      const open = tableHost.hidden;
      tableHost.hidden = !open;
      button.setAttribute('aria-expanded', String(open));
      if (open) fillTable(entry);
    });
    charts.push(entry);
    grid.append(figure);
  }
  const fillTable = (entry: (typeof charts)[number]) => {
    const aligned = chartData(entry.spec, mode);
    const rows: string[][] = [];
    const n = Math.min(aligned[0].length, TABLE_ROWS);
    for (let i = 0; i < n; i++) rows.push([fmtX(aligned[0][i]!), ...aligned.slice(1).map((col) => (col[i] === undefined ? '' : col[i] === null ? 'non-finite' : String(col[i])))]);
    entry.tableHost.replaceChildren(table([mode, ...entry.spec.labels], rows, { class: 'points' }), aligned[0].length > TABLE_ROWS ? el('p', { class: 'note' }, `First ${TABLE_ROWS} of ${aligned[0].length} rows.`) : '');
  };
  const fmtX = (x: number) => (mode === 'time' ? new Date(x * 1000).toISOString() : String(Math.round(x * 1000) / 1000));
  const build = (entry: (typeof charts)[number]) => {
    entry.plot?.destroy();
    const aligned = chartData(entry.spec, mode);
    entry.figure.setAttribute('data-points', String(pointCount(aligned)));
    // No point at hand (the values are in files the bundle names but does not hold): the notes say so, no empty plot.
    if (!entry.spec.series.some((s) => s.shown > 0)) return;
    const many = aligned[0].length > 60;
    const width = Math.max(entry.host.clientWidth || 600, 280);
    entry.plot = new uPlot({
      width, height: 220,
      scales: { x: { time: mode === 'time' } },
      legend: { live: false },
      series: [{ label: mode }, ...entry.spec.labels.map((label, i) => ({ label, stroke: PALETTE[i % PALETTE.length], dash: DASHES[Math.floor(i / PALETTE.length) % DASHES.length], width: 1.5, spanGaps: true, points: { show: !many } }))],
      axes: [{ label: mode }, { size: 64, values: (_u: uPlot, ticks: number[]) => ticks.map(compact) }],
    }, aligned, entry.host);
    if (!entry.tableHost.hidden) fillTable(entry);
  };
  select.addEventListener('change', () => {
    mode = select.value as XMode;
    for (const c of charts) build(c);
  });
  // Charts are drawn a few at a time, so the page stays responsive while they are.
  const queue = [...charts];
  drawing++;
  const step = () => {
    for (const c of queue.splice(0, 8)) build(c);
    if (queue.length) setTimeout(step, 0);
    else if (--drawing === 0) document.documentElement.setAttribute('data-charts', 'ready');
  };
  setTimeout(step, 0);
  if (kind === 'system') {
    return section('system', `System and energy (${specs.length})`,
      specs.length ? el('p', {}, 'What the machine did while the run ran, over time (“Table” shows a chart\'s points as text). An energy series that was not recorded but computed from a power series says so beside its chart.') : el('p', {}, 'No system metrics or energy recorded.'),
      grid);
  }
  return section('metrics', `Metrics (${specs.length})`,
    specs.length ? el('p', { class: 'toolbar' }, el('label', { for: 'x-mode' }, 'x axis '), select, ' (epoch: the points of an epoch are spread evenly across it; “Table” shows a chart\'s points as text)') : el('p', {}, 'No metrics recorded.'),
    grid);
}

function runCharts(series: Series[]): ChartSpec[] {
  const byName = new Map<string, Series[]>();
  for (const s of series) (byName.get(s.name) ?? byName.set(s.name, []).get(s.name)!).push(s);
  return [...byName].map(([name, list]) => ({ key: name, title: name, series: list, labels: list.map((s) => s.context || name) }));
}

function compareCharts(series: Series[], runLabels: string[]): ChartSpec[] {
  const byKey = new Map<string, Series[]>();
  for (const s of series) {
    const key = s.context ? `${s.context}/${s.name}` : s.name;
    (byKey.get(key) ?? byKey.set(key, []).get(key)!).push(s);
  }
  return [...byKey].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, list]) => ({ key, title: key, series: list, labels: list.map((s) => runLabels[s.run ?? 0] ?? `run ${s.run}`) }));
}

// ---- pages -------------------------------------------------------------------------------------

function header(title: string, ...children: Child[]): HTMLElement {
  return el('header', {}, el('h1', {}, title), ...children, el('p', { class: 'generator' }, `Generated by ${data.generator}. This page makes no network request.`));
}

function nav(items: [string, string][]): HTMLElement {
  return el('nav', { 'aria-label': 'sections' }, ...items.map(([id, label]) => el('a', { href: `#${id}` }, label)));
}

function runPage(): void {
  const d = data as unknown as { run: Summary; check?: Check; checkError?: string; tables: Table[]; maxColumns: number; graph: Parameters<typeof graphSection>[0] };
  app.append(
    header(d.run.label ?? d.run.experiment ?? d.run.file ?? 'run', summaryList(d.run)),
    nav([['check', 'Check'], ['graph', 'Graph'], ['metrics', 'Metrics'], ['system', 'System and energy'], ...d.tables.map((t): [string, string] => [t.id, t.title])]),
    checkSection(d.check, d.checkError),
    graphSection(d.graph, d.check?.findings ?? []),
    ...deferredRunCharts(d.maxColumns),
    ...d.tables.map((t) => section(t.id, t.title, t.rows.length ? table(t.columns, t.rows, { class: 'data' }) : el('p', { class: 'empty' }, t.empty))));
}

function comparePage(): void {
  const d = data as unknown as { runs: Summary[]; diffs: Diff[]; resultSections: string[]; maxColumns: number; outcome?: { title: string; verdict: string; summary: string } };
  const labels = d.runs.map((r, i) => `${String.fromCharCode(65 + (i % 26))}${i >= 26 ? Math.floor(i / 26) : ''}: ${r.label ?? r.experiment ?? r.file}`);
  const showSame = el('input', { type: 'checkbox', id: 'show-same' }) as HTMLInputElement;
  const diffHost = el('div', {});
  const drawDiffs = () => diffHost.replaceChildren(...d.diffs.map((diff, i) => {
    const verdict = diff.equivalent
      ? 'equivalent: as recorded, the runs do not differ in parameters, seeds, determinism, inputs, code, dependencies, environment or hardware'
      : `not equivalent: the runs differ in ${diff.differing.join(', ')}`;
    return el('div', { class: 'diff', 'data-equivalent': String(diff.equivalent) },
      el('h3', {}, `${labels[0]} → ${labels[i + 1]}`),
      el('p', { class: `verdict ${diff.equivalent ? 'equivalent' : 'different'}` }, verdict),
      ...diff.sections.map((s) => {
        const entries = s.entries.filter((e) => showSame.checked || e.change !== 'same');
        if (!entries.length) return null;
        return el('div', { class: 'diff-section', 'data-section': s.name }, el('h4', {}, s.name, d.resultSections.includes(s.name) ? ' (results: not counted)' : ''),
          table(['', 'key', 'A', 'B', 'counts for reproduction'], entries.map((e) => [
            e.change === 'same' ? '=' : e.change === 'added' ? '+' : e.change === 'removed' ? '−' : '~', e.key, e.a ?? '(not recorded)', e.b ?? '(not recorded)', e.reproduction ? 'yes' : 'no',
          ]), { class: 'data diff-table' }));
      }));
  }));
  showSame.addEventListener('change', drawDiffs);
  drawDiffs();
  app.append(
    header(d.outcome?.title ?? `${d.runs.length} runs compared`,
      d.outcome ? el('p', { class: 'outcome', id: 'outcome', 'data-verdict': d.outcome.verdict }, d.outcome.summary) : null,
      table(['', 'run', 'experiment', 'status', 'started', 'bundle'], d.runs.map((r, i) => [labels[i]!.split(':')[0]!, r.label ?? '', r.experiment ?? '', r.status ?? '', r.started ?? '', r.file ?? '']), { class: 'data', id: 'runs' })),
    nav([['differences', 'Differences'], ['metrics', 'Metrics']]),
    section('differences', 'What differs', el('p', {}, showSame, el('label', { for: 'show-same' }, ' also show what is the same')), diffHost),
    deferredCharts(() => compareCharts(seriesData().map(decode), labels), d.maxColumns));
}

function checkPage(): void {
  const d = data as unknown as { bundles: CheckBundle[]; errors: { file: string; message: string }[]; summary: string; unit: string; rules: Rule[] };
  const columns: [string, (b: CheckBundle) => string | number][] = [
    [d.unit, (b) => b.file], ['score', (b) => b.score ?? -1],
    ['errors', (b) => b.findings.filter((f) => f.severity === 'error').length], ['warnings', (b) => b.findings.filter((f) => f.severity === 'warning').length],
    ['infos', (b) => b.findings.filter((f) => f.severity === 'info').length],
  ];
  let sortBy = 0, ascending = true;
  const body = el('tbody', {});
  const heads = columns.map(([name], i) => {
    const button = el('button', { type: 'button', class: 'sort' }, name);
    const th = el('th', { scope: 'col', 'aria-sort': i === 0 ? 'ascending' : 'none' }, button);
    button.addEventListener('click', () => {
      ascending = sortBy === i ? !ascending : true;
      sortBy = i;
      heads.forEach((h, j) => h.setAttribute('aria-sort', j === i ? (ascending ? 'ascending' : 'descending') : 'none'));
      drawRows();
    });
    return th;
  });
  const drawRows = () => {
    const get = columns[sortBy]![1];
    const sorted = [...d.bundles].sort((a, b) => {
      const x = get(a), y = get(b);
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
      return ascending ? c : -c;
    });
    body.replaceChildren(...sorted.flatMap((b) => {
      const detail = el('tr', { class: 'findings-row', hidden: true }, el('td', { colspan: columns.length },
        b.findings.length ? el('ol', {}, ...b.findings.map(findingItem)) : el('p', {}, 'No findings.')));
      const toggle = el('button', { type: 'button', class: 'expand', 'aria-expanded': 'false' }, b.file);
      toggle.addEventListener('click', () => {
        detail.hidden = !detail.hidden;
        toggle.setAttribute('aria-expanded', String(!detail.hidden));
      });
      return [el('tr', { class: 'bundle-row', 'data-file': b.file }, el('td', {}, toggle), ...columns.slice(1).map(([, get]) => {
        const v = get(b);
        return el('td', {}, v === -1 ? 'n/a' : String(v));
      })), detail];
    }));
  };
  drawRows();
  app.append(
    header(data.title, el('p', { id: 'summary' }, d.summary)),
    section('results', `Results (${d.bundles.length})`, el('table', { class: 'data', id: 'results-table' }, el('thead', {}, el('tr', {}, ...heads)), body),
      ...d.errors.map((e) => el('p', { class: 'warning' }, e.message))),
    d.rules.length ? section('rules', 'Rules', ...d.rules.map((r) => el('div', { id: `rule-${r.id}`, class: 'rule-doc' },
      el('h4', {}, `${r.id}: ${r.title}`), el('p', {}, r.description), el('p', {}, el('strong', {}, 'Fix: '), r.fix)))) : '');
  document.documentElement.setAttribute('data-charts', 'ready');
}

/** `reprov lineage|impact -f html`: the runs and files up- or downstream of one file, as a graph and as the tree. */
function lineagePage(): void {
  const d = data as unknown as { direction: 'upstream' | 'downstream'; digest: string; file?: string; graph: Parameters<typeof graphSection>[0]; tree: { columns: string[]; rows: string[][] } };
  const runs = Object.values(d.graph.nodes).filter((n) => n.kind === 'activity').length;
  app.append(
    header(data.title,
      el('p', { id: 'lineage-summary' }, d.direction === 'upstream' ? 'The runs that generated ' : 'The runs that used ', el('code', {}, d.file ?? `sha256:${d.digest}`),
        d.direction === 'upstream' ? ', their inputs, and recursively the runs that generated those' : ', what they generated, and recursively the runs that used that',
        ` (${runs} run${runs === 1 ? '' : 's'}). Files are matched across bundles by SHA-256.`),
      d.file !== undefined ? el('p', {}, 'SHA-256 ', el('code', { id: 'lineage-digest' }, d.digest)) : null),
    nav([['graph', 'Graph'], ['tree', 'Tree']]),
    graphSection(d.graph, []),
    section('tree', 'Tree', el('p', {}, 'The graph as a table, in the order of the text tree (depth: steps from the file).'), table(d.tree.columns, d.tree.rows, { class: 'data', id: 'lineage-tree' })));
  document.documentElement.setAttribute('data-charts', 'ready');
}

/** A report that is text only (a run `reprov reproduce` could not rerun: nothing to compare). */
function textPage(): void {
  const d = data as unknown as { title: string; text: string };
  app.append(header(d.title), el('pre', { class: 'text-report' }, d.text));
  document.documentElement.setAttribute('data-charts', 'ready');
}

if (data.kind === 'run') runPage();
else if (data.kind === 'compare') comparePage();
else if (data.kind === 'text') textPage();
else if (data.kind === 'lineage') lineagePage();
else checkPage();
document.documentElement.setAttribute('data-ready', 'true');
