/** The listings of `reprov runs`: an aligned text table, JSON, CSV (RFC 4180, formula-safe) and a Markdown table. */
import { stringify } from 'csv-stringify/sync';
import { cellOf, type Cell, type RunRow } from './runs.js';
import { oneLine } from '../base/diagnostics.js';

export type RunsFormat = 'text' | 'json' | 'csv' | 'markdown';

export function renderRuns(rows: readonly RunRow[], columns: readonly string[], format: RunsFormat, options: { columnsGiven?: boolean } = {}): string {
  switch (format) {
    case 'json': return `${JSON.stringify(options.columnsGiven ? rows.map((row) => Object.fromEntries(columns.map((c) => [c, cellOf(row, c) ?? null]))) : rows, null, 2)}\n`;
    case 'csv': return renderCsv(rows, columns);
    case 'markdown': return renderMarkdown(rows, columns);
    default: return renderText(rows, columns);
  }
}

/** A cell as text: numbers as JavaScript prints them, nothing as ''. */
function plain(cell: Cell): string {
  if (cell === undefined || cell === null) return '';
  return String(cell);
}

/** A cell for people: short numbers, durations in h/m/s, times to the second. */
function human(column: string, cell: Cell): string {
  if (cell === undefined || cell === null) return '-';
  if (column === 'duration' && typeof cell === 'number') return formatDuration(cell);
  if ((column === 'start' || column === 'end') && typeof cell === 'string') return cell.replace(/\.\d+(?=Z|[+-]\d\d:\d\d$)/, '');
  if (typeof cell === 'number' && !Number.isInteger(cell)) return String(Number(cell.toPrecision(6)));
  return String(cell);
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Number(seconds.toFixed(seconds < 10 ? 2 : 1))}s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return h ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(rest).padStart(2, '0')}s`;
}

/** Control characters (newlines, tabs, escapes, bidirectional overrides) shown escaped: one row is one line. */
function visible(text: string, max = 60): string {
  return oneLine(text, max);
}

function renderText(rows: readonly RunRow[], columns: readonly string[]): string {
  const table = [columns.map((c) => visible(c, 40)), ...rows.map((row) => columns.map((c) => visible(human(c, cellOf(row, c)))))];
  const widths = columns.map((_, i) => Math.max(...table.map((line) => [...line[i]!].length)));
  const numeric = columns.map((c) => rows.some((row) => typeof cellOf(row, c) === 'number') && rows.every((row) => { const v = cellOf(row, c); return v === undefined || v === null || typeof v === 'number'; }));
  const pad = (text: string, i: number) => {
    const gap = ' '.repeat(widths[i]! - [...text].length);
    return numeric[i] ? gap + text : text + gap;
  };
  return `${table.map((line) => line.map(pad).join('  ').trimEnd()).join('\n')}\n`;
}

/**
 * CSV (RFC 4180: commas, quotes and newlines quoted by csv-stringify). A text cell a spreadsheet
 * would run as a formula (starting `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with
 * `'`, as OWASP's CSV injection advice says; numbers (`-0.5`) are left as they are.
 */
function renderCsv(rows: readonly RunRow[], columns: readonly string[]): string {
  const safe = (cell: Cell) => {
    const text = plain(cell);
    if (typeof cell === 'number') return text;
    return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  };
  return stringify([columns.map((c) => safe(c)), ...rows.map((row) => columns.map((c) => safe(cellOf(row, c))))], { record_delimiter: 'unix' });
}

/** A GitHub-flavoured Markdown table: `|` escaped, newlines as `<br>`, HTML characters as entities (a cell cannot end the table or inject markup). */
function renderMarkdown(rows: readonly RunRow[], columns: readonly string[]): string {
  const cell = (text: string) => {
    // eslint-disable-next-line no-control-regex
    const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\\/g, '\\\\').replace(/\|/g, '\\|')
      .replace(/[`*_[\]]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '<br>').replace(/[\u0000-\u001f\u007f]/g, ' ');
    return escaped || ' ';
  };
  const numeric = columns.map((c) => rows.some((row) => typeof cellOf(row, c) === 'number'));
  const lines = [
    `| ${columns.map(cell).join(' | ')} |`,
    `| ${numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((row) => `| ${columns.map((c) => cell(human(c, cellOf(row, c)))).join(' | ')} |`),
  ];
  return `${lines.join('\n')}\n`;
}
