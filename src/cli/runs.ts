import { Argument, Option, type Command } from 'commander';
import { withOutput } from '../base/output.js';
import { collect, note, withQuiet } from './flags.js';
import { openEndpoint, withEndpoint, type EndpointFlags } from './endpoint.js';
import { UsageError } from './errors.js';

interface RunsFlags extends EndpointFlags {
  sort?: string[];
  filter?: string[];
  columns?: string;
  format: 'text' | 'json' | 'csv' | 'markdown';
  output?: string;
  config?: string;
  cache: boolean;
}

export function registerRuns(program: Command): void {
  withQuiet(withEndpoint(program
    .command('runs')
    .description('list every run of the bundles found (one row per run): id, experiment, status, start, duration, score, parameters, metrics')
    .addArgument(new Argument('[paths...]', 'bundle files or directories (searched for prov*.json/ttl/…)').default(['.'], '.'))
    .option('--sort <key>', 'sort by a field (run, experiment, status, start, end, duration, score, file, params.<name>, seeds.<name>, metrics.<name>[:min|:max]); -<key> descending (repeatable)', collect)
    .option('--filter <expr>', 'keep the runs where FIELD OP VALUE holds (OP: = != < <= > >=; numbers compare as numbers): params.lr>0.01, status=succeeded (repeatable: all must hold)', collect)
    .option('--columns <list>', 'the columns to show, comma-separated (run,score,params.lr,metrics.loss:min)')
    .addOption(new Option('-f, --format <format>', 'listing format').choices(['text', 'json', 'csv', 'markdown']).default('text'))
    .option('-o, --output <file>', 'write the listing to a file (atomically) instead of standard output')
    .option('-c, --config <file>', 'the check configuration the scores are computed with')
    .option('--no-cache', 'neither read nor write the parse cache (in the user cache directory, or $REPROV_CACHE_DIR)'), 'list the runs'), 'no notes (errors are still printed)')
    .action(async (paths: string[], flags: RunsFlags) => {
      const [runs, { collectRuns, remoteRuns }, { renderRuns }, { defaultCacheDir }] = await Promise.all([
        import('../release/runs.js'), import('../release/runs-load.js'), import('../release/runs-render.js'), import('../release/query-cache.js'),
      ]);
      // Expressions first: a typo is refused before any bundle is read.
      const filters = (flags.filter ?? []).map(runs.parseFilter);
      const sort = (flags.sort ?? []).map(runs.parseSort);
      const given = flags.columns === undefined ? undefined : runs.parseColumns(flags.columns);
      const remote = await openEndpoint(flags, paths.length === 1 && paths[0] === '.' ? [] : paths);
      // A score is the check engine's over a bundle's files, which a server does not hold.
      if (remote && runs.needsScore(given ?? [], filters, sort)) throw new UsageError('--endpoint: runs on a server have no score (check reads the bundle files): leave score out of --columns, --filter and --sort');
      const collected = remote ? await remoteRuns(remote) : await collectRuns(paths, { score: runs.needsScore(given, filters, sort) || flags.format === 'json', config: flags.config, ...(flags.cache && { cacheDir: defaultCacheDir() }) });
      for (const path of collected.empty) process.stderr.write(`reprov: ${path}: no bundle found (prov*.json, prov*.ttl, … or *.provjson)\n`);
      for (const error of collected.errors) process.stderr.write(`reprov: ${error.message}\n`);
      if (!collected.rows.length) {
        // Nothing to list is not a pass.
        if (!collected.errors.length && !collected.empty.length) process.stderr.write(`reprov: ${remote?.name ?? paths.join(', ')}: no run (mls:Run) in the ${remote ? 'graphs' : 'bundles found'}\n`);
        process.exitCode = 2;
        return;
      }
      const kept = runs.sortRows(collected.rows.filter((row) => filters.every((f) => runs.matches(row, f))), sort.length ? sort : [{ field: 'start', descending: false }]);
      const columns = given ?? runs.defaultColumns(kept).filter((column) => !remote || column !== 'score');
      await withOutput(flags.output, async (sink) => {
        sink.write(renderRuns(kept, columns, flags.format, { columnsGiven: given !== undefined }));
      });
      note(`${kept.length} of ${collected.rows.length} run${collected.rows.length === 1 ? '' : 's'}, ${collected.bundles} bundle${collected.bundles === 1 ? '' : 's'}${collected.cached ? ` (${collected.cached} from the cache)` : ''}`);
      process.exitCode = collected.errors.length || collected.empty.length ? 2 : 0;
    });
}
