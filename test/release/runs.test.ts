/** `reprov runs` through the built CLI, over runs recorded through the CLI: rows, sorting, filters, columns, formats, hostile values, bad input. */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprov } from '../support/cli.js';
import { expectOneLineError, importYProv4ML, recordSweep, SWEEP, YPROV4ML_FIXTURES } from './sweep.js';

let root: string;
const runsDir = () => join(root, 'runs');

interface Row { run: string; experiment?: string; status?: string; score?: number | null; params: Record<string, unknown>; seeds: Record<string, unknown>; metrics: { name: string; context?: string; last?: number; min?: number; max?: number }[]; file: string }

const json = (...args: string[]) => {
  const result = reprov(['runs', ...args, '-f', 'json'], { cwd: root });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Row[];
};
/** The `epochs` of the rows a listing gives, in order. */
const epochs = (...args: string[]) => json(runsDir(), ...args).map((r) => r.params.epochs);

let cacheDir: string;

beforeAll(() => {
  // The parse cache goes to a directory of this test's own (the CLI runs with this environment).
  cacheDir = mkdtempSync(join(tmpdir(), 'reprov-cache-'));
  process.env.REPROV_CACHE_DIR = cacheDir;
  root = recordSweep();
}, 120_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
});

describe('reprov runs: rows', () => {
  it('lists one row per run with id, experiment, status, duration, score, params, seeds and metrics', () => {
    const rows = json(runsDir());
    expect(rows).toHaveLength(SWEEP.length);
    for (const spec of SWEEP) {
      const row = rows.find((r) => r.params.lr === spec.lr)!;
      expect(row.run).toMatch(new RegExp(`^${spec.experiment}-\\d{8}T\\d{6}Z-[0-9a-f]{8}$`));
      expect(row.experiment).toBe(spec.experiment);
      expect(row.status).toBe(spec.fail ? 'failed' : 'succeeded');
      expect(row.params).toEqual({ lr: spec.lr, epochs: spec.epochs, opt: spec.opt });
      expect(row.seeds).toEqual(spec.seed === undefined ? {} : { global: spec.seed });
      expect(typeof row.score).toBe('number');
      expect(row.metrics).toEqual(expect.arrayContaining([
        { name: 'loss', context: 'training', last: Number((spec.lr * 10 / 3).toFixed(6)), min: Number((spec.lr * 10 / 3).toFixed(6)), max: Number((spec.lr * 10).toFixed(6)) },
        expect.objectContaining({ name: 'val_acc', context: 'validation', last: Number((0.5 + spec.lr * 2).toFixed(6)) }),
      ]));
    }
    // The run without a seed scores below its seeded sibling of the same experiment (RPV-S001).
    const unseeded = rows.find((r) => r.params.lr === 0.05)!;
    expect(unseeded.score).toBeLessThan(rows.find((r) => r.params.lr === 0.1)!.score!);
  });

  it('lists each rank of a merged bundle, and yProv4ML output read as it is or imported', () => {
    const ranks = join(root, 'ranks');
    for (const rank of ['0', '1']) {
      const result = reprov(['record', '-q', '--no-git', '--no-hardware', '--no-system', '--no-instrument', '-e', 'dist', '--rank', rank, '-o', ranks, '-p', `rank_param=${rank}`, '--', 'true'], { cwd: root });
      expect(result.status, result.stderr).toBe(0);
    }
    expect(reprov(['merge', '-q', ranks, '-o', join(root, 'merged')], { cwd: root }).status).toBe(0);
    const merged = json(join(root, 'merged'));
    expect(merged.map((r) => r.params.rank_param).sort()).toEqual([0, 1]);
    expect(new Set(merged.map((r) => r.file)).size).toBe(1);
    expect(new Set(merged.map((r) => r.run)).size).toBe(2);

    const yprov = json(YPROV4ML_FIXTURES);
    expect(yprov.map((r) => [r.run, r.experiment]).sort()).toEqual([['experiment_name_GR0_0', 'experiment_name'], ['mnist_exp_GR0_0', 'mnist_exp']]);
    const imported = importYProv4ML(root);
    expect(json(...imported).map((r) => r.run).sort()).toEqual(yprov.map((r) => r.run).sort());
  });

  it('exits 2 when nothing is found: nothing to list is not a pass', () => {
    const empty = join(root, 'empty');
    mkdirSync(empty, { recursive: true });
    const result = reprov(['runs', empty]);
    expectOneLineError(result, empty, 'no bundle found');
    expectOneLineError(reprov(['runs', '-'], { input: '' }), '-: runs and query read bundle files and directories, not standard input');
  });

  it('reports a bundle that fails to parse in one line and lists the others (exit 2)', () => {
    const mixed = join(root, 'mixed');
    cpSync(join(runsDir(), 'a'), join(mixed, 'a'), { recursive: true });
    cpSync(join(runsDir(), 'b'), join(mixed, 'b'), { recursive: true });
    mkdirSync(join(mixed, 'broken'));
    writeFileSync(join(mixed, 'broken', 'prov.ttl'), '@prefix prov: <http://www.w3.org/ns/prov#> .\n<a> prov:used .\n');
    const result = reprov(['runs', mixed, '--columns', 'params.lr', '--sort', 'params.lr', '-f', 'csv', '-q']);
    expect(result.status).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^reprov: .*broken\/prov\.ttl:2:\d+: .+/)]);
    expect(parse(result.stdout)).toEqual([['params.lr'], ['0.01'], ['0.1']]);
  });
});

