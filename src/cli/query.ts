import { existsSync } from 'node:fs';
import { Argument, Option, type Command } from 'commander';
import { withOutput } from '../base/output.js';
import { note, withQuiet } from './flags.js';
import { UsageError } from './errors.js';
import { openEndpoint, withEndpoint, type EndpointFlags } from './endpoint.js';

interface QueryFlags extends EndpointFlags {
  queryFile?: string;
  format: 'text' | 'json' | 'csv' | 'tsv' | 'turtle' | 'ntriples';
  output?: string;
  cache: boolean;
}

export function registerQuery(program: Command): void {
  withQuiet(withEndpoint(program
    .command('query')
    .usage('[options] [paths...] <query>  |  [options] --query-file <file> [paths...]')
    .description('run a SPARQL 1.1 query over every bundle found, each bundle one named graph (its file: URL); the default graph is their union')
    .addArgument(new Argument('[args...]', 'bundle files or directories (default: .), then the query unless --query-file gives it'))
    .option('-Q, --query-file <file>', 'read the query from a file (- for standard input)')
    .addOption(new Option('-f, --format <format>', 'result format: text (a table; Turtle for CONSTRUCT/DESCRIBE), json, csv, tsv (SPARQL 1.1 results), turtle, ntriples').choices(['text', 'json', 'csv', 'tsv', 'turtle', 'ntriples']).default('text'))
    .option('-o, --output <file>', 'write the results to a file (atomically) instead of standard output')
    .option('--no-cache', 'neither read nor write the parse cache (in the user cache directory, or $REPROV_CACHE_DIR)'), 'run the query'), 'no notes (errors are still printed)')
    .action(async (args: string[], flags: QueryFlags) => {
      let query: string;
      let name: string;
      if (flags.queryFile !== undefined) {
        // Loaded here: the RDF readers are not needed for `reprov --version` or another command's work.
        const { readInputText } = await import('../io/read.js');
        query = await readInputText(flags.queryFile);
        name = flags.queryFile === '-' ? '<stdin>' : flags.queryFile;
      } else {
        const last = args[args.length - 1];
        // `reprov query runs/` forgot the query: a path is not one.
        if (last === undefined || (!/[\s{]/.test(last) && existsSync(last))) throw new UsageError('query: no query given (reprov query [PATH...] QUERY, or --query-file FILE)');
        query = args[args.length - 1]!;
        args = args.slice(0, -1);
        name = '<query>';
      }
      const [{ checkQuery, embeddedSource, loadStore, runQuery }, { defaultCacheDir }] = await Promise.all([import('../release/query.js'), import('../release/query-cache.js')]);
      checkQuery(query, name);
      const remote = await openEndpoint(flags, args);
      const started = Date.now();
      if (remote) {
        const result = await runQuery(remote, query, name, flags.format);
        await withOutput(flags.output, async (sink) => sink.write(result.output));
        note(`${remote.name}${result.rows === undefined ? '' : `: ${result.rows} row${result.rows === 1 ? '' : 's'}`} (${((Date.now() - started) / 1000).toFixed(2)} s)`);
        return;
      }
      const paths = args.length ? args : ['.'];
      const loaded = await loadStore(paths, flags.cache ? { cacheDir: defaultCacheDir() } : {});
      for (const path of loaded.empty) process.stderr.write(`reprov: ${path}: no bundle found (prov*.json, prov*.ttl, … or *.provjson)\n`);
      for (const error of loaded.errors) process.stderr.write(`reprov: ${error.message}\n`);
      if (!loaded.graphs.size) {
        // Nothing to query is not an answer.
        process.exitCode = 2;
        return;
      }
      const result = await runQuery(embeddedSource(loaded.store), query, name, flags.format);
      await withOutput(flags.output, async (sink) => sink.write(result.output));
      note(`${loaded.graphs.size} bundle${loaded.graphs.size === 1 ? '' : 's'}${loaded.cached ? ` (${loaded.cached} from the cache)` : ''}, ${loaded.triples} triples${result.rows === undefined ? '' : `, ${result.rows} row${result.rows === 1 ? '' : 's'}`} (${((Date.now() - started) / 1000).toFixed(2)} s)`);
      process.exitCode = loaded.errors.length || loaded.empty.length ? 2 : 0;
    });
}