describe('reprov runs: sorting and filters', () => {
  it('sorts numbers as numbers, ascending and descending (-KEY), runs without the field last', () => {
    expect(epochs('--sort', 'params.epochs', '--filter', 'experiment=sweep')).toEqual([9, 10, 100]);
    expect(epochs('--sort=-params.epochs', '--filter', 'experiment=sweep')).toEqual([100, 10, 9]);
    expect(epochs('--sort', '-params.epochs', '--filter', 'experiment=sweep')).toEqual([100, 10, 9]);
    // Ties broken by the next key.
    expect(json(runsDir(), '--sort', 'params.epochs', '--sort', '-params.lr').map((r) => r.params.lr)).toEqual([0.2, 0.1, 0.05, 0.01, 0.001]);
    // Text sorts as text; the run without a seed comes last both ways.
    expect(json(runsDir(), '--sort', 'params.opt', '--sort', 'params.lr').map((r) => r.params.opt)).toEqual(['adam', 'adam', 'adamw', 'sgd', 'sgd']);
    expect(json(runsDir(), '--sort', 'seeds.global').map((r) => r.seeds.global)).toEqual([1, 2, 3, 5, undefined]);
    expect(json(runsDir(), '--sort', '-seeds.global').map((r) => r.seeds.global)).toEqual([5, 3, 2, 1, undefined]);
  });

  it('applies each operator, numbers as numbers and text as text', () => {
    const sorted = (...filter: string[]) => epochs(...filter.flatMap((f) => ['--filter', f]), '--filter', 'experiment=sweep', '--sort', 'params.epochs');
    expect(sorted('params.epochs=10')).toEqual([10]);
    expect(sorted('params.epochs!=10')).toEqual([9, 100]);
    expect(sorted('params.epochs<10')).toEqual([9]);
    expect(sorted('params.epochs<=10')).toEqual([9, 10]);
    expect(sorted('params.epochs>10')).toEqual([100]);
    expect(sorted('params.epochs>=10')).toEqual([10, 100]);
    // As text "9" > "10"; as numbers it is not.
    expect(sorted('params.epochs>9')).toEqual([10, 100]);
    expect(sorted('params.lr>0.01')).toEqual([9]);
    expect(sorted('params.lr >= 1e-2')).toEqual([9, 10]);
    expect(sorted('params.opt>adam')).toEqual([10, 100]);
    expect(sorted('params.opt=adamw')).toEqual([100]);
    expect(json(runsDir(), '--filter', 'status=failed').map((r) => r.params.lr)).toEqual([0.2]);
    expect(json(runsDir(), '--filter', 'metrics.val_acc>=0.6', '--sort', 'params.lr').map((r) => r.params.lr)).toEqual([0.05, 0.1, 0.2]);
    expect(json(runsDir(), '--filter', 'metrics.loss:max<0.2', '--sort', 'params.lr').map((r) => r.params.lr)).toEqual([0.001, 0.01]);
    expect(json(runsDir(), '--filter', 'score<101', '--filter', 'score>=0')).toHaveLength(5);
    // A run without the field never passes, != included.
    expect(json(runsDir(), '--filter', 'seeds.global!=1').map((r) => r.seeds.global).sort()).toEqual([2, 3, 5]);
  });

  it('refuses a malformed filter, sort or column list in one line naming the expression and the position (exit 2)', () => {
    expectOneLineError(reprov(['runs', runsDir(), '--filter', 'params.lr~0.1']), "--filter 'params.lr~0.1'", 'expected an operator', 'position 14');
    expectOneLineError(reprov(['runs', runsDir(), '--filter', '>3']), "--filter '>3'", 'expected a field', 'position 1');
    expectOneLineError(reprov(['runs', runsDir(), '--filter', 'params.lr=<3']), "--filter 'params.lr=<3'", 'position 11');
    expectOneLineError(reprov(['runs', runsDir(), '--filter', 'scroe<80']), "--filter 'scroe<80'", "unknown field 'scroe' at position 1", "did you mean 'score'");
    expectOneLineError(reprov(['runs', runsDir(), '--sort', 'statsu']), "--sort 'statsu'", "did you mean 'status'");
    expectOneLineError(reprov(['runs', runsDir(), '--columns', 'run,,score']), "--columns 'run,,score'", 'empty column name at position 5');
  });
});

describe('reprov runs: columns and formats', () => {
  it('shows the columns asked for, in text, JSON, CSV and Markdown', () => {
    const columns = ['run', 'params.lr', 'seeds.global', 'metrics.loss:min', 'score'];
    const args = ['runs', runsDir(), '--columns', columns.join(','), '--sort', 'params.lr'];
    const text = reprov([...args]);
    expect(text.status, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]!.split(/\s+/)).toEqual(columns);
    expect(lines).toHaveLength(6);
    expect(lines[1]!.split(/\s+/).slice(1, 4)).toEqual(['0.001', '3', '0.003333']);
    expect(lines.find((l) => l.includes('0.05'))!.split(/\s+/)[2]).toBe('-');

    const rows = JSON.parse(reprov([...args, '-f', 'json']).stdout) as Record<string, unknown>[];
    expect(rows.map((r) => Object.keys(r))).toEqual(rows.map(() => columns));
    expect(rows.map((r) => r['params.lr'])).toEqual([0.001, 0.01, 0.05, 0.1, 0.2]);
    expect(rows.map((r) => r['seeds.global'])).toEqual([3, 2, null, 1, 5]);

    const csv = parse(reprov([...args, '-f', 'csv']).stdout) as string[][];
    expect(csv[0]).toEqual(columns);
    expect(csv.slice(1).map((r) => [r[0], Number(r[1]), r[2], Number(r[3]), Number(r[4])])).toEqual(rows.map((r) => [r.run, r['params.lr'], r['seeds.global'] === null ? '' : String(r['seeds.global']), r['metrics.loss:min'], r.score]));

    const markdown = reprov([...args, '-f', 'markdown']).stdout.trimEnd().split('\n');
    expect(markdown[0]).toBe('| run | params.lr | seeds.global | metrics.loss:min | score |');
    expect(markdown[1]).toBe('| --- | ---: | ---: | ---: | ---: |');
    expect(markdown).toHaveLength(7);
  });

  it('keeps hostile parameter names and values inside their cells: | and newlines in Markdown, commas, quotes and formulas in CSV', () => {
    const name = 'we|ird,"x"';
    const value = '@SUM(1)|cmd\n| injected | row |';
    const formula = "=cmd|' /C calc'!A0";
    const out = join(root, 'hostile');
    const result = reprov(['record', '-q', '--no-git', '--no-hardware', '--no-system', '--no-instrument', '-e', '+evil', '-o', out,
      '-p', `${name}=${value}`, '-p', `cmd=${formula}`, '-p', 'neg=-0.5', '-p', 'tab=\tx', '--', 'true'], { cwd: root });
    expect(result.status, result.stderr).toBe(0);
    // The default columns name the hostile parameter (a comma in a name cannot be given to --columns).
    const columns = ['run', 'experiment', 'status', 'start', 'duration', 'score', 'params.cmd', 'params.neg', 'params.tab', `params.${name}`];
    const args = ['runs', out];
    const [row] = JSON.parse(reprov([...args, '-f', 'json']).stdout) as Row[];
    expect(row!.experiment).toBe('+evil');
    expect(row!.params).toEqual({ [name]: value, cmd: formula, neg: -0.5, tab: '\tx' });

    // CSV: one record, each value whole, formulas neutralised with a leading ' (numbers left alone).
    const csv = parse(reprov([...args, '-f', 'csv']).stdout) as string[][];
    expect(csv).toHaveLength(2);
    expect(csv[0]).toEqual(columns);
    expect(csv[1]!.slice(6)).toEqual([`'${formula}`, '-0.5', "'\tx", `'${value}`]);
    expect(csv[1]![1]).toBe("'+evil");

    // Markdown: one line per row, as many cells as columns, no raw | or newline from the value.
    const markdown = reprov([...args, '-f', 'markdown']).stdout.trimEnd().split('\n');
    expect(markdown).toHaveLength(3);
    for (const line of markdown) expect(line.split(/(?<!\\)\|/).length - 2).toBe(columns.length);
    expect(markdown[2]).toContain('@SUM(1)\\|cmd<br>\\| injected \\| row \\|');

    // Text: one line per row, the newline shown escaped.
    const text = reprov(args).stdout.trimEnd().split('\n');
    expect(text).toHaveLength(2);
    expect(text[1]).toContain('\\n');
  });
});

describe('reprov runs: the parse cache', () => {
  const cacheFiles = (): string[] => (existsSync(cacheDir) ? readdirSync(cacheDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json')) : []);

  it('answers from the cache the second time, and never for a bundle that changed', () => {
    const dir = join(root, 'cached');
    cpSync(runsDir(), dir, { recursive: true });
    const list = () => reprov(['runs', dir, '--columns', 'params.lr,score', '--sort', 'params.lr', '-f', 'csv']);
    const cold = list();
    expect(cold.status, cold.stderr).toBe(0);
    expect(cold.stderr).not.toContain('from the cache');
    const warm = list();
    expect(warm.stderr).toContain(`${SWEEP.length} bundles (${SWEEP.length} from the cache)`);
    expect(warm.stdout).toBe(cold.stdout);

    // The same size and the old modification time: the change time still tells.
    const bundle = join(dir, 'b', 'prov.ttl');
    const { atime, mtime } = statSync(bundle);
    const text = readFileSync(bundle, 'utf8');
    expect(text).toContain('"0.01"^^xsd:double');
    writeFileSync(bundle, text.replace('"0.01"^^xsd:double', '"0.03"^^xsd:double'));
    utimesSync(bundle, atime, mtime);
    const changed = list();
    expect(changed.stderr).toContain(`(${SWEEP.length - 1} from the cache)`);
    expect(parse(changed.stdout).map((r: string[]) => r[0])).toEqual(['params.lr', '0.001', '0.03', '0.05', '0.1', '0.2']);

    // A score depends on the files beside the bundle too: a metric file gone is found again.
    const before = parse(list().stdout).find((r: string[]) => r[0] === '0.1')![1];
    rmSync(join(dir, 'a', 'metrics'), { recursive: true });
    const after = parse(list().stdout).find((r: string[]) => r[0] === '0.1')![1];
    expect(Number(after)).toBeLessThan(Number(before));
  });

  it('survives a corrupted or deleted cache, and --no-cache neither reads nor writes it', () => {
    const dir = join(root, 'runs', 'a');
    const expected = reprov(['runs', dir, '-f', 'json', '--no-cache']).stdout;
    for (const file of cacheFiles()) writeFileSync(join(cacheDir, file), '{"format":1,"key":"');
    expect(reprov(['runs', dir, '-f', 'json']).stdout).toBe(expected);
    rmSync(cacheDir, { recursive: true, force: true });
    const fresh = reprov(['runs', dir, '-f', 'json', '--no-cache']);
    expect(fresh.stdout).toBe(expected);
    expect(existsSync(cacheDir)).toBe(false);
    expect(reprov(['runs', dir, '-f', 'json']).stdout).toBe(expected);
    expect(cacheFiles()).toHaveLength(1);
  });
});
